// The resolve stage: short links followed hop by hop (no automatic redirects), chains recorded and cached.
#include "tweetcheck/resolve.hpp"
#include "core/handles.hpp"

#include <cctype>
#include <map>
#include <memory>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/json_util.hpp"
#include "core/log.hpp"
#include "core/text_util.hpp"
#include "scan/post_url.hpp"
#include "store/claims.hpp"

namespace tweetcheck {

std::string_view to_string(ResolveStatus s) {
  switch (s) {
  case ResolveStatus::resolved: return "resolved";
  case ResolveStatus::dead: return "dead";
  case ResolveStatus::error: return "error";
  case ResolveStatus::blocked: return "blocked";
  case ResolveStatus::unresolved: return "unresolved";
  }
  return "unresolved";
}

std::string normalize_short_url(std::string_view raw) {
  std::string url = detail::trim_copy(raw);
  if (!detail::starts_with_icase(url, "http://") && !detail::starts_with_icase(url, "https://")) {
    if (url.rfind("//", 0) == 0)
      url = "https:" + url;
    else if (url.find("://") == std::string::npos)
      url = "https://" + url;
  }
  // pic.twitter.com/CODE and pic.x.com/CODE are t.co/CODE; http://t.co/CODE (the links of
  // 2011–2015 embeds and flattened text) is asked over https like every other t.co link.
  for (std::string_view host : {"pic.twitter.com/", "pic.x.com/", "t.co/"}) {
    for (std::string_view scheme : {"https://", "http://"}) {
      const std::string prefix = std::string(scheme) + std::string(host);
      if (detail::starts_with_icase(url, prefix)) return "https://t.co/" + url.substr(prefix.size());
    }
  }
  return url;
}

namespace {

using detail::CurlUrl;

/// The URL a CURLU handle holds, or "" when it holds none.
std::string url_of(const CurlUrl& u) {
  char* out = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK || !out) return {};
  const detail::CurlString owned(out);
  return owned.get();
}

} // namespace

std::string resolve_reference(const std::string& base, const std::string& ref) {
  const std::string r = detail::trim_copy(ref);
  // A reference with a scheme ("https:", "ftp:", "javascript:") is absolute (RFC 3986 §4.3);
  // only http(s) ones are parsed (for their dot segments), the others are returned as they are.
  std::size_t k = 0;
  while (k < r.size() && (std::isalnum(static_cast<unsigned char>(r[k])) || r[k] == '+' || r[k] == '-' || r[k] == '.'))
    ++k;
  const bool has_scheme = k > 0 && k < r.size() && r[k] == ':' && std::isalpha(static_cast<unsigned char>(r[0]));
  if (has_scheme) {
    const std::string scheme = detail::ascii_lower(r.substr(0, k));
    if ((scheme != "http" && scheme != "https") || r.compare(k + 1, 2, "//") != 0) return r;
  }
  CurlUrl u(curl_url());
  if (!u) return r;
  if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) return r;
  if (r.empty() || r[0] == '#') {
    // Same document (RFC 3986 §5.2.2: base path and query kept, only the fragment replaced);
    // libcurl 7.88 would drop the last path segment and the query.
    const CURLUcode rc = r.size() > 1 ? curl_url_set(u.get(), CURLUPART_FRAGMENT, r.c_str() + 1, 0)
                                      : curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
    return rc == CURLUE_OK ? url_of(u) : std::string();
  }
  // libcurl resolves a relative reference against the URL the handle holds and removes the dot
  // segments (RFC 3986 §5.2).
  if (curl_url_set(u.get(), CURLUPART_URL, r.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) return {};
  return url_of(u);
}

namespace {

std::string decode_html_attr(std::string s) {
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"&amp;", "&"},
                          {"&#38;", "&"},
                          {"&quot;", "\""},
                          {"&#x2F;", "/"},
                          {"&#47;", "/"}}) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
      s.replace(p, from.size(), to);
    }
  }
  return s;
}

