// Flattened posts in plain text and Markdown: the post's lines followed by a credit line
// "— Name (@handle) Date", and bare status URLs on their own line.
#include <algorithm>
#include <cctype>

#include "scan/post_url.hpp"
#include "scan/scan_internal.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/entities.hpp"

namespace tweetcheck::detail {

namespace {

// Dashes that open a credit line, longest first.
constexpr std::string_view k_dashes[] = {
    "&mdash;", "&#8212;", "\xE2\x80\x94" /* — */, "\xE2\x80\x95" /* ― */, "\xE2\x80\x93" /* – */, "--", "-"};

/// The last dash in `s` that stands after white space or at the start: its offset and length.
std::optional<std::pair<std::size_t, std::size_t>> last_dash(std::string_view s) {
  std::optional<std::pair<std::size_t, std::size_t>> best;
  for (std::string_view d : k_dashes) {
    for (std::size_t p = s.rfind(d); p != std::string_view::npos; p = p ? s.rfind(d, p - 1) : std::string_view::npos) {
      const bool before_ok =
          p == 0 || s[p - 1] == ' ' || s[p - 1] == '\t' ||
          (p >= 2 && static_cast<unsigned char>(s[p - 2]) == 0xC2 && static_cast<unsigned char>(s[p - 1]) == 0xA0);
      const std::size_t e = p + d.size();
      // A plain hyphen must be followed by white space ("Jean-Luc" is a name).
      const bool after_ok = d != "-" || (e < s.size() && (s[e] == ' ' || s[e] == '\t'));
      if (before_ok && after_ok) {
        if (!best || p > best->first) best = std::make_pair(p, d.size());
        break;
      }
      if (p == 0) break;
    }
  }
  return best;
}

bool is_handle_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Line {
  std::size_t begin = 0;   ///< offset of the line in the document
  std::size_t content = 0; ///< offset of the content (after Markdown quote markers)
  std::string_view text;   ///< the content, without the line break
  bool quoted = false;     ///< inside a Markdown block quote
  bool blank() const { return trim(text).empty(); }
};

std::vector<Line> split_lines(std::string_view doc, bool markdown) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos <= doc.size()) {
    std::size_t nl = doc.find('\n', pos);
    if (nl == std::string_view::npos) nl = doc.size();
    std::string_view raw = doc.substr(pos, nl - pos);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::size_t c = 0;
    if (markdown) {
      // Up to three spaces, then '>' markers each with an optional space.
      std::size_t k = 0;
      while (k < raw.size() && k < 3 && raw[k] == ' ') ++k;
      if (k < raw.size() && raw[k] == '>') {
        while (k < raw.size() && raw[k] == '>') {
          ++k;
          if (k < raw.size() && raw[k] == ' ') ++k;
          while (k < raw.size() && raw[k] == ' ' && k + 1 < raw.size() && raw[k + 1] == '>') ++k;
        }
        c = k;
      }
    }
    lines.push_back({pos, pos + c, raw.substr(c), c > 0});
    if (nl == doc.size()) break;
    pos = nl + 1;
  }
  return lines;
}

struct CreditMatch {
  std::size_t dash = 0; ///< offset in the line content
  std::string name;
  std::string handle;
  std::optional<std::string> date_text;
  std::optional<PostUrl> url;
};

/// "[June 30, 2014](https://twitter.com/…)" → date text and URL.
bool markdown_link(std::string_view s, std::string& label, std::string& target) {
  s = trim(s);
  if (s.size() < 4 || s.front() != '[') return false;
  const auto close = s.find("](");
  if (close == std::string_view::npos || s.back() != ')') return false;
  label = trim_copy(s.substr(1, close - 1));
  target = trim_copy(s.substr(close + 2, s.size() - close - 3));
  return true;
}

