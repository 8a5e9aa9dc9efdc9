// HTML scanner: a Gumbo walk that recognises embeds by their structure (an embed class, an ID
// attribute, a status permalink, a credit line) rather than by one site's markup.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include <gumbo.h>

#include "core/handles.hpp"
#include "scan/post_url.hpp"
#include "scan/scan_internal.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/entities.hpp"

namespace tweetcheck::detail {

namespace {

using GumboPtr = GumboTree;

/// Offsets of the parsed copy (scripts, styles and comments emptied) back to the markup.
struct OffsetMap {
  std::vector<std::pair<std::size_t, std::size_t>> cuts; ///< (offset in the copy, bytes removed before it)
  std::size_t base = 0;                                  ///< where the markup starts in the document
  std::size_t operator()(std::size_t copy) const {
    auto it =
        std::upper_bound(cuts.begin(), cuts.end(), copy,
                         [](std::size_t off, const std::pair<std::size_t, std::size_t>& c) { return off < c.first; });
    return base + copy + (it == cuts.begin() ? 0 : std::prev(it)->second);
  }
};

/// A copy of `html` without the content of scripts, styles and comments, which the scanner never
/// reads (Gumbo still sees the elements, empty): modern pages carry megabytes of inline script.
std::string strip_raw_text(std::string_view html, OffsetMap& map) {
  std::string out;
  out.reserve(html.size());
  std::size_t removed = 0, i = 0;
  auto cut = [&](std::size_t from, std::size_t to) { // drop html[from, to)
    out.append(html.substr(i, from - i));
    removed += to - from;
    map.cuts.emplace_back(out.size(), removed);
    i = to;
  };
  for (std::size_t p = html.find('<'); p != std::string_view::npos && p < html.size(); p = html.find('<', p + 1)) {
    if (p < i) continue;
    if (html.compare(p, 4, "<!--") == 0) {
      const std::size_t e = html.find("-->", p + 4);
      if (e == std::string_view::npos) break;
      if (e > p + 4) cut(p + 4, e);
      p = e + 2;
      continue;
    }
    const std::size_t q = p + 1;
    if (q >= html.size() || !std::isalpha(static_cast<unsigned char>(html[q]))) continue;
    // The end of the start tag, outside quoted values (as the tokenizer reads it).
    std::size_t e = q;
    char quote = 0;
    for (; e < html.size(); ++e) {
      const char c = html[e];
      if (quote) {
        if (c == quote) quote = 0;
      } else if ((c == '"' || c == '\'') && e > q && html[e - 1] == '=') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (e >= html.size()) break;
    const bool script = starts_with_icase(html.substr(q), "script") &&
                        (q + 6 >= html.size() || !std::isalnum(static_cast<unsigned char>(html[q + 6])));
    const bool style = starts_with_icase(html.substr(q), "style") &&
                       (q + 5 >= html.size() || !std::isalnum(static_cast<unsigned char>(html[q + 5])));
    if ((script || style) && html[e - 1] != '/') {
      const std::string_view close = script ? "</script" : "</style";
      std::size_t c = e + 1;
      for (;;) {
        c = html.find("</", c);
        if (c == std::string_view::npos || starts_with_icase(html.substr(c), close)) break;
        c += 2;
      }
      if (c == std::string_view::npos) break;
      if (c > e + 1) cut(e + 1, c);
      p = c;
      continue;
    }
    p = e;
  }
  out.append(html.substr(std::min(i, html.size())));
  return out;
}

std::string_view attr(const GumboNode* n, const char* name) {
  if (n->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}
bool has_attr(const GumboNode* n, const char* name) {
  return n->type == GUMBO_NODE_ELEMENT && gumbo_get_attribute(&n->v.element.attributes, name) != nullptr;
}

/// The element's tag name, lower case (custom elements such as amp-twitter included).
std::string tag_name(const GumboNode* n) {
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n->v.element.tag);
  GumboStringPiece piece = n->v.element.original_tag;
  if (piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  return ascii_lower(std::string_view(piece.data, piece.length));
}

/// Calls `f` with each class token of `n` until it returns true; returns whether one did.
template <class F>
bool any_class(const GumboNode* n, F&& f) {
  std::string_view c = attr(n, "class");
  std::size_t i = 0;
  while (i < c.size()) {
    while (i < c.size() && (c[i] == ' ' || c[i] == '\t' || c[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < c.size() && c[j] != ' ' && c[j] != '\t' && c[j] != '\n') ++j;
    if (j > i && f(c.substr(i, j - i))) return true;
    i = j;
  }
  return false;
}
bool has_class(const GumboNode* n, std::string_view cls) {
  return any_class(n, [&](std::string_view t) { return iequals(t, cls); });
}
bool class_has_prefix(const GumboNode* n, std::string_view prefix) {
  return any_class(n, [&](std::string_view t) { return starts_with_icase(t, prefix); });
}

const GumboVector* children(const GumboNode* n) {
  if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) return &n->v.element.children;
  if (n->type == GUMBO_NODE_DOCUMENT) return &n->v.document.children;
  return nullptr;
}

bool is_skipped_tag(GumboTag t) {
  return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT ||
         t == GUMBO_TAG_PRE || t == GUMBO_TAG_TEXTAREA || t == GUMBO_TAG_TITLE || t == GUMBO_TAG_META ||
         t == GUMBO_TAG_HEAD;
}

bool is_block_tag(GumboTag t) {
  switch (t) {
  case GUMBO_TAG_P:
  case GUMBO_TAG_DIV:
  case GUMBO_TAG_BLOCKQUOTE:
  case GUMBO_TAG_LI:
  case GUMBO_TAG_UL:
  case GUMBO_TAG_OL:
  case GUMBO_TAG_H1:
  case GUMBO_TAG_H2:
  case GUMBO_TAG_H3:
  case GUMBO_TAG_H4:
  case GUMBO_TAG_H5:
  case GUMBO_TAG_H6:
  case GUMBO_TAG_FIGURE:
  case GUMBO_TAG_FIGCAPTION:
  case GUMBO_TAG_SECTION:
  case GUMBO_TAG_ARTICLE:
  case GUMBO_TAG_ASIDE:
  case GUMBO_TAG_HEADER:
  case GUMBO_TAG_FOOTER:
  case GUMBO_TAG_TABLE:
  case GUMBO_TAG_TR:
  case GUMBO_TAG_TD:
  case GUMBO_TAG_BODY:
  case GUMBO_TAG_HR:
  case GUMBO_TAG_DL:
  case GUMBO_TAG_DD:
  case GUMBO_TAG_DT:
  case GUMBO_TAG_MAIN:
  case GUMBO_TAG_NAV: return true;
  default: return false;
  }
}

// ---- text as a reader sees it -----------------------------------------------------------

struct Anchor {
  std::string href;
  std::string text;
  std::string datetime; ///< data-datetime (2011-12 embeds)
  std::size_t start = 0, end = 0;
};

struct Flat {
  std::string text;
  std::vector<Anchor> anchors;
  /// <q> and (non-embed) <blockquote> elements: [first, second) of `text`.
  std::vector<std::pair<std::size_t, std::size_t>> quotes;
};

/// Where a run of flattened text came from: its first byte's offset in the parsed markup.
struct Segment {
  std::size_t flat = 0, source = 0;
  bool exact = false; ///< the run's text maps byte for byte onto the source (no entities)
};

class Flattener {
public:
  /// `segments`, when given, receives where each run of text came from; elements for which
  /// `skip` returns true are left out (they break the text like a block).
  Flattener(std::vector<Segment>* segments = nullptr, std::function<bool(const GumboNode*)> skip = {})
      : m_segments(segments), m_skip(std::move(skip)) {}

  Flat run(const GumboNode* root) {
    struct Frame {
      const GumboNode* node;
      unsigned next;
      std::size_t anchor;
    };
    std::vector<Frame> stack{{root, 0, SIZE_MAX}};
    enter(root, stack.back().anchor);
    while (!stack.empty()) {
      Frame& f = stack.back();
      const GumboVector* kids = children(f.node);
      if (kids && f.node->type == GUMBO_NODE_ELEMENT && is_skipped_tag(f.node->v.element.tag)) kids = nullptr;
      if (kids && f.next < kids->length) {
        const auto* child = static_cast<const GumboNode*>(kids->data[f.next++]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA) {
          m_source = child->v.text.start_pos.offset;
          m_exact = child->v.text.original_text.length == std::strlen(child->v.text.text);
          text(child->v.text.text);
        } else if (child->type == GUMBO_NODE_ELEMENT) {
          if (m_skip && m_skip(child)) {
            m_nl = 2;
            continue;
          }
          std::size_t a = SIZE_MAX;
          enter(child, a);
          stack.push_back({child, 0, a});
        }
        continue;
      }
      leave(f.node, f.anchor);
      stack.pop_back();
    }
    return std::move(m_flat);
  }

private:
  void emit_pending() {
    if (m_flat.text.empty()) {
      m_nl = 0;
      m_space = false;
      return;
    }
    if (m_nl > 0) {
      while (!m_flat.text.empty() && m_flat.text.back() == ' ') m_flat.text.pop_back();
      m_flat.text.append(static_cast<std::size_t>(std::min(m_nl, 2)), '\n');
    } else if (m_space && m_flat.text.back() != '\n') {
      m_flat.text.push_back(' ');
    }
    m_nl = 0;
    m_space = false;
  }
  void text(std::string_view s) {
    bool run = false;
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t start = i;
      const char32_t cp = next_code_point(s, i);
      if (is_space(cp) && cp != 0xA0) {
        m_space = true;
        run = false;
        continue;
      }
      emit_pending();
      if (m_segments && !run) {
        m_segments->push_back({m_flat.text.size(), m_source + (m_exact ? start : 0), m_exact});
        run = true;
      }
      m_flat.text.append(s.substr(start, i - start));
    }
  }
  void enter(const GumboNode* n, std::size_t& anchor) {
    // The walk may start at a document node, whose union holds no element.
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return;
    const GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_BR) {
      m_nl = std::min(m_nl + 1, 2);
    } else if (is_block_tag(t)) {
      m_nl = 2;
    }
    if (t == GUMBO_TAG_Q || t == GUMBO_TAG_BLOCKQUOTE) {
      m_open_quotes.push_back(m_flat.quotes.size());
      m_flat.quotes.emplace_back(m_flat.text.size(), SIZE_MAX);
    }
    if (t == GUMBO_TAG_A) {
      anchor = m_flat.anchors.size();
      Anchor a;
      a.href = std::string(attr(n, "href"));
      a.datetime = std::string(attr(n, "data-datetime"));
      a.start = m_flat.text.size();
      m_flat.anchors.push_back(std::move(a));
    }
  }
  void leave(const GumboNode* n, std::size_t anchor) {
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return;
    if (is_block_tag(n->v.element.tag)) m_nl = 2;
    if ((n->v.element.tag == GUMBO_TAG_Q || n->v.element.tag == GUMBO_TAG_BLOCKQUOTE) && !m_open_quotes.empty()) {
      m_flat.quotes[m_open_quotes.back()].second = m_flat.text.size();
      m_open_quotes.pop_back();
    }
    if (anchor != SIZE_MAX) {
      Anchor& a = m_flat.anchors[anchor];
      a.end = m_flat.text.size();
      while (a.start < a.end && (m_flat.text[a.start] == '\n' || m_flat.text[a.start] == ' ')) ++a.start;
      a.text = trim_copy(std::string_view(m_flat.text).substr(a.start, a.end - a.start));
    }
  }

  Flat m_flat;
  int m_nl = 0;
  bool m_space = false;
  std::vector<std::size_t> m_open_quotes;
  std::vector<Segment>* m_segments = nullptr;
  std::function<bool(const GumboNode*)> m_skip;
  std::size_t m_source = 0;
  bool m_exact = false;
};

Flat flatten(const GumboNode* n) { return Flattener().run(n); }

// ---- walking ----------------------------------------------------------------------------

/// Visits every element below `root` (pre-order, skipping what is never shown).
template <class F>
void for_each_element(const GumboNode* root, F&& f) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (n->type == GUMBO_NODE_ELEMENT) {
      if (is_skipped_tag(n->v.element.tag)) continue;
      if (n != root && !f(n)) continue;
    }
    const GumboVector* kids = children(n);
    for (unsigned i = kids ? kids->length : 0; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(kids->data[i - 1]));
    }
  }
}

