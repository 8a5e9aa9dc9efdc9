#pragma once
// The options every command that goes online shares (--endpoint, --cache, --timeout, …, and
// --sources/--archive for the verifying ones), turned into the library's settings.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/config.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/http_gate.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck::cli {

struct NetworkArgs {
  std::vector<std::string> endpoints;
  std::string config, cache, ca_file, user_agent, proxy;
  bool no_cache = false, offline = false, allow_private = false;
  unsigned concurrency = 0, host_concurrency = 0;
  double timeout = 0, connect_timeout = 0, rate = 0;
  unsigned claim_timeout = 60; ///< --claim-timeout: a shared (PostgreSQL) cache's claims expire after it
  int retries = -1;
  std::string meta_token;    ///< --meta-token (Meta's oEmbed sources)
  std::string max_cache_age; ///< --max-cache-age DURATION

  void add_to(CLI::App* sub);
  /// Only --config and --cache (the `cache` commands).
  void add_cache_path_to(CLI::App* sub);
  /// Defaults, then the config file, then the environment, then the command line; where each
  /// value came from is recorded in `origins` when given.
  Result<Settings> settings(SettingOrigins* origins = nullptr) const;
  /// The config file read: --config, else $TWEETCHECK_CONFIG, else default_config_path().
  std::string config_path() const;
};

/// The cache TTLs and --max-cache-age of `s` in the stages' options.
void apply_cache_settings(const Settings& s, VerifyOptions& options);
void apply_cache_settings(const Settings& s, ResolveOptions& options);

/// Opens the cache unless --no-cache (then null); a cache that cannot be opened is an error.
Result<std::unique_ptr<Cache>> open_cache(const NetworkArgs& net, const Settings& s, spdlog::logger& log);
/// How a shared (postgresql://) cache is opened: --claim-timeout, [cache] transient_ttl, max_age.
PostgresCacheOptions postgres_cache_options(const NetworkArgs& net, const Settings& s);

/// What a command that goes online opens, in this order: its settings, the cache (null with
/// --no-cache) and the HTTP client.
struct Network {
  Settings settings;
  std::unique_ptr<Cache> cache;
  std::unique_ptr<HttpClient> client;
  /// The client the stages are given: null with --offline.
  HttpClient* online(const NetworkArgs& net) const { return net.offline ? nullptr : client.get(); }
};
/// Opens the cache another way than open_cache (audit: a cache next to its state).
using CacheOpener = std::function<Result<std::unique_ptr<Cache>>(const Settings&)>;
/// Settings, cache and client of `net`; the first that cannot be had is the error.
/// `gate` (may be null): the fleet's politeness, asked before every request.
Result<Network> open_network(const NetworkArgs& net, spdlog::logger& log, const CacheOpener& open = {},
                             std::shared_ptr<HostGate> gate = {});

/// The verify options check and audit share: --sources (validated), --archive, --offline, the
/// X API token from the environment, and the Meta token (--meta-token, else TWEETCHECK_META_TOKEN).
Result<VerifyOptions> make_verify_options(const std::string& sources, const std::string& archive, bool offline,
                                          const std::string& meta_token = {});

} // namespace tweetcheck::cli
