#pragma once
// Pieces of the scan stage shared by the HTML, text and Markdown scanners (private).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text_util.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck::detail {

/// A byte range [first, second) of the document already claimed by an embed.
using Range = std::pair<std::size_t, std::size_t>;

struct ScanContext {
  std::string_view name;
  std::string_view text; ///< the whole UTF-8 document; positions are computed on it
  /// Built on first use: most documents hold no post and never need positions.
  const LineIndex& lines() const {
    if (!m_lines) m_lines.emplace(text);
    return *m_lines;
  }

private:
  mutable std::optional<LineIndex> m_lines;

public:
  ScanContext(std::string_view n, std::string_view t) : name(n), text(t) {}
};

struct PostUrl;
/// A post standing for a permalink (bare URLs, shortcodes): platform, ID, URL and handle.
Post post_from_url(const PostUrl& url, EmbedForm form);

/// Sets `where` from a byte offset and fills derived fields (ISO date, entities).
void finish_post(const ScanContext& ctx, std::size_t offset, Post& post);

/// "— Name (@handle)" at the end of a text: where it starts, the name and the handle.
struct Credit {
  std::size_t start = 0;
  std::string name;
  std::string handle;    ///< empty when the credit is cut short ("(@sp" at the end of a file)
  std::string date_text; ///< parse_dated_credit only
};
/// Parses a credit line ending `body` (trailing white space ignored).
std::optional<Credit> parse_credit_tail(std::string_view body);
/// Parses a credit line with its date, "— Name (@handle) Date", as the last line of `body`
/// (the date must read as one).
std::optional<Credit> parse_dated_credit(std::string_view body);

/// True when `v` is a Twitter status ID: digits only, in the pre-Snowflake range (from 20) or a
/// Snowflake ID whose timestamp lies between the Snowflake epoch (2010-11-04) and 2032.
bool is_post_id(std::string_view v);

/// Attributes whose value "twitter" (or "x", "tweet") marks a CMS embed wrapper.
inline constexpr std::string_view k_provider_attributes[] = {"data-provider", "data-type",    "data-embed-type",
                                                             "data-platform", "data-network", "data-embed"};

/// Cheap check on the raw markup: false only when no tag or text could be an embed.
/// A part [begin, end) of a page that a parse must see to find the embeds in it with the context
/// the tree rules look at.
struct ParseSpan {
  std::size_t begin = 0, end = 0;
  /// Ended at a bound (k_max_parse_bytes, k_max_parse_depth) before the context of its last
  /// candidate closed: elements still open at `end` are too large to parse.
  bool cut = false;
  /// Embeds begun in the span and still open where it was cut (too large to parse), and where
  /// the first of them begins. What follows inside them is not parsed, but for embeds nested in
  /// them.
  std::size_t too_large = 0, too_large_at = 0;
};

/// Bounds on what one Gumbo parse sees, so that scan time stays linear and memory bounded
/// whatever the page. The tree rules look at most k_context_levels above an embed.
inline constexpr std::size_t k_context_levels = 8;
/// A span never reaches further back than this before the candidate that opened it (a page of
/// 100 MB with an embed at its end parses the embed, not the page).
inline constexpr std::size_t k_context_bytes = 1u << 20;
/// A new candidate joins the current span while the span is at most this long; past it, it
/// starts a new span.
inline constexpr std::size_t k_span_join_bytes = 2u << 20;
/// No span is longer than this: an embed (or its context) still open here is cut, and its post
/// is reported as a diagnostic, "embed too large to parse".
inline constexpr std::size_t k_max_parse_bytes = 8u << 20;
/// Nor nested deeper than this many elements below its start (the parser's work grows with
/// depth times length): the span is cut where the nesting goes deeper.
inline constexpr std::size_t k_max_parse_depth = 256;

/// `why`, when given, says what made the page a candidate; `spans`, when given, receives the
/// parts to parse, in order and disjoint (the whole page is looked at then, not only up to the
/// first candidate). Linear in the size of `html`.
bool html_may_hold_embed(std::string_view html, std::string* why = nullptr, std::vector<ParseSpan>* spans = nullptr);

/// Scans HTML markup: `html` is the part of the document that starts at byte `base` (Markdown
/// passes a masked copy of the same length). `bare_urls`: also report status URLs standing alone
/// in a block (WordPress auto-embeds). `cut`: the part ends at a bound; a post whose element is
/// still open at its end is not reported (its text would be cut short).
void scan_html(const ScanContext& ctx, std::string_view html, std::size_t base, bool bare_urls,
               std::vector<Post>& posts, std::vector<Range>& claimed, bool cut = false);

/// What the HTML scanner knows of the structure behind the text it gives to scan_text (the page's
/// text as a reader sees it).
struct TextStructure {
  /// For a credit line at an offset of the text, the lowest offset its post's text may start at:
  /// the start of the quotation element that holds the credit line (0 when none does). A post
  /// quoted in a <blockquote> never takes its text from the paragraphs before the quotation.
  std::function<std::size_t(std::size_t)> text_floor;
  /// Receives, for each post scan_text reports, the [begin, end) of its credit line in the text
  /// ({SIZE_MAX, SIZE_MAX} for a bare status URL), in the order of the posts.
  std::vector<Range>* credit_lines = nullptr;
};

/// An HTML fragment as a reader sees it (a source's post content: Mastodon's `content`), read by
/// the same flattening as embed text: blocks and <br> as line breaks, white space collapsed.
struct HtmlText {
  struct Anchor {
    std::string href;
    std::string text;  ///< its flattened text (as `text` holds it)
    std::string shown; ///< what it displays: `invisible` spans left out, `…` after an `ellipsis` span
  };
  std::string text;
  std::vector<Anchor> links; ///< every <a>, in order
};
HtmlText html_to_text(std::string_view html);

/// Scans plain text lines for flattened posts ("…text… — Name (@handle) Date") and bare status
/// URLs on their own line. `markdown`: strip "> " quote markers and read [date](url) links.
/// `bare_urls`: also report status URLs alone on a line (off for the text of an HTML page, whose
/// bare URLs the HTML scanner reports). `structure`, when given, bounds and reports the posts.
void scan_text(const ScanContext& ctx, std::string_view text, bool markdown, std::vector<Post>& posts,
               const std::vector<Range>& claimed, bool bare_urls = true, const TextStructure* structure = nullptr);

/// Sets `where` and `offset` of a post from a byte offset of the document.
void set_position(const ScanContext& ctx, std::size_t offset, Post& post);

/// Posts quoted in Markdown prose (form quote), by the same rules as in HTML; `text` is the
/// masked Markdown.
void scan_markdown_quotes(const ScanContext& ctx, std::string_view text, std::vector<Post>& posts);

/// Hugo, Jekyll/Liquid and WordPress shortcodes.
void scan_shortcodes(const ScanContext& ctx, std::string_view text, std::vector<Post>& posts);

/// Blanks (with spaces, keeping newlines and byte offsets) what Markdown never renders:
/// front matter, fenced and indented code, inline code spans and HTML comments.
std::string mask_markdown(std::string_view text);

} // namespace tweetcheck::detail
