// The TOML config file and the checked conversions of numbers from it and the command line.
#include "tweetcheck/config.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include <toml++/toml.h>

#include "core/text_util.hpp"

namespace tweetcheck {

std::string default_config_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::string(xdg) + "/tweetcheck/config.toml";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.config/tweetcheck/config.toml";
  return {};
}

Result<std::pair<std::string, std::string>> parse_endpoint(std::string_view spec) {
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 >= spec.size()) {
    return fail(Errc::usage, "--endpoint wants HOST=BASE_URL, got '" + std::string(spec) + "'");
  }
  std::string base(detail::trim(spec.substr(eq + 1)));
  if (!detail::starts_with_icase(base, "http://") && !detail::starts_with_icase(base, "https://")) {
    return fail(Errc::usage, "--endpoint base must be an http(s) URL, got '" + base + "'");
  }
  return std::make_pair(detail::ascii_lower(detail::trim(spec.substr(0, eq))), base);
}

Result<double> bounded_number(double value, double max, const std::string& what) {
  if (!std::isfinite(value) || value < 0 || value > max) {
    std::ostringstream msg;
    msg << what << " must be a number from 0 to " << max << ", got " << value;
    return fail(Errc::usage, msg.str());
  }
  return value;
}

Result<long> seconds_to_ms(double seconds, const std::string& what) {
  auto v = bounded_number(seconds, k_max_seconds, what);
  if (!v) return tl::unexpected(v.error());
  return static_cast<long>(std::llround(*v * 1000)); // at most 86,400,000: fits a long
}

Result<void> load_config(const std::string& path, Settings& settings) {
  // Debian's toml++ is built with exceptions: they stop here, as Result errors.
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << "config '" << path << "' line " << err.source().begin.line << ", column " << err.source().begin.column
        << ": " << err.description();
    return fail(Errc::config, msg.str());
  }
  auto wrong = [&](const toml::node& node, const std::string& key, const char* want) {
    std::ostringstream msg;
    msg << "config '" << path << "' line " << node.source().begin.line << ": " << key << " must be " << want;
    return fail(Errc::config, msg.str());
  };
  if (const toml::table* endpoints = t["endpoints"].as_table()) {
    for (const auto& [host, value] : *endpoints) {
      const auto* s = value.as_string();
      if (!s) return wrong(value, "endpoints." + std::string(host.str()), "a string");
      auto ep = parse_endpoint(std::string(host.str()) + "=" + s->get());
      if (!ep) return fail(Errc::config, "config '" + path + "': " + ep.error().message);
      settings.http.endpoints[ep->first] = ep->second;
    }
  }
  if (const toml::table* http = t["http"].as_table()) {
    for (const auto& [key, value] : *http) {
      const std::string k(key.str());
      if (k == "user_agent" || k == "ca_file") {
        const auto* s = value.as_string();
        if (!s) return wrong(value, "http." + k, "a string");
        (k == "user_agent" ? settings.http.user_agent : settings.http.ca_file) = s->get();
      } else if (k == "allow_private_network") {
        const auto* b = value.as_boolean();
        if (!b) return wrong(value, "http." + k, "true or false");
        settings.http.allow_private_network = b->get();
      } else if (k == "host_rate" || k == "timeout" || k == "connect_timeout") {
        if (!value.is_number()) return wrong(value, "http." + k, "a non-negative number");
        const double v =
            value.is_integer() ? static_cast<double>(value.as_integer()->get()) : value.as_floating_point()->get();
        std::ostringstream where;
        where << "config '" << path << "' line " << value.source().begin.line << ": http." << k;
        if (k == "host_rate") {
          auto r = bounded_number(v, k_max_rate, where.str());
          if (!r) return fail(Errc::config, r.error().message);
          settings.http.host_rate = *r;
        } else {
          auto ms = seconds_to_ms(v, where.str());
          if (!ms) return fail(Errc::config, ms.error().message);
          (k == "timeout" ? settings.http.timeout_ms : settings.http.connect_timeout_ms) = *ms;
        }
      } else if (k == "concurrency" || k == "host_concurrency" || k == "retries") {
        // Whole numbers only: a float (1.1e48) is refused, never converted.
        const auto* i = value.as_integer();
        const long long max = k == "retries" ? k_max_retries : k_max_concurrency;
        const std::optional<std::int64_t> v = i ? std::optional<std::int64_t>(i->get()) : std::nullopt;
        if (!v || *v < 0 || *v > max)
          return wrong(value, "http." + k, ("a whole number from 0 to " + std::to_string(max)).c_str());
        if (k == "concurrency") settings.http.concurrency = static_cast<unsigned>(*v);
        if (k == "host_concurrency") settings.http.host_concurrency = static_cast<unsigned>(*v);
        if (k == "retries") settings.http.retries = static_cast<int>(*v);
      } else {
        return wrong(value, "http." + k, "a known setting");
      }
    }
  }
  if (const auto p = t["cache"]["path"].value<std::string>()) settings.cache_path = *p;
  return {};
}

} // namespace tweetcheck
