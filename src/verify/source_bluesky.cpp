// The Bluesky source: the public AppView (app.bsky.feed.getPosts, app.bsky.feed.getPostThread) and
// handle resolution (com.atproto.identity.resolveHandle), asked in one round for every pending
// Bluesky lookup. Every request goes through the Fetcher (cache, evidence, redirect rule).
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "verify/compare.hpp"
#include "verify/fetcher.hpp"
#include "verify/sources.hpp"

namespace tweetcheck::sources {

namespace {

/// getPosts takes at most 25 URIs a request.
constexpr std::size_t k_batch = 25;

std::string xrpc(std::string_view method) {
  return "https://" + host(SourceId::bluesky) + "/xrpc/" + std::string(method);
}

const json& member(const json& j, const char* key) {
  static const json k_null;
  if (!j.is_object()) return k_null;
  const auto it = j.find(key);
  return it == j.end() ? k_null : *it;
}

bool is_did(std::string_view s) { return s.rfind("did:", 0) == 0; }

/// A post's repository (a DID or a handle) and record key.
struct PostRef {
  std::string authority;
  std::string rkey;
};

bool plain_part(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || c == '?' || c == '#' || static_cast<unsigned char>(c) <= ' ';
  });
}

/// "at://AUTHORITY/app.bsky.feed.post/RKEY".
std::optional<PostRef> from_at_uri(std::string_view s) {
  constexpr std::string_view scheme = "at://", collection = "/app.bsky.feed.post/";
  if (s.rfind(scheme, 0) != 0) return std::nullopt;
  const std::size_t c = s.find(collection, scheme.size());
  if (c == std::string_view::npos) return std::nullopt;
  PostRef r{std::string(s.substr(scheme.size(), c - scheme.size())), std::string(s.substr(c + collection.size()))};
  if (!plain_part(r.authority) || !plain_part(r.rkey)) return std::nullopt;
  return r;
}

/// "https://bsky.app/profile/AUTHORITY/post/RKEY" (a query or fragment after it ignored).
std::optional<PostRef> from_permalink(std::string_view s) {
  for (std::string_view prefix : {"https://bsky.app/profile/", "http://bsky.app/profile/",
                                  "https://www.bsky.app/profile/", "http://www.bsky.app/profile/"}) {
    if (!detail::starts_with_icase(s, prefix)) continue;
    std::string_view rest = s.substr(prefix.size());
    rest = rest.substr(0, rest.find_first_of("?#"));
    const std::size_t p = rest.find("/post/");
    if (p == std::string_view::npos) return std::nullopt;
    PostRef r{std::string(rest.substr(0, p)), std::string(rest.substr(p + 6))};
    if (!r.rkey.empty() && r.rkey.back() == '/') r.rkey.pop_back();
    if (!plain_part(r.authority) || !plain_part(r.rkey)) return std::nullopt;
    if (!is_did(r.authority)) r.authority = detail::ascii_lower(r.authority);
    return r;
  }
  return std::nullopt;
}

std::string post_uri(const std::string& did, const std::string& rkey) {
  return "at://" + did + "/app.bsky.feed.post/" + rkey;
}

/// A label `!takedown` (com.atproto.label.defs#label, not negated) among `labels`.
bool taken_down(const json& labels) {
  if (!labels.is_array()) return false;
  return std::any_of(labels.begin(), labels.end(), [](const json& l) {
    const json& neg = member(l, "neg");
    return detail::string_field(l, "val") == "!takedown" && !(neg.is_boolean() && neg.get<bool>());
  });
}