/// True when `n` has exactly one element child (white space aside): then the child, not this
/// layer of site markup, stands for the post.
bool single_candidate_child(const GumboNode* n) {
  const GumboVector& kids = n->v.element.children;
  const GumboNode* only = nullptr;
  for (unsigned i = 0; i < kids.length; ++i) {
    const auto* c = static_cast<const GumboNode*>(kids.data[i]);
    if (c->type == GUMBO_NODE_ELEMENT) {
      if (only) return false;
      only = c;
    } else if (c->type == GUMBO_NODE_TEXT) {
      return false;
    }
  }
  return only && (only->v.element.tag == GUMBO_TAG_BLOCKQUOTE || icontains(attr(only, "class"), "tweet") ||
                  icontains(attr(only, "class"), "twitter"));
}

bool attribute_names_embed(const GumboNode* n);

bool is_twitter_blockquote(const GumboNode* n) {
  return n->v.element.tag == GUMBO_TAG_BLOCKQUOTE &&
         (class_has_prefix(n, "twitter-tweet") || has_class(n, "twitter-video") || has_attr(n, "data-tweetid") ||
          has_attr(n, "data-tweet-id") || attribute_names_embed(n));
}

/// Whether the element itself names Twitter: a class token mentioning tweet/twitter, or a
/// provider attribute (data-embed-type, data-provider, data-type, ...) saying twitter/x/tweet.
bool names_twitter(const GumboNode* n) {
  if (any_class(n, [](std::string_view t) { return icontains(t, "tweet") || icontains(t, "twitter"); })) return true;
  for (std::string_view name : k_provider_attributes) {
    std::string_view v = attr(n, std::string(name).c_str());
    if (iequals(v, "twitter") || iequals(v, "x") || iequals(v, "tweet")) return true;
  }
  return false;
}

/// Attributes that carry a post ID whatever the element: their names say "tweet".
constexpr const char* k_tweet_id_attributes[] = {"data-tweet-id", "data-tweetid", "data-tweet"};
/// Attributes that carry a post ID only on an element that names Twitter.
constexpr const char* k_embed_id_attributes[] = {"data-embed-id", "data-id", "data-status-id", "data-tweet-status-id"};

std::string_view tweet_id_attr(const GumboNode* n) {
  for (const char* name : k_tweet_id_attributes) {
    std::string_view v = attr(n, name);
    if (is_post_id(v)) return v;
  }
  return {};
}

/// The post ID of an ID-only placeholder (`<div class="embed-twitter" data-embed-id="ID">`,
/// `id="tweet-ID"`): an ID attribute next to a Twitter-naming attribute on the same element.
std::string_view placeholder_id(const GumboNode* n) {
  std::string_view id = attr(n, "id");
  for (std::string_view prefix : {"tweet-", "tweet_", "twitter-"}) {
    if (starts_with_icase(id, prefix) && is_post_id(id.substr(prefix.size()))) return id.substr(prefix.size());
  }
  if (!names_twitter(n)) return {};
  for (const char* name : k_embed_id_attributes) {
    std::string_view v = attr(n, name);
    // A bare data-id is common on any element: only a Snowflake-sized number counts there.
    if (is_post_id(v) && (std::string_view(name) != "data-id" || v.size() >= 11)) return v;
  }
  return {};
}

/// Blackbird Pie renders (`<div class="bbpBox" id="t226809065844662272">`): the ID after "t",
/// trusted only when the element links that very post (checked by the caller).
std::string_view prefixed_id(const GumboNode* n) {
  std::string_view id = attr(n, "id");
  if (id.size() > 1 && (id[0] == 't' || id[0] == 'T') && is_post_id(id.substr(1))) return id.substr(1);
  // twitter.com's own status markup pasted into a page (2009-2010): id="status_<ID>".
  for (std::string_view prefix : {"status_", "status-"}) {
    if (starts_with_icase(id, prefix) && is_post_id(id.substr(prefix.size()))) return id.substr(prefix.size());
  }
  return {};
}

/// Whether `v` names Twitter's embed ("twitter-tweet") as an attribute value (lazy loaders keep
/// the class in data-* attributes: data-twitter="twitter-tweet").
bool attribute_names_embed(const GumboNode* n) {
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    if (std::strncmp(a->name, "data-", 5) == 0 &&
        (iequals(a->value, "twitter-tweet") || iequals(a->value, "twitter-video"))) {
      return true;
    }
  }
  return false;
}

/// A post permalink held in a data-* attribute of the element (data-oembed-url, data-href,
/// data-extcontent_url=…instagram_oembed?url=…): the first one found.
std::string facebook_plugin_href(std::string_view src);
std::optional<PostUrl> facebook_permalink(std::string_view href);

std::optional<PostUrl> attribute_permalink(const GumboNode* n) {
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    if (std::strncmp(a->name, "data-", 5) != 0) continue;
    // A lazy loader's copy of the Facebook plugin iframe (data-iframe="<iframe src=…post.php?href=…>").
    if (std::strstr(a->value, "facebook.com/plugins/")) {
      if (auto u = facebook_permalink(facebook_plugin_href(a->value))) return u;
    }
    if (auto u = find_post_url(a->value)) return u;
  }
  return std::nullopt;
}

/// The status ID in an embed iframe's src (platform.twitter.com/embed/Tweet.html?...&id=ID).
std::string iframe_src_id(const GumboNode* n) {
  std::string_view src = attr(n, "src");
  if (src.find("platform.twitter.com/embed") == std::string_view::npos &&
      src.find("platform.x.com/embed") == std::string_view::npos) {
    return {};
  }
  for (std::size_t p = src.find("id="); p != std::string_view::npos; p = src.find("id=", p + 3)) {
    if (p > 0 && src[p - 1] != '?' && src[p - 1] != '&') continue;
    std::size_t e = p + 3;
    while (e < src.size() && src[e] >= '0' && src[e] <= '9') ++e;
    if (e > p + 3) return std::string(src.substr(p + 3, e - p - 3));
  }
  return {};
}

bool is_rendered_twitter(const GumboNode* n) {
  const std::string tag = tag_name(n);
  return has_class(n, "twitter-tweet-rendered") ||
         ((tag == "iframe" || tag == "twitterwidget") && (!tweet_id_attr(n).empty() || !iframe_src_id(n).empty()));
}

