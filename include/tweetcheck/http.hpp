#pragma once
/// The HTTP layer: one client for every remote service, driven by libcurl's multi interface.
/// Requests are plain values; outcomes are data (a failed transfer is a response with a
/// `failure`), never exceptions.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tweetcheck/result.hpp"

namespace tweetcheck {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; ///< extra request headers
  /// Not empty: the body is written to this file (created, or emptied on each attempt) instead of
  /// HttpResponse::body, with no size cap, and the whole-transfer timeout becomes a stall timeout
  /// (no byte for that long): downloads of large inputs.
  std::string save_to = {};
};

/// Why a transfer produced no usable response.
enum class HttpFailure {
  none,      ///< a response arrived (any status)
  timeout,   ///< connect or total timeout
  connect,   ///< could not connect (refused, unreachable, DNS)
  tls,       ///< certificate or handshake failure
  blocked,   ///< the address or scheme is not allowed (private network, non-http(s))
  too_large, ///< the body exceeded the size cap
  other,     ///< anything else (message in `error`)
};

struct HttpResponse {
  std::string url;                                          ///< the URL as requested (before endpoint mapping)
  std::string effective_url;                                ///< where it was actually sent
  long status = 0;                                          ///< HTTP status; 0 when no response arrived
  std::vector<std::pair<std::string, std::string>> headers; ///< names lower-cased, in order
  std::string body;                                         ///< at most HttpOptions::max_body bytes
  HttpFailure failure = HttpFailure::none;
  std::string error;              ///< what went wrong, for people
  std::string sha256;             ///< hex SHA-256 of the body received
  std::int64_t fetched_at_ms = 0; ///< Unix time the final attempt finished
  int attempts = 0;               ///< transfers made, retries included

  /// The first header of that (lower-case) name, or "".
  std::string header(std::string_view name) const;
};

struct HttpOptions {
  unsigned concurrency = 32;     ///< transfers in flight at once, all hosts
  unsigned host_concurrency = 8; ///< transfers in flight at once per host
  double host_rate = 0;          ///< requests per second per host; 0: unlimited
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;          ///< whole transfer (t.co can take seconds on some targets)
  int retries = 3;                  ///< extra attempts on timeouts, connection errors, 5xx, 429
  long backoff_ms = 500;            ///< first retry delay; doubles each time, with jitter
  long max_retry_after_ms = 120000; ///< longest Retry-After honoured before giving up
  std::size_t max_body = 2 * 1024 * 1024;
  bool allow_private_network = false; ///< allow loopback/private/link-local/... addresses
  std::string user_agent;             ///< default: "tweetcheck/VERSION (+https://github.com/tweetcheck)"
  std::string ca_file;                ///< extra CA bundle (PEM), e.g. for a self-signed test server
  /// A trusted forward proxy (http://, https:// or socks5h://HOST:PORT) every request goes
  /// through, for hosts that reach the internet only by one; empty: none (a proxy named in the
  /// environment is never used). Through it, the private-address checks apply to the URLs asked
  /// for (address literals, localhost); the proxy resolves names and must enforce the rest.
  std::string proxy;
  /// Host → base URL: a request for https://HOST/PATH?QUERY goes to BASE/PATH?QUERY. Mapped
  /// hosts are trusted: the private-network check does not apply to them.
  std::map<std::string, std::string> endpoints;
};

/// Counters for the run (for benchmarks and the summary).
struct HttpStats {
  std::uint64_t requests = 0; ///< transfers started, retries included
  std::uint64_t retries = 0;
  std::uint64_t blocked = 0;
  /// Transfers that waited for their host's politeness (the --rate spacing, a Retry-After pause,
  /// a fleet's shared budget) before they were sent, and the milliseconds they waited for it.
  std::uint64_t rate_waits = 0;
  std::uint64_t rate_wait_ms = 0;
};

/// A client for many concurrent requests. submit() queues a request; run() drives every queued
/// transfer (and those its callbacks submit) to the end. Callbacks run on the thread in run().
class HttpClient {
public:
  using Callback = std::function<void(HttpResponse)>;
  virtual ~HttpClient() = default;
  virtual void submit(HttpRequest request, Callback done) = 0;
  virtual void run() = 0;
  virtual HttpStats stats() const = 0;
};

/// The libcurl client. Fails (Errc::http) only when libcurl cannot be set up.
Result<std::unique_ptr<HttpClient>> make_curl_client(const HttpOptions& options);

/// Transient outcomes (timeouts, connection failures, 429, 5xx) remembered for the rest of one
/// run, so that a long run (an audit) asks each URL once even when its answer was not worth
/// caching. Bodies are not kept: memory stays small. Thread-safe.
class ResponseMemo {
public:
  std::optional<HttpResponse> get(const std::string& url) const;
  /// Keeps `r` when it is transient (or `unusable`: a 200 the caller could not read, which the
  /// cache refuses too); definitive answers belong in the cache.
  void put(const HttpResponse& r, bool unusable = false);

private:
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, HttpResponse> m_responses;
};

/// Applies an endpoint mapping to a URL (exposed for tests). Returns the URL unchanged when its
/// host is not mapped; `mapped` tells which.
std::string map_endpoint(const std::map<std::string, std::string>& endpoints, const std::string& url,
                         bool* mapped = nullptr);

/// True for addresses tweetcheck never connects to by default: loopback, private (RFC 1918,
/// fc00::/7), link-local, carrier-grade NAT, multicast, unspecified, and IPv4-mapped forms.
bool is_private_address(const std::string& ip);

} // namespace tweetcheck
