#pragma once
/// Configuration: a TOML file and the network settings it shares with the command line.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/resolve.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// Settings a config file can hold (the environment and the command line override them).
struct Settings {
  HttpOptions http;
  std::string cache_path; ///< empty: default_cache_path()
  /// How long the cache keeps each kind of answer ([cache] in the config file).
  std::chrono::seconds found_ttl = VerifyOptions{}.found_ttl;    ///< a source found the post
  std::chrono::seconds gone_ttl = VerifyOptions{}.gone_ttl;      ///< 403, 404, 410
  std::chrono::seconds resolved_ttl = ResolveOptions{}.live_ttl; ///< a short link that resolved
  std::chrono::seconds dead_ttl = ResolveOptions{}.dead_ttl;     ///< a short link that is dead
  /// A shared (PostgreSQL) cache: how long a transient answer is shared with the other processes.
  std::chrono::seconds transient_ttl = PostgresCacheOptions{}.transient_ttl;
  /// Cached answers stored longer ago than this are not used (--max-cache-age); none: any age.
  std::optional<std::chrono::seconds> max_cache_age;
};

/// Where each setting's value came from, by "section.key" ("http.timeout", "endpoints.t.co"):
/// "default", "FILE:LINE", "$VARIABLE" or "--option".
using SettingOrigins = std::map<std::string, std::string>;

/// One key a config file may hold, from the one table that drives the checks, `config --print`
/// and the example file.
struct SettingInfo {
  std::string section, name;
  std::string type;         ///< what a value must be, for people ("a whole number from 0 to 100")
  std::string help;         ///< what it does
  std::string env;          ///< the environment variable that overrides it
  std::string option;       ///< the command-line option that overrides it ("" when none)
  std::string default_toml; ///< its default, as a TOML value
};
/// Every known key ([endpoints], a table of host = base URL, is not listed: its keys are hosts).
std::vector<SettingInfo> known_settings();

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
/// Fails (Errc::config) with "FILE:LINE:COLUMN: " and what is wrong: a syntax error, a wrong type
/// (naming the type wanted), an unknown section or key (naming the nearest known one). The keys
/// set are recorded in `origins` when given.
Result<void> load_config(const std::string& path, Settings& settings, SettingOrigins* origins = nullptr);

/// Applies the environment's overrides (TWEETCHECK_HTTP_TIMEOUT=5, TWEETCHECK_CACHE_PATH=…; see
/// SettingInfo::env). Fails (Errc::config) naming the variable and the type wanted.
Result<void> load_environment(Settings& settings, SettingOrigins* origins = nullptr);

/// The settings as a TOML document, each value followed by where it came from (`origins`; a key
/// not in it is a default).
std::string settings_toml(const Settings& settings, const SettingOrigins& origins);

/// The example config file (docs/tweetcheck.example.toml): every known key at its default, with
/// its help, type and overrides.
std::string example_config();

/// "7d", "12h", "30m", "90s", "1d12h" or plain seconds ("3600") as seconds; fails (Errc::usage)
/// naming `what` on anything else or more than ten years.
Result<std::chrono::seconds> parse_duration(std::string_view text, const std::string& what);
/// The shortest exact form: 604800 s → "7d", 5400 s → "90m", 0 → "0s".
std::string format_duration(std::chrono::seconds d);

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