/// True when an embed element lies below `n`: then `n` is a site's wrapper, not the embed.
bool contains_embed(const GumboNode* n) {
  bool found = false;
  for_each_element(n, [&](const GumboNode* e) {
    if (found) return false;
    const std::string tag = tag_name(e);
    if (is_twitter_blockquote(e) || is_rendered_twitter(e) || tag == "amp-twitter" || has_class(e, "bluesky-embed") ||
        has_class(e, "instagram-media") || has_class(e, "mastodon-embed") || !prefixed_id(e).empty()) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

/// The permalink's text is the date in every embed era; placeholders ("Tweet may have been
/// deleted", "originates") are not. Unknown locales still show digits.
bool looks_like_date(std::string_view t) {
  if (t.empty() || t.size() > 80 || find_post_url(t)) return false;
  if (parse_date_text(t)) return true;
  // Relative times of 2009-2010 badges and pasted timelines ("less than a minute ago").
  if (t.size() <= 40 && t.size() > 4 && t.substr(t.size() - 4) == " ago") return true;
  return std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }) && t.size() <= 40;
}

/// The date a permalink shows: its whole text, or, for a card whose permalink wraps header, text
/// and footer (Substack), the paragraph of it that reads as a date.
std::optional<std::string> permalink_date(std::string_view t) {
  if (t.find('\n') == std::string_view::npos && looks_like_date(t)) return std::string(t);
  std::size_t b = 0;
  while (b < t.size()) {
    std::size_t e = t.find('\n', b);
    if (e == std::string_view::npos) e = t.size();
    const std::string_view line = trim(t.substr(b, e - b));
    if (!line.empty() && line.size() <= 40 && parse_date_text(line) && !find_post_url(line)) return std::string(line);
    b = e + 1;
  }
  if (looks_like_date(t)) return std::string(t);
  return std::nullopt;
}

std::optional<Credit> credit_of(const Flat& flat, std::size_t body_end) {
  return parse_credit_tail(std::string_view(flat.text).substr(0, body_end));
}

/// Fills text, credit, date and links of a post from an embed's flattened text.
/// `permalink` is the anchor carrying the date (or SIZE_MAX).
void fill_from_flat(const Flat& flat, std::size_t permalink, Post& post) {
  std::size_t body_end = flat.text.size();
  if (permalink != SIZE_MAX) {
    const Anchor& a = flat.anchors[permalink];
    body_end = a.start;
    if (looks_like_date(a.text)) post.date_text = a.text;
    if (!a.datetime.empty() && !post.date_text) post.date_text = a.datetime;
  }
  std::size_t text_end = body_end;
  if (auto credit = credit_of(flat, body_end)) {
    text_end = credit->start;
    if (!credit->name.empty()) post.display_name = credit->name;
    if (!credit->handle.empty()) post.handle = credit->handle;
  } else if (auto dated = parse_dated_credit(std::string_view(flat.text).substr(0, body_end))) {
    // Site wrappers without a permalink keep the whole credit line "— Name (@handle) Date" as text.
    text_end = dated->start;
    if (!dated->name.empty()) post.display_name = dated->name;
    if (!dated->handle.empty()) post.handle = dated->handle;
    if (!post.date_text) post.date_text = dated->date_text;
  }
  const std::string text = trim_copy(std::string_view(flat.text).substr(0, text_end));
  if (!text.empty()) post.text = text;
  for (const Anchor& a : flat.anchors) {
    if (a.start >= text_end) break;
    if (!a.href.empty()) post.links.push_back({a.href, a.text});
  }
}

/// The last anchor linking a post permalink of `platform`.
std::size_t find_permalink(const Flat& flat, Platform platform, std::optional<PostUrl>* url) {
  for (std::size_t i = flat.anchors.size(); i > 0; --i) {
    auto u = platform == Platform::twitter ? find_status_url(flat.anchors[i - 1].href)
                                           : find_post_url(flat.anchors[i - 1].href);
    if (u && u->platform == platform) {
      if (url) *url = std::move(u);
      return i - 1;
    }
  }
  return SIZE_MAX;
}

/// The next element after `n` among its siblings, past white space, comments and scripts; null
/// when text stands in between.
const GumboNode* next_element_sibling(const GumboNode* n) {
  const GumboNode* parent = n->parent;
  if (!parent) return nullptr;
  const GumboVector* kids = children(parent);
  if (!kids) return nullptr;
  for (unsigned i = n->index_within_parent + 1; i < kids->length; ++i) {
    const auto* c = static_cast<const GumboNode*>(kids->data[i]);
    if (c->type == GUMBO_NODE_WHITESPACE || c->type == GUMBO_NODE_COMMENT) continue;
    if (c->type == GUMBO_NODE_TEXT) {
      if (trim(c->v.text.text).empty()) continue;
      return nullptr;
    }
    if (c->type != GUMBO_NODE_ELEMENT) return nullptr;
    if (c->v.element.tag == GUMBO_TAG_SCRIPT) continue;
    return c;
  }
  return nullptr;
}

/// Visits every element below `root`, skipped tags included (for <noscript> copies).
template <class F>
void for_each_element_in_raw(const GumboNode* root, F&& f) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    if (n != root) f(n);
    const GumboVector* kids = children(n);
    for (unsigned i = kids ? kids->length : 0; i > 0; --i)
      stack.push_back(static_cast<const GumboNode*>(kids->data[i - 1]));
  }
}

bool is_ancestor(const GumboNode* a, const GumboNode* n) {
  for (; n; n = n->parent) {
    if (n == a) return true;
  }
  return false;
}

bool is_instagram_handle_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

/// The handle in an Instagram credit: the last "(@handle)" of the paragraph.
std::optional<std::string> instagram_credit_handle(std::string_view text) {
  const std::size_t at = text.rfind("(@");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t e = at + 2;
  while (e < text.size() && is_instagram_handle_char(text[e])) ++e;
  if (e == at + 2 || e >= text.size() || text[e] != ')') return std::nullopt;
  return std::string(text.substr(at + 2, e - at - 2));
}

/// "https://www.instagram.com/handle/" (a profile, not a post) → handle.
std::optional<std::string> instagram_profile(std::string_view href) {
  for (std::string_view host : {"instagram.com/", "instagr.am/"}) {
    const std::size_t p = href.find(host);
    if (p == std::string_view::npos) continue;
    std::string_view rest = href.substr(p + host.size());
    std::size_t e = 0;
    while (e < rest.size() && is_instagram_handle_char(rest[e])) ++e;
    if (e == 0) return std::nullopt;
    const std::string_view user = rest.substr(0, e);
    if (iequals(user, "p") || iequals(user, "reel") || iequals(user, "tv") || iequals(user, "explore") ||
        iequals(user, "stories")) {
      return std::nullopt;
    }
    const std::string_view after = rest.substr(e);
    if (!after.empty() && after[0] != '/' && after[0] != '?' && after[0] != '#') return std::nullopt;
    if (after.size() > 1 && after[0] == '/' && after[1] != '?' && after[1] != '#') return std::nullopt;
    return std::string(user);
  }
  return std::nullopt;
}

/// "2018-03-12T19:18:22+00:00" → "2018-03-12" (empty unless ISO 8601).
std::string iso_date_attr(std::string_view v) {
  v = trim(v);
  if (v.size() < 10 || v[4] != '-' || v[7] != '-') return {};
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (v[i] < '0' || v[i] > '9') return {};
  }
  return std::string(v.substr(0, 10));
}

bool holds_instagram_blockquote(const GumboNode* n) {
  bool found = false;
  for_each_element(n, [&](const GumboNode* e) {
    if (found) return false;
    if (e->v.element.tag == GUMBO_TAG_BLOCKQUOTE && has_class(e, "instagram-media")) found = true;
    return !found;
  });
  return found;
}

/// Whether `n` is one item of a feed of posts (a sidebar or timeline widget): a list item, or
/// inside one, or beside a sibling of the same kind that links another status.
bool in_feed(const GumboNode* n) {
  const GumboNode* p = n;
  for (int up = 0; up < 3 && p && p->type == GUMBO_NODE_ELEMENT; ++up, p = p->parent) {
    if (p->v.element.tag == GUMBO_TAG_LI) return true;
  }
  // The wrapper holds the link inside a list item: a list of posts.
  bool listed = false;
  for_each_element(n, [&](const GumboNode* e) {
    if (listed) return false;
    if (e->v.element.tag == GUMBO_TAG_LI) {
      for_each_element(e, [&](const GumboNode* a) {
        if (!listed && a->v.element.tag == GUMBO_TAG_A && find_status_url(attr(a, "href"))) listed = true;
        return !listed;
      });
    }
    return !listed;
  });
  if (listed) return true;
  // A container of nothing but posts (three or more, no prose of its own) is a feed widget.
  auto links_status = [](const GumboNode* c) {
    bool found = false;
    for_each_element(c, [&](const GumboNode* a) {
      if (!found && a->v.element.tag == GUMBO_TAG_A && find_status_url(attr(a, "href"))) found = true;
      return !found;
    });
    return found;
  };
  const GumboNode* up = n->parent;
  for (int level = 0; level < 3 && up && up->type == GUMBO_NODE_ELEMENT; ++level, up = up->parent) {
    int linked = 0, prose = 0;
    const GumboVector& kids = up->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      const auto* c = static_cast<const GumboNode*>(kids.data[i]);
      if (c->type == GUMBO_NODE_TEXT && !trim(c->v.text.text).empty()) ++prose;
      if (c->type != GUMBO_NODE_ELEMENT) continue;
      if (links_status(c))
        ++linked;
      else if (c->v.element.tag == GUMBO_TAG_P)
        ++prose;
    }
    if (linked >= 2) return linked >= 3 && prose == 0;
  }
  return false;
}

/// Whether `n` or one of its three nearest ancestors is an embed block (a class token with "embed").
bool in_embed_block(const GumboNode* n) {
  for (int up = 0; up < 4 && n && n->type == GUMBO_NODE_ELEMENT; ++up, n = n->parent) {
    if (any_class(n, [](std::string_view t) { return icontains(t, "embed"); })) return true;
  }
  return false;
}

