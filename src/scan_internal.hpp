#pragma once
// Pieces of the scan stage shared by the HTML, text and Markdown scanners (private).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text_util.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck::detail {

/// A byte range [first, second) of the document already claimed by an embed.
using Range = std::pair<std::size_t, std::size_t>;

struct ScanContext {
  std::string_view name;
  std::string_view text; ///< the whole UTF-8 document; positions are computed on it
  const LineIndex& lines;
};

/// Sets `where` from a byte offset and fills derived fields (ISO date, entities).
void finish_post(const ScanContext& ctx, std::size_t offset, Post& post);

/// "— Name (@handle)" at the end of a text: where it starts, the name and the handle.
struct Credit {
  std::size_t start = 0;
  std::string name;
  std::string handle; ///< empty when the credit is cut short ("(@sp" at the end of a file)
};
/// Parses a credit line ending `body` (trailing white space ignored).
std::optional<Credit> parse_credit_tail(std::string_view body);

/// Cheap check on the raw markup: false only when no tag or text could be an embed.
bool html_may_hold_embed(std::string_view html);

/// Scans HTML markup. `html` has the same length as ctx.text (Markdown passes a masked copy).
/// `bare_urls`: also report status URLs standing alone in a block (WordPress auto-embeds).
void scan_html(const ScanContext& ctx, std::string_view html, bool bare_urls, std::vector<Post>& posts,
               std::vector<Range>& claimed);

/// Scans plain text lines for flattened posts ("…text… — Name (@handle) Date") and bare status
/// URLs on their own line. `markdown`: strip "> " quote markers and read [date](url) links.
void scan_text(const ScanContext& ctx, std::string_view text, bool markdown, std::vector<Post>& posts,
               const std::vector<Range>& claimed);

/// Hugo, Jekyll/Liquid and WordPress shortcodes.
void scan_shortcodes(const ScanContext& ctx, std::string_view text, std::vector<Post>& posts);

/// Blanks (with spaces, keeping newlines and byte offsets) what Markdown never renders:
/// front matter, fenced and indented code, inline code spans and HTML comments.
std::string mask_markdown(std::string_view text);

} // namespace tweetcheck::detail
