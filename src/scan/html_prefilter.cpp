// A fast pass over HTML tags that decides whether a page can hold an embed at all, so that the
// full parse (Gumbo) runs only where it can find something. It over-approximates the detection
// rules of scan_html.cpp: any tag or text that one of them could act on makes the page a
// candidate; comments and raw text (script, style, template, textarea, title) are skipped as the
// parser would.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <vector>

#include "scan/scan_internal.hpp"

namespace tweetcheck::detail {

namespace {

/// Lower-cases ASCII into `out` (reused, so no allocation per tag).
std::string_view lowered(std::string_view in, std::string& out) {
  out.assign(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

/// "/status/", "/statuses/" and JS-escaped "/status\\/" all start with "/status".
bool has_status_url(std::string_view v) { return v.find("/status") != std::string_view::npos; }

/// `name` is lower case.
bool is_void(std::string_view name) {
  for (std::string_view v : {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                             "source", "track", "wbr"}) {
    if (name == v) return true;
  }
  return false;
}

/// Elements that break text into blocks (as the tree scanner's flattening does); `name` is lower case.
bool is_block(std::string_view name) {
  for (std::string_view b :
       {"p",  "div",    "li",         "ul",      "ol",      "h1",    "h2",     "h3",     "h4",    "h5",
        "h6", "figure", "figcaption", "section", "article", "aside", "header", "footer", "table", "tr",
        "td", "body",   "hr",         "dl",      "dd",      "dt",    "main",   "nav"}) {
    if (name == b) return true;
  }
  return false;
}

struct Tag {
  bool candidate = false; ///< an embed by itself
  bool named = false;     ///< class/id/label names a tweet or Twitter (a possible wrapper)
  bool permalink = false; ///< a status URL in one of its attributes
  std::string_view id;    ///< the first status ID among its attributes
};

/// Text that the bare-URL rule could act on: a line holding nothing but a URL with "/status".
/// `needle` in `hay` from `from` (glibc's memmem: fast where a needle's first byte is common).
std::size_t find_fast(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (from >= hay.size()) return std::string_view::npos;
  const void* p = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return p ? static_cast<std::size_t>(static_cast<const char*>(p) - hay.data()) : std::string_view::npos;
}

bool has_bare_url(std::string_view text, std::string_view needle) {
  // Each line is looked at once, however often the needle stands in it (linear in `text`).
  std::size_t line_end = 0;
  for (std::size_t p = find_fast(text, needle); p != std::string_view::npos; p = find_fast(text, needle, line_end)) {
    const std::size_t nl = text.rfind('\n', p);
    const std::size_t b = nl == std::string_view::npos ? 0 : nl + 1;
    const std::size_t e = std::min(text.find('\n', p), text.size());
    const std::string_view line = trim(text.substr(b, e - b));
    const bool url = line.size() > 2 && (line[0] == 'h' || line[0] == 'H' || line[0] == '/' || line[0] == '<' ||
                                         line[0] == '&'); // http(s)://, //, <url>, &lt;url&gt;
    if (url && line.find_first_of(" \t") == std::string_view::npos) return true;
    line_end = e + 1;
  }
  return false;
}

/// How many ASCII digits `v` starts with.
std::size_t digits(std::string_view v) {
  std::size_t k = 0;
  while (k < v.size() && v[k] >= '0' && v[k] <= '9') ++k;
  return k;
}

bool has_bare_status_url(std::string_view text) {
  // Every URL the rule accepts has a scheme or starts with "//".
  if (text.find("//") == std::string_view::npos) return false;
  return has_bare_url(text, "/status") || has_bare_url(text, "facebook.com/") || has_bare_url(text, "instagram.com/");
}

/// True when `s` holds nothing but white space (as trim() reads it); stops at the first other byte.
bool is_blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

/// Text that the flattened-post rule could act on: "(@handle)" followed closely by a date (digits).
bool has_credit_text(std::string_view text) {
  for (std::size_t p = text.find("(@"); p != std::string_view::npos; p = text.find("(@", p + 2)) {
    std::size_t e = p + 2;
    while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '_')) ++e;
    if (e == p + 2 || e >= text.size() || text[e] != ')') continue;
    const std::string_view after = text.substr(e + 1, 48);
    // The date follows as text, or in the next element (a permalink).
    if (after.find_first_of("0123456789") != std::string_view::npos || is_blank(text.substr(e + 1))) return true;
  }
  return false;
}

/// Text only: `html` without its tags (up to `limit` bytes of text).
std::string text_of(std::string_view html, std::size_t limit) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      out.push_back(c);
    if (out.size() >= limit) break;
  }
  return out;
}