/// The element below `n` whose href or title holds the permalink of status `id` (or null).
const GumboNode* status_link_element(const GumboNode* n, std::string_view id, std::optional<PostUrl>* url) {
  const GumboNode* found = nullptr;
  for_each_element(n, [&](const GumboNode* e) {
    if (found) return false;
    for (const char* name : {"href", "title"}) {
      if (auto u = find_status_url(attr(e, name)); u && u->status_id == id) {
        found = e;
        *url = std::move(u);
        break;
      }
    }
    return true;
  });
  return found;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

/// The decoded `href` of a Facebook post or video plugin URL (empty when `src` is none).
std::string facebook_plugin_href(std::string_view src) {
  const std::size_t p = src.find("facebook.com/plugins/");
  if (p == std::string_view::npos) return {};
  const std::string_view rest = src.substr(p + 21);
  if (!starts_with_icase(rest, "post.php") && !starts_with_icase(rest, "video.php")) return {};
  for (std::size_t h = rest.find("href="); h != std::string_view::npos; h = rest.find("href=", h + 5)) {
    if (h == 0 || (rest[h - 1] != '?' && rest[h - 1] != '&' && rest[h - 1] != ';')) continue;
    std::size_t e = rest.find('&', h + 5);
    if (e == std::string_view::npos) e = rest.size();
    return percent_decode(rest.substr(h + 5, e - h - 5));
  }
  return {};
}

/// A Facebook post or video permalink: a /posts/, /videos/ or /photos/ URL, else any facebook.com
/// page URL (watch/?v=, permalink.php?story_fbid=) kept as written.
std::optional<PostUrl> facebook_permalink(std::string_view href) {
  if (auto u = find_post_url(href); u && u->platform == Platform::facebook) return u;
  const std::string_view h = trim(href);
  const std::size_t p = h.find("facebook.com/");
  if (p == std::string_view::npos || !starts_with_icase(h, "http") || p > 20) return std::nullopt;
  if (h.find_first_of(" \t\n\"<>") != std::string_view::npos || h.size() <= p + 13) return std::nullopt;
  PostUrl u;
  u.platform = Platform::facebook;
  u.url = std::string(h);
  u.status_id = u.url;
  return u;
}

class HtmlScanner {
public:
  HtmlScanner(const ScanContext& ctx, std::size_t base, bool bare_urls, std::vector<Post>& posts,
              std::vector<Range>& claimed)
      : m_ctx(ctx), m_base(base), m_bare_urls(bare_urls), m_posts(posts), m_claimed(claimed) {}
  HtmlScanner(const ScanContext& ctx, const OffsetMap& map, bool bare_urls, std::vector<Post>& posts,
              std::vector<Range>& claimed)
      : m_ctx(ctx), m_base(map.base), m_bare_urls(bare_urls), m_posts(posts), m_claimed(claimed), m_map(&map) {}

  /// Where the parsed part ends, when it was cut at a bound: an element still open there (closed
  /// by the parser at the end of its input) is too large to parse.
  void set_cut(std::size_t parsed_size) {
    m_cut = true;
    m_parsed_size = parsed_size;
  }

  void run(const GumboNode* root) {
    // Explicit stack: (node, inside a Twitter wrapper that holds an embed).
    std::vector<std::pair<const GumboNode*, bool>> stack{{root, false}};
    while (!stack.empty()) {
      auto [n, in_wrapper] = stack.back();
      stack.pop_back();
      if (n->type == GUMBO_NODE_TEXT && m_bare_urls && !in_wrapper) {
        bare_url_text(n);
        continue;
      }
      if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
      if (m_skip.count(n)) continue;
      bool wrapper = in_wrapper;
      if (n->type == GUMBO_NODE_ELEMENT) {
        if (is_skipped_tag(n->v.element.tag)) continue;
        const Visit v = visit(n);
        if (v == Visit::consumed) continue;
        if (v == Visit::wrapper) wrapper = true;
      }
      const GumboVector* kids = children(n);
      for (unsigned i = kids ? kids->length : 0; i > 0; --i) {
        stack.emplace_back(static_cast<const GumboNode*>(kids->data[i - 1]), wrapper);
      }
    }
  }

private:
  enum class Visit { descend, consumed, wrapper };

  /// Where an offset of the parsed copy stands in the document.
  std::size_t src(std::size_t parsed) const { return m_map ? (*m_map)(parsed) : m_base + parsed; }
  std::size_t start_of(const GumboNode* n) const { return src(n->v.element.start_pos.offset); }

  /// Marks `n` as part of a post already reported (a widget's own fallback).
  void take(const GumboNode* n) {
    m_skip.insert(n);
    const std::size_t start = start_of(n);
    m_claimed.emplace_back(start, std::max(start + 1, src(n->v.element.end_pos.offset)));
  }

  /// Reports `post` for element `n`; false when `n` was cut short (then only counted).
  bool add(const GumboNode* n, Post post) {
    const std::size_t start = start_of(n);
    if (m_cut && n->v.element.end_pos.offset >= m_parsed_size) {
      // Its text, links and credit would be cut short: a wrong post is worse than none (the
      // pre-parse check counts it as too large).
      m_claimed.emplace_back(start, start + 1);
      return false;
    }
    std::size_t end = src(n->v.element.end_pos.offset);
    if (end < start) end = start + 1;
    m_claimed.emplace_back(start, end);
    finish_post(m_ctx, start, post);
    m_posts.push_back(std::move(post));
    return true;
  }

  Visit visit(const GumboNode* n) {
    const std::string tag = tag_name(n);
    if (tag == "a" || tag == "link" || tag == "img") return Visit::descend;
    if (!attr(n, "data-bluesky-uri").empty() || has_class(n, "bluesky-embed")) return bluesky(n);
    if (has_class(n, "mastodon-embed") ||
        (tag == "iframe" && attr(n, "src").find("/embed") != std::string_view::npos)) {
      if (mastodon(n, tag)) return Visit::consumed;
    }
    if (has_class(n, "text-post-media") || has_attr(n, "data-text-post-permalink")) return threads(n);
    if (has_class(n, "instagram-media") || has_attr(n, "data-instgrm-permalink") ||
        (tag == "blockquote" && icontains(attr(n, "class"), "instagram"))) {
      // A page's own wrapper that merely shares the class holds the embeds: look inside.
      if (tag == "blockquote" || has_attr(n, "data-instgrm-permalink") || !holds_instagram_blockquote(n)) {
        if (instagram(n)) return Visit::consumed;
      }
    }
    if (tag == "iframe") {
      if (auto u = find_post_url(attr(n, "src")); u && u->platform == Platform::instagram) {
        add(n, post_from_url(*u, EmbedForm::rendered));
        return Visit::consumed;
      }
    }
    if (iequals(attr(n, "data-embed-type"), "instagram") && !attr(n, "data-embed-id").empty() &&
        trim(flatten(n).text).empty()) {
      // An ID-only Instagram placeholder: the shortcode in data-embed-id.
      PostUrl u;
      u.platform = Platform::instagram;
      u.url = "https://www.instagram.com/p/" + std::string(trim(attr(n, "data-embed-id"))) + "/";
      u.status_id = u.url;
      add(n, post_from_url(u, EmbedForm::rendered));
      return Visit::consumed;
    }
    if ((has_class(n, "fb-post") || has_class(n, "fb-video")) && !attr(n, "data-href").empty()) {
      if (facebook(n)) return Visit::consumed;
    }
    if (tag == "iframe" && !facebook_plugin_href(attr(n, "src")).empty()) {
      if (facebook_iframe(n)) return Visit::consumed;
    }
    if (tag == "amp-twitter") return twitter_embed(n, EmbedForm::amp, std::string(attr(n, "data-tweetid")));
    if (is_rendered_twitter(n)) return rendered(n);
    if (is_twitter_blockquote(n)) return twitter_embed(n, EmbedForm::blockquote, std::string(tweet_id_attr(n)));
    return wrapper(n, tag);
  }

  Visit twitter_embed(const GumboNode* n, EmbedForm form, std::string id) {
    // An <amp-twitter> or wrapper may hold the embed blockquote as its placeholder.
    const GumboNode* body = n;
    if (form == EmbedForm::amp) {
      for_each_element(n, [&](const GumboNode* e) {
        if (body == n && is_twitter_blockquote(e)) body = e;
        return body == n;
      });
    }
    const Flat flat = flatten(body);
    std::optional<PostUrl> url;
    const std::size_t permalink = find_permalink(flat, Platform::twitter, &url);
    Post post;
    post.platform = Platform::twitter;
    post.form = form;
    if (url) {
      post.status_id = url->status_id;
      post.status_url = url->url;
      if (!url->handle.empty()) post.handle = url->handle;
    }
    if (!id.empty() && !is_post_id(id)) {
      if (auto u = find_status_url(id); u && !post.status_id) {
        post.status_id = u->status_id;
        post.status_url = u->url;
        if (!u->handle.empty()) post.handle = u->handle;
      }
      id.clear();
    }
    if (!id.empty() && !post.status_id) post.status_id = id;
    if (!post.status_id) {
      // A status URL in an attribute (cite, data-url, ...).
      for (const char* name : {"cite", "data-url", "data-href", "data-resourceurl", "data-tweet-url"}) {
        if (auto u = find_status_url(attr(n, name))) {
          post.status_id = u->status_id;
          post.status_url = u->url;
          if (!u->handle.empty()) post.handle = u->handle;
          break;
        }
      }
    }
    fill_from_flat(flat, permalink, post);
    if (!post.status_id && !post.handle && form == EmbedForm::blockquote) {
      // wpautop may move the credit line out of the blockquote into the paragraph right after it:
      // "<blockquote class="twitter-tweet"><p>…</p></blockquote><p>— Name (@handle) <a>Date</a></p>".
      if (const GumboNode* next = next_element_sibling(n); next && next->v.element.tag == GUMBO_TAG_P) {
        const Flat credit = flatten(next);
        std::optional<PostUrl> u;
        const std::size_t link = find_permalink(credit, Platform::twitter, &u);
        const std::string_view before =
            link == SIZE_MAX ? std::string_view() : std::string_view(credit.text).substr(0, credit.anchors[link].start);
        if (u && parse_credit_tail(before) && trim(before).size() < 200) {
          Post joined = post;
          joined.status_id = u->status_id;
          joined.status_url = u->url;
          if (!u->handle.empty()) joined.handle = u->handle;
          fill_from_flat(credit, link, joined);
          joined.text = post.text;
          joined.links = post.links;
          post = std::move(joined);
          take(next);
        }
      }
    }
    if (!post.status_id && !post.handle) {
      return Visit::descend; // a "twitter-tweet" class without a post: a button or a decoy
    }
    // The blockquote left in place right before the widget that replaced it: one post.
    if (form == EmbedForm::blockquote && post.status_id) {
      if (const GumboNode* next = next_element_sibling(n); next && is_rendered_twitter(next)) {
        std::string other(tweet_id_attr(next));
        if (other.empty()) other = iframe_src_id(next);
        if (other.empty()) {
          for_each_element(next, [&](const GumboNode* e) {
            if (other.empty()) other = std::string(tweet_id_attr(e));
            if (other.empty()) other = iframe_src_id(e);
            return other.empty();
          });
        }
        if (other == *post.status_id) {
          post.form = EmbedForm::rendered;
          take(next);
        }
      }
    }
    add(n, std::move(post));
    return Visit::consumed;
  }

  Visit rendered(const GumboNode* n) {
    std::string id(tweet_id_attr(n));
    if (id.empty()) id = iframe_src_id(n);
    const GumboNode* fallback = nullptr;
    for_each_element(n, [&](const GumboNode* e) {
      if (id.empty()) {
        id = std::string(tweet_id_attr(e));
        if (id.empty()) id = iframe_src_id(e);
      }
      if (!fallback && is_twitter_blockquote(e)) fallback = e;
      return true;
    });
    if (id.empty() && !fallback) return Visit::descend;
    Post post;
    post.platform = Platform::twitter;
    post.form = EmbedForm::rendered;
    if (!fallback) {
      // The widget's own fallback right after it: the blockquote it replaced, or a <noscript> copy.
      if (const GumboNode* next = next_element_sibling(n)) {
        const GumboNode* candidate = next;
        if (next->v.element.tag == GUMBO_TAG_NOSCRIPT) {
          candidate = nullptr;
          for_each_element_in_raw(next, [&](const GumboNode* e) {
            if (!candidate && is_twitter_blockquote(e)) candidate = e;
          });
        }
        if (candidate && is_twitter_blockquote(candidate)) {
          std::optional<PostUrl> u;
          find_permalink(flatten(candidate), Platform::twitter, &u);
          std::string other(tweet_id_attr(candidate));
          if (u) other = u->status_id;
          if (id.empty() || other.empty() || other == id) {
            fallback = candidate;
            take(next);
          }
        }
      }
    }
    if (fallback) {
      const Flat flat = flatten(fallback);
      std::optional<PostUrl> url;
      const std::size_t permalink = find_permalink(flat, Platform::twitter, &url);
      if (url) {
        post.status_url = url->url;
        post.status_id = url->status_id;
        if (!url->handle.empty()) post.handle = url->handle;
      }
      fill_from_flat(flat, permalink, post);
    }
    if (!id.empty()) post.status_id = id;
    add(n, std::move(post));
    return Visit::consumed;
  }

  Visit bluesky(const GumboNode* n) {
    const Flat flat = flatten(n);
    std::optional<PostUrl> url;
    const std::size_t permalink = find_permalink(flat, Platform::bluesky, &url);
    Post post;
    post.platform = Platform::bluesky;
    post.form = EmbedForm::blockquote;
    std::string_view uri = attr(n, "data-bluesky-uri");
    if (!uri.empty()) post.status_id = std::string(uri);
    std::string_view cid = attr(n, "data-bluesky-cid");
    if (!cid.empty()) post.content_hash = std::string(cid);
    if (url) {
      post.status_url = url->url;
      if (!post.status_id) post.status_id = url->status_id;
    }
    fill_from_flat(flat, permalink, post);
    // Bluesky's embed code shows "[image or embed]" (a link to the post) after the text of a post
    // with images, a link card or a quoted post: the widget's placeholder, not the post's words.
    constexpr std::string_view k_placeholder = "[image or embed]";
    if (post.text && post.text->size() >= k_placeholder.size() &&
        post.text->compare(post.text->size() - k_placeholder.size(), k_placeholder.size(), k_placeholder) == 0) {
      post.text = trim_copy(std::string_view(*post.text).substr(0, post.text->size() - k_placeholder.size()));
      if (post.text->empty()) post.text.reset();
      std::erase_if(post.links, [&](const Link& l) { return l.text == k_placeholder; });
    }
    if (!post.handle && url && url->handle.rfind("did:", 0) != 0) post.handle = url->handle;
    if (!post.status_id) return Visit::descend;
    add(n, std::move(post));
    return Visit::consumed;
  }

  bool mastodon(const GumboNode* n, const std::string& tag) {
    std::string_view src = tag == "iframe" ? attr(n, "src") : attr(n, "data-embed-url");
    auto u = find_post_url(src);
    if (!u || u->platform != Platform::mastodon) {
      // The 4.3+ blockquote also links the status.
      u.reset();
      const Flat flat = flatten(n);
      for (const Anchor& a : flat.anchors) {
        if ((u = find_post_url(a.href)) && u->platform == Platform::mastodon) break;
        u.reset();
      }
      if (!u) return false;
    }
    Post post;
    post.platform = Platform::mastodon;
    post.form = tag == "iframe" ? EmbedForm::rendered : EmbedForm::blockquote;
    post.status_id = u->status_id;
    post.status_url = u->url;
    post.handle = u->handle;
    if (tag != "iframe") {
      // A blockquote that shows the post (a CMS's static copy): its text before the permalink and
      // the credit line, as for the other embeds. The 4.3 code's card ("Post by @user@instance",
      // "View on Mastodon") is the permalink itself and shows no text.
      const Flat flat = flatten(n);
      Post shown;
      fill_from_flat(flat, find_permalink(flat, Platform::mastodon, nullptr), shown);
      // The credit "— Name (@user@instance)" (the credit parser knows one-@ handles only).
      if (shown.text) {
        std::string& t = *shown.text;
        const std::size_t line = t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1;
        const std::string_view last = std::string_view(t).substr(line);
        const std::size_t open = last.rfind("(@");
        if (open != std::string_view::npos && last.size() > open + 3 && last.back() == ')' &&
            (starts_with_icase(last, "\xE2\x80\x94") || starts_with_icase(last, "\xE2\x80\x93") || last[0] == '-')) {
          const std::string handle(last.substr(open + 2, last.size() - open - 3));
          if (handle.find('@') != std::string::npos && handle.find(' ') == std::string::npos) {
            const std::size_t dash = last[0] == '-' ? 1 : 3;
            const std::string name = trim_copy(last.substr(dash, open - dash));
            if (!name.empty()) shown.display_name = name;
            shown.handle = handle;
            std::erase_if(shown.links, [&](const Link& l) { return l.text.find(handle) != std::string::npos; });
            t = trim_copy(std::string_view(t).substr(0, line));
          }
        }
        if (t.empty()) shown.text.reset();
      }
      post.text = std::move(shown.text);
      post.links = std::move(shown.links);
      post.date_text = std::move(shown.date_text);
      post.display_name = std::move(shown.display_name);
      // The credit's handle only when it names the instance too ("@user@instance").
      if (shown.handle && shown.handle->find('@') != std::string::npos) post.handle = shown.handle;
    }
    add(n, std::move(post));
    return true;
  }

  Visit threads(const GumboNode* n) {
    auto u = find_post_url(attr(n, "data-text-post-permalink"));
    if (!u) {
      const Flat flat = flatten(n);
      find_permalink(flat, Platform::threads, &u);
    }
    if (!u || u->platform != Platform::threads) return Visit::descend;
    Post post;
    post.platform = Platform::threads;
    post.form = EmbedForm::blockquote;
    post.status_id = u->status_id;
    post.status_url = u->url;
    post.handle = u->handle;
    add(n, std::move(post));
    return Visit::consumed;
  }

  bool instagram(const GumboNode* n) {
    auto u = find_post_url(attr(n, "data-instgrm-permalink"));
    const Flat flat = flatten(n);
    if (!u || u->platform != Platform::instagram) {
      u.reset();
      find_permalink(flat, Platform::instagram, &u);
    }
    if (!u) return false;
    Post post;
    post.platform = Platform::instagram;
    post.form = EmbedForm::blockquote;
    post.status_id = u->status_id;
    post.status_url = u->url;
    // The embed's paragraphs: the caption first, then the credit "A post shared by Name (@handle)
    // on <time datetime=…>date</time>" (in any UI language). The credit is the paragraph holding
    // the <time> or the "(@handle)"; what comes before it is the caption.
    std::vector<const GumboNode*> paragraphs;
    const GumboNode* time = nullptr;
    for_each_element(n, [&](const GumboNode* e) {
      if (e->v.element.tag == GUMBO_TAG_P) paragraphs.push_back(e);
      if (!time && tag_name(e) == "time") time = e;
      return true;
    });
    // The credit: the paragraph holding the <time>, else the last one with "(@handle)" (a caption
    // may hold one too).
    const GumboNode* credit_p = nullptr;
    for (const GumboNode* p : paragraphs) {
      if (time && is_ancestor(p, time)) credit_p = p;
    }
    if (!credit_p) {
      for (const GumboNode* p : paragraphs) {
        if (instagram_credit_handle(flatten(p).text)) credit_p = p;
      }
    }
    const GumboNode* credit = nullptr;
    for (const GumboNode* p : paragraphs) {
      if (p != credit_p) continue;
      const Flat pf = flatten(p);
      {
        credit = p;
        if (auto h = instagram_credit_handle(pf.text)) post.handle = *h;
        // The profile link in the credit: the author, even when the "(@handle)" is missing.
        for (const Anchor& a : pf.anchors) {
          auto profile = instagram_profile(a.href);
          if (!profile) continue;
          if (!post.handle) post.handle = *profile;
          const std::string name = trim_copy(a.text);
          if (!name.empty() && name[0] != '@') post.display_name = name;
          break;
        }
        break;
      }
    }
    std::string caption;
    for (const GumboNode* p : paragraphs) {
      if (p == credit) break;
      const std::string t = trim_copy(flatten(p).text);
      if (t.empty()) continue;
      if (!caption.empty()) caption += "\n\n";
      caption += t;
    }
    if (credit && !caption.empty()) post.text = caption;
    if (time) {
      const std::string t = trim_copy(flatten(time).text);
      if (!t.empty() && t != "-") post.date_text = t;
    }
    // Else "Instagram: @handle" or a "@handle" link in the attribution a site prints right beside
    // the embed (never a mention inside the caption).
    const GumboNode* scope = n;
    for (int up = 0; up < 6 && !post.handle && scope; ++up, scope = scope->parent) {
      if (scope->type != GUMBO_NODE_ELEMENT) break;
      const Flat around = flatten(scope);
      for (const Anchor& a : around.anchors) {
        auto same = find_post_url(a.href);
        if (!same || same->status_id != u->status_id) continue;
        if (a.text.size() > 300) continue; // a caption, not an attribution
        const auto at = a.text.rfind('@');
        if (at != std::string::npos && (at == 0 || a.text[at - 1] == ' ' || a.text[at - 1] == '(')) {
          std::size_t e = at + 1;
          while (e < a.text.size() &&
                 (std::isalnum(static_cast<unsigned char>(a.text[e])) || a.text[e] == '_' || a.text[e] == '.'))
            ++e;
          if (e > at + 1) post.handle = a.text.substr(at + 1, e - at - 1);
        }
      }
    }
    const std::string iso = time ? iso_date_attr(attr(time, "datetime")) : std::string();
    if (add(n, std::move(post)) && !iso.empty()) m_posts.back().date = iso;
    return true;
  }

  bool facebook(const GumboNode* n) {
    auto u = facebook_permalink(attr(n, "data-href"));
    if (!u) return false;
    Post post;
    post.platform = Platform::facebook;
    post.form = EmbedForm::blockquote;
    post.status_id = u->status_id;
    post.status_url = u->url;
    if (!u->handle.empty()) post.handle = u->handle;
    const Flat flat = flatten(n);
    std::optional<PostUrl> link;
    const std::size_t permalink = find_permalink(flat, Platform::facebook, &link);
    if (permalink != SIZE_MAX) {
      if (looks_like_date(flat.anchors[permalink].text)) post.date_text = flat.anchors[permalink].text;
      // The text is the paragraphs before the "Posted by …" byline.
      std::string_view body = std::string_view(flat.text).substr(0, flat.anchors[permalink].start);
      const auto nl = body.rfind("\n\n");
      if (nl != std::string_view::npos) {
        const std::string text = trim_copy(body.substr(0, nl));
        if (!text.empty()) post.text = text;
      }
    }
    add(n, std::move(post));
    return true;
  }

  /// The Facebook post and video plugins: `<iframe src="https://www.facebook.com/plugins/post.php?href=…">`.
  bool facebook_iframe(const GumboNode* n) {
    auto u = facebook_permalink(facebook_plugin_href(attr(n, "src")));
    if (!u) return false;
    Post post;
    post.platform = Platform::facebook;
    post.form = EmbedForm::rendered;
    post.status_id = u->status_id;
    post.status_url = u->url;
    if (!u->handle.empty()) post.handle = u->handle;
    add(n, std::move(post));
    return true;
  }

  /// A site's own markup around a status permalink (Bustle data-tweetid, CMS data-provider
  /// wrappers, consent placeholders, native re-renders).
  Visit wrapper(const GumboNode* n, const std::string& tag) {
    if (tag == "html" || tag == "body" || tag == "main" || tag == "article") return Visit::descend;
    std::string_view id = tweet_id_attr(n);
    if (id.empty()) id = placeholder_id(n);
    // Blackbird Pie's id="t<ID>" and pasted twitter.com markup's id="status_<ID>" name the post
    // only together with a permalink to it inside.
    const std::string_view bbp = id.empty() ? prefixed_id(n) : std::string_view();
    if (!bbp.empty()) return prefixed(n, bbp);
    if (id.empty()) {
      // An empty placeholder whose data-* attribute holds the permalink (data-oembed-url, data-href).
      if (auto u = attribute_permalink(n)) {
        const Flat f = flatten(n);
        if (trim(f.text).empty() && f.anchors.empty()) {
          add(n, post_from_url(*u, EmbedForm::rendered));
          return Visit::consumed;
        }
      }
    }
    bool provider = false;
    // On share buttons and menu items (span, li, button) the attribute only names the element.
    const bool inline_item = tag == "span" || tag == "li" || tag == "button";
    for (std::string_view name : k_provider_attributes) {
      std::string_view v = attr(n, std::string(name).c_str());
      if (!inline_item && (iequals(v, "twitter") || iequals(v, "x") || iequals(v, "tweet"))) provider = true;
    }
    const bool named = icontains(attr(n, "class"), "tweet") || icontains(attr(n, "class"), "twitter") ||
                       icontains(attr(n, "id"), "tweet") || icontains(attr(n, "aria-label"), "social media post") ||
                       (inline_item && names_twitter(n));
    if (id.empty() && !provider && !named) return Visit::descend;
    if (contains_embed(n)) return (provider || named) ? Visit::wrapper : Visit::descend;
    if (id.empty() && !provider && tag != "blockquote" && single_candidate_child(n)) return Visit::descend;

    std::optional<PostUrl> url;
    for (const char* name : {"data-resourceurl", "data-url", "data-href", "cite", "data-tweet-url", "data-src"}) {
      if ((url = find_status_url(attr(n, name)))) break;
    }
    const Flat flat = flatten(n);
    std::set<std::string> ids;
    std::size_t permalink = SIZE_MAX;
    for (std::size_t i = 0; i < flat.anchors.size(); ++i) {
      if (auto u = find_status_url(flat.anchors[i].href)) {
        ids.insert(u->status_id);
        permalink = i;
        if (!url) url = u;
      }
    }
    if (!id.empty()) ids.insert(std::string(id));
    if (url) ids.insert(url->status_id);
    // Exactly one post: a sidebar or timeline links many.
    if (ids.size() != 1) return Visit::descend;
    if (id.empty() && !provider && !url) return Visit::descend;
    if (named && !provider && id.empty() && flat.text.size() > 4000) return Visit::descend;
    if (named && !provider && id.empty() && in_feed(n)) return Visit::descend;

    Post post;
    post.platform = Platform::twitter;
    // An ID-only placeholder (no permalink link, no text) is what a site's script fills in.
    post.form = permalink == SIZE_MAX && trim(flat.text).empty() ? EmbedForm::rendered : EmbedForm::blockquote;
    post.status_id = *ids.begin();
    if (url) {
      post.status_url = url->url;
      if (!url->handle.empty()) post.handle = url->handle;
    }
    if (permalink != SIZE_MAX &&
        parse_credit_tail(std::string_view(flat.text).substr(0, flat.anchors[permalink].start))) {
      fill_from_flat(flat, permalink, post);
    } else if (permalink != SIZE_MAX) {
      // Native re-renders: the permalink's text is the date when it reads as one.
      post.date_text = permalink_date(flat.anchors[permalink].text);
      // "@handle" as a link text names the author.
      for (const Anchor& a : flat.anchors) {
        if (a.text.size() > 1 && a.text[0] == '@' && post.handle && iequals(a.text.substr(1), *post.handle)) {
          post.handle = a.text.substr(1);
        }
      }
    }
    add(n, std::move(post));
    return Visit::consumed;
  }

  /// A post whose element id carries its ID (Blackbird Pie's id="t<ID>", twitter.com's own
  /// id="status_<ID>" markup pasted into a page), trusted when it links that status.
  Visit prefixed(const GumboNode* n, std::string_view id) {
    std::optional<PostUrl> url;
    const GumboNode* link = status_link_element(n, id, &url);
    if (!link) return Visit::descend;
    Post post;
    post.platform = Platform::twitter;
    post.form = EmbedForm::blockquote;
    post.status_id = std::string(id);
    post.status_url = url->url;
    if (!url->handle.empty()) post.handle = url->handle;
    const Flat flat = flatten(n);
    std::size_t permalink = SIZE_MAX;
    for (std::size_t i = 0; i < flat.anchors.size(); ++i) {
      if (auto u = find_status_url(flat.anchors[i].href); u && u->status_id == id) permalink = i;
    }
    if (permalink != SIZE_MAX) fill_from_flat(flat, permalink, post);
    if (!post.date_text) {
      // The time shown on the element that carries the permalink (a removed link keeps it in title=).
      const std::string t = trim_copy(flatten(link).text);
      if (!t.empty() && t.size() <= 40 && !find_post_url(t)) post.date_text = t;
    }
    add(n, std::move(post));
    return Visit::consumed;
  }

  /// Status URLs alone on a line of a block's text (WordPress auto-embeds).
  void bare_url_text(const GumboNode* n) {
    std::string_view text = n->v.text.text;
    if (text.find("status") == std::string_view::npos && text.find("facebook.com/") == std::string_view::npos &&
        text.find("instagram.com/") == std::string_view::npos) {
      return;
    }
    const GumboNode* parent = n->parent;
    const GumboNode* unit = n; // what stands in the block: the text, or the link showing it
    if (parent && parent->type == GUMBO_NODE_ELEMENT && parent->v.element.tag == GUMBO_TAG_A) {
      // <p><a href="URL">URL</a></p>: a link whose text is its own status URL, alone in a block
      // (a site loads the embed into it).
      auto u = whole_status_url(text);
      auto h = find_status_url(attr(parent, "href"));
      if (!u || !h || u->status_id != h->status_id || parent->v.element.children.length != 1) return;
      unit = parent;
      parent = parent->parent;
      if (!parent || parent->type != GUMBO_NODE_ELEMENT) return;
      const GumboVector& kids = parent->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) {
        const auto* c = static_cast<const GumboNode*>(kids.data[i]);
        if (c != unit &&
            !(c->type == GUMBO_NODE_WHITESPACE || (c->type == GUMBO_NODE_TEXT && trim(c->v.text.text).empty())))
          return;
      }
    }
    if (!parent || parent->type != GUMBO_NODE_ELEMENT || !is_block_tag(parent->v.element.tag)) return;
    // Inline siblings on the same line make it a link in prose, not an embed.
    const GumboVector& sib = parent->v.element.children;
    auto inline_sibling = [&](int dir) {
      const std::size_t idx = unit->index_within_parent;
      const long j = static_cast<long>(idx) + dir;
      if (j < 0 || j >= static_cast<long>(sib.length)) return false;
      const auto* s = static_cast<const GumboNode*>(sib.data[j]);
      if (s->type == GUMBO_NODE_ELEMENT) return !(is_block_tag(s->v.element.tag) || s->v.element.tag == GUMBO_TAG_BR);
      return false;
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      const std::string_view line = text.substr(pos, nl - pos);
      auto u = whole_embed_url(line);
      // Facebook and Instagram URLs are auto-embedded only by an embed block around them
      // (WordPress figure.wp-block-embed): elsewhere a bare one is just shown.
      if (u && u->platform != Platform::twitter && !in_embed_block(parent)) u.reset();
      if (u) {
        const bool first = trim(text.substr(0, pos)).empty();
        const bool last = trim(text.substr(nl)).empty();
        if (!(first && inline_sibling(-1)) && !(last && inline_sibling(+1))) {
          Post post = post_from_url(*u, EmbedForm::url);
          // Offset: the original text maps 1:1 to the source unless entities intervene.
          const GumboStringPiece orig = n->v.text.original_text;
          std::string_view src(orig.data, orig.length);
          std::string_view needle = trim(line);
          needle = needle.substr(0, std::min(needle.find('&'), needle.size())); // entities differ in the source
          const auto at = src.find(needle);
          const std::size_t offset = this->src(n->v.text.start_pos.offset) + (at == std::string_view::npos ? 0 : at);
          m_claimed.emplace_back(offset, offset + line.size());
          finish_post(m_ctx, offset, post);
          m_posts.push_back(std::move(post));
        }
      }
      pos = nl + 1;
    }
  }

  /// Elements already taken as part of another post (a widget's own fallback).
  std::set<const GumboNode*> m_skip;
  const ScanContext& m_ctx;
  std::size_t m_base;
  bool m_bare_urls;
  std::vector<Post>& m_posts;
  bool m_cut = false;
  std::size_t m_parsed_size = 0;
  std::vector<Range>& m_claimed;
  const OffsetMap* m_map = nullptr;
};