/// Whether byte `i` of `s` starts a code point (or is its end).
bool on_boundary(const std::string& s, std::size_t i) {
  return i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

std::optional<OriginalPost> post_of(const json& view) {
  if (!view.is_object()) return std::nullopt;
  const json& record = member(view, "record");
  const json& author = member(view, "author");
  const auto ref = from_at_uri(detail::string_field(view, "uri"));
  if (!ref || !record.is_object() || !author.is_object() || !member(record, "text").is_string()) return std::nullopt;
  OriginalPost o;
  o.id = detail::string_field(view, "uri");
  o.text = detail::string_field(record, "text"); // plain text: no entities to decode
  o.created_at = detail::string_field(record, "createdAt");
  o.handle = detail::string_field(author, "handle");
  o.display_name = detail::string_field(author, "displayName");
  o.author_id = detail::string_field(author, "did");
  o.content_hash = detail::string_field(view, "cid");
  o.source = name(SourceId::bluesky);
  const bool shown_handle = !o.handle.empty() && o.handle != "handle.invalid";
  o.url = "https://bsky.app/profile/" + (shown_handle ? o.handle : ref->authority) + "/post/" + ref->rkey;
  // Links: a facet's byte slice is what the post shows (often shortened), its feature the URL.
  const json& facets = member(record, "facets");
  if (facets.is_array()) {
    for (const json& f : facets) {
      const json& index = member(f, "index");
      const json &b = member(index, "byteStart"), &e = member(index, "byteEnd");
      if (!b.is_number_unsigned() || !e.is_number_unsigned()) continue;
      const auto begin = b.get<std::size_t>(), end = e.get<std::size_t>();
      if (begin >= end || end > o.text.size() || !on_boundary(o.text, begin) || !on_boundary(o.text, end)) continue;
      const json& features = member(f, "features");
      if (!features.is_array()) continue;
      for (const json& feature : features) {
        if (detail::string_field(feature, "$type") != "app.bsky.richtext.facet#link" ||
            detail::string_field(feature, "uri").empty())
          continue;
        const std::string shown = o.text.substr(begin, end - begin);
        o.links.push_back({shown, shown, detail::string_field(feature, "uri"), PostLink::Kind::url});
      }
    }
  }
  finish_original(o);
  return o;
}

/// What the service's answer to one request says, before it is read.
std::optional<Reason> failure_of(const Fetcher::Item& item) {
  if (item.offline) return Reason::offline;
  if (!item.refused.empty()) return Reason::redirect_refused;
  if (auto t = transport_answer(item.response)) return t->reason;
  return std::nullopt;
}

/// An XRPC error answer's `error` name ("NotFound", "InvalidRequest", …); "" when it is none.
std::string xrpc_error(const HttpResponse& r) {
  if (r.status < 400 || r.status >= 500) return {};
  return detail::string_field(detail::parse_json(r.body), "error");
}

/// An XRPC error answer in words for the evidence ("NotFound: Post not found: at://…"); "" for none.
std::string xrpc_detail(const HttpResponse& r) {
  const std::string error = xrpc_error(r);
  if (error.empty()) return {};
  const std::string message = detail::string_field(detail::parse_json(r.body), "message");
  return (error + (message.empty() ? "" : ": " + message)).substr(0, 300);
}

/// Says, in the lookup's last evidence, what an XRPC error answer said.
void note_detail(Lookup& l, const HttpResponse& r) {
  if (!l.evidence.empty() && l.evidence.back().detail.empty()) l.evidence.back().detail = xrpc_detail(r);
}

/// What resolveHandle said: the DID, or that the handle resolves to none (`missing`), or a failure.
struct Resolved {
  std::string did;
  bool missing = false;
  std::optional<Reason> failure;
  const Fetcher::Item* item = nullptr;
};

Resolved read_resolved(const Fetcher::Item& item) {
  Resolved r;
  r.item = &item;
  if ((r.failure = failure_of(item))) return r;
  if (item.response.status == 200) {
    r.did = detail::string_field(detail::parse_json(item.response.body), "did");
    if (!is_did(r.did)) {
      r.did.clear();
      r.failure = Reason::malformed_response;
    }
  } else if (const std::string e = xrpc_error(item.response);
             item.response.status == 400 && (e == "InvalidRequest" || e == "HandleNotFound")) {
    r.missing = true; // "Unable to resolve handle"
  } else {
    r.failure = Reason::network_error;
  }
  return r;
}

/// Whether a 200 answer is well formed for the method asked (only those are cached).
bool well_formed_answer(const std::string& url, const HttpResponse& r) {
  const json j = detail::parse_json(r.body);
  if (url.find("/com.atproto.identity.resolveHandle?") != std::string::npos)
    return is_did(detail::string_field(j, "did"));
  if (url.find("/app.bsky.feed.getPosts?") != std::string::npos) return member(j, "posts").is_array();
  if (url.find("/app.bsky.feed.getPostThread?") != std::string::npos) return member(j, "thread").is_object();
  return true;
}

/// Asks resolveHandle for each handle once.
std::map<std::string, Resolved> resolve_handles(const std::set<std::string>& handles, Fetcher& fetcher,
                                                std::map<std::string, Fetcher::Item>& items) {
  std::vector<HttpRequest> requests;
  for (const std::string& h : handles) requests.push_back({bluesky_resolve_handle_url(h), {}});
  items = fetcher.fetch(requests, well_formed_answer);
  std::map<std::string, Resolved> out;
  for (const std::string& h : handles) out[h] = read_resolved(items[bluesky_resolve_handle_url(h)]);
  return out;
}

/// A lookup's way through the round.
struct Want {
  Lookup* l = nullptr;
  PostRef ref;
  std::string did; ///< the repository's DID (carried by the article, or resolved)
  bool carried_did = false;
  std::string uri;   ///< the post's at:// URI with its DID
  bool done = false; ///< answered (or failed) before getPosts
};

void fail(Want& w, Reason r) {
  if (r == Reason::offline || r == Reason::redirect_refused || r == Reason::rate_limited ||
      r == Reason::malformed_response)
    w.l->errors.insert(r);
  else
    w.l->errors.insert(Reason::network_error);
  w.done = true;
}

void take_view(Want& w, const json& view) {
  if (taken_down(member(view, "labels")) || taken_down(member(member(view, "author"), "labels"))) {
    w.l->missing = Reason::taken_down;
    return;
  }
  if (auto o = post_of(view)) {
    w.l->original = std::move(*o);
  } else {
    w.l->errors.insert(Reason::malformed_response);
  }
}

} // namespace