std::optional<CreditMatch> match_credit(std::string_view line, bool at_end_of_file) {
  for (std::size_t p = line.rfind("(@"); p != std::string_view::npos;
       p = p ? line.rfind("(@", p - 1) : std::string_view::npos) {
    std::size_t e = p + 2;
    while (e < line.size() && is_handle_char(line[e])) ++e;
    const std::string_view handle = line.substr(p + 2, e - p - 2);
    const auto dash = last_dash(line.substr(0, p));
    if (!dash) {
      if (p == 0) break;
      continue;
    }
    CreditMatch m;
    m.dash = dash->first;
    m.name = trim_copy(line.substr(dash->first + dash->second, p - dash->first - dash->second));
    if (e >= line.size() && at_end_of_file) {
      // Cut short at the very end of the document ("… — Name (@sp"): a post, its handle unknown.
      return m;
    }
    if (e >= line.size() || line[e] != ')' || handle.empty() || handle.size() > 15) {
      if (p == 0) break;
      continue;
    }
    m.handle = std::string(handle);
    std::string_view rest = trim(line.substr(e + 1));
    std::string label, target;
    if (markdown_link(rest, label, target)) {
      m.url = find_post_url(target);
      rest = label;
    } else {
      // A permalink may follow the date.
      const auto http = rest.find("http");
      if (http != std::string_view::npos) {
        m.url = find_post_url(rest.substr(http));
        rest = trim(rest.substr(0, http));
      }
    }
    if (rest.empty() || !parse_date_text(rest)) {
      if (p == 0) break;
      continue; // "— John (@john) said …" is prose, not a credit line
    }
    m.date_text = std::string(rest);
    return m;
  }
  return std::nullopt;
}

bool inside(const std::vector<Range>& claimed, std::size_t offset) {
  return std::any_of(claimed.begin(), claimed.end(),
                     [&](const Range& r) { return offset >= r.first && offset < r.second; });
}

std::size_t display_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    next_code_point(s, i);
    ++n;
  }
  return n;
}

std::string strip_hard_break(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.back() == '\\') s.remove_suffix(1);
  return trim_copy(s);
}

bool is_heading(std::string_view s) {
  s = trim(s);
  return !s.empty() && s.front() == '#' && (s.size() == 1 || s[1] == '#' || s[1] == ' ');
}

constexpr std::size_t k_max_post_length = 280;

} // namespace