/// Whether a tag's attributes link twitter.com or x.com.
bool twitter_href(std::string_view attrs) {
  const std::size_t h = attrs.find("href");
  if (h == std::string_view::npos) return false;
  const std::string_view href = attrs.substr(h, 200);
  for (std::string_view hh : {"//twitter.com/", "//www.twitter.com/", "//mobile.twitter.com/", "//m.twitter.com/",
                              "//x.com/", "//www.x.com/", "//mobile.x.com/"}) {
    if (href.find(hh) != std::string_view::npos) return true;
  }
  return false;
}

/// A twitter.com/x.com link to a status or a profile (not a share intent, hashtag or search).
bool twitter_post_or_profile_href(std::string_view attrs) {
  if (!twitter_href(attrs)) return false;
  const std::size_t h = attrs.find("href");
  std::string_view href = attrs.substr(h, 200);
  if (href.find("/status") != std::string_view::npos) return true;
  const std::size_t com = href.find(".com/");
  if (com == std::string_view::npos) return false;
  std::string_view rest = href.substr(com + 5);
  std::size_t e = 0;
  while (e < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[e])) || rest[e] == '_')) ++e;
  if (e == 0 || e > 15) return false;
  std::string seg(rest.substr(0, e));
  for (char& c : seg) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view r :
       {"share", "intent", "hashtag", "search", "home", "i", "explore", "settings", "login", "signup", "privacy", "tos",
        "about", "download", "messages", "notifications", "compose", "widgets"}) {
    if (seg == r) return false;
  }
  // A profile: nothing but a slash, a query or the end of the value may follow the handle.
  const char next = e < rest.size() ? rest[e] : '"';
  return next == '"' || next == '\'' || next == '?' || next == '#' ||
         (next == '/' && (e + 1 >= rest.size() || rest[e + 1] == '"' || rest[e + 1] == '\''));
}

/// Up to `limit` bytes of the text before `pos`, read backwards over the markup: a block element's
/// tag becomes '\x01', the end of a <q> or <blockquote> '\x02'.
std::string text_before(std::string_view html, std::size_t pos, std::size_t limit) {
  std::string rev;
  std::size_t i = pos;
  std::string name;
  // Markup is walked over too: never more than this many bytes back (a run of tags without text).
  const std::size_t floor = pos > limit * 64 ? pos - limit * 64 : 0;
  while (i > floor && rev.size() < limit) {
    const char c = html[i - 1];
    if (c == '>') {
      const std::size_t back = html.substr(floor, i - 1 - floor).rfind('<');
      if (back == std::string_view::npos) break;
      const std::size_t lt = floor + back;
      std::size_t b = lt + 1;
      const bool end = b < i && html[b] == '/';
      if (end) ++b;
      std::size_t e = b;
      while (e < i && (std::isalnum(static_cast<unsigned char>(html[e])) || html[e] == '-')) ++e;
      name.assign(html.substr(b, e - b));
      for (char& ch : name) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      if (end && (name == "q" || name == "blockquote"))
        rev.push_back('\x02');
      else if (is_block(name))
        rev.push_back('\x01');
      i = lt;
      continue;
    }
    rev.push_back(c);
    --i;
  }
  return std::string(rev.rbegin(), rev.rend());
}

