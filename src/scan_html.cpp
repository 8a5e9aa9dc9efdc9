// HTML scanner: a Gumbo walk that recognises embeds by their structure (an embed class, an ID
// attribute, a status permalink, a credit line) rather than by one site's markup.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include <gumbo.h>

#include "post_url.hpp"
#include "scan_internal.hpp"
#include "tweetcheck/dates.hpp"

namespace tweetcheck::detail {

namespace {

struct GumboDeleter {
  void operator()(GumboOutput* out) const { gumbo_destroy_output(&kGumboDefaultOptions, out); }
};
using GumboPtr = std::unique_ptr<GumboOutput, GumboDeleter>;

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
  case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
  case GUMBO_TAG_OL: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
  case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
  case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_HEADER:
  case GUMBO_TAG_FOOTER: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_BODY:
  case GUMBO_TAG_HR: case GUMBO_TAG_DL: case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_MAIN:
  case GUMBO_TAG_NAV:
    return true;
  default:
    return false;
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
};

class Flattener {
public:
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
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
            child->type == GUMBO_NODE_CDATA) {
          text(child->v.text.text);
        } else if (child->type == GUMBO_NODE_ELEMENT) {
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
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t start = i;
      const char32_t cp = next_code_point(s, i);
      if (is_space(cp) && cp != 0xA0) {
        m_space = true;
        continue;
      }
      emit_pending();
      m_flat.text.append(s.substr(start, i - start));
    }
  }
  void enter(const GumboNode* n, std::size_t& anchor) {
    const GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_BR) {
      m_nl = std::min(m_nl + 1, 2);
    } else if (is_block_tag(t)) {
      m_nl = 2;
    } else if (t == GUMBO_TAG_A) {
      anchor = m_flat.anchors.size();
      Anchor a;
      a.href = std::string(attr(n, "href"));
      a.datetime = std::string(attr(n, "data-datetime"));
      a.start = m_flat.text.size();
      m_flat.anchors.push_back(std::move(a));
    }
  }
  void leave(const GumboNode* n, std::size_t anchor) {
    if (n->type != GUMBO_NODE_ELEMENT) return;
    if (is_block_tag(n->v.element.tag)) m_nl = 2;
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

bool is_twitter_blockquote(const GumboNode* n) {
  return n->v.element.tag == GUMBO_TAG_BLOCKQUOTE &&
         (class_has_prefix(n, "twitter-tweet") || has_class(n, "twitter-video") ||
          has_attr(n, "data-tweetid") || has_attr(n, "data-tweet-id"));
}

std::string_view tweet_id_attr(const GumboNode* n) {
  for (const char* name : {"data-tweet-id", "data-tweetid", "data-tweet"}) {
    std::string_view v = attr(n, name);
    if (!v.empty() && v.size() <= 20 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return v;
    }
  }
  return {};
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
    if (is_twitter_blockquote(e) || is_rendered_twitter(e) || tag == "amp-twitter" ||
        has_class(e, "bluesky-embed") || has_class(e, "instagram-media") || has_class(e, "mastodon-embed")) {
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
  return std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }) && t.size() <= 40;
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

class HtmlScanner {
public:
  HtmlScanner(const ScanContext& ctx, std::size_t base, bool bare_urls, std::vector<Post>& posts,
              std::vector<Range>& claimed)
      : m_ctx(ctx), m_base(base), m_bare_urls(bare_urls), m_posts(posts), m_claimed(claimed) {}

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

  std::size_t start_of(const GumboNode* n) const { return m_base + n->v.element.start_pos.offset; }

  void add(const GumboNode* n, Post post) {
    const std::size_t start = start_of(n);
    std::size_t end = m_base + n->v.element.end_pos.offset;
    if (end < start) end = start + 1;
    m_claimed.emplace_back(start, end);
    finish_post(m_ctx, start, post);
    m_posts.push_back(std::move(post));
  }

  Visit visit(const GumboNode* n) {
    const std::string tag = tag_name(n);
    if (tag == "a" || tag == "link" || tag == "img") return Visit::descend;
    if (!attr(n, "data-bluesky-uri").empty() || has_class(n, "bluesky-embed")) return bluesky(n);
    if (has_class(n, "mastodon-embed") || (tag == "iframe" && attr(n, "src").find("/embed") != std::string_view::npos)) {
      if (mastodon(n, tag)) return Visit::consumed;
    }
    if (has_class(n, "text-post-media") || has_attr(n, "data-text-post-permalink")) return threads(n);
    if (has_class(n, "instagram-media") || has_attr(n, "data-instgrm-permalink") ||
        (tag == "blockquote" && icontains(attr(n, "class"), "instagram"))) {
      if (instagram(n)) return Visit::consumed;
    }
    if (has_class(n, "fb-post") && !attr(n, "data-href").empty()) {
      if (facebook(n)) return Visit::consumed;
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
    if (!post.status_id && !post.handle) {
      return Visit::descend; // a "twitter-tweet" class without a post: a button or a decoy
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
    // "A post shared by Name (@handle)" / "Instagram: @handle", inside the embed or in the
    // attribution a site prints right beside it.
    const GumboNode* scope = n;
    for (int up = 0; up < 6 && !post.handle && scope; ++up, scope = scope->parent) {
      if (scope->type != GUMBO_NODE_ELEMENT) break;
      const Flat around = flatten(scope);
    for (const Anchor& a : around.anchors) {
      auto same = find_post_url(a.href);
      if (!same || same->status_id != u->status_id) continue;
      const auto at = a.text.rfind('@');
      if (at != std::string::npos) {
        std::size_t e = at + 1;
        while (e < a.text.size() && (std::isalnum(static_cast<unsigned char>(a.text[e])) || a.text[e] == '_' || a.text[e] == '.')) ++e;
        if (e > at + 1) post.handle = a.text.substr(at + 1, e - at - 1);
      }
    }
    }
    add(n, std::move(post));
    return true;
  }

  bool facebook(const GumboNode* n) {
    auto u = find_post_url(attr(n, "data-href"));
    if (!u || u->platform != Platform::facebook) return false;
    Post post;
    post.platform = Platform::facebook;
    post.form = EmbedForm::blockquote;
    post.status_id = u->status_id;
    post.status_url = u->url;
    post.handle = u->handle;
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

  /// A site's own markup around a status permalink (Bustle data-tweetid, CMS data-provider
  /// wrappers, consent placeholders, native re-renders).
  Visit wrapper(const GumboNode* n, const std::string& tag) {
    if (tag == "html" || tag == "body" || tag == "main" || tag == "article") return Visit::descend;
    const std::string_view id = tweet_id_attr(n);
    bool provider = false;
    for (std::string_view name : k_provider_attributes) {
      std::string_view v = attr(n, std::string(name).c_str());
      if (iequals(v, "twitter") || iequals(v, "x") || iequals(v, "tweet")) provider = true;
    }
    const bool named = icontains(attr(n, "class"), "tweet") || icontains(attr(n, "class"), "twitter") ||
                       icontains(attr(n, "id"), "tweet") || icontains(attr(n, "aria-label"), "social media post");
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

    Post post;
    post.platform = Platform::twitter;
    post.form = EmbedForm::blockquote;
    post.status_id = *ids.begin();
    if (url) {
      post.status_url = url->url;
      if (!url->handle.empty()) post.handle = url->handle;
    }
    if (permalink != SIZE_MAX && parse_credit_tail(std::string_view(flat.text).substr(0, flat.anchors[permalink].start))) {
      fill_from_flat(flat, permalink, post);
    } else if (permalink != SIZE_MAX) {
      // Native re-renders: the permalink's text is the date when it reads as one.
      const std::string& t = flat.anchors[permalink].text;
      if (looks_like_date(t)) post.date_text = t;
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

  /// Status URLs alone on a line of a block's text (WordPress auto-embeds).
  void bare_url_text(const GumboNode* n) {
    const GumboNode* parent = n->parent;
    if (!parent || parent->type != GUMBO_NODE_ELEMENT || !is_block_tag(parent->v.element.tag)) return;
    std::string_view text = n->v.text.text;
    if (text.find("status") == std::string_view::npos) return;
    // Inline siblings on the same line make it a link in prose, not an embed.
    const GumboVector& sib = parent->v.element.children;
    auto inline_sibling = [&](int dir) {
      const std::size_t idx = n->index_within_parent;
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
      if (auto u = whole_status_url(line)) {
        const bool first = trim(text.substr(0, pos)).empty();
        const bool last = trim(text.substr(nl)).empty();
        if (!(first && inline_sibling(-1)) && !(last && inline_sibling(+1))) {
          Post post = post_from_url(*u, EmbedForm::url);
          // Offset: the original text maps 1:1 to the source unless entities intervene.
          const GumboStringPiece orig = n->v.text.original_text;
          std::string_view src(orig.data, orig.length);
          const auto at = src.find(trim(line));
          const std::size_t offset = m_base + n->v.text.start_pos.offset + (at == std::string_view::npos ? 0 : at);
          m_claimed.emplace_back(offset, offset + line.size());
          finish_post(m_ctx, offset, post);
          m_posts.push_back(std::move(post));
        }
      }
      pos = nl + 1;
    }
  }

  const ScanContext& m_ctx;
  std::size_t m_base;
  bool m_bare_urls;
  std::vector<Post>& m_posts;
  std::vector<Range>& m_claimed;
};

} // namespace

void scan_html(const ScanContext& ctx, std::string_view html, std::size_t base, bool bare_urls,
               std::vector<Post>& posts, std::vector<Range>& claimed) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0; // errors are not reported; recording them only costs time
  GumboPtr output(gumbo_parse_with_options(&options, html.data(), html.size()));
  if (!output) return;
  std::vector<Post> found;
  HtmlScanner(ctx, base, bare_urls, found, claimed).run(output->document);
  // A rendered widget and its own fallback blockquote right beside it are one post (once: a
  // further copy of the same post is embedded again, and counts again).
  std::vector<Post> merged;
  bool last_was_pair = false;
  for (auto& p : found) {
    if (!merged.empty() && !last_was_pair) {
      Post& prev = merged.back();
      const bool pair = prev.status_id && prev.status_id == p.status_id && p.platform == Platform::twitter &&
                        prev.platform == Platform::twitter &&
                        ((prev.form == EmbedForm::rendered) != (p.form == EmbedForm::rendered));
      if (pair) {
        Post keep = prev.form == EmbedForm::rendered ? p : prev; // the blockquote carries the text
        keep.form = EmbedForm::rendered;
        keep.where = prev.where;
        keep.offset = prev.offset;
        prev = std::move(keep);
        last_was_pair = true;
        continue;
      }
    }
    last_was_pair = false;
    merged.push_back(std::move(p));
  }
  posts.insert(posts.end(), std::make_move_iterator(merged.begin()), std::make_move_iterator(merged.end()));
}

} // namespace tweetcheck::detail
