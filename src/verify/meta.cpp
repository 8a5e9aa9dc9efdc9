// Meta's oEmbed sources: Threads (graph.threads.net/v1.0/oembed), Instagram
// (graph.facebook.com/…/instagram_oembed) and Facebook (…/oembed_post, …/oembed_video). Each is
// asked only with an app access token, sent in the Authorization header so that it is in no URL:
// not in the evidence, the cache's keys or the log. The answer's `html` is the platform's embed
// markup, read with the scanner; it names the author (and, for Instagram and Facebook, usually the
// text); `author_name` (older answers) names the author too.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "scan/post_url.hpp"
#include "tweetcheck/entities.hpp"
#include "tweetcheck/scan.hpp"
#include "verify/compare.hpp"
#include "verify/fetcher.hpp"
#include "verify/sources.hpp"

namespace tweetcheck::sources {

namespace {

using nlohmann::json;

/// The Graph API version asked (Meta's reference pages show v26.0); the Threads API has its own.
constexpr std::string_view k_graph_version = "v26.0";
constexpr std::string_view k_threads_version = "v1.0";

long number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<long>() : 0;
}

Answer answer(Answer::Kind kind, Reason reason, std::string detail = {}) {
  Answer a;
  a.kind = kind;
  a.reason = reason;
  a.detail = std::move(detail);
  return a;
}

bool is_video(const std::string& permalink) {
  return permalink.find("/videos/") != std::string::npos || permalink.find("video.php") != std::string::npos ||
         permalink.find("/watch") != std::string::npos || permalink.find("/reel/") != std::string::npos;
}

/// A Graph API error object ({"error": {"message", "type", "code", "error_subcode"}}) read as
/// what it means for the post. Codes: 190/102 the token (invalid, expired), 10 and 200–299 a
/// permission the app lacks (oEmbed Read not granted); 4, 17, 32, 613 and 80001–80014 rate
/// limits; 100 a parameter the endpoint refuses: for the URL of an embed that exists in an
/// article, the post is gone (subcode 33: "does not exist"), or cannot be shown.
Answer graph_error(const json& e, long status) {
  const long code = number(e, "code"), sub = number(e, "error_subcode");
  const std::string message = detail::trim_copy(detail::string_field(e, "message").substr(0, 300));
  if (code == 190 || code == 102 || code == 10 || (code >= 200 && code < 300)) {
    return answer(Answer::Kind::error, Reason::auth_error, message);
  }
  if (code == 4 || code == 17 || code == 32 || code == 613 || (code >= 80001 && code <= 80014)) {
    return answer(Answer::Kind::error, Reason::rate_limited, message);
  }
  if (code == 100) {
    static const RE2 gone(
        R"((?i)does not exist|not found|no longer (?:exists|available)|removed|deleted|cannot be loaded)");
    if (sub == 33 || RE2::PartialMatch(message, gone)) return answer(Answer::Kind::missing, Reason::deleted, message);
    return answer(Answer::Kind::missing, Reason::unavailable, message);
  }
  if (status == 404) return answer(Answer::Kind::missing, Reason::deleted, message);
  return answer(Answer::Kind::error, Reason::network_error, message);
}

/// The shortcode of a Threads or Instagram permalink (/post/CODE, /t/CODE, /p/CODE, /reel/CODE).
std::string shortcode(const std::string& url) {
  static const RE2 re(R"((?i)/(?:post|t|p|reel|reels|tv)/([A-Za-z0-9_-]+))");
  std::string code;
  RE2::PartialMatch(url, re, &code);
  return code;
}

/// The post or video ID of a Facebook permalink (/posts/ID, /videos/ID); "" for other shapes.
std::string facebook_object_id(const std::string& url) {
  static const RE2 re(R"((?i)/(?:posts|videos)/([A-Za-z0-9_]+))");
  std::string id;
  RE2::PartialMatch(url, re, &id);
  return id;
}

bool numeric(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::vector<Post> scan_html(const std::string& html, SourceId id) {
  Document doc;
  doc.name = name(id);
  doc.format = InputFormat::html;
  doc.content = html;
  return scan(doc).posts;
}

std::optional<OriginalPost> read_threads(const std::string& html, const std::string& permalink) {
  // The embed blockquote; its permalink is often the short /t/CODE form, which names no author.
  static const RE2 quote(R"re((?is)<blockquote[^>]*class="[^"]*text-post-media[^"]*"[^>]*>)re");
  if (!RE2::PartialMatch(html, quote)) return std::nullopt;
  static const RE2 attr(R"re((?i)data-text-post-permalink="([^"]+)")re");
  std::string shown;
  RE2::PartialMatch(html, attr, &shown);
  if (!shown.empty() && !shortcode(permalink).empty() && shortcode(shown) != shortcode(permalink)) return std::nullopt;
  OriginalPost o;
  if (auto u = detail::find_post_url(shown.empty() ? html : shown); u && u->platform == Platform::threads) {
    o.handle = u->handle;
  }
  o.text_unknown = true; // the embed markup carries no text until embed.js renders it
  return o;
}

std::optional<OriginalPost> read_instagram(const json& j, const std::string& html, const std::string& permalink,
                                           SourceId id) {
  const auto posts = scan_html(html, id);
  const auto p =
      std::find_if(posts.begin(), posts.end(), [](const Post& q) { return q.platform == Platform::instagram; });
  if (p == posts.end()) return std::nullopt;
  if (p->status_url && shortcode(*p->status_url) != shortcode(permalink)) return std::nullopt;
  OriginalPost o;
  // Older answers: author_name is the username, title the caption.
  o.handle = detail::string_field(j, "author_name");
  if (o.handle.empty()) o.handle = p->handle.value_or("");
  o.display_name = p->display_name.value_or("");
  if (p->text) {
    o.text = *p->text;
  } else if (!detail::string_field(j, "title").empty()) {
    o.text = decode_html_entities(detail::string_field(j, "title"));
  } else {
    o.text_unknown = true;
  }
  return o;
}

std::optional<OriginalPost> read_facebook(const json& j, const std::string& html, const std::string& permalink,
                                          const std::string& article_handle, SourceId id) {
  const auto posts = scan_html(html, id);
  const auto p =
      std::find_if(posts.begin(), posts.end(), [](const Post& q) { return q.platform == Platform::facebook; });
  if (p == posts.end()) return std::nullopt;
  // An answer about another post or video than the one asked is not this one's.
  const std::string asked = facebook_object_id(permalink);
  const std::string shown = p->status_url ? facebook_object_id(*p->status_url) : std::string();
  if (!asked.empty() && !shown.empty() && asked != shown) return std::nullopt;
  OriginalPost o;
  // The page's name as the answer's URLs spell it: the plugin's data-href, the blockquote's cite
  // (a video's data-href may give the page's number where the cite gives its name).
  std::vector<std::string> names;
  if (p->handle) names.push_back(*p->handle);
  static const RE2 cite(R"re((?i)<blockquote[^>]*\bcite="([^"]+)")re");
  std::string cited;
  if (RE2::PartialMatch(html, cite, &cited)) {
    if (auto u = detail::find_post_url(cited); u && u->platform == Platform::facebook && !u->handle.empty())
      names.push_back(u->handle);
  }
  const auto same = std::find_if(names.begin(), names.end(),
                                 [&](const std::string& n) { return detail::iequals(n, article_handle); });
  if (same != names.end()) {
    o.handle = *same;
  } else {
    const auto named = std::find_if(names.begin(), names.end(), [](const std::string& n) { return !numeric(n); });
    if (named != names.end()) o.handle = *named;
  }
  o.display_name = detail::string_field(j, "author_name");
  if (p->text) {
    o.text = *p->text;
  } else {
    o.text_unknown = true;
  }
  return o;
}

/// `text` with the token, and each part of it (an app access token is APP_ID|APP_SECRET), blanked:
/// a Graph API error may quote the token it refused ("Malformed access token …").
std::string redact(std::string text, const std::string& token) {
  std::vector<std::string> parts{token};
  for (std::size_t i = 0, j; i <= token.size(); i = j + 1) {
    j = token.find('|', i);
    if (j == std::string::npos) j = token.size();
    if (j - i >= 6) parts.push_back(token.substr(i, j - i)); // not a short prefix such as "TH"
  }
  for (const std::string& part : parts) {
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 8))
      text.replace(at, part.size(), "REDACTED");
  }
  return text;
}

void meta_round(SourceId id, std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) {
  if (options.meta_token.empty()) {
    for (Lookup* l : todo) l->errors.insert(Reason::needs_token);
    return;
  }
  std::vector<HttpRequest> requests;
  std::map<std::string, const Lookup*> asked;
  for (Lookup* l : todo) {
    HttpRequest req;
    req.url = meta_oembed_url(id, l->id);
    req.headers.emplace_back("Authorization", "Bearer " + options.meta_token);
    asked[req.url] = l;
    requests.push_back(std::move(req));
  }
  const auto parse = [id](const HttpResponse& r, const Lookup& l) { return parse_meta_oembed(id, r, l.id, l.handle); };
  auto answers = fetcher.fetch(requests, [&](const std::string& first, const HttpResponse& r) {
    auto it = asked.find(first);
    if (it == asked.end()) return true;
    const Answer a = parse(r, *it->second);
    return !(a.kind == Answer::Kind::error && a.reason == Reason::malformed_response);
  });
  const std::string source = name(id);
  for (Lookup* l : todo) {
    auto it = answers.find(meta_oembed_url(id, l->id));
    if (it == answers.end()) continue;
    if (it->second.offline) {
      l->errors.insert(Reason::offline);
      continue;
    }
    add_evidence(l->evidence, it->second, source);
    Answer a = read_answer(it->second, [&](const HttpResponse& r) { return parse(r, *l); });
    a.detail = redact(std::move(a.detail), options.meta_token);
    if (!a.detail.empty() && l->evidence.back().detail.empty()) l->evidence.back().detail = a.detail;
    apply(*l, a);
  }
}

} // namespace

std::string meta_oembed_url(SourceId id, const std::string& permalink) {
  const std::string url = query_encode(permalink);
  switch (id) {
  case SourceId::threads_oembed:
    return "https://" + host(id) + "/" + std::string(k_threads_version) + "/oembed?url=" + url;
  case SourceId::instagram_oembed:
    return "https://" + host(id) + "/" + std::string(k_graph_version) + "/instagram_oembed?url=" + url +
           "&omitscript=true";
  default:
    return "https://" + host(id) + "/" + std::string(k_graph_version) +
           (is_video(permalink) ? "/oembed_video?url=" : "/oembed_post?url=") + url + "&omitscript=true";
  }
}

Answer parse_meta_oembed(SourceId id, const HttpResponse& r, const std::string& permalink,
                         const std::string& article_handle) {
  if (auto t = transport_answer(r)) return *t;
  const json j = detail::parse_json(r.body);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
    return graph_error(j["error"], r.status);
  }
  if (r.status == 404 || r.status == 410) return answer(Answer::Kind::missing, Reason::deleted);
  if (r.status == 401 || r.status == 403) return answer(Answer::Kind::error, Reason::auth_error);
  if (r.status != 200) return answer(Answer::Kind::error, Reason::network_error);
  if (j.is_discarded() || !j.is_object()) return answer(Answer::Kind::error, Reason::malformed_response);
  for (const char* f : {"html", "author_name", "title", "provider_name", "type", "version"}) {
    if (j.contains(f) && !j[f].is_null() && !j[f].is_string())
      return answer(Answer::Kind::error, Reason::malformed_response);
  }
  const std::string html = detail::string_field(j, "html");
  if (html.empty()) return answer(Answer::Kind::error, Reason::malformed_response);
  std::optional<OriginalPost> o;
  switch (id) {
  case SourceId::threads_oembed: o = read_threads(html, permalink); break;
  case SourceId::instagram_oembed: o = read_instagram(j, html, permalink, id); break;
  default: o = read_facebook(j, html, permalink, article_handle, id); break;
  }
  if (!o) return answer(Answer::Kind::error, Reason::malformed_response);
  o->id = permalink;
  o->url = permalink;
  o->source = name(id);
  o->author_unknown = o->handle.empty() && o->display_name.empty();
  finish_original(*o);
  Answer a;
  a.kind = Answer::Kind::found;
  a.original = std::move(*o);
  return a;
}

void threads_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) {
  meta_round(SourceId::threads_oembed, todo, fetcher, options);
}
void instagram_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) {
  meta_round(SourceId::instagram_oembed, todo, fetcher, options);
}
void facebook_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) {
  meta_round(SourceId::facebook_oembed, todo, fetcher, options);
}

} // namespace tweetcheck::sources