/// The quote rule in cheap form: a link to twitter.com/x.com right after a closing quotation
/// mark (at most 100 bytes of text between them) or with one in its own text, and a word saying
/// "post" in the text around it.
bool quote_link(std::string_view attrs, std::string_view html, std::size_t tag_at, std::string_view after,
                bool in_quote) {
  const std::size_t h = attrs.find("href");
  if (h == std::string_view::npos) return false;
  const std::string_view href = attrs.substr(h, 200);
  bool host = false;
  for (std::string_view hh : {"//twitter.com/", "//www.twitter.com/", "//mobile.twitter.com/", "//m.twitter.com/",
                              "//x.com/", "//www.x.com/", "//mobile.x.com/"}) {
    if (href.find(hh) != std::string_view::npos) host = true;
  }
  if (!host) return false;
  const std::string inside = text_of(after.substr(0, std::min(after.find("</a"), after.size())), 200);
  // Cheap first: a quotation mark's first byte in the text near the link or in its text.
  auto any_mark_byte = [](std::string_view t) { return t.find_first_of("\"\xE2\xC2&") != std::string_view::npos; };
  const bool status_link = href.find("/status") != std::string_view::npos;
  if (!status_link && !any_mark_byte(inside) && !any_mark_byte(text_before(html, tag_at, 160))) return false;
  const std::string before_text = text_before(html, tag_at, 400);
  const std::string_view before = before_text;
  if (!any_mark_byte(before.substr(before.size() > 160 ? before.size() - 160 : 0)) && !any_mark_byte(inside) &&
      !(status_link && (in_quote || before.find('\x02') != std::string_view::npos))) {
    return false;
  }
  // A closing mark with an opening one before it and at least two words between them.
  static constexpr std::string_view k_close[] = {"\"",     "\xE2\x80\x9D", "\xC2\xBB",     "&rdquo;", "&#8221;",
                                                 "&quot;", "&raquo;",      "\xE2\x80\x9C", "&ldquo;", "&#8220;"};
  static constexpr std::string_view k_open[] = {"\"",           "\xE2\x80\x9C", "\xE2\x80\x9D", "\xC2\xAB",
                                                "\xE2\x80\x9E", "&ldquo;",      "&#8220;",      "&quot;",
                                                "&laquo;",      "&bdquo;",      "&#8222;"};
  auto quotation_ends_at = [&](std::string_view text, std::size_t* at) {
    std::size_t best = std::string_view::npos, len = 0;
    for (std::string_view m : k_close) {
      const std::size_t p = text.rfind(m);
      if (p != std::string_view::npos && (best == std::string_view::npos || p > best)) {
        best = p;
        len = m.size();
      }
    }
    if (best == std::string_view::npos) return false;
    for (std::string_view m : k_open) {
      const std::size_t o = best > 0 ? text.rfind(m, best - 1) : std::string_view::npos;
      if (o == std::string_view::npos || best - o > 600) continue;
      const std::string_view words = text.substr(o + m.size(), best - o - m.size());
      if (words.find(' ') != std::string_view::npos) {
        *at = best + len;
        return true;
      }
    }
    return false;
  };
  std::size_t end = 0;
  const bool in_link = quotation_ends_at(inside, &end) || inside.find("\xE2\x80\x9D") != std::string::npos ||
                       inside.find("&rdquo;") != std::string::npos || inside.find("&#8221;") != std::string::npos;
  // '\x01' in `before` marks a block boundary, '\x02' the end of a <q> or <blockquote>.
  const std::size_t element_end = before.rfind('\x02');
  const bool after_element = element_end != std::string_view::npos && before.size() - element_end <= 300;
  // Quotations made by <q>/<blockquote> alone (no marks) are tied only by a status link.
  const bool status = href.find("/status") != std::string_view::npos;
  if (!in_link && !(status && (in_quote || after_element))) {
    if (!quotation_ends_at(before, &end) || before.size() - end > 100) return false;
    const std::string_view gap = before.substr(end);
    if (gap.find(". ") != std::string_view::npos || gap.find('\x01') != std::string_view::npos) return false;
  }
  std::string around(before.substr(before.size() > 300 ? before.size() - 300 : 0));
  around += ' ';
  around += text_of(after, 200);
  for (char& c : around) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view w :
       {"tweet", "post", "wrote", "writes", "twitter", "skriver", "schrieb", "schreibt", "tuit", "escribi"}) {
    if (around.find(w) != std::string::npos) return true;
  }
  return false;
}

/// The numeric ID after the first "/status/" or "/statuses/" in `v` (empty if none).
std::string_view status_id_in(std::string_view v) {
  for (std::size_t p = v.find("/status"); p != std::string_view::npos; p = v.find("/status", p + 7)) {
    std::size_t d = p + 7;
    if (v.compare(d, 2, "es") == 0) d += 2;
    if (d < v.size() && v[d] == '\\') ++d;
    if (d >= v.size() || v[d] != '/') continue;
    const std::size_t b = ++d;
    while (d < v.size() && v[d] >= '0' && v[d] <= '9') ++d;
    if (d > b) return v.substr(b, d - b);
  }
  return {};
}