std::string js_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[i + 1];
      if (c == 'u' && i + 5 < s.size()) {
        const unsigned long cp = std::strtoul(std::string(s.substr(i + 2, 4)).c_str(), nullptr, 16);
        detail::append_utf8(out, static_cast<char32_t>(cp));
        i += 5;
        continue;
      }
      if (c == 'x' && i + 3 < s.size()) {
        out.push_back(static_cast<char>(std::strtoul(std::string(s.substr(i + 2, 2)).c_str(), nullptr, 16)));
        i += 3;
        continue;
      }
      out.push_back(c); // \/ \" \\ ...
      ++i;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

/// "0;URL=https://…" or "0; url='…'" → the URL.
std::string refresh_url(std::string_view content) {
  const auto lower = detail::ascii_lower(content);
  const auto p = lower.find("url");
  if (p == std::string::npos) return {};
  std::size_t i = p + 3;
  while (i < content.size() && (content[i] == ' ' || content[i] == '=')) ++i;
  std::string_view v = content.substr(i);
  v = detail::trim(v);
  if (!v.empty() && (v.front() == '\'' || v.front() == '"')) {
    const char q = v.front();
    v.remove_prefix(1);
    const auto e = v.find(q);
    if (e != std::string_view::npos) v = v.substr(0, e);
  }
  return std::string(detail::trim(v));
}

} // namespace

std::string html_redirect_target(const HttpResponse& response, const std::string& base) {
  if (const std::string refresh = response.header("refresh"); !refresh.empty()) {
    const std::string u = refresh_url(refresh);
    if (!u.empty()) return resolve_reference(base, u);
  }
  const std::string_view body = std::string_view(response.body).substr(0, 65536);
  static const RE2 content(R"((?is)\bcontent\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))");
  static const RE2 js(
      R"((?s)(?:location\.replace|location\.assign)\(\s*["']((?:[^"'\\]|\\.)+)["']\s*\)|(?:window\.|document\.)?location(?:\.href)?\s*=\s*["']((?:[^"'\\]|\\.)+)["'])");
  re2::StringPiece whole;
  {
    re2::StringPiece in2(body.data(), body.size());
    static const RE2 meta_whole(R"((?is)(<meta\b[^>]*http-equiv\s*=\s*["']?refresh["']?[^>]*>))");
    if (RE2::PartialMatch(in2, meta_whole, &whole)) {
      re2::StringPiece c;
      if (RE2::PartialMatch(whole, content, &c)) {
        std::string v(c.data(), c.size());
        if (!v.empty() && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
        const std::string u = decode_html_attr(refresh_url(v));
        if (!u.empty()) return resolve_reference(base, u);
      }
    }
  }
  re2::StringPiece a, b;
  re2::StringPiece in3(body.data(), body.size());
  if (RE2::PartialMatch(in3, js, &a, &b)) {
    const auto& m = a.empty() ? b : a;
    const std::string u = js_unescape(std::string_view(m.data(), m.size()));
    if (!u.empty()) return resolve_reference(base, u);
  }
  return {};
}

