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

} // namespace tweetcheck
