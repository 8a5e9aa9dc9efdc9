#pragma once
// `tweetcheck serve`: the desk page and the HTTP API over the library's check pipeline. The HTTP
// server is cpp-httplib's; this module holds only the routes, the limits and the kept results.
// What a check does (options, sources, network, cache) is the caller's Checker: the CLI builds
// it from the same options as `check`.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck::serve {

/// One check asked for: an article URL, or a pasted document.
struct CheckRequest {
  std::string url;     ///< an article to fetch; empty: `document`
  Document document;   ///< name, format and content of a pasted page
  std::string sources; ///< comma-separated source order; empty: the server's
};

/// What a check found, and what it cost (for /metrics).
struct CheckOutcome {
  std::vector<CheckedPost> posts;
  std::vector<std::string> errors; ///< inputs that could not be read or fetched
  HttpStats http;
  std::map<std::string, double> stage_seconds; ///< time in each verify stage (a source's round, …)
};

/// Runs one check; `on_post` is told each post as soon as it is settled (may be empty). Fails
/// (Errc::usage) on a bad request (an unknown source).
using Checker =
    std::function<Result<CheckOutcome>(const CheckRequest&, const std::function<void(const CheckedPost&)>&)>;

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;   ///< 0: any free port
  std::string token; ///< bearer token; empty: none asked (loopback only)
  std::size_t max_body = 16u << 20;
  std::chrono::milliseconds request_timeout{120000};
  unsigned max_concurrent = 4, queue = 16;
  std::chrono::seconds keep_results{std::chrono::hours(24 * 30)};
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

/// Serves until SIGTERM or SIGINT: then refuses new checks, finishes the running ones and returns
/// 0. `results` keeps the results (the cache database, or an in-memory one). Prints
/// "listening on http://HOST:PORT" on stdout once the socket is bound. Fails when it cannot bind.
Result<void> run_server(const ServeOptions& options, const Checker& checker, std::unique_ptr<Cache> results,
                        spdlog::logger& log);

} // namespace tweetcheck::serve