void scan_text(const ScanContext& ctx, std::string_view text, bool markdown, std::vector<Post>& posts,
               const std::vector<Range>& claimed, bool bare_urls, const TextStructure* structure) {
  std::vector<Range>* credit_lines = structure ? structure->credit_lines : nullptr;
  const std::vector<Line> lines = split_lines(text, markdown);
  std::vector<bool> used(lines.size(), false);
  std::vector<bool> credit_line(lines.size(), false);
  std::size_t last_text_line = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].blank()) last_text_line = i;
  }

  // First pass: which lines are credit lines (they bound the text of the posts around them).
  std::vector<std::optional<CreditMatch>> credits(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (l.text.find("(@") == std::string_view::npos || inside(claimed, l.content)) continue;
    credits[i] = match_credit(l.text, i == last_text_line);
    credit_line[i] = credits[i].has_value();
  }

  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (!credits[i]) {
      // A status URL alone on its line.
      if (bare_urls && l.text.find("status") != std::string_view::npos && !inside(claimed, l.content)) {
        if (auto u = whole_status_url(l.text)) {
          Post post = post_from_url(*u, EmbedForm::url);
          const std::size_t lead = static_cast<std::size_t>(trim(l.text).data() - l.text.data());
          finish_post(ctx, l.content + lead, post);
          posts.push_back(std::move(post));
          if (credit_lines) credit_lines->emplace_back(SIZE_MAX, SIZE_MAX);
          used[i] = true;
        }
      }
      continue;
    }
    const CreditMatch& c = *credits[i];
    used[i] = true;
    // The post's text: the block of lines right above the credit (or before it on its line),
    // extended to earlier paragraphs while it could still be one post.
    std::vector<std::pair<std::size_t, std::string>> parts; // (offset, text), in reverse order
    const std::string inline_text = strip_hard_break(l.text.substr(0, c.dash));
    std::size_t length = 0;
    if (!inline_text.empty()) {
      const std::size_t lead = static_cast<std::size_t>(trim(l.text).data() - l.text.data());
      parts.emplace_back(l.content + lead, inline_text);
      length += display_length(inline_text);
    }
    std::size_t j = i;
    int blank_run = 0;
    bool block_has_lines = !inline_text.empty();
    const std::size_t floor = structure && structure->text_floor ? structure->text_floor(l.content) : 0;
    while (j > 0) {
      const std::size_t k = j - 1;
      const Line& pl = lines[k];
      if (used[k] || credit_line[k] || inside(claimed, pl.content) || pl.quoted != l.quoted || pl.content < floor)
        break;
      if (pl.blank()) {
        ++blank_run;
        if (blank_run > 2) break;
        j = k;
        continue;
      }
      const std::string t = strip_hard_break(pl.text);
      if (blank_run > 0 || !block_has_lines) {
        // A new paragraph: take it only while the whole still fits one post; an article
        // paragraph (longer than any post, or introducing it with ':') is not part of it.
        std::size_t block_len = 0;
        std::size_t m = k + 1;
        while (m > 0 && !lines[m - 1].blank() && !used[m - 1] && !credit_line[m - 1] &&
               lines[m - 1].quoted == l.quoted) {
          block_len += display_length(strip_hard_break(lines[m - 1].text)) + 1;
          --m;
        }
        const bool intro = block_has_lines && !t.empty() && t.back() == ':';
        if (length + block_len > k_max_post_length + 1 || intro || is_heading(t)) break;
        if (block_has_lines && blank_run > 0) parts.emplace_back(SIZE_MAX, std::string()); // paragraph break
      }
      if (is_heading(t)) break;
      blank_run = 0;
      const std::size_t lead = static_cast<std::size_t>(trim(pl.text).data() - pl.text.data());
      parts.emplace_back(pl.content + lead, t);
      length += display_length(t) + 1;
      block_has_lines = true;
      j = k;
    }
    std::reverse(parts.begin(), parts.end());
    while (!parts.empty() && parts.front().first == SIZE_MAX) parts.erase(parts.begin());
    std::string body;
    std::size_t start = SIZE_MAX;
    bool paragraph = false;
    for (const auto& [off, t] : parts) {
      if (off == SIZE_MAX) {
        paragraph = true;
        continue;
      }
      if (start == SIZE_MAX) start = off;
      if (!body.empty()) body += paragraph ? "\n\n" : "\n";
      paragraph = false;
      body += t;
    }
    for (std::size_t k = j; k < i; ++k) used[k] = true;

    Post post;
    post.platform = Platform::twitter;
    post.form = EmbedForm::text;
    if (!c.handle.empty()) post.handle = c.handle;
    if (!c.name.empty()) post.display_name = c.name;
    post.date_text = c.date_text;
    if (c.url && c.url->platform == Platform::twitter) {
      post.status_id = c.url->status_id;
      post.status_url = c.url->url;
      if (!post.handle && !c.url->handle.empty()) post.handle = c.url->handle;
    }
    if (!body.empty()) {
      post.text = body;
      for (const Entity& e : extract_urls(body)) {
        std::string url = e.value;
        if (!starts_with_icase(url, "http://") && !starts_with_icase(url, "https://")) url = "https://" + url;
        post.links.push_back({url, e.value});
      }
    }
    const std::size_t offset = start != SIZE_MAX ? start : l.content + c.dash;
    finish_post(ctx, offset, post);
    posts.push_back(std::move(post));
    if (credit_lines) credit_lines->emplace_back(l.content, l.content + l.text.size());
  }
}

} // namespace tweetcheck::detail
