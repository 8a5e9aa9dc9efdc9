#pragma once
// The verifier's fetching and bookkeeping (private), shared by verify() and the rounds of the
// sources that are not asked one plain request per post (sources.hpp, Asking::round).
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_util.hpp"
#include "core/log.hpp"
#include "core/text_util.hpp"
#include "store/claims.hpp"
#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/resolve.hpp"
#include "tweetcheck/verify.hpp"
#include "verify/reasons.hpp"
#include "verify/sources.hpp"

namespace tweetcheck::sources {

using nlohmann::json;

/// Fetches URLs for the sources: each distinct URL once, the cache first; definitive answers are
/// cached with their evidence (status, time, SHA-256), transient ones never. A redirect is
/// followed only within the service's own hosts (sources::service_of), each hop a new request
/// through the client (so the endpoint mapping and the private-address guard apply to every
/// hop), at most k_max_hops of them; a redirect anywhere else is not followed and the answer
/// says why (`refused`).
class Fetcher {
public:
  static constexpr std::size_t k_max_hops = 5;

  Fetcher(HttpClient* client, Cache* cache, const VerifyOptions& o) : m_client(client), m_cache(cache), m_options(o) {}

  struct Item {
    HttpResponse response; ///< the last response (the answer to read)
    bool from_cache = false;
    std::vector<HttpResponse> hops; ///< the redirects before it, in order (bodies dropped)
    std::string refused;            ///< why the last response's redirect was not followed; "" when none
    bool offline = false;           ///< not asked: the run is offline (or has no client) and nothing was kept
  };

  /// Says whether a 200 answer to the URL first asked for is well formed (its source's parser
  /// reads it as something other than malformed_response); only those are cached.
  using Accept = std::function<bool(const std::string& first, const HttpResponse&)>;

  std::map<std::string, Item> fetch(const std::vector<HttpRequest>& requests, Accept accept = {}) {
    m_accept = std::move(accept);
    std::map<std::string, Item> out;
    std::vector<HttpRequest> todo;
    std::set<std::string> seen;
    for (const HttpRequest& req : requests) {
      if (!seen.insert(req.url).second) continue;
      if (auto hit = cached(req.url)) {
        out[req.url] = std::move(*hit);
      } else if (auto remembered = m_options.memo ? m_options.memo->get(req.url) : std::nullopt) {
        out[req.url] = Item{std::move(*remembered), true, {}, {}};
      } else if (!m_client || m_options.offline) {
        HttpResponse r;
        r.url = req.url;
        r.failure = HttpFailure::other;
        r.error = "not asked: no network";
        out[req.url] = Item{std::move(r), false, {}, {}, true};
      } else {
        todo.push_back(req);
      }
    }
    m_total = seen.size();
    m_done = m_total - todo.size();
    if (m_options.progress_step && m_total > 0) m_options.progress_step(m_done, m_total);
    // A shared cache gives each URL to one process of the fleet; the others wait for its answer.
    auto key_of = [](const HttpRequest& req) { return key(req.url); };
    const std::vector<HttpRequest> elsewhere =
        m_cache ? detail::split_claimed(*m_cache, todo, key_of) : std::vector<HttpRequest>();
    for (const HttpRequest& req : todo) submit(out, req.url, req, {});
    if (!todo.empty()) m_client->run();
    if (elsewhere.empty()) return out;
    const auto unanswered =
        detail::take_answers(*m_cache, elsewhere, key_of, [&](const HttpRequest& req, const std::string& value) {
          const json j = detail::parse_json(value);
          std::optional<Item> item;
          if (j.is_object()) {
            try {
              item = cached_item(j, req.url);
            } catch (const json::exception&) {
            }
          }
          if (!item) return false;
          out[req.url] = std::move(*item);
          ++m_done; // answered by the process that claimed it
          if (m_options.progress_step) m_options.progress_step(m_done, m_total);
          return true;
        });
    for (const HttpRequest& req : unanswered) submit(out, req.url, req, {});
    if (!unanswered.empty()) m_client->run();
    return out;
  }

private:
  static std::string key(const std::string& url) { return "http/1 GET " + url; }

  /// Sends `req` (a hop of the chain that began at `first`); its answer ends the chain or is
  /// followed.
  void submit(std::map<std::string, Item>& out, const std::string& first, HttpRequest req,
              std::vector<HttpResponse> hops) {
    HttpRequest copy = req;
    m_client->submit(std::move(copy),
                     [this, &out, first, req = std::move(req), hops = std::move(hops)](HttpResponse r) mutable {
                       on_response(out, first, std::move(req), std::move(hops), std::move(r));
                     });
  }

