#pragma once
/// Configuration: a TOML file and the network settings it shares with the command line.

#include <string>
#include <string_view>
#include <utility>

#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck {

/// Settings a config file can hold (the command line overrides them).
struct Settings {
  HttpOptions http;
  std::string cache_path; ///< empty: default_cache_path()
};

/// Reads a TOML config file into `settings`:
/// ```toml
/// [endpoints]            # host = base URL (like --endpoint HOST=BASE)
/// "t.co" = "http://127.0.0.1:8080"
/// [http]
/// concurrency = 32       # host_concurrency, host_rate, timeout, connect_timeout (seconds),
///                        # retries, user_agent, ca_file, allow_private_network
/// [cache]
/// path = "/var/cache/tweetcheck.sqlite"
/// ```
/// Fails (Errc::config) with the file, line and column of a syntax error or a wrong type.
Result<void> load_config(const std::string& path, Settings& settings);

/// $XDG_CONFIG_HOME/tweetcheck/config.toml, else ~/.config/tweetcheck/config.toml.
std::string default_config_path();

/// "HOST=BASE_URL" → (lower-cased host, base URL). Fails (Errc::usage) on another shape.
Result<std::pair<std::string, std::string>> parse_endpoint(std::string_view spec);

/// Bounds of the numeric settings (command line and config file alike).
inline constexpr double k_max_seconds = 86400;  ///< timeout, connect_timeout: at most a day
inline constexpr double k_max_rate = 1e6;       ///< host_rate: requests per second
inline constexpr long long k_max_retries = 100; ///< retries
inline constexpr long long k_max_concurrency = 100000;

/// Checks a number of seconds given as `what` (an option or a config key with its place): a
/// finite value from 0 to k_max_seconds, as milliseconds; inf, NaN, 1e308 and negative values
/// are an Errc::usage error naming `what`.
Result<long> seconds_to_ms(double seconds, const std::string& what);
/// Checks a finite value from 0 to `max` (Errc::usage naming `what` otherwise).
Result<double> bounded_number(double value, double max, const std::string& what);

} // namespace tweetcheck