// ---- posts quoted in prose -------------------------------------------------------------

/// A profile permalink "https://twitter.com/handle" (no status): the handle, else empty.
std::string profile_handle(std::string_view href) {
  static constexpr std::string_view k_hosts[] = {"//twitter.com/", "//www.twitter.com/", "//mobile.twitter.com/",
                                                 "//x.com/", "//www.x.com/"};
  for (std::string_view host : k_hosts) {
    const std::size_t p = href.find(host);
    if (p == std::string_view::npos || p > 6) continue;
    const std::string_view rest = href.substr(p + host.size());
    std::size_t e = 0;
    while (e < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[e])) || rest[e] == '_')) ++e;
    if (e == 0 || e > 15) return {};
    const std::string_view after = rest.substr(e);
    if (!after.empty() && after[0] != '?' && after[0] != '#' && !(after[0] == '/' && after.size() == 1)) return {};
    static constexpr std::string_view k_reserved[] = {
        "share",  "intent",  "hashtag", "search", "home",     "i",        "explore",       "settings", "login",
        "signup", "privacy", "tos",     "about",  "download", "messages", "notifications", "compose",  "widgets"};
    const std::string_view handle = rest.substr(0, e);
    for (std::string_view r : k_reserved) {
      if (iequals(handle, r)) return {};
    }
    return std::string(handle);
  }
  return {};
}