  void on_response(std::map<std::string, Item>& out, const std::string& first, HttpRequest req,
                   std::vector<HttpResponse> hops, HttpResponse r) {
    Item item;
    const bool redirect = r.failure == HttpFailure::none &&
                          (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308);
    if (redirect) {
      const std::string location = r.header("location");
      const std::string next = location.empty() ? std::string() : resolve_reference(req.url, location);
      const std::string service = sources::service_of(first);
      if (next.empty()) {
        item.refused = location.empty() ? "HTTP " + std::to_string(r.status) + " without Location"
                                        : "unreadable Location: " + location.substr(0, 200);
      } else if (service.empty() || sources::service_of(next) != service) {
        item.refused = "redirect to " + next.substr(0, 200) + " refused: not a host of " +
                       (service.empty() ? std::string("the service asked") : service);
      } else if (!detail::starts_with_icase(next, "https://")) {
        item.refused = "redirect to " + next.substr(0, 200) + " refused: not https";
      } else if (hops.size() + 1 > k_max_hops) {
        item.refused = "more than " + std::to_string(k_max_hops) + " redirects";
      } else if (next == first ||
                 std::any_of(hops.begin(), hops.end(), [&](const HttpResponse& h) { return h.url == next; }) ||
                 next == req.url) {
        item.refused = "redirect loop at " + next.substr(0, 200);
      } else {
        r.body.clear();
        hops.push_back(std::move(r));
        req.url = next; // same headers: the next host belongs to the same service
        submit(out, first, std::move(req), std::move(hops));
        return;
      }
      detail::log().debug("{}: {}", first, item.refused);
    }
    item.response = std::move(r);
    item.hops = std::move(hops);
    const bool stored = item.refused.empty() && store(first, item);
    if (!stored && m_cache) m_cache->put_transient(key(first), serialize(item));
    if (m_options.memo) {
      HttpResponse memo = item.response;
      memo.url = first; // remembered under the URL asked for
      m_options.memo->put(memo, !stored && memo.status == 200);
    }
    out[first] = std::move(item);
    ++m_done; // the end of a chain: one request of the stage answered
    if (m_options.progress_step) m_options.progress_step(m_done, m_total);
  }

  std::optional<Item> cached(const std::string& url) {
    if (!m_cache) return std::nullopt;
    auto hit = m_cache->get(key(url));
    if (!hit || !*hit) return std::nullopt;
    const json j = detail::parse_json(**hit);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try { // value() throws on a wrong-typed member: such an entry is not used
      return cached_item(j, url);
    } catch (const json::exception&) {
      return std::nullopt;
    }
  }

  static Item cached_item(const json& j, const std::string& url) {
    Item item;
    item.from_cache = true;
    HttpResponse& r = item.response;
    r.url = j.value("url", url);
    r.effective_url = j.value("effective_url", url);
    r.status = j.value("status", 0L);
    r.body = j.value("body", "");
    r.sha256 = j.value("sha256", "");
    r.fetched_at_ms = j.value("fetched_at_ms", std::int64_t{0});
    const int failure = j.value("failure", 0);
    if (failure > 0 && failure <= static_cast<int>(HttpFailure::other)) r.failure = static_cast<HttpFailure>(failure);
    r.error = j.value("error", "");
    item.refused = j.value("refused", "");
    for (const auto& h : j.value("hops", json::array())) {
      if (!h.is_object()) continue;
      HttpResponse hop;
      hop.url = h.value("url", "");
      hop.status = h.value("status", 0L);
      hop.sha256 = h.value("sha256", "");
      hop.fetched_at_ms = h.value("fetched_at_ms", std::int64_t{0});
      item.hops.push_back(std::move(hop));
    }
    return item;
  }

