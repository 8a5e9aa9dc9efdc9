#pragma once
/// Politeness shared by many processes: a gate the HTTP client asks before each request to a
/// host, and tells when a host asked to slow down (429 or 503 with Retry-After). The fleet's gate
/// keeps a GCRA per host and the pauses on the coordinator's clock (fleet.hpp).

#include <memory>
#include <string>

#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck {

class HostGate {
public:
  virtual ~HostGate() = default;
  /// Milliseconds before a request to `host` (the host of the URL asked for, before endpoint
  /// mapping) may start; 0: it may start now, and it is counted.
  virtual long admit(const std::string& host) = 0;
  /// `host` answered 429 or 503 with a Retry-After of `ms`: every process waits that long.
  virtual void pause(const std::string& host, long ms) = 0;
};

/// The libcurl client (make_curl_client) asking `gate` before every request.
Result<std::unique_ptr<HttpClient>> make_curl_client(const HttpOptions& options, std::shared_ptr<HostGate> gate);

} // namespace tweetcheck