/// Looks at one start tag's name (lower case) and attributes, the way scan_html.cpp's rules would.
Tag inspect_tag(std::string_view name, std::string_view attrs, std::string* why) {
  thread_local std::string an_buf, av_buf;
  Tag t;
  auto because = [&](std::string_view what) {
    if (why) *why = std::string(what) + " on <" + std::string(name) + ">";
    t.candidate = true;
    return t;
  };
  if (name == "amp-twitter" || name == "twitterwidget") return because("embed element");
  // Links and images are never embeds themselves (share buttons often carry embed classes);
  // only the permalinks they point to matter.
  const bool link = name == "a" || name == "link" || name == "img";
  const bool blockquote = name == "blockquote";
  const bool iframe = name == "iframe";
  bool embed_id = false; // a numeric ID attribute that makes a Twitter-named element a placeholder
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
    const std::string_view an = lowered(attrs.substr(n0, i - n0), an_buf);
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
        const std::size_t s0 = i;
        while (i < attrs.size() && attrs[i] != ' ' && attrs[i] != '\t' && attrs[i] != '\n' && attrs[i] != '\r') ++i;
        av = attrs.substr(s0, i - s0);
      }
    }
    if (an.empty()) {
      if (i < attrs.size()) ++i;
      continue;
    }
    if (!av.empty() && has_status_url(av)) {
      t.permalink = true;
      if (t.id.empty()) t.id = status_id_in(av);
    }
    if (link) continue;
    // A permalink in a data-* attribute: an ID-only placeholder (data-oembed-url, data-href).
    const bool data = an.size() > 5 && an.compare(0, 5, "data-") == 0;
    if (data && !av.empty() &&
        ((has_status_url(av) && !status_id_in(av).empty()) ||
         find_fast(av, "instagram.com/p/") != std::string_view::npos ||
         find_fast(av, "facebook.com/plugins/") != std::string_view::npos ||
         find_fast(av, "instagram.com/reel/") != std::string_view::npos)) {
      return because("permalink in a data attribute");
    }
    if (blockquote && data && (iequals(av, "twitter-tweet") || iequals(av, "twitter-video"))) {
      return because("embed class in a data attribute");
    }
    // Only the values compared below are lower-cased (style, srcset and JSON blobs are not copied).
    if (data && av.size() > 24) {
      if (an == "data-tweetid" || an == "data-tweet-id" || an == "data-tweet" || an == "data-bluesky-uri" ||
          an == "data-instgrm-permalink" || an == "data-text-post-permalink") {
        return because("post ID attribute");
      }
      continue;
    }
    if (!data && an != "class" && an != "id" && an != "aria-label" && !(iframe && an == "src")) continue;
    av = lowered(av, av_buf);
    if (an == "class") {
      if (((blockquote || name == "div") && (has(av, "twitter-tweet") || has(av, "twitter-video"))) ||
          has(av, "twitter-tweet-rendered") || has(av, "bluesky-embed") || has(av, "mastodon-embed") ||
          has(av, "instagram-media") || has(av, "text-post-media") || has(av, "fb-post") || has(av, "fb-video") ||
          (blockquote && has(av, "instagram"))) {
        return because("embed class");
      }
      if (has(av, "tweet") || has(av, "twitter")) t.named = true;
    } else if (an == "id") {
      if (has(av, "tweet")) t.named = true;
      if ((av.rfind("tweet-", 0) == 0 || av.rfind("tweet_", 0) == 0) && digits(av.substr(6)) >= 2) {
        return because("post ID in the id");
      }
      // Blackbird Pie: id="t<ID>", a wrapper when it links that post.
      if (av.size() > 8 && av[0] == 't' && digits(av.substr(1)) == av.size() - 1) t.named = true;
    } else if (an == "data-embed-id" || an == "data-id" || an == "data-status-id" || an == "data-tweet-status-id") {
      if (digits(av) >= 2 && digits(av) == av.size()) embed_id = true;
    } else if (an == "aria-label") {
      if (has(av, "social media post")) t.named = true;
    } else if (an == "data-tweetid" || an == "data-tweet-id" || an == "data-tweet" || an == "data-bluesky-uri" ||
               an == "data-instgrm-permalink" || an == "data-text-post-permalink") {
      return because("post ID attribute");
    } else if (iframe && an == "src") {
      if (av.find("facebook.com/plugins/post.php") != std::string_view::npos ||
          av.find("facebook.com/plugins/video.php") != std::string_view::npos) {
        return because("Facebook plugin iframe");
      }
      if (av.find("platform.twitter.com/embed") != std::string_view::npos ||
          av.find("platform.x.com/embed") != std::string_view::npos ||
          (av.find("/@") != std::string_view::npos && av.find("/embed") != std::string_view::npos)) {
        return because("embed iframe");
      }
    } else {
      for (std::string_view p : k_provider_attributes) {
        if (an == p && (av == "twitter" || av == "x" || av == "tweet" || av == "instagram")) {
          // Share buttons and menu items carry the same attributes: they only name the element.
          if (name == "span" || name == "li" || name == "button") {
            t.named = true;
            continue;
          }
          return because("provider attribute");
        }
      }
    }
  }
  if (embed_id && t.named) return because("ID attribute on a Twitter-named element");
  return t;
}

} // namespace