  /// An answer as the cache keeps it (read back by cached_item).
  static std::string serialize(const Item& item) {
    const HttpResponse& r = item.response;
    json hops = json::array();
    for (const HttpResponse& h : item.hops) {
      hops.push_back({{"url", h.url}, {"status", h.status}, {"sha256", h.sha256}, {"fetched_at_ms", h.fetched_at_ms}});
    }
    json j{{"effective_url", r.effective_url},
           {"status", r.status},
           {"body", r.body},
           {"sha256", r.sha256},
           {"fetched_at_ms", r.fetched_at_ms}};
    if (!item.hops.empty()) {
      j["url"] = r.url;
      j["hops"] = std::move(hops);
    }
    // Transient answers shared with the fleet keep what went wrong.
    if (r.failure != HttpFailure::none) {
      j["failure"] = static_cast<int>(r.failure);
      j["error"] = r.error;
    }
    if (!item.refused.empty()) j["refused"] = item.refused;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  /// Caches a definitive answer under the URL first asked for; false when it is not one (or
  /// there is no cache).
  bool store(const std::string& first, const Item& item) {
    const HttpResponse& r = item.response;
    if (r.failure != HttpFailure::none) return false;
    const bool definitive = r.status == 200 || r.status == 403 || r.status == 404 || r.status == 410;
    if (!definitive) return false; // 5xx, 429 and the like are asked again next time
    // A 200 may still be malformed; keep it only when it parses as the sources expect JSON to.
    if (r.status == 200 && detail::parse_json(r.body).is_discarded() && r.url.find("/web/") == std::string::npos) {
      return false;
    }
    if (r.status == 200 && m_accept && !m_accept(first, r)) return false;
    if (!m_cache) return true;
    auto put = m_cache->put(key(first), serialize(item), r.status == 200 ? m_options.found_ttl : m_options.gone_ttl);
    if (!put) detail::log().warn("{}", put.error().message);
    return true;
  }

  HttpClient* m_client;
  Cache* m_cache;
  const VerifyOptions& m_options;
  Accept m_accept;
  std::size_t m_done = 0, m_total = 0; ///< requests of the current fetch() answered, and asked
};

/// An Accept for answers read by `parse` (URL first asked for → the ID it asks about).
template <class Parse>
Fetcher::Accept well_formed(std::map<std::string, std::string> id_of, Parse parse) {
  return [id_of = std::move(id_of), parse](const std::string& first, const HttpResponse& r) {
    auto it = id_of.find(first);
    if (it == id_of.end()) return true;
    const Answer a = parse(r, it->second);
    return !(a.kind == Answer::Kind::error && a.reason == Reason::malformed_response);
  };
}

struct Lookup {
  std::string id; ///< Twitter: the status ID; Bluesky: the at:// URI; others: the permalink
  Platform platform = Platform::twitter;
  std::string handle; ///< from the article (for archive searches)
  std::optional<OriginalPost> original;
  std::optional<Reason> missing;
  std::set<Reason> errors;
  std::vector<Evidence> evidence;
  std::optional<OriginalPost> archived; ///< an archived copy of a missing post
  bool wayback_tried = false;
  std::vector<OriginalPost> versions; ///< earlier versions (edit history)
  /// The author's stable ID as the article names it (Bluesky: the DID its handle resolves to, or
  /// the one its at:// URI carries); compared with OriginalPost::author_id when handles differ.
  std::string author_id;
};

/// A request's evidence; one that got no answer says why (the transport's error: a timeout, a refused
/// connection, a TLS failure), for the person who reads "network_error".
inline Evidence evidence_of(const HttpResponse& r, bool from_cache, const std::string& source) {
  return Evidence{r.url,
                  r.status,
                  r.fetched_at_ms,
                  r.sha256,
                  source,
                  from_cache,
                  r.failure != HttpFailure::none ? r.error : std::string()};
}

/// Every hop of a fetch, in order, the last one carrying why its redirect was refused.
inline void add_evidence(std::vector<Evidence>& to, const Fetcher::Item& item, const std::string& source) {
  for (const HttpResponse& h : item.hops) to.push_back(evidence_of(h, item.from_cache, source));
  to.push_back(evidence_of(item.response, item.from_cache, source));
  if (!item.refused.empty()) to.back().detail = item.refused;
}

/// What a source's answer means, or `redirect_refused` when it redirected where it may not.
template <class Parse>
Answer read_answer(const Fetcher::Item& item, Parse parse) {
  if (!item.refused.empty()) {
    Answer a;
    a.kind = Answer::Kind::error;
    a.reason = Reason::redirect_refused;
    a.detail = item.refused;
    return a;
  }
  return parse(item.response);
}

inline void apply(Lookup& l, const Answer& a) {
  switch (a.kind) {
  case Answer::Kind::found: l.original = a.original; break;
  case Answer::Kind::missing:
    if (!l.missing) l.missing = a.reason;
    break;
  case Answer::Kind::error: l.errors.insert(a.reason); break;
  }
}

inline bool pending(const Lookup& l) { return !l.original && !l.missing; }

/// A source could not be reached, or answered what cannot be read (a post's network_error). A
/// refused token is its own reason (auth_error).
inline bool network_trouble(const Lookup& l) {
  return l.errors.count(Reason::network_error) || l.errors.count(Reason::malformed_response);
}

} // namespace tweetcheck::sources
