#pragma once
/// Plain data passed between the pipeline stages (collect -> scan -> resolve -> verify -> report).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweetcheck {

/// Where something stands in an input. Lines and columns start at 1; 0 means unknown.
/// Columns count Unicode code points of the (UTF-8 converted) line.
struct SourceSpan {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// How a document is to be read.
/// `feed`: RSS, Atom or JSON Feed; each item's content is scanned as HTML, positions point into the feed.
enum class InputFormat { auto_detect, html, text, markdown, feed };

/// One input document: its name (path, URL or "-") and its raw bytes (any encoding).
struct Document {
  std::string name;
  InputFormat format = InputFormat::auto_detect;
  std::string content;
};

enum class Platform { twitter, bluesky, mastodon, threads, instagram, facebook };

/// The shape in which the article carries the post.
enum class EmbedForm {
  blockquote, ///< embed markup with the post's text (or a site's wrapper around a permalink)
  rendered,   ///< what widgets.js/embed.js left behind (iframes, rendered wrappers)
  amp,        ///< <amp-twitter> and other AMP components
  text,       ///< flattened text ending in a "— Name (@handle) Date" credit line
  shortcode,  ///< Hugo, Jekyll/Liquid or WordPress shortcodes
  url,        ///< a bare status URL on its own line (WordPress auto-embed)
  quote,      ///< the post's words quoted in prose, tied to it by a status or profile link
};

/// A link as the article shows it.
struct Link {
  std::string url;
  std::string text;
};

/// One embedded post as the article shows it. Fields the article does not show are empty
/// optionals, never guesses.
struct Post {
  SourceSpan where;
  Platform platform = Platform::twitter;
  EmbedForm form = EmbedForm::blockquote;
  std::optional<std::string> handle; ///< without '@'; Bluesky: domain handle; Mastodon: user@instance
  std::optional<std::string> display_name;
  std::optional<std::string> date_text; ///< exactly as shown, possibly localised
  std::optional<std::string> date;      ///< ISO YYYY-MM-DD when date_text parses
  std::optional<std::string> status_id; ///< Twitter: numeric ID; Bluesky: at:// URI; others: permalink
  std::optional<std::string> status_url;
  std::optional<std::string> text;         ///< entities decoded, <br> as newline
  std::optional<std::string> content_hash; ///< Bluesky record CID, when the embed pins one
  std::vector<Link> links;
  std::vector<std::string> hashtags;
  std::vector<std::string> mentions;
  std::vector<std::string> cashtags;
  std::size_t offset = 0; ///< byte offset of the embed in the converted document (for ordering)
};

/// Something worth telling the user about an input that did not stop the scan.
struct Diagnostic {
  SourceSpan where;
  std::string message;
};

/// What scan() found in one document.
struct ScanResult {
  std::vector<Post> posts;
  std::vector<Diagnostic> diagnostics;
};

std::string_view to_string(Platform p);
std::string_view to_string(EmbedForm f);
std::string_view to_string(InputFormat f);

} // namespace tweetcheck