bool html_may_hold_embed(std::string_view html, std::string* why, std::vector<ParseSpan>* spans) {
  // Open elements, to know whether a permalink stands inside a Twitter-named element (a wrapper)
  // and which part of the page a parse needs to see every embed with its context.
  struct Open {
    std::string name;
    bool named;
    std::size_t at;                      ///< where the start tag begins
    std::string id;                      ///< named elements: the first status ID linked inside
    bool several = false;                ///< named elements: more than one distinct status ID inside
    bool linked = false;                 ///< a status link stands inside
    int linked_kids = 0, prose_kids = 0; ///< direct children with a status link / prose
    std::size_t text_base = 0;           ///< `solid` when it opened (its text is what was counted since)
    bool embed = false;                  ///< an embed by itself (a candidate tag)
    std::size_t auto_below = 0;          ///< open elements below it that the parser closes by itself
  };
  // Named elements that link one post, waiting for their containers: a container of nothing but
  // posts is a feed widget (the tree rule in_feed).
  struct Pending {
    std::size_t depth;
    std::size_t at;
    std::string why;
  };
  std::vector<Pending> pending;
  std::vector<Open> open;
  std::vector<std::size_t> named_at; // indices in `open` of the named elements
  std::vector<std::size_t> embed_at; // indices in `open` of the embed elements
  // Inside an embed cut at a bound (this index in `open` and deeper), nothing is parsed but the
  // embeds nested in it, each from its own start.
  std::size_t suppress = SIZE_MAX;
  std::size_t resume_at = 0; // where the last embed cut short ended: no span begins before it
  // Work per tag stays bounded however deep the page nests (linear time): the per-link update
  // looks at the outermost k_named_tracked named elements (deeper ones are candidates when they
  // open), at most k_pending wrappers wait for their containers (older ones become candidates),
  // and an end tag looks for its element among the k_end_tag_search innermost ones (and only
  // when an element of a name with its hash is open at all).
  constexpr std::size_t k_named_tracked = 64, k_pending = 64, k_end_tag_search = 4096;
  std::size_t open_by_hash[256] = {};
  auto name_hash = [](std::string_view nm) {
    unsigned h = 2166136261u;
    for (char c : nm) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h & 255u;
  };
  // Elements whose next sibling closes them in the parser (an old page's unclosed <p> and <li>):
  // they pile up here but never nest there, so they do not count towards the depth bound.
  auto closes_itself = [](std::string_view nm) {
    for (std::string_view a :
         {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot"}) {
      if (nm == a) return true;
    }
    return false;
  };
  std::size_t auto_open = 0;
  // The nesting the parser sees at level `c` of `open`.
  auto depth_at = [&](std::size_t c) { return c < open.size() ? c - open[c].auto_below : c - auto_open; };
  std::size_t solid = 0;   // non-space text bytes seen while a named element was open
  std::size_t li_open = 0; // open <li> elements
  const std::size_t n = html.size();
  bool found = false;
  // The spans to parse. The last one is open (its end not yet known) while context_depth is set:
  // it ends where that level closes.
  std::vector<ParseSpan> local;
  std::vector<ParseSpan>& out = spans ? *spans : local;
  out.clear();
  std::size_t context_depth = SIZE_MAX;
  // A candidate less than k_context_levels deep has the document itself as its context: its span
  // then runs on (within the bounds) even where the page has no single root element (a fragment
  // whose widget is followed by its fallback, which the tree rule looks for after the widget).
  bool context_is_document = false;
  std::size_t base_depth = 0; // the level the last span starts at
  std::size_t last_at = 0;    // where the last span's latest candidate starts
  bool sealed = false;        // the last span takes no more candidates (it went too deep)
  std::size_t pos = 0;        // where the tag or text being looked at starts
  // A candidate at stack depth `depth` starting at `at`: widen the span or start a new one;
  // with no spans wanted, one is enough.
  // The last span ends at `end`, before its context closed: the embeds begun in it and still open
  // are too large to parse.
  auto cut_at = [&](std::size_t end) {
    ParseSpan& s = out.back();
    s.end = std::max(end, s.begin);
    s.cut = true;
    context_depth = SIZE_MAX;
    for (std::size_t x = embed_at.size(); x > 0 && open[embed_at[x - 1]].at >= s.begin; --x) {
      ++s.too_large;
      s.too_large_at = open[embed_at[x - 1]].at;
      suppress = std::min(suppress, embed_at[x - 1]);
    }
  };
  auto candidate = [&](std::size_t depth, std::size_t at, bool embed_tag = false) {
    found = true;
    if (spans == nullptr) return true;
    const bool inside_cut = depth > suppress;
    if (inside_cut && !embed_tag) return false;
    std::size_t ctx = depth > k_context_levels ? depth - k_context_levels : 0;
    auto level_at = [&](std::size_t c) { return c > 0 ? open[c].at : 0; };
    while (ctx < depth && (inside_cut || level_at(ctx) + k_context_bytes < at)) ++ctx;
    std::size_t begin = ctx < depth ? level_at(ctx) : at;
    const bool joins = !out.empty() && !sealed && !out.back().cut && pos - out.back().begin <= k_span_join_bytes;
    if (joins) {
      ParseSpan& s = out.back();
      const std::size_t floor = out.size() > 1 ? out[out.size() - 2].end : 0;
      s.begin = std::max({std::min(s.begin, begin), floor, std::min(resume_at, s.begin)});
      base_depth = std::min(base_depth, depth_at(ctx));
    } else {
      if (!out.empty() && context_depth != SIZE_MAX) {
        // The last span is still open: it ends where this candidate's context begins, at the
        // outermost of its ancestors (within its context) that began after the last candidate.
        while (ctx < depth && level_at(ctx) <= last_at) ++ctx;
        begin = ctx < depth ? level_at(ctx) : at;
        cut_at(begin);
      }
      if (!out.empty()) begin = std::max({begin, out.back().end, std::min(resume_at, at)});
      out.push_back({begin, n, false});
      base_depth = depth_at(ctx);
      context_depth = SIZE_MAX;
      context_is_document = false;
      sealed = false;
    }
    last_at = at;
    if (context_depth == SIZE_MAX || ctx < context_depth) context_depth = ctx;
    if (depth <= k_context_levels) context_is_document = true;
    out.back().end = n;
    return false;
  };
  // The bounds of one parse, checked at each tag: a span still open is cut here when it has grown
  // too long or the nesting below its start too deep; one gone too deep takes no more candidates.
  auto check_bounds = [&](std::size_t depth) {
    if (out.empty() || sealed) return;
    const bool too_deep = depth > base_depth + k_max_parse_depth;
    const bool too_long = pos - out.back().begin > k_max_parse_bytes;
    if (context_depth != SIZE_MAX && (too_deep || too_long)) {
      cut_at(too_long ? out.back().begin + k_max_parse_bytes : pos);
    }
    if (too_deep) sealed = true;
  };
  // The wrapper rule: a Twitter-named element that links exactly one post. Decided when the
  // element closes (or the page ends), once every link inside it is known.
  auto close_named = [&](std::size_t d) {
    // Decide the wrappers waiting for this container.
    for (std::size_t p = 0; p < pending.size();) {
      const std::size_t level = pending[p].depth - d;
      if (pending[p].depth > d && (open[d].linked_kids >= 2 || level >= 3)) {
        const bool feed = open[d].linked_kids >= 3 && open[d].prose_kids == 0;
        if (!feed) {
          if (why) *why = pending[p].why;
          if (candidate(pending[p].depth, pending[p].at)) return true;
        }
        pending.erase(pending.begin() + static_cast<long>(p));
        continue;
      }
      ++p;
    }
    if (open[d].named && !open[d].id.empty() && !open[d].several && solid - open[d].text_base <= 4000) {
      if (pending.size() >= k_pending) {
        // Too many waiting: decide the oldest as a candidate (the check may only over-approximate).
        if (why) *why = pending.front().why;
        if (candidate(pending.front().depth, pending.front().at)) return true;
        pending.erase(pending.begin());
      }
      pending.push_back(
          {d, open[d].at, "a Twitter-named <" + open[d].name + "> linking one post (" + open[d].id + ")"});
    }
    if (d > 0) {
      if (open[d].linked) {
        open[d - 1].linked = true;
        ++open[d - 1].linked_kids;
      } else if (open[d].name == "p") {
        ++open[d - 1].prose_kids;
      }
    }
    return false;
  };
  auto flush_pending = [&] {
    for (const Pending& p : pending) {
      if (why) *why = p.why;
      if (candidate(p.depth, p.at)) return true;
    }
    pending.clear();
    return false;
  };
  auto finish = [&] {
    for (ParseSpan& sp : out) { // what the page's end added to a span is bounded too
      if (sp.end - sp.begin > k_max_parse_bytes) {
        sp.end = sp.begin + k_max_parse_bytes;
        sp.cut = true;
      }
    }
    return found;
  };
  std::string name_buf;
  std::size_t quote_open = 0; // open <q> and <blockquote> elements
  std::size_t named_open = 0;
  std::size_t next_close_a = 0; // where the next "</a" stands (found once per link, not per link searched)
  bool close_a_known = false;
  std::size_t i = 0;
  while (i < n) {
    const char* lt = static_cast<const char*>(std::memchr(html.data() + i, '<', n - i));
    const std::size_t next = lt ? static_cast<std::size_t>(lt - html.data()) : n;
    pos = i;
    // Text between tags: a bare status URL may stand there.
    if (next > i && has_bare_status_url(html.substr(i, next - i))) {
      if (why) *why = "status URL in text";
      if (candidate(open.size(), i)) return finish();
    }
    if (next > i && !open.empty()) {
      const std::string_view run = html.substr(i, next - i);
      if (run.find_first_not_of(" \n\t\r") != std::string_view::npos) {
        ++open.back().prose_kids;
        if (named_open > 0) {
          for (std::size_t x = 0; x < run.size(); ++x) {
            const char c = run[x];
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
            ++solid;
            if (c == '&') {
              const std::size_t semi = run.find(';', x);
              if (semi != std::string_view::npos && semi - x <= 10) x = semi;
            }
          }
        }
      }
    }
    if (next > i && has_credit_text(html.substr(i, next - i))) {
      if (why) *why = "credit line in text";
      if (candidate(open.size(), i)) return finish();
    }
    if (!lt) break;
    i = next;
    pos = i;
    check_bounds(depth_at(open.size()));
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t e = html.find("-->", i + 4);
      if (e == std::string_view::npos) break; // the rest of the page is a comment
      i = e + 3;
      continue;
    }
    std::size_t j = i + 1;
    if (j < n && html[j] == '/') {
      // An end tag closes the nearest open element of that name (and what it still holds).
      std::size_t k = j + 1;
      while (k < n && (std::isalnum(static_cast<unsigned char>(html[k])) || html[k] == '-' || html[k] == ':')) ++k;
      const std::string_view name = lowered(html.substr(j + 1, k - j - 1), name_buf);
      const std::size_t e = html.find('>', k);
      const std::size_t stop = open.size() > k_end_tag_search ? open.size() - k_end_tag_search : 0;
      for (std::size_t d = open.size(); d > stop && open_by_hash[name_hash(name)] > 0; --d) {
        if (open[d - 1].name == name) {
          for (std::size_t x = open.size(); x > d - 1; --x) {
            if (close_named(x - 1)) return finish();
            named_open -= open[x - 1].named ? 1 : 0;
            if (open[x - 1].named) named_at.pop_back();
            if (open[x - 1].embed) embed_at.pop_back();
            if (open[x - 1].name == "q" || open[x - 1].name == "blockquote") quote_open -= quote_open > 0 ? 1 : 0;
            if (open[x - 1].name == "li") --li_open;
            if (closes_itself(open[x - 1].name)) --auto_open;
            --open_by_hash[name_hash(open[x - 1].name)];
          }
          open.resize(d - 1);
          if (open.size() <= suppress && suppress != SIZE_MAX) { // the embed cut short has closed
            suppress = SIZE_MAX;
            resume_at = e == std::string_view::npos ? n : e + 1;
          }
          if (found && !context_is_document && d - 1 <= context_depth && context_depth != SIZE_MAX && !out.empty()) {
            out.back().end = e == std::string_view::npos ? n : e + 1; // the last candidate's context closed
            context_depth = SIZE_MAX;
          }
          break;
        }
      }
      if (e == std::string_view::npos) break;
      i = e + 1;
      continue;
    }
    if (j < n && (html[j] == '!' || html[j] == '?')) {
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
    const std::string name(lowered(html.substr(name_start, j - name_start), name_buf));
    // The end of the tag: the first '>' outside quoted attribute values.
    std::size_t k = j;
    char quote = 0;
    while (k < n) {
      const char c = html[k];
      if (quote) {
        // Jump to the closing quote: attribute values are most of a tag's bytes.
        const void* q = std::memchr(html.data() + k, quote, n - k);
        if (!q) {
          k = n;
          break;
        }
        k = static_cast<std::size_t>(static_cast<const char*>(q) - html.data());
        quote = 0;
      } else if (c == '"' || c == '\'') {
        std::size_t b = k;
        while (b > j && (html[b - 1] == ' ' || html[b - 1] == '\t' || html[b - 1] == '\n')) --b;
        if (b > j && html[b - 1] == '=') quote = c;
      } else if (c == '>') {
        break;
      }
      ++k;
    }
    if (k >= n) { // an unterminated tag: let the parser decide
      if (why) *why = "unterminated tag";
      candidate(open.size(), i);
      return finish();
    }
    // A parse never nests deeper than its bound: decided before this element counts.
    if (!is_void(name) && html[k - 1] != '/') check_bounds(depth_at(open.size()) + (closes_itself(name) ? 0 : 1));
    const Tag tag = inspect_tag(name, html.substr(j, k - j), why);
    if (name == "a" && twitter_post_or_profile_href(html.substr(j, k - j)) &&
        quote_link(html.substr(j, k - j), html, i, html.substr(k + 1, 300), quote_open > 0)) {
      if (why) *why = "a link to a post or profile right after a quotation";
      if (candidate(open.size(), i)) return finish();
    }
    if (tag.candidate) {
      if (candidate(open.size(), i, true)) return finish();
    } else if (!tag.id.empty() && (tag.named || named_open > 0)) {
      // A feed widget: the link in a list item, or a link around a whole post's text.
      const bool listed = name == "li" || li_open > 0;
      bool long_text = false;
      if (name == "a") {
        if (!close_a_known || (next_close_a != std::string_view::npos && next_close_a < k)) {
          next_close_a = html.find("</a", k);
          close_a_known = true;
        }
        const std::size_t close = next_close_a;
        std::size_t text = 0;
        bool in_tag = false;
        for (std::size_t x = k + 1; x < std::min(close, n) && text <= 200; ++x) {
          if (html[x] == '<')
            in_tag = true;
          else if (html[x] == '>')
            in_tag = false;
          else if (!in_tag)
            ++text;
        }
        // The text of a link runs to its end; only its first 64 KiB are looked at.
        const std::string_view inside = close == std::string_view::npos
                                            ? std::string_view()
                                            : html.substr(k, std::min(close - k, std::size_t{1} << 16));
        long_text = text > 200 && close != std::string_view::npos && inside.find("\n\n") == std::string_view::npos &&
                    inside.find("<div") == std::string_view::npos;
      }
      for (std::size_t x = 0; x < named_at.size() && x < k_named_tracked; ++x) {
        Open& o = open[named_at[x]];
        if (o.id.empty())
          o.id = std::string(tag.id);
        else if (o.id != tag.id)
          o.several = true;
        if (listed || long_text) o.several = true;
      }
      if (tag.named && (is_void(name) || html[k - 1] == '/') && candidate(open.size(), i)) return finish();
    }
    if (!is_void(name) && html[k - 1] != '/') {
      if (name == "q" || name == "blockquote") ++quote_open;
      if (name == "li") ++li_open;
      if (tag.named && named_at.size() >= k_named_tracked) {
        if (why) *why = "Twitter-named elements nested deeper than " + std::to_string(k_named_tracked);
        if (candidate(open.size(), i)) return finish();
      }
      ++open_by_hash[name_hash(name)];
      if (tag.named) named_at.push_back(open.size());
      if (tag.candidate) embed_at.push_back(open.size());
      open.push_back({name, tag.named, i, tag.named ? std::string(tag.id) : std::string()});
      open.back().text_base = solid;
      open.back().embed = tag.candidate;
      open.back().auto_below = auto_open;
      if (closes_itself(name)) ++auto_open;
      named_open += tag.named ? 1 : 0;
      if (!tag.id.empty() && name == "a") open.back().linked = true; // as the tree rule, only links count
    } else if (!tag.id.empty() && name == "a" && !open.empty()) {
      open.back().linked = true;
      ++open.back().linked_kids;
    }
    i = k + 1;
    // Raw text elements: their content is never markup.
    for (std::string_view raw : {"script", "style", "template", "textarea", "title", "xmp", "noscript"}) {
      if (name == raw) {
        std::string close = "</";
        close.append(raw);
        std::size_t e = i;
        for (;;) {
          e = html.find("</", e);
          if (e == std::string_view::npos || starts_with_icase(html.substr(e), close)) break;
          e += 2;
        }
        i = e == std::string_view::npos ? n : e;
        break;
      }
    }
  }
  pos = n;
  check_bounds(depth_at(open.size()));
  for (std::size_t x = open.size(); x > 0; --x) {
    if (close_named(x - 1)) return finish();
  }
  flush_pending();
  return finish();
}

} // namespace tweetcheck::detail
