// The scan stage's entry: picks the scanner for a document's format and fills the fields every post shares.
#include "tweetcheck/scan.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>

#include "scan/charset.hpp"
#include "scan/feed.hpp"
#include "scan/post_url.hpp"
#include "scan/scan_internal.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/entities.hpp"

namespace tweetcheck {

std::string_view to_string(Platform p) {
  switch (p) {
  case Platform::twitter: return "twitter";
  case Platform::bluesky: return "bluesky";
  case Platform::mastodon: return "mastodon";
  case Platform::threads: return "threads";
  case Platform::instagram: return "instagram";
  case Platform::facebook: return "facebook";
  }
  return "twitter";
}

std::string_view to_string(EmbedForm f) {
  switch (f) {
  case EmbedForm::blockquote: return "blockquote";
  case EmbedForm::rendered: return "rendered";
  case EmbedForm::amp: return "amp";
  case EmbedForm::text: return "text";
  case EmbedForm::shortcode: return "shortcode";
  case EmbedForm::url: return "url";
  case EmbedForm::quote: return "quote";
  }
  return "blockquote";
}

std::string_view to_string(InputFormat f) {
  switch (f) {
  case InputFormat::auto_detect: return "auto";
  case InputFormat::html: return "html";
  case InputFormat::text: return "text";
  case InputFormat::markdown: return "markdown";
  case InputFormat::feed: return "feed";
  }
  return "auto";
}

namespace detail {

void set_position(const ScanContext& ctx, std::size_t offset, Post& post) {
  post.offset = offset;
  post.where.file = std::string(ctx.name);
  post.where.line = ctx.lines().line_of(offset);
  post.where.column = ctx.lines().column_of(offset);
}

void finish_post(const ScanContext& ctx, std::size_t offset, Post& post) {
  set_position(ctx, offset, post);
  if (post.date_text) {
    post.date = parse_date_text(*post.date_text);
  }
  if (post.text) {
    for (const Entity& e : extract_hashtags(*post.text)) post.hashtags.push_back(e.value);
    for (const Entity& e : extract_mentions(*post.text)) post.mentions.push_back(e.value);
    for (const Entity& e : extract_cashtags(*post.text)) post.cashtags.push_back(e.value);
  }
}

Post post_from_url(const PostUrl& url, EmbedForm form) {
  Post post;
  post.platform = url.platform;
  post.form = form;
  post.status_id = url.status_id;
  post.status_url = url.url;
  if (!url.handle.empty()) post.handle = url.handle;
  return post;
}

std::optional<Credit> parse_credit_tail(std::string_view body) {
  const std::string_view b = trim(body);
  if (b.empty() || b.back() != ')') return std::nullopt;
  const std::size_t open = b.rfind('(');
  if (open == std::string_view::npos) return std::nullopt;
  const std::string_view inner = trim(b.substr(open + 1, b.size() - open - 2));
  if (inner.size() < 2 || inner.front() != '@') return std::nullopt;
  const std::string_view handle = inner.substr(1);
  for (char c : handle) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == ':')) {
      return std::nullopt;
    }
  }
  const std::size_t nl = b.rfind('\n', open);
  const std::size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
  const std::string_view line = b.substr(line_start, open - line_start);
  static constexpr std::string_view k_dashes[] = {"\xE2\x80\x94", "\xE2\x80\x95", "\xE2\x80\x93", "--", "- "};
  std::size_t dash = std::string_view::npos, dash_len = 0;
  for (std::string_view d : k_dashes) {
    const std::size_t p = line.rfind(d);
    if (p != std::string_view::npos && (dash == std::string_view::npos || p > dash) &&
        (d != "- " || p == 0 || line[p - 1] == ' ')) {
      dash = p;
      dash_len = d == "- " ? 1 : d.size();
    }
  }
  Credit c;
  c.handle = std::string(handle);
  const std::size_t base = static_cast<std::size_t>(b.data() - body.data());
  if (dash != std::string_view::npos) {
    c.start = base + line_start + dash;
    c.name = trim_copy(line.substr(dash + dash_len));
  } else {
    c.start = base + line_start;
    c.name = trim_copy(line);
  }
  return c;
}