/// Words saying that a quotation is a post: tweet(s/ed), post(s/ed), wrote, writes, Twitter, X.
bool says_post(std::string_view s) {
  static const std::string_view k_words[] = {"tweet", "retweet", "post",    "wrote",    "writes", "twitter",
                                             "on x",  "skriver", "schrieb", "schreibt", "tuit",   "escribi"};
  const std::string lower = ascii_lower(s);
  for (std::string_view w : k_words) {
    for (std::size_t p = lower.find(w); p != std::string::npos; p = lower.find(w, p + 1)) {
      const bool start = p == 0 || !std::isalnum(static_cast<unsigned char>(lower[p - 1]));
      std::size_t e = p + w.size();
      while (e < lower.size() && std::isalpha(static_cast<unsigned char>(lower[e]))) ++e;
      const std::string_view word = std::string_view(lower).substr(p, e - p);
      const bool whole = word == w || word == std::string(w) + "s" || word == std::string(w) + "ed" ||
                         word == std::string(w) + "ing" || (w == "post" && word == "posted") ||
                         (w == "tuit" && word.size() <= 8) || (w == "escribi" && word == "escribió");
      if (start && whole && !(w == "post" && lower.compare(p, 12, "post office") == 0)) return true;
    }
  }
  return false;
}

struct Quotation {
  std::size_t begin, end;  ///< the quoted words: [begin, end) of the flat text
  std::size_t open, after; ///< the opening mark (or element start) and what follows the quotation
};