namespace {

nlohmann::json to_json(const Resolution& r) {
  nlohmann::json chain = nlohmann::json::array();
  for (const Hop& h : r.chain) chain.push_back({{"url", h.url}, {"status", h.status}});
  return {{"final_url", r.final_url},
          {"chain", chain},
          {"status_id", r.status_id ? nlohmann::json(*r.status_id) : nlohmann::json(nullptr)},
          {"handle", r.handle ? nlohmann::json(*r.handle) : nlohmann::json(nullptr)},
          {"status", std::string(to_string(r.status))},
          {"reason", r.reason}};
}

std::optional<Resolution> resolution_of(const std::string& url, const nlohmann::json& j);

std::optional<Resolution> from_json(const std::string& url, const std::string& text) {
  const auto j = detail::parse_json(text);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try { // value() throws on a wrong-typed member: such an entry is not used
    return resolution_of(url, j);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<Resolution> resolution_of(const std::string& url, const nlohmann::json& j) {
  Resolution r;
  r.url = url;
  r.final_url = j.value("final_url", "");
  for (const auto& h : j.value("chain", nlohmann::json::array()))
    r.chain.push_back({h.value("url", ""), h.value("status", 0L)});
  if (j.contains("status_id") && j["status_id"].is_string()) r.status_id = j["status_id"].get<std::string>();
  if (j.contains("handle") && j["handle"].is_string()) r.handle = j["handle"].get<std::string>();
  const std::string s = j.value("status", "");
  if (s == "resolved")
    r.status = ResolveStatus::resolved;
  else if (s == "dead")
    r.status = ResolveStatus::dead;
  else
    return std::nullopt;
  r.reason = j.value("reason", "");
  r.from_cache = true;
  return r;
}

std::string cache_key(const std::string& url) { return "resolve/1 " + url; }

/// Follows every chain; fetches each URL once per run, whoever asks for it.
class Resolver {
public:
  Resolver(HttpClient& client, const ResolveOptions& options) : m_client(client), m_options(options) {}

  void follow(Resolution& r) { step(r, r.url); }

private:
  void fetch(const std::string& url, std::function<void(const HttpResponse&)> cb) {
    auto done = m_done.find(url);
    if (done == m_done.end() && m_options.memo) {
      if (auto remembered = m_options.memo->get(url)) done = m_done.emplace(url, std::move(*remembered)).first;
    }
    if (done != m_done.end()) {
      cb(done->second);
      return;
    }
    auto& waiters = m_waiting[url];
    waiters.push_back(std::move(cb));
    if (waiters.size() > 1) return;
    HttpRequest req;
    req.url = url;
    m_client.submit(std::move(req), [this, url](HttpResponse resp) {
      if (m_options.memo) m_options.memo->put(resp);
      auto it = m_done.emplace(url, std::move(resp)).first;
      auto callbacks = std::move(m_waiting[url]);
      m_waiting.erase(url);
      for (auto& waiter : callbacks) waiter(it->second);
    });
  }

  static void finish(Resolution& r, ResolveStatus status, std::string reason) {
    r.status = status;
    r.reason = std::move(reason);
  }

  void step(Resolution& r, const std::string& url) {
    if (auto post = detail::find_status_url(url); post && post->begin <= 8) {
      r.final_url = url;
      r.status_id = post->status_id;
      if (!post->handle.empty()) r.handle = post->handle;
      finish(r, ResolveStatus::resolved, "status URL");
      return;
    }
    if (static_cast<int>(r.chain.size()) >= m_options.max_hops) {
      finish(r, ResolveStatus::error, "more than " + std::to_string(m_options.max_hops) + " redirects");
      return;
    }
    for (const Hop& h : r.chain) {
      if (h.url == url) {
        finish(r, ResolveStatus::error, "redirect loop at " + url);
        return;
      }
    }
    r.chain.push_back({url, 0});
    r.final_url = url;
    fetch(url, [this, &r, url](const HttpResponse& resp) { on_response(r, url, resp); });
  }

  void on_response(Resolution& r, const std::string& url, const HttpResponse& resp) {
    r.chain.back().status = resp.status;
    switch (resp.failure) {
    case HttpFailure::none: break;
    case HttpFailure::blocked: return finish(r, ResolveStatus::blocked, resp.error);
    case HttpFailure::timeout: return finish(r, ResolveStatus::error, resp.error); // "timeout: …"
    case HttpFailure::connect: return finish(r, ResolveStatus::error, "connection failed: " + resp.error);
    case HttpFailure::tls: return finish(r, ResolveStatus::error, "TLS: " + resp.error);
    case HttpFailure::too_large: return finish(r, ResolveStatus::error, resp.error);
    case HttpFailure::other: return finish(r, ResolveStatus::error, resp.error);
    }
    std::string next;
    if (resp.status >= 300 && resp.status < 400) {
      const std::string location = resp.header("location");
      if (location.empty())
        return finish(r, ResolveStatus::error, "HTTP " + std::to_string(resp.status) + " without Location");
      next = resolve_reference(url, location);
      if (next.empty()) return finish(r, ResolveStatus::error, "unreadable Location: " + location.substr(0, 80));
    } else if (resp.status >= 200 && resp.status < 300) {
      next = html_redirect_target(resp, url);
      if (next.empty()) return finish(r, ResolveStatus::resolved, "final page");
    } else if (resp.status == 404 || resp.status == 410) {
      return finish(r, ResolveStatus::dead, "HTTP " + std::to_string(resp.status));
    } else if (resp.status == 429) {
      return finish(r, ResolveStatus::error, "rate limited (HTTP 429)");
    } else {
      return finish(r, ResolveStatus::error, "HTTP " + std::to_string(resp.status));
    }
    const std::string lower = detail::ascii_lower(next.substr(0, 8));
    if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
      r.final_url = next;
      return finish(r, ResolveStatus::blocked, "redirect to a non-http(s) URL: " + next.substr(0, 80));
    }
    step(r, normalize_short_url(next));
  }

  HttpClient& m_client;
  const ResolveOptions& m_options;
  std::map<std::string, HttpResponse> m_done;
  std::map<std::string, std::vector<std::function<void(const HttpResponse&)>>> m_waiting;
};

} // namespace

std::vector<Resolution> resolve(const std::vector<std::string>& urls, HttpClient* client, Cache* cache,
                                const ResolveOptions& options) {
  // One resolution per distinct URL; inputs point at them.
  std::map<std::string, std::unique_ptr<Resolution>> distinct;
  std::vector<Resolution*> order;
  for (const std::string& raw : urls) {
    const std::string url = normalize_short_url(raw);
    auto& slot = distinct[url];
    if (!slot) {
      slot = std::make_unique<Resolution>();
      slot->url = url;
    }
    order.push_back(slot.get());
  }
  std::vector<Resolution*> to_fetch;
  for (auto& [url, r] : distinct) {
    if (auto post = detail::find_status_url(url); post && post->begin <= 8) {
      r->final_url = url;
      r->status_id = post->status_id;
      if (!post->handle.empty()) r->handle = post->handle;
      r->status = ResolveStatus::resolved;
      r->reason = "status URL";
      continue;
    }
    if (cache) {
      auto hit = cache->get(cache_key(url));
      if (!hit) detail::log().warn("{}", hit.error().message);
      if (hit && *hit) {
        if (auto cached = from_json(url, **hit)) {
          *r = std::move(*cached);
          continue;
        }
      }
    }
    if (options.offline || !client) {
      r->status = ResolveStatus::unresolved;
      r->reason = "offline: not in the cache";
      continue;
    }
    to_fetch.push_back(r.get());
  }
  // A shared cache gives each link to one process of the fleet; the others wait for its answer.
  auto key_of = [](const Resolution* r) { return cache_key(r->url); };
  const std::vector<Resolution*> elsewhere =
      cache ? detail::split_claimed(*cache, to_fetch, key_of) : std::vector<Resolution*>();
  auto follow = [&](const std::vector<Resolution*>& rs) {
    if (rs.empty()) return;
    Resolver resolver(*client, options);
    for (Resolution* r : rs) resolver.follow(*r);
    client->run();
    for (Resolution* r : rs) {
      if (!cache) continue;
      // Only definitive answers are cached; transient failures are retried next run (a shared
      // cache passes them on to the processes waiting for them, never to get()).
      if (r->status != ResolveStatus::resolved && r->status != ResolveStatus::dead) {
        cache->put_transient(cache_key(r->url), to_json(*r).dump());
        continue;
      }
      const auto ttl = r->status == ResolveStatus::resolved ? options.live_ttl : options.dead_ttl;
      if (auto put = cache->put(cache_key(r->url), to_json(*r).dump(), ttl); !put) {
        detail::log().warn("{}", put.error().message);
      }
    }
  };
  follow(to_fetch);
  if (!elsewhere.empty()) {
    follow(detail::take_answers(*cache, elsewhere, key_of, [](Resolution* r, const std::string& value) {
      auto answer = from_json(r->url, value);
      if (answer) *r = std::move(*answer);
      return answer.has_value();
    }));
  }
  std::vector<Resolution> out;
  out.reserve(urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    Resolution r = *order[i];
    r.url = urls[i];
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace tweetcheck