std::optional<Credit> parse_dated_credit(std::string_view body) {
  const std::string_view b = trim(body);
  const std::size_t nl = b.rfind('\n');
  const std::string_view line = nl == std::string_view::npos ? b : b.substr(nl + 1);
  const std::size_t at = line.rfind("(@");
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t close = line.find(')', at);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view date = trim(line.substr(close + 1));
  if (date.empty() || date.size() > 60 || !parse_date_text(date)) return std::nullopt;
  const std::size_t head = static_cast<std::size_t>(line.data() - body.data()) + close + 1;
  auto c = parse_credit_tail(body.substr(0, head));
  // Only a credit that opens with a dash: "Name (@handle) Date" alone may be prose.
  if (!c) return std::nullopt;
  const std::string_view opener = body.substr(c->start, 3);
  if (!(opener.rfind("\xE2\x80", 0) == 0 || opener.rfind("-", 0) == 0)) return std::nullopt;
  c->date_text = std::string(date);
  return c;
}

bool is_post_id(std::string_view v) {
  if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const std::uint64_t id = std::stoull(std::string(v));
  constexpr std::uint64_t k_last_sequential = 29700859247ULL; // the last pre-Snowflake ID
  constexpr std::uint64_t k_epoch_ms = 1288834974657ULL;
  constexpr std::uint64_t k_year_2032_ms = 1956528000000ULL;
  if (id < 20) return false;
  if (id < k_last_sequential) return true;
  return (id >> 22) <= k_year_2032_ms - k_epoch_ms;
}

} // namespace detail

namespace {

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) {
  for (std::string_view n : needles) {
    if (text.find(n) != std::string_view::npos) return true;
  }
  return false;
}

/// Cheap check before parsing: pages without any of these strings hold no embed.
bool may_hold_html_embed(std::string_view text) {
  // Every embed shape carries one of these: an embed class, a tweet-ID attribute or a permalink.
  return contains_any(text, {"twitter-tweet", "twitter-video", "tweet-id", "tweetid", "tweetId", "/status/",
                             "/statuses/", "amp-twitter", "bluesky", "mastodon", "instagr", "text-post-media",
                             "fb-post", "threads.net", "platform.twitter.com/embed", "platform.x.com/embed"});
}

ScanResult scan_impl(const Document& doc);

