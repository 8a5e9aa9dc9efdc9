#pragma once
/// The resolve stage: expands short links (t.co, pic.twitter.com and other shorteners) hop by
/// hop to learn which post they lead to.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"

namespace tweetcheck {

enum class ResolveStatus {
  resolved,   ///< the chain ended at a page or a post (status_id set for a post)
  dead,       ///< the link is gone (404, 410)
  error,      ///< it could not be followed (timeouts, 5xx/429 after retries, loops, too many hops, …)
  blocked,    ///< a hop led to a private address or a non-http(s) URL
  unresolved, ///< not tried (offline and not in the cache)
};

struct Hop {
  std::string url;
  long status = 0; ///< HTTP status; 0 when no response arrived
};

struct Resolution {
  std::string url;                      ///< as given
  std::string final_url;                ///< the last URL reached (a post's permalink for posts)
  std::vector<Hop> chain;               ///< every URL fetched, in order
  std::optional<std::string> status_id; ///< when the chain leads to a Twitter/X post
  std::optional<std::string> handle;
  ResolveStatus status = ResolveStatus::unresolved;
  std::string reason; ///< why it is not resolved (or how: "status URL")
  bool from_cache = false;
};

struct ResolveOptions {
  int max_hops = 10;
  bool offline = false;                                        ///< answer from the cache only
  std::chrono::seconds live_ttl = std::chrono::hours(24 * 30); ///< resolved links
  std::chrono::seconds dead_ttl = std::chrono::hours(24);      ///< dead links are re-checked sooner
  /// Remembers transient answers across calls (one audit); may be null.
  std::shared_ptr<ResponseMemo> memo;
};

/// Resolves every URL (duplicates are fetched once; results come back in input order). `cache`
/// may be null. Never fails: each link's outcome is data.
std::vector<Resolution> resolve(const std::vector<std::string>& urls, HttpClient* client, Cache* cache,
                                const ResolveOptions& options);

/// "pic.twitter.com/X", "pic.x.com/X", "t.co/X" and scheme-less URLs as the https URL to request.
std::string normalize_short_url(std::string_view url);

/// The next URL a 200 page sends a browser to: <meta http-equiv="refresh">, location.replace("…")
/// (JS-escaped) or a Refresh header; empty when none. Relative URLs are resolved against `base`.
std::string html_redirect_target(const HttpResponse& response, const std::string& base);

/// `ref` (absolute, scheme-relative, absolute-path, relative or a fragment) against `base`, by
/// RFC 3986 §5.2 (libcurl's URL API): dot segments removed, a fragment-only reference keeping the
/// base's path and query. A reference with a scheme other than http(s) is returned unchanged; ""
/// when `ref` cannot be read against `base`.
std::string resolve_reference(const std::string& base, const std::string& ref);

std::string_view to_string(ResolveStatus s);

} // namespace tweetcheck