std::string bluesky_resolve_handle_url(const std::string& handle) {
  return xrpc("com.atproto.identity.resolveHandle") + "?handle=" + query_encode(handle);
}

std::string bluesky_posts_url(const std::vector<std::string>& uris) {
  std::string url = xrpc("app.bsky.feed.getPosts");
  for (std::size_t i = 0; i < uris.size(); ++i) url += (i == 0 ? "?uris=" : "&uris=") + query_encode(uris[i]);
  return url;
}

std::string bluesky_thread_url(const std::string& uri) {
  return xrpc("app.bsky.feed.getPostThread") + "?uri=" + query_encode(uri) + "&depth=0&parentHeight=0";
}

std::optional<OriginalPost> parse_bluesky_post_view(const std::string& json_text) {
  return post_of(detail::parse_json(json_text));
}

void bluesky_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions&) {
  const std::string source = name(SourceId::bluesky);
  // 1. Keys → at:// URIs: a handle in the key is resolved to its DID; a DID needs nothing.
  std::vector<Want> wants;
  std::set<std::string> handles;
  for (Lookup* l : todo) {
    auto ref = from_at_uri(l->id);
    if (!ref) ref = from_permalink(l->id);
    if (!ref) continue; // not a post's key: no source answers (network_error)
    Want w;
    w.l = l;
    w.ref = *ref;
    if (is_did(ref->authority)) {
      w.did = ref->authority;
      w.carried_did = true;
      w.uri = post_uri(w.did, ref->rkey);
    } else {
      w.ref.authority = detail::ascii_lower(ref->authority);
      handles.insert(w.ref.authority);
    }
    wants.push_back(std::move(w));
  }
  std::map<std::string, Fetcher::Item> resolve_items;
  auto resolved = resolve_handles(handles, fetcher, resolve_items);
  for (Want& w : wants) {
    if (w.carried_did) continue;
    const Resolved& r = resolved[w.ref.authority];
    if (r.item && !r.item->offline) add_evidence(w.l->evidence, *r.item, source);
    if (r.failure) {
      fail(w, *r.failure);
    } else if (r.missing) {
      w.l->missing = Reason::account_gone; // no account has the handle the article links
      note_detail(*w.l, r.item->response);
      w.done = true;
    } else {
      w.did = r.did;
      w.uri = post_uri(w.did, w.ref.rkey);
    }
  }
  // 2. getPosts, 25 URIs a request.
  std::vector<std::string> uris;
  for (const Want& w : wants) {
    if (!w.done && std::find(uris.begin(), uris.end(), w.uri) == uris.end()) uris.push_back(w.uri);
  }
  std::vector<HttpRequest> requests;
  std::map<std::string, std::string> batch_of; // URI -> request URL
  for (std::size_t i = 0; i < uris.size(); i += k_batch) {
    const std::vector<std::string> batch(uris.begin() + static_cast<long>(i),
                                         uris.begin() + static_cast<long>(std::min(uris.size(), i + k_batch)));
    const std::string url = bluesky_posts_url(batch);
    requests.push_back({url, {}});
    for (const std::string& u : batch) batch_of[u] = url;
  }
  auto posts = fetcher.fetch(requests, well_formed_answer);
  std::map<std::string, json> views; // request URL -> its answer's posts by URI
  std::vector<Want*> unanswered;
  for (Want& w : wants) {
    if (w.done) continue;
    const std::string& url = batch_of[w.uri];
    const Fetcher::Item& item = posts[url];
    if (!item.offline) add_evidence(w.l->evidence, item, source);
    if (auto f = failure_of(item)) {
      fail(w, *f);
      continue;
    }
    if (item.response.status != 200) {
      fail(w, Reason::network_error);
      continue;
    }
    if (!views.count(url)) {
      json by_uri = json::object();
      const json j = detail::parse_json(item.response.body);
      const json& list = member(j, "posts");
      if (list.is_array()) {
        for (const json& v : list) {
          if (!detail::string_field(v, "uri").empty()) by_uri[detail::string_field(v, "uri")] = v;
        }
      } else {
        by_uri = nullptr; // not a getPosts answer
      }
      views[url] = std::move(by_uri);
    }
    const json& by_uri = views[url];
    if (by_uri.is_null()) {
      fail(w, Reason::malformed_response);
    } else if (by_uri.contains(w.uri)) {
      take_view(w, by_uri[w.uri]);
    } else {
      unanswered.push_back(&w);
    }
  }
  // 3. A URI getPosts did not return: the thread tells a deleted post from a blocked one.
  requests.clear();
  for (const Want* w : unanswered) requests.push_back({bluesky_thread_url(w->uri), {}});
  auto threads = fetcher.fetch(requests, well_formed_answer);
  for (Want* w : unanswered) {
    const Fetcher::Item& item = threads[bluesky_thread_url(w->uri)];
    if (!item.offline) add_evidence(w->l->evidence, item, source);
    if (auto f = failure_of(item)) {
      fail(*w, *f);
      continue;
    }
    const HttpResponse& r = item.response;
    if (r.status == 200) {
      const json thread = member(detail::parse_json(r.body), "thread");
      const std::string type = detail::string_field(thread, "$type");
      if (type == "app.bsky.feed.defs#notFoundPost" || member(thread, "notFound") == true) {
        w->l->missing = Reason::deleted;
      } else if (type == "app.bsky.feed.defs#blockedPost" || member(thread, "blocked") == true) {
        w->l->missing = Reason::blocked;
      } else if (member(thread, "post").is_object()) {
        take_view(*w, member(thread, "post"));
      } else {
        fail(*w, Reason::malformed_response);
      }
    } else if (xrpc_error(r) == "NotFound") {
      w->l->missing = Reason::deleted; // "Post not found": the AppView has no such post
      note_detail(*w->l, r);
    } else {
      fail(*w, Reason::network_error);
      note_detail(*w->l, r);
    }
  }
  // 4. The article's handle against the author's: which account does the article's handle name?
  std::set<std::string> article_handles;
  for (const Want& w : wants) {
    const Lookup& l = *w.l;
    if (!l.original || l.handle.empty() || detail::iequals(l.handle, l.original->handle)) continue;
    const std::string h = detail::ascii_lower(l.handle);
    if (!resolved.count(h)) article_handles.insert(h);
  }
  std::map<std::string, Fetcher::Item> handle_items;
  for (auto& [h, r] : resolve_handles(article_handles, fetcher, handle_items)) resolved[h] = r;
  for (Want& w : wants) {
    Lookup& l = *w.l;
    if (!l.original) continue;
    l.author_id = w.did;
    if (l.handle.empty() || detail::iequals(l.handle, l.original->handle)) continue;
    const std::string h = detail::ascii_lower(l.handle);
    const Resolved& r = resolved[h];
    if (article_handles.count(h) && r.item && !r.item->offline) {
      add_evidence(l.evidence, *r.item, source);
      note_detail(l, r.item->response);
    }
    if (!r.did.empty()) {
      l.author_id = r.did; // the account the article's handle names today
    } else if (!r.missing || !w.carried_did) {
      l.author_id.clear(); // unknown: the handles are compared as they are
    }
    // A handle that names no account any more: the DID the article carries says whose post it is.
  }
}

} // namespace tweetcheck::sources