/// A feed: each item's content is scanned on its own, and positions are mapped back into the file.
ScanResult scan_feed(const Document& doc) {
  ScanResult result;
  std::string warning;
  auto items = detail::read_feed(doc.name, doc.content, &warning);
  if (!warning.empty()) {
    Diagnostic d;
    d.where.file = doc.name;
    d.message = warning + " (read as far as a recovering parser could)";
    result.diagnostics.push_back(std::move(d));
  }
  if (!items) {
    Diagnostic d;
    d.where.file = doc.name;
    d.message = items.error().message;
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  const detail::LineIndex lines(doc.content);
  for (const detail::FeedItem& item : *items) {
    if (item.content.empty()) continue;
    Document sub;
    sub.name = doc.name;
    sub.format = item.format;
    sub.content = item.content;
    ScanResult r = scan_impl(sub);
    for (Post& p : r.posts) {
      const std::size_t raw = item.raw_offset(p.offset);
      p.offset = raw;
      p.where.file = doc.name;
      p.where.line = lines.line_of(raw);
      p.where.column = lines.column_of(raw);
      result.posts.push_back(std::move(p));
    }
    for (Diagnostic& d : r.diagnostics) result.diagnostics.push_back(std::move(d));
  }
  std::stable_sort(result.posts.begin(), result.posts.end(),
                   [](const Post& a, const Post& b) { return a.offset < b.offset; });
  return result;
}

ScanResult scan_impl(const Document& doc) {
  ScanResult result;
  const InputFormat format = doc.format == InputFormat::auto_detect ? detect_format(doc.name, doc.content) : doc.format;
  if (format == InputFormat::feed) return scan_feed(doc);
  // Most pages of an archive hold no embed: decide that on the raw bytes, before decoding.
  // The markers are ASCII, so this holds for every ASCII-compatible encoding; UTF-16 (told by
  // its byte order mark) is decoded first.
  const std::string_view raw = doc.content;
  const bool utf16 = raw.substr(0, 2) == "\xFF\xFE" || raw.substr(0, 2) == "\xFE\xFF";
  std::vector<detail::ParseSpan> spans;
  if (format == InputFormat::html && !utf16 && !detail::html_may_hold_embed(raw, nullptr, &spans)) {
    return result;
  }
  // Valid UTF-8 (most pages) is scanned where it lies, without a copy.
  const detail::Decoded decoded = detail::decode_to_utf8(doc.content, format == InputFormat::html);
  if (decoded.replaced > 0) {
    Diagnostic d;
    d.where.file = doc.name;
    d.message = "read as " + decoded.encoding + "; " + std::to_string(decoded.replaced) +
                " invalid byte sequence(s) replaced by U+FFFD";
    result.diagnostics.push_back(std::move(d));
  }
  const std::string_view text = decoded.utf8();
  const detail::ScanContext ctx(doc.name, text);
  std::vector<detail::Range> claimed;
  std::vector<Post>& posts = result.posts;
  // Posts left out because their embed ran past a bound of the parse (scan_internal.hpp).
  std::size_t too_large = 0, too_large_at = 0;
  auto scan_spans = [&](std::string_view html, bool bare_urls) {
    for (const detail::ParseSpan& sp : spans) {
      detail::scan_html(ctx, html.substr(sp.begin, sp.end - sp.begin), sp.begin, bare_urls, posts, claimed, sp.cut);
      if (sp.too_large > 0 && too_large == 0) too_large_at = sp.too_large_at;
      too_large += sp.too_large;
    }
  };
  switch (format) {
  case InputFormat::feed: break;
  case InputFormat::html:
  case InputFormat::auto_detect:
    // A converted copy (a BOM, UTF-16, legacy encodings) has other offsets: look at it again.
    if (text.data() != raw.data() && !detail::html_may_hold_embed(text, nullptr, &spans)) break;
    scan_spans(text, true);
    break;
  case InputFormat::markdown: {
    const std::string masked = detail::mask_markdown(text);
    if (masked.find('<') != std::string::npos && may_hold_html_embed(masked) &&
        detail::html_may_hold_embed(masked, nullptr, &spans)) {
      scan_spans(masked, false);
    }
    detail::scan_shortcodes(ctx, masked, posts);
    detail::scan_text(ctx, masked, true, posts, claimed);
    detail::scan_markdown_quotes(ctx, masked, posts);
    break;
  }
  case InputFormat::text:
    if (contains_any(text, {"<blockquote", "<iframe", "<amp-twitter", "<div"}) &&
        detail::html_may_hold_embed(text, nullptr, &spans)) {
      scan_spans(text, false);
    }
    detail::scan_shortcodes(ctx, text, posts);
    detail::scan_text(ctx, text, false, posts, claimed);
    break;
  }
  if (too_large > 0) {
    Diagnostic d;
    d.where.file = doc.name;
    d.where.line = ctx.lines().line_of(too_large_at);
    d.where.column = ctx.lines().column_of(too_large_at);
    d.message = "embed too large to parse (its markup runs past " + std::to_string(detail::k_max_parse_bytes >> 20) +
                " MiB or nests deeper than " + std::to_string(detail::k_max_parse_depth) +
                " elements): " + std::to_string(too_large) + " embed(s) not reported";
    result.diagnostics.push_back(std::move(d));
  }
  std::stable_sort(posts.begin(), posts.end(), [](const Post& a, const Post& b) { return a.offset < b.offset; });
  return result;
}

} // namespace

InputFormat detect_format(std::string_view name, std::string_view content) {
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos && name.find('/', dot) == std::string_view::npos) {
    const std::string ext = detail::ascii_lower(name.substr(dot + 1));
    if (ext == "md" || ext == "markdown" || ext == "mdx") return InputFormat::markdown;
    if (ext == "txt" || ext == "text") return InputFormat::text;
    if (ext == "html" || ext == "htm" || ext == "xhtml" || ext == "shtml") return InputFormat::html;
  }
  if (detail::looks_like_feed(name, content)) return InputFormat::feed;
  const std::string head = detail::ascii_lower(content.substr(0, 2048));
  for (std::string_view marker : {"<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<p ", "<article"}) {
    if (head.find(marker) != std::string::npos) return InputFormat::html;
  }
  if (head.rfind("---\n", 0) == 0 || head.find("{{<") != std::string::npos || head.find("\n# ") != std::string::npos) {
    return InputFormat::markdown;
  }
  return InputFormat::text;
}

ScanResult scan(const Document& doc) {
  try {
    return scan_impl(doc);
  } catch (const std::exception& e) {
    // Exceptions never cross the public API: report what happened as a diagnostic.
    ScanResult r;
    Diagnostic d;
    d.where.file = doc.name;
    d.message = std::string("scan failed: ") + e.what();
    r.diagnostics.push_back(std::move(d));
    return r;
  }
}

} // namespace tweetcheck
