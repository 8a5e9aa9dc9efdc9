// The shared network, cache and source options, and how they become the library's settings:
// defaults, then the config file, then the command line; numbers checked before conversion.
#include "network_options.hpp"
#include "tweetcheck/fleet.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <tuple>

namespace tweetcheck::cli {

void NetworkArgs::add_to(CLI::App* sub) {
  sub->add_option("--endpoint", endpoints, "send requests for HOST to BASE_URL (HOST=BASE_URL, repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  sub->add_option("--config", config, "TOML config file (default: $XDG_CONFIG_HOME/tweetcheck/config.toml)");
  sub->add_option("--cache", cache,
                  "cache file (default: $XDG_CACHE_HOME/tweetcheck/cache.sqlite), or postgresql://… for a cache "
                  "shared by many processes");
  sub->add_option("--claim-timeout", claim_timeout,
                  "seconds a claim on a post lasts in a shared (postgresql://) cache before another process asks")
      ->capture_default_str();
  sub->add_flag("--no-cache", no_cache, "neither read nor write the cache");
  sub->add_flag("--offline", offline, "answer from the cache only; send no request");
  sub->add_flag("--allow-private-network", allow_private, "allow requests to loopback and private addresses");
  sub->add_option("--concurrency", concurrency, "requests in flight at once (default 32)");
  sub->add_option("--host-concurrency", host_concurrency, "requests in flight at once per host (default 8)");
  sub->add_option("--rate", rate, "requests per second per host (default: unlimited)");
  sub->add_option("--timeout", timeout, "seconds a request may take in all (default 30)");
  sub->add_option("--connect-timeout", connect_timeout, "seconds to connect (default 10)");
  sub->add_option("--retries", retries, "extra attempts on timeouts, connection errors, 5xx and 429 (default 3)");
  sub->add_option("--ca-file", ca_file, "CA certificates (PEM) to trust instead of the system's");
  sub->add_option("--user-agent", user_agent, "User-Agent header");
  sub->add_option("--proxy", proxy,
                  "a trusted forward proxy every request goes through (http://, https:// or socks5h://HOST:PORT)");
  sub->add_option("--max-cache-age", max_cache_age,
                  "a cached answer stored longer ago than this is not used (7d, 12h, 30m, 3600)")
      ->type_name("DURATION")
      ->group("cache");
  sub->add_option("--meta-token", meta_token,
                  "Meta app access token (APP_ID|APP_SECRET) for Threads, Instagram and Facebook posts "
                  "(default: $TWEETCHECK_META_TOKEN)");
}

void NetworkArgs::add_cache_path_to(CLI::App* sub) {
  sub->add_option("--config", config, "TOML config file (default: $XDG_CONFIG_HOME/tweetcheck/config.toml)")
      ->type_name("FILE");
  sub->add_option("--cache", cache, "cache file (default: $XDG_CACHE_HOME/tweetcheck/cache.sqlite)")
      ->type_name("FILE")
      ->group("cache");
}

std::string NetworkArgs::config_path() const {
  if (!config.empty()) return config;
  if (const char* env = std::getenv("TWEETCHECK_CONFIG"); env && *env) return env;
  return default_config_path();
}

Result<Settings> NetworkArgs::settings(SettingOrigins* origins) const {
  Settings s;
  const std::string path = config_path();
  const bool given = path != default_config_path();
  std::error_code ec;
  if (given && !std::filesystem::exists(path, ec)) {
    return fail(Errc::config, "cannot open config '" + path + "': No such file or directory");
  }
  if (!path.empty() && std::filesystem::exists(path, ec)) {
    if (auto r = load_config(path, s, origins); !r) return tl::unexpected(r.error());
  }
  if (auto r = load_environment(s, origins); !r) return tl::unexpected(r.error());
  auto from_option = [&](const char* key, const char* option) {
    if (origins) (*origins)[key] = option;
  };
  for (const auto& spec : endpoints) {
    auto ep = parse_endpoint(spec);
    if (!ep) return tl::unexpected(ep.error());
    s.http.endpoints[ep->first] = ep->second;
    if (origins) (*origins)["endpoints." + ep->first] = "--endpoint";
  }
  if (allow_private) s.http.allow_private_network = true;
  if (allow_private) from_option("http.allow_private_network", "--allow-private-network");
  if (concurrency) s.http.concurrency = concurrency;
  if (concurrency) from_option("http.concurrency", "--concurrency");
  if (host_concurrency) s.http.host_concurrency = host_concurrency;
  if (host_concurrency) from_option("http.host_concurrency", "--host-concurrency");
  // Non-finite and out-of-range numbers are refused (never an undefined conversion).
  if (auto r = bounded_number(rate, k_max_rate, "--rate"); !r) return tl::unexpected(r.error());
  if (rate > 0) s.http.host_rate = rate;
  if (rate > 0) from_option("http.host_rate", "--rate");
  for (auto [value, name, ms, key] :
       {std::tuple{timeout, "--timeout", &s.http.timeout_ms, "http.timeout"},
        std::tuple{connect_timeout, "--connect-timeout", &s.http.connect_timeout_ms, "http.connect_timeout"}}) {
    auto v = seconds_to_ms(value, name);
    if (!v) return tl::unexpected(v.error());
    if (value > 0) *ms = *v;
    if (value > 0) from_option(key, name);
  }
  if (retries > k_max_retries || retries < -1) {
    return fail(Errc::usage, "--retries must be a whole number from 0 to " + std::to_string(k_max_retries) + ", got " +
                                 std::to_string(retries));
  }
  if (retries >= 0) s.http.retries = retries;
  if (retries >= 0) from_option("http.retries", "--retries");
  if (!ca_file.empty()) s.http.ca_file = ca_file;
  if (!ca_file.empty()) from_option("http.ca_file", "--ca-file");
  if (!user_agent.empty()) s.http.user_agent = user_agent;
  if (!user_agent.empty()) from_option("http.user_agent", "--user-agent");
  if (!proxy.empty()) s.http.proxy = proxy;
  if (!proxy.empty()) from_option("http.proxy", "--proxy");
  if (!s.http.proxy.empty() && s.http.proxy.rfind("http://", 0) != 0 && s.http.proxy.rfind("https://", 0) != 0 &&
      s.http.proxy.rfind("socks5h://", 0) != 0) {
    return fail(Errc::usage, "the proxy (--proxy, [http] proxy) must be an http://, https:// or socks5h:// URL, got '" +
                                 s.http.proxy + "'");
  }
  if (!cache.empty()) s.cache_path = cache;
  if (!cache.empty()) from_option("cache.path", "--cache");
  if (s.cache_path.empty()) s.cache_path = default_cache_path();
  if (!max_cache_age.empty()) {
    auto age = parse_duration(max_cache_age, "--max-cache-age");
    if (!age) return tl::unexpected(age.error());
    s.max_cache_age = *age;
    from_option("cache.max_age", "--max-cache-age");
  }
  return s;
}

void apply_cache_settings(const Settings& s, VerifyOptions& options) {
  options.found_ttl = s.found_ttl;
  options.gone_ttl = s.gone_ttl;
  options.resolved_ttl = s.resolved_ttl;
  options.dead_ttl = s.dead_ttl;
}

void apply_cache_settings(const Settings& s, ResolveOptions& options) {
  options.live_ttl = s.resolved_ttl;
  options.dead_ttl = s.dead_ttl;
}

PostgresCacheOptions postgres_cache_options(const NetworkArgs& net, const Settings& s) {
  PostgresCacheOptions o;
  o.claim_timeout = std::chrono::seconds(net.claim_timeout);
  o.transient_ttl = s.transient_ttl;
  o.max_age = s.max_cache_age;
  return o;
}

Result<std::unique_ptr<Cache>> open_cache(const NetworkArgs& net, const Settings& s, spdlog::logger& log) {
  if (net.no_cache) return std::unique_ptr<Cache>();
  if (is_postgres_url(s.cache_path)) return open_postgres_cache(s.cache_path, postgres_cache_options(net, s));
  std::vector<std::string> warnings;
  auto cache = open_sqlite_cache(s.cache_path, &warnings, s.max_cache_age);
  for (const auto& w : warnings) log.warn("{}", w);
  return cache;
}

Result<Network> open_network(const NetworkArgs& net, spdlog::logger& log, const CacheOpener& open,
                             std::shared_ptr<HostGate> gate) {
  Network n;
  auto settings = net.settings();
  if (!settings) return tl::unexpected(settings.error());
  n.settings = std::move(*settings);
  auto cache = open ? open(n.settings) : open_cache(net, n.settings, log);
  if (!cache) return tl::unexpected(cache.error());
  n.cache = std::move(*cache);
  // Processes that share a cache in PostgreSQL share their politeness too: --rate for all of them
  // together, and the Retry-After pauses.
  if (!gate && !net.no_cache && is_postgres_url(n.settings.cache_path)) {
    auto shared = make_shared_gate(n.settings.cache_path, n.settings.http.host_rate);
    if (!shared) return tl::unexpected(shared.error());
    gate = std::move(*shared);
  }
  auto client = gate ? make_curl_client(n.settings.http, std::move(gate)) : make_curl_client(n.settings.http);
  if (!client) return tl::unexpected(client.error());
  n.client = std::move(*client);
  return n;
}

Result<VerifyOptions> make_verify_options(const std::string& sources, const std::string& archive, bool offline,
                                          const std::string& meta_token) {
  VerifyOptions options;
  options.offline = offline;
  if (!sources.empty()) {
    options.sources.clear();
    std::stringstream ss(sources);
    for (std::string s; std::getline(ss, s, ',');) {
      if (auto known = check_source_name(s); !known)
        return fail(Errc::usage, "--sources: " + known.error().message);
      options.sources.push_back(s);
    }
  }
  if (!archive.empty()) {
    auto loaded = load_archive(archive);
    if (!loaded) return tl::unexpected(loaded.error());
    options.archive = std::move(*loaded);
  }
  for (const char* var : {"TWEETCHECK_X_BEARER_TOKEN", "X_BEARER_TOKEN"}) {
    if (const char* t = std::getenv(var); t && *t && options.bearer_token.empty()) options.bearer_token = t;
  }
  // Meta's oEmbed sources: the option, else the environment (never logged).
  options.meta_token = meta_token;
  if (const char* t = std::getenv("TWEETCHECK_META_TOKEN"); t && *t && options.meta_token.empty())
    options.meta_token = t;
  return options;
}

} // namespace tweetcheck::cli
