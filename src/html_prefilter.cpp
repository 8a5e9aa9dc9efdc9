// A fast pass over HTML tags that decides whether a page can hold an embed at all, so that the
// full parse (Gumbo) runs only where it can find something. It over-approximates the detection
// rules of scan_html.cpp: any tag or text that one of them could act on makes the page a
// candidate; comments and raw text (script, style, template, textarea, title) are skipped as the
// parser would.
#include <cctype>
#include <cstring>
#include <string_view>

#include "scan_internal.hpp"

namespace tweetcheck::detail {

namespace {

bool ieq(std::string_view a, std::string_view b) { return iequals(a, b); }

bool has_status_url(std::string_view v) {
  return v.find("/status/") != std::string_view::npos || v.find("/statuses/") != std::string_view::npos ||
         v.find("/status\\/") != std::string_view::npos;
}

struct Flags {
  bool status_attr = false; ///< a status URL in some attribute (wrappers link their permalink)
  bool named = false;       ///< an element whose class/id/label names a tweet or Twitter
};

/// Looks at one start tag's name and attributes. Returns true when it is an embed by itself.
bool tag_is_candidate(std::string_view name, std::string_view attrs, Flags& f) {
  if (ieq(name, "amp-twitter") || ieq(name, "twitterwidget")) return true;
  // Links and images are never embeds themselves (share buttons often carry embed classes);
  // only the permalinks they point to matter.
  if (ieq(name, "a") || ieq(name, "link") || ieq(name, "img")) {
    if (has_status_url(attrs)) f.status_attr = true;
    return f.status_attr && f.named;
  }
  const bool blockquote = ieq(name, "blockquote");
  const bool iframe = ieq(name, "iframe");
  std::size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && (attrs[i] == ' ' || attrs[i] == '\t' || attrs[i] == '\n' || attrs[i] == '\r' ||
                                attrs[i] == '/' || attrs[i] == '\f')) {
      ++i;
    }
    std::size_t n0 = i;
    while (i < attrs.size() && attrs[i] != '=' && attrs[i] != ' ' && attrs[i] != '\t' && attrs[i] != '\n' &&
           attrs[i] != '\r' && attrs[i] != '/' && attrs[i] != '\f') {
      ++i;
    }
    const std::string_view an = attrs.substr(n0, i - n0);
    while (i < attrs.size() && (attrs[i] == ' ' || attrs[i] == '\t' || attrs[i] == '\n' || attrs[i] == '\r')) ++i;
    std::string_view av;
    if (i < attrs.size() && attrs[i] == '=') {
      ++i;
      while (i < attrs.size() && (attrs[i] == ' ' || attrs[i] == '\t' || attrs[i] == '\n' || attrs[i] == '\r')) ++i;
      if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
        const char q = attrs[i];
        const std::size_t close = attrs.find(q, i + 1);
        const std::size_t e = close == std::string_view::npos ? attrs.size() : close;
        av = attrs.substr(i + 1, e - i - 1);
        i = e + 1;
      } else {
        const std::size_t s = i;
        while (i < attrs.size() && attrs[i] != ' ' && attrs[i] != '\t' && attrs[i] != '\n' && attrs[i] != '\r') ++i;
        av = attrs.substr(s, i - s);
      }
    }
    if (an.empty()) {
      if (i < attrs.size()) ++i;
      continue;
    }
    if (ieq(an, "class")) {
      if (icontains(av, "twitter-tweet") || icontains(av, "twitter-video") || icontains(av, "bluesky-embed") ||
          icontains(av, "mastodon-embed") || icontains(av, "instagram-media") || icontains(av, "text-post-media") ||
          icontains(av, "fb-post") || (blockquote && icontains(av, "instagram"))) {
        return true;
      }
      if (icontains(av, "tweet") || icontains(av, "twitter")) f.named = true;
    } else if (ieq(an, "id")) {
      if (icontains(av, "tweet")) f.named = true;
    } else if (ieq(an, "aria-label")) {
      if (icontains(av, "social media post")) f.named = true;
    } else if (ieq(an, "data-tweetid") || ieq(an, "data-tweet-id") || ieq(an, "data-tweet") ||
               ieq(an, "data-bluesky-uri") || ieq(an, "data-instgrm-permalink") ||
               ieq(an, "data-text-post-permalink")) {
      return true;
    } else if (starts_with_icase(an, "data-")) {
      if (ieq(av, "twitter") || ieq(av, "x") || ieq(av, "tweet")) return true; // data-provider="Twitter"
    }
    if (iframe && ieq(an, "src") &&
        (av.find("/embed") != std::string_view::npos || av.find("/@") != std::string_view::npos)) {
      if (av.find("platform.twitter.com") != std::string_view::npos || av.find("platform.x.com") != std::string_view::npos ||
          av.find("/@") != std::string_view::npos) {
        return true;
      }
    }
    if (!av.empty() && has_status_url(av)) f.status_attr = true;
    if (f.status_attr && f.named) return true;
  }
  return false;
}

} // namespace

bool html_may_hold_embed(std::string_view html) {
  Flags f;
  std::size_t i = 0;
  const std::size_t n = html.size();
  while (i < n) {
    const char* lt = static_cast<const char*>(std::memchr(html.data() + i, '<', n - i));
    const std::size_t next = lt ? static_cast<std::size_t>(lt - html.data()) : n;
    // Text between tags: a bare status URL may stand there.
    if (next > i && has_status_url(html.substr(i, next - i))) return true;
    if (!lt) break;
    i = next;
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t e = html.find("-->", i + 4);
      if (e == std::string_view::npos) return false;
      i = e + 3;
      continue;
    }
    std::size_t j = i + 1;
    if (j < n && (html[j] == '!' || html[j] == '?' || html[j] == '/')) {
      const std::size_t e = html.find('>', j);
      if (e == std::string_view::npos) break;
      i = e + 1;
      continue;
    }
    const std::size_t name_start = j;
    while (j < n && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-' || html[j] == ':')) ++j;
    if (j == name_start) {
      ++i;
      continue;
    }
    const std::string_view name = html.substr(name_start, j - name_start);
    // The end of the tag: the first '>' outside quotes.
    std::size_t k = j;
    char quote = 0;
    while (k < n) {
      const char c = html[k];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        // Quotes only open attribute values (after '=').
        std::size_t b = k;
        while (b > j && (html[b - 1] == ' ' || html[b - 1] == '\t' || html[b - 1] == '\n')) --b;
        if (b > j && html[b - 1] == '=') quote = c;
      } else if (c == '>') {
        break;
      }
      ++k;
    }
    if (k >= n) return true; // an unterminated tag: let the parser decide
    if (tag_is_candidate(name, html.substr(j, k - j), f)) return true;
    i = k + 1;
    // Raw text elements: their content is never markup.
    for (std::string_view raw : {"script", "style", "template", "textarea", "title", "xmp", "noscript"}) {
      if (ieq(name, raw)) {
        std::string close = "</";
        close.append(raw);
        std::size_t e = i;
        for (;;) {
          e = html.find("</", e);
          if (e == std::string_view::npos || starts_with_icase(html.substr(e), close)) break;
          e += 2;
        }
        if (e == std::string_view::npos) return false;
        i = e;
        break;
      }
    }
  }
  return false;
}

} // namespace tweetcheck::detail