/// Quotation marks and the mark that closes each.
std::size_t closing_mark(std::string_view text, std::size_t i, std::size_t* open_len, std::size_t limit) {
  struct Pair {
    std::string_view open, close, close2;
  };
  static constexpr Pair k_pairs[] = {{"\xE2\x80\x9C", "\xE2\x80\x9D", ""},             // “ ”
                                     {"\xC2\xAB", "\xC2\xBB", ""},                     // « »
                                     {"\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9D"}, // „ “ / ”
                                     {"\xE2\x80\x9D", "\xE2\x80\x9D", ""},             // ” ” (Swedish, Finnish)
                                     {"\"", "\"", ""}};
  for (const Pair& p : k_pairs) {
    if (text.compare(i, p.open.size(), p.open) != 0) continue;
    *open_len = p.open.size();
    std::size_t c = text.find(p.close, i + p.open.size());
    if (!p.close2.empty()) c = std::min(c, text.find(p.close2, i + p.open.size()));
    if (c == std::string_view::npos || c >= limit) return std::string_view::npos;
    return c;
  }
  return std::string_view::npos;
}

/// Quotations of one block of text [b, e): marked ones, and <q>/<blockquote> elements without marks.
std::vector<Quotation> quotations(const Flat& flat, std::size_t b, std::size_t e) {
  std::vector<Quotation> out;
  const std::string_view text = flat.text;
  for (std::size_t i = b; i < e;) {
    std::size_t open_len = 0;
    const std::size_t c = closing_mark(text, i, &open_len, e);
    if (c == std::string_view::npos) {
      ++i;
      continue;
    }
    std::size_t close_len = text[c] == '"' ? 1 : (static_cast<unsigned char>(text[c]) == 0xC2 ? 2 : 3);
    out.push_back({i + open_len, c, i, c + close_len});
    i = c + close_len;
  }
  for (const auto& span : flat.quotes) {
    const std::size_t qb = span.first, qe = span.second; // (clang 14 cannot capture bindings)
    if (qe == SIZE_MAX || qb < b || qb >= e) continue;
    const bool marked =
        std::any_of(out.begin(), out.end(), [&](const Quotation& q) { return q.begin >= qb && q.end <= qe; });
    if (!marked) out.push_back({qb, std::min(qe, e), qb, std::min(qe, e)});
  }
  return out;
}

/// Where the sentence that contains `from` ends (". ", "! ", "? " or the block's end).
std::size_t sentence_end(std::string_view text, std::size_t from, std::size_t limit) {
  for (std::size_t i = from; i + 1 < limit; ++i) {
    if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && (text[i + 1] == ' ' || text[i + 1] == '\n'))
      return i + 1;
    if (text[i] == '\n') return i;
  }
  return limit;
}

std::size_t word_count(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

/// Posts quoted in prose (form quote): quoted words tied to ONE post by a status or profile link
/// inside the quotation or right after it in the same sentence, with a word saying it is a post
/// (tweet, post, wrote, Twitter …) in the quotation's sentence.
void quoted_posts(const Flat& flat, std::vector<Post>& found) {
  const std::string_view text = flat.text;
  struct Target {
    std::size_t anchor;
    std::optional<PostUrl> status;
    std::string handle;
  };
  std::vector<Target> targets;
  for (std::size_t i = 0; i < flat.anchors.size(); ++i) {
    const Anchor& a = flat.anchors[i];
    Target t{i, find_status_url(a.href), {}};
    if (!t.status) t.handle = profile_handle(a.href);
    if (t.status || !t.handle.empty()) targets.push_back(std::move(t));
  }
  if (targets.empty()) return;
  std::set<std::size_t> used_quotes;
  std::size_t block_begin = 0;
  while (block_begin < text.size()) {
    std::size_t block_end = text.find("\n\n", block_begin);
    if (block_end == std::string_view::npos) block_end = text.size();
    const bool has_target = std::any_of(targets.begin(), targets.end(), [&](const Target& t) {
      return flat.anchors[t.anchor].start >= block_begin && flat.anchors[t.anchor].start < block_end + 2 + 300;
    });
    if (has_target) {
      for (const Quotation& q : quotations(flat, block_begin, block_end)) {
        if (used_quotes.count(q.open)) continue;
        // The window: the quotation and the rest of the sentence after it (across a block break
        // only for <q>/<blockquote> elements, whose attribution may follow in the next paragraph).
        std::size_t limit = block_end;
        if (q.after >= block_end) limit = std::min(text.size(), q.after + 300);
        std::size_t end = sentence_end(text, q.after, limit);
        // A quotation that ends its sentence inside the marks ("… work." And Lisa adds …) leaves
        // what follows to the next sentence.
        if (q.end > q.begin && (text[q.end - 1] == '.' || text[q.end - 1] == '!' || text[q.end - 1] == '?')) {
          std::size_t k = q.after;
          while (k < text.size() && (text[k] == ' ' || text[k] == '\n')) ++k;
          if (k < text.size() && text[k] >= 'A' && text[k] <= 'Z') end = q.after;
        }
        std::vector<const Target*> tied;
        for (const Target& t : targets) {
          const Anchor& a = flat.anchors[t.anchor];
          const bool inside = a.start >= q.begin && a.start < q.after;
          const bool right_after = a.start >= q.after && a.start < end && a.start - q.after <= 80;
          if (inside || right_after) tied.push_back(&t);
        }
        if (tied.empty()) continue;
        // ONE post: every link of the window names the same post (or the same account).
        const Target& t = *tied.front();
        // A <q>/<blockquote> without quotation marks is tied by a status link only.
        const bool marked = q.begin != q.open;
        if (!marked && !t.status) continue;
        const bool one = std::all_of(tied.begin(), tied.end(), [&](const Target* o) {
          if (t.status && o->status) return o->status->status_id == t.status->status_id;
          return !o->status && !t.status && iequals(o->handle, t.handle);
        });
        if (!one) continue;
        // The words saying it is a post stand outside the quoted words: before the quotation in
        // its sentence, after it up to the sentence's end, or in the link's text.
        std::size_t lead = q.open;
        while (lead > block_begin &&
               !(lead >= 2 && (text[lead - 2] == '.' || text[lead - 2] == '!' || text[lead - 2] == '?') &&
                 text[lead - 1] == ' ')) {
          --lead;
        }
        std::string around(text.substr(lead, q.open - lead));
        around += ' ';
        around += text.substr(q.end, end - q.end);
        for (const Target* o : tied) {
          around += ' ';
          around += flat.anchors[o->anchor].text;
        }
        if (!says_post(around)) continue;
        std::string words = trim_copy(text.substr(q.begin, q.end - q.begin));
        while (!words.empty() && (words.back() == ',' || words.back() == ' ')) words.pop_back();
        if (word_count(words) < 2) continue;
        Post post;
        post.platform = Platform::twitter;
        post.form = EmbedForm::quote;
        post.text = words;
        if (t.status) {
          post.status_id = t.status->status_id;
          post.status_url = t.status->url;
          if (!t.status->handle.empty()) post.handle = t.status->handle;
        } else {
          post.handle = t.handle;
        }
        for (const Anchor& a : flat.anchors) {
          if (a.start >= q.begin && a.start < q.end && !a.href.empty()) post.links.push_back({a.href, a.text});
        }
        for (const Entity& ent : extract_hashtags(words)) post.hashtags.push_back(ent.value);
        for (const Entity& ent : extract_mentions(words)) post.mentions.push_back(ent.value);
        for (const Entity& ent : extract_cashtags(words)) post.cashtags.push_back(ent.value);
        post.offset = q.open;
        used_quotes.insert(q.open);
        found.push_back(std::move(post));
      }
    }
    block_begin = block_end + 2;
  }
}

/// Runs the plain-text rules over the page's text as a reader sees it (blocks as paragraphs, <br>
/// as line breaks), leaving out the embeds already found, and maps what they find back to the
/// markup.
void flattened_posts(const ScanContext& ctx, const GumboNode* root, const OffsetMap& map, std::size_t end,
                     std::vector<Post>& posts, std::vector<Range>& claimed) {
  std::vector<Segment> segments;
  // The ranges claimed in this part of the page [map.base, end), by start, with the furthest end
  // of any range so far: one lookup per element, however many posts the page holds.
  std::vector<Range> taken;
  for (const Range& r : claimed) {
    if (r.second > map.base && r.first < end) taken.push_back(r);
  }
  std::sort(taken.begin(), taken.end());
  std::vector<std::size_t> reach(taken.size());
  for (std::size_t k = 0; k < taken.size(); ++k) reach[k] = std::max(taken[k].second, k > 0 ? reach[k - 1] : 0);
  Flattener flattener(&segments, [&](const GumboNode* e) {
    const std::size_t at = map(e->v.element.start_pos.offset);
    auto it =
        std::upper_bound(taken.begin(), taken.end(), at, [](std::size_t v, const Range& r) { return v < r.first; });
    return it != taken.begin() && reach[static_cast<std::size_t>(it - taken.begin()) - 1] > at;
  });
  const Flat flat = flattener.run(root);
  if (segments.empty()) return;
  std::vector<Post> found;
  if (flat.text.find("(@") != std::string::npos) {
    const ScanContext text_ctx(ctx.name, flat.text);
    std::vector<Range> credit_lines;
    TextStructure structure;
    structure.credit_lines = &credit_lines;
    // A credit line inside a quotation (a <blockquote> whose embed class an extractor dropped)
    // ends a post quoted there: its text starts inside the same quotation.
    structure.text_floor = [&flat](std::size_t at) {
      std::size_t floor = 0;
      for (const auto& [first, second] : flat.quotes) {
        if (first <= at && at < second && first > floor) floor = first;
      }
      return floor;
    };
    scan_text(text_ctx, flat.text, false, found, {}, false, &structure);
    // The date of an HTML credit line is often the permalink ("— Name (@handle) <a href=status>
    // Date</a>"): the markup gives the post's ID, as in an embed.
    for (std::size_t i = 0; i < found.size() && i < credit_lines.size(); ++i) {
      const auto [line_begin, line_end] = credit_lines[i];
      if (line_begin == SIZE_MAX || found[i].status_id) continue;
      for (std::size_t a = flat.anchors.size(); a > 0; --a) {
        const Anchor& anchor = flat.anchors[a - 1];
        if (anchor.start < line_begin || anchor.end > line_end) continue;
        auto u = find_status_url(anchor.href);
        if (!u || u->platform != Platform::twitter) continue;
        found[i].status_id = u->status_id;
        found[i].status_url = u->url;
        if (!found[i].handle && !u->handle.empty()) found[i].handle = u->handle;
        break;
      }
    }
  }
  quoted_posts(flat, found);
  for (Post& p : found) {
    auto seg = std::upper_bound(segments.begin(), segments.end(), p.offset,
                                [](std::size_t off, const Segment& sg) { return off < sg.flat; });
    if (seg != segments.begin()) --seg;
    const std::size_t source = map(seg->source) + (seg->exact && p.offset >= seg->flat ? p.offset - seg->flat : 0);
    set_position(ctx, source, p);
    claimed.emplace_back(source, source + 1);
    posts.push_back(std::move(p));
  }
}

} // namespace

void scan_markdown_quotes(const ScanContext& ctx, std::string_view text, std::vector<Post>& posts) {
  if (text.find("](") == std::string_view::npos) return;
  // The text as a reader sees it: paragraphs (blank lines between) with soft line breaks as spaces,
  // and [text](url) links as their text, each run mapped back to the source.
  Flat flat;
  std::vector<Segment> segments;
  std::size_t i = 0;
  bool pending_space = false, pending_break = false;
  auto emit = [&](std::size_t src, std::string_view t) {
    if (pending_break && !flat.text.empty())
      flat.text += "\n\n";
    else if (pending_space && !flat.text.empty())
      flat.text += ' ';
    pending_break = pending_space = false;
    segments.push_back({flat.text.size(), src, true});
    flat.text.append(t);
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n')
        pending_break = true;
      else
        pending_space = true;
      i = j;
      continue;
    }
    if (c == '[') {
      const std::size_t close = text.find("](", i);
      const std::size_t nl = text.find('\n', i);
      if (close != std::string_view::npos && (nl == std::string_view::npos || close < nl)) {
        std::size_t depth = 1, e = close + 2;
        while (e < text.size() && depth > 0 && text[e] != '\n') {
          if (text[e] == '(')
            ++depth;
          else if (text[e] == ')')
            --depth;
          ++e;
        }
        if (depth == 0) {
          Anchor a;
          a.href = std::string(trim(text.substr(close + 2, e - 1 - close - 2)));
          const std::string_view label = text.substr(i + 1, close - i - 1);
          emit(i + 1, label);
          a.start = flat.text.size() - label.size();
          a.end = flat.text.size();
          a.text = std::string(label);
          flat.anchors.push_back(std::move(a));
          i = e;
          continue;
        }
      }
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != '\n' && text[j] != '[') ++j;
    if (j == i) ++j;
    emit(i, text.substr(i, j - i));
    i = j;
  }
  std::vector<Post> found;
  quoted_posts(flat, found);
  for (Post& p : found) {
    auto seg = std::upper_bound(segments.begin(), segments.end(), p.offset,
                                [](std::size_t off, const Segment& sg) { return off < sg.flat; });
    if (seg != segments.begin()) --seg;
    set_position(ctx, seg->source + (p.offset >= seg->flat ? p.offset - seg->flat : 0), p);
    posts.push_back(std::move(p));
  }
}

namespace {

/// What an element displays: text, without Mastodon's `invisible` spans, with an ellipsis after
/// its `ellipsis` span (a link shown shortened).
void shown_text(const GumboNode* n, std::string& out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
    out.append(n->v.text.text);
    return;
  }
  if (n->type == GUMBO_NODE_ELEMENT && (is_skipped_tag(n->v.element.tag) || has_class(n, "invisible"))) return;
  const GumboVector* kids = children(n);
  if (!kids) return;
  for (unsigned i = 0; i < kids->length; ++i) shown_text(static_cast<const GumboNode*>(kids->data[i]), out);
  if (n->type == GUMBO_NODE_ELEMENT && has_class(n, "ellipsis")) out.append("\xE2\x80\xA6");
}

} // namespace

HtmlText html_to_text(std::string_view html) {
  HtmlText out;
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboPtr output(gumbo_parse_with_options(&options, html.data(), html.size()));
  if (!output) return out;
  const Flat flat = flatten(output->document);
  out.text = trim_copy(flat.text);
  // The anchors in the order the flattener meets them (pre-order, never inside skipped elements).
  std::vector<std::string> shown;
  std::vector<const GumboNode*> stack{output->document};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_ELEMENT && is_skipped_tag(n->v.element.tag)) continue;
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_A) {
      std::string s;
      shown_text(n, s);
      shown.push_back(trim_copy(s));
    }
    const GumboVector* kids = children(n);
    if (!kids) continue;
    for (unsigned i = kids->length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(kids->data[i - 1]));
  }
  for (std::size_t i = 0; i < flat.anchors.size(); ++i) {
    const Anchor& a = flat.anchors[i];
    out.links.push_back({a.href, a.text, i < shown.size() ? shown[i] : a.text});
  }
  return out;
}

void scan_html(const ScanContext& ctx, std::string_view html, std::size_t base, bool bare_urls,
               std::vector<Post>& posts, std::vector<Range>& claimed, bool cut) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0; // errors are not reported; recording them only costs time
  OffsetMap map;
  map.base = base;
  const std::string parsed = strip_raw_text(html, map);
  GumboPtr output(gumbo_parse_with_options(&options, parsed.data(), parsed.size()));
  if (!output) return;
  // A rendered widget and its own fallback (in the same wrapper, or right after it) are one post;
  // the same post embedded elsewhere on the page is another.
  HtmlScanner scanner(ctx, map, bare_urls, posts, claimed);
  if (cut) scanner.set_cut(parsed.size());
  scanner.run(output->document);
  // Flattened posts in the page's text (text extractors, CMS imports): "<p>TEXT</p><p>— Name
  // (@handle) Date</p>", "<p>TEXT<br>— Name (@handle) Date</p>", with the rules of plain text.
  if (bare_urls) flattened_posts(ctx, output->document, map, map(parsed.size()), posts, claimed);
}

} // namespace tweetcheck::detail
