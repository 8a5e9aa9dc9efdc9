// The TOML config file (one table of known keys drives its checks, `config --print` and the
// example file), the environment overrides, and the checked conversions of numbers from it and the command line.
#include "tweetcheck/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
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

namespace {

// The one table of known keys: it drives the checks of the config file and the environment,
// `config --print` and the example file.

enum class Kind { string, boolean, seconds, rate, whole, duration, max_age };

/// A key's value, in the member its kind uses.
struct Value {
  bool b = false;
  double num = 0;
  std::int64_t whole = 0;
  std::string str;
  std::optional<std::chrono::seconds> dur;
};

struct Key {
  const char* section;
  const char* name;
  Kind kind;
  long long max; ///< whole: the largest value
  const char* option;
  const char* help;
  void (*set)(Settings&, const Value&);
  Value (*get)(const Settings&);
};

Value str_v(std::string s) {
  Value v;
  v.str = std::move(s);
  return v;
}
Value num_v(double d) {
  Value v;
  v.num = d;
  return v;
}
Value whole_v(std::int64_t i) {
  Value v;
  v.whole = i;
  return v;
}
Value bool_v(bool b) {
  Value v;
  v.b = b;
  return v;
}
Value dur_v(std::optional<std::chrono::seconds> d) {
  Value v;
  v.dur = d;
  return v;
}

constexpr long long k_max_duration = 10LL * 365 * 86400; // ten years

const std::vector<Key>& keys() {
  static const std::vector<Key> table{
      {"http", "concurrency", Kind::whole, k_max_concurrency, "--concurrency", "requests in flight at once, all hosts",
       [](Settings& s, const Value& v) { s.http.concurrency = static_cast<unsigned>(v.whole); },
       [](const Settings& s) { return whole_v(s.http.concurrency); }},
      {"http", "host_concurrency", Kind::whole, k_max_concurrency, "--host-concurrency",
       "requests in flight at once to one host",
       [](Settings& s, const Value& v) { s.http.host_concurrency = static_cast<unsigned>(v.whole); },
       [](const Settings& s) { return whole_v(s.http.host_concurrency); }},
      {"http", "host_rate", Kind::rate, 0, "--rate", "requests per second to one host; 0: unlimited",
       [](Settings& s, const Value& v) { s.http.host_rate = v.num; },
       [](const Settings& s) { return num_v(s.http.host_rate); }},
      {"http", "timeout", Kind::seconds, 0, "--timeout", "seconds a request may take in all",
       [](Settings& s, const Value& v) { s.http.timeout_ms = std::llround(v.num * 1000); },
       [](const Settings& s) { return num_v(static_cast<double>(s.http.timeout_ms) / 1000); }},
      {"http", "connect_timeout", Kind::seconds, 0, "--connect-timeout", "seconds to connect",
       [](Settings& s, const Value& v) { s.http.connect_timeout_ms = std::llround(v.num * 1000); },
       [](const Settings& s) { return num_v(static_cast<double>(s.http.connect_timeout_ms) / 1000); }},
      {"http", "retries", Kind::whole, k_max_retries, "--retries",
       "extra attempts on timeouts, connection errors, 5xx and 429",
       [](Settings& s, const Value& v) { s.http.retries = static_cast<int>(v.whole); },
       [](const Settings& s) { return whole_v(s.http.retries); }},
      {"http", "user_agent", Kind::string, 0, "--user-agent", "the User-Agent header; empty: tweetcheck/VERSION",
       [](Settings& s, const Value& v) { s.http.user_agent = v.str; },
       [](const Settings& s) { return str_v(s.http.user_agent); }},
      {"http", "proxy", Kind::string, 0, "--proxy",
       "a trusted forward proxy every request goes through (http://, https:// or socks5h://); empty: none",
       [](Settings& s, const Value& v) { s.http.proxy = v.str; }, [](const Settings& s) { return str_v(s.http.proxy); }},
      {"http", "ca_file", Kind::string, 0, "--ca-file",
       "CA certificates (PEM) to trust instead of the system's; empty: the system's",
       [](Settings& s, const Value& v) { s.http.ca_file = v.str; },
       [](const Settings& s) { return str_v(s.http.ca_file); }},
      {"http", "allow_private_network", Kind::boolean, 0, "--allow-private-network",
       "allow requests to loopback and private addresses",
       [](Settings& s, const Value& v) { s.http.allow_private_network = v.b; },
       [](const Settings& s) { return bool_v(s.http.allow_private_network); }},
      {"cache", "path", Kind::string, 0, "--cache",
       "the cache file; empty: $XDG_CACHE_HOME/tweetcheck/cache.sqlite (else ~/.cache/tweetcheck/cache.sqlite)",
       [](Settings& s, const Value& v) { s.cache_path = v.str; },
       [](const Settings& s) { return str_v(s.cache_path); }},
      {"cache", "max_age", Kind::max_age, 0, "--max-cache-age",
       "cached answers stored longer ago than this are not used (asked again); \"none\": any age",
       [](Settings& s, const Value& v) { s.max_cache_age = v.dur; },
       [](const Settings& s) { return dur_v(s.max_cache_age); }},
      {"cache", "found_ttl", Kind::duration, 0, nullptr, "how long a source's answer that has the post is kept",
       [](Settings& s, const Value& v) { s.found_ttl = *v.dur; }, [](const Settings& s) { return dur_v(s.found_ttl); }},
      {"cache", "gone_ttl", Kind::duration, 0, nullptr,
       "how long a source's 403, 404 or 410 (deleted, protected, never there) is kept",
       [](Settings& s, const Value& v) { s.gone_ttl = *v.dur; }, [](const Settings& s) { return dur_v(s.gone_ttl); }},
      {"cache", "resolved_ttl", Kind::duration, 0, nullptr, "how long a resolved short link is kept",
       [](Settings& s, const Value& v) { s.resolved_ttl = *v.dur; },
       [](const Settings& s) { return dur_v(s.resolved_ttl); }},
      {"cache", "dead_ttl", Kind::duration, 0, nullptr, "how long a dead short link is kept (it is asked again sooner)",
       [](Settings& s, const Value& v) { s.dead_ttl = *v.dur; }, [](const Settings& s) { return dur_v(s.dead_ttl); }},
      {"cache", "transient_ttl", Kind::duration, 0, nullptr,
       "a shared cache (postgresql://): how long a transient answer (503, bad body) stands for asking again",
       [](Settings& s, const Value& v) { s.transient_ttl = *v.dur; },
       [](const Settings& s) { return dur_v(s.transient_ttl); }},
  };
  return table;
}

const char* const k_sections[] = {"http", "cache", "endpoints"};

std::string number_text(double d) {
  std::ostringstream o;
  o << d;
  return o.str();
}

std::string type_of(const Key& k) {
  switch (k.kind) {
  case Kind::string: return "a string";
  case Kind::boolean: return "true or false";
  case Kind::seconds: return "a number from 0 to " + number_text(k_max_seconds);
  case Kind::rate: return "a number from 0 to " + number_text(k_max_rate);
  case Kind::whole: return "a whole number from 0 to " + std::to_string(k.max);
  case Kind::duration: return "a duration (\"7d\", \"12h\", \"30m\", or seconds)";
  case Kind::max_age: return "a duration (\"7d\", \"12h\", \"30m\", or seconds) or \"none\"";
  }
  return {};
}

std::string env_of(const Key& k) {
  std::string e = std::string("TWEETCHECK_") + k.section + "_" + k.name;
  for (char& c : e) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string toml_of(const Key& k, const Value& v) {
  switch (k.kind) {
  case Kind::string: return quoted(v.str);
  case Kind::boolean: return v.b ? "true" : "false";
  case Kind::seconds:
  case Kind::rate: {
    if (v.num == std::floor(v.num) && std::fabs(v.num) < 1e15) return std::to_string(static_cast<long long>(v.num));
    std::ostringstream o;
    o.precision(17);
    o << v.num;
    return o.str();
  }
  case Kind::whole: return std::to_string(v.whole);
  case Kind::duration:
  case Kind::max_age: return v.dur ? quoted(format_duration(*v.dur)) : "\"none\"";
  }
  return {};
}

/// What a wrong value was, for the message: its TOML text or its type.
std::string got_of(const toml::node& n) {
  if (const auto* s = n.as_string()) return quoted(s->get());
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return number_text(f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a date or time";
}

/// Checks and converts a value of kind `k.kind`: the value, or nullopt when it is not one.
std::optional<Value> checked(const Key& k, Value v) {
  switch (k.kind) {
  case Kind::seconds:
    if (!std::isfinite(v.num) || v.num < 0 || v.num > k_max_seconds) return std::nullopt;
    break;
  case Kind::rate:
    if (!std::isfinite(v.num) || v.num < 0 || v.num > k_max_rate) return std::nullopt;
    break;
  case Kind::whole:
    if (v.whole < 0 || v.whole > k.max) return std::nullopt;
    break;
  default: break;
  }
  return v;
}

std::optional<std::chrono::seconds> duration_of(std::string_view text) {
  auto d = parse_duration(text, "");
  return d ? std::optional<std::chrono::seconds>(*d) : std::nullopt;
}

std::optional<Value> from_node(const Key& k, const toml::node& n) {
  Value v;
  switch (k.kind) {
  case Kind::string:
    if (!n.is_string()) return std::nullopt;
    v.str = n.as_string()->get();
    return v;
  case Kind::boolean:
    if (!n.is_boolean()) return std::nullopt;
    v.b = n.as_boolean()->get();
    return v;
  case Kind::seconds:
  case Kind::rate:
    if (!n.is_number()) return std::nullopt;
    v.num = n.is_integer() ? static_cast<double>(n.as_integer()->get()) : n.as_floating_point()->get();
    return checked(k, v);
  case Kind::whole:
    // Whole numbers only: a float (1.1e48) is refused, never converted.
    if (!n.is_integer()) return std::nullopt;
    v.whole = n.as_integer()->get();
    return checked(k, v);
  case Kind::duration:
  case Kind::max_age:
    if (const auto* i = n.as_integer()) {
      if (i->get() < 0 || i->get() > k_max_duration) return std::nullopt;
      v.dur = std::chrono::seconds(i->get());
      return v;
    }
    if (const auto* s = n.as_string()) {
      if (k.kind == Kind::max_age && (s->get() == "none" || s->get().empty())) return v;
      v.dur = duration_of(s->get());
      if (!v.dur) return std::nullopt;
      return v;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Value> from_text(const Key& k, const std::string& text) {
  Value v;
  char* end = nullptr;
  switch (k.kind) {
  case Kind::string: v.str = text; return v;
  case Kind::boolean: {
    const std::string t = detail::ascii_lower(text);
    if (t == "true" || t == "1" || t == "yes")
      v.b = true;
    else if (t != "false" && t != "0" && t != "no")
      return std::nullopt;
    return v;
  }
  case Kind::seconds:
  case Kind::rate:
    v.num = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end) return std::nullopt;
    return checked(k, v);
  case Kind::whole:
    errno = 0;
    v.whole = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end || errno) return std::nullopt;
    return checked(k, v);
  case Kind::duration:
  case Kind::max_age:
    if (k.kind == Kind::max_age && text == "none") return v;
    v.dur = duration_of(text);
    if (!v.dur) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

/// Levenshtein distance (names are short).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The nearest of `names` to `name`, when near enough to be a likely typo.
std::string nearest(std::string_view name, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& n : names) {
    const std::size_t d = distance(detail::ascii_lower(name), n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

std::vector<std::string> names_in(std::string_view section) {
  std::vector<std::string> out;
  for (const Key& k : keys())
    if (section == k.section) out.emplace_back(k.name);
  return out;
}

const Key* find_key(std::string_view section, std::string_view name) {
  for (const Key& k : keys())
    if (section == k.section && name == k.name) return &k;
  return nullptr;
}

/// The config file's first problem (by position): several may be found, since toml++ tables
/// iterate in key order, not file order.
struct Problem {
  toml::source_position at{};
  std::string message;
  bool found = false;
  void add(toml::source_position p, std::string m) {
    if (found && (at.line < p.line || (at.line == p.line && at.column <= p.column))) return;
    at = p;
    message = std::move(m);
    found = true;
  }
};

std::string origin_at(const std::string& path, const toml::source_position& p) {
  return path + ":" + std::to_string(p.line);
}

} // namespace

std::vector<SettingInfo> known_settings() {
  const Settings defaults;
  std::vector<SettingInfo> out;
  for (const Key& k : keys()) {
    out.push_back(
        {k.section, k.name, type_of(k), k.help, env_of(k), k.option ? k.option : "", toml_of(k, k.get(defaults))});
  }
  return out;
}

Result<std::chrono::seconds> parse_duration(std::string_view text, const std::string& what) {
  const std::string t = detail::ascii_lower(detail::trim(text));
  auto bad = [&]() {
    return fail(Errc::usage, what + " must be a duration such as 7d, 12h, 30m, 90s or 3600 (seconds), got '" +
                                 std::string(text) + "'");
  };
  if (t.empty()) return bad();
  long long total = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return bad();
    long long n = 0;
    for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) {
      n = n * 10 + (t[i] - '0');
      if (n > k_max_duration) return bad();
    }
    long long unit = 1;
    if (i < t.size()) {
      switch (t[i]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return bad();
      }
      ++i;
    } else if (total != 0 || i != t.size()) {
      return bad(); // "1d30": a bare number only alone
    }
    total += n * unit;
    if (total > k_max_duration) {
      return fail(Errc::usage, what + " must be at most ten years, got '" + std::string(text) + "'");
    }
  }
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds d) {
  const long long s = d.count();
  if (s == 0) return "0s";
  for (const auto& [unit, name] : {std::pair{86400LL, "d"}, std::pair{3600LL, "h"}, std::pair{60LL, "m"}}) {
    if (s % unit == 0) return std::to_string(s / unit) + name;
  }
  return std::to_string(s) + "s";
}

Result<void> load_config(const std::string& path, Settings& settings, SettingOrigins* origins) {
  // Debian's toml++ is built with exceptions: they stop here, as Result errors.
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << path << ":" << err.source().begin.line << ":" << err.source().begin.column << ": " << err.description();
    return fail(Errc::config, msg.str());
  }
  auto at = [&](const toml::source_position& p) {
    return path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
  };
  Problem problem;
  const std::vector<std::string> sections(std::begin(k_sections), std::end(k_sections));
  Settings s = settings;
  SettingOrigins o;
  for (const auto& [section_key, section_node] : t) {
    const std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    if (!table) {
      // A key outside any section: name the section it belongs in, when it is a known key.
      std::string msg = at(section_key.source().begin) + "unknown key '" + section + "' outside a section";
      for (const char* sec : k_sections) {
        if (find_key(sec, section)) {
          msg += "; did you mean '" + section + "' in [" + sec + "]?";
          break;
        }
      }
      problem.add(section_key.source().begin, msg);
      continue;
    }
    if (section == "endpoints") {
      for (const auto& [host, value] : *table) {
        const auto* str = value.as_string();
        if (!str) {
          problem.add(value.source().begin, at(value.source().begin) + "endpoints." + std::string(host.str()) +
                                                " must be a string (a base URL), got " + got_of(value));
          continue;
        }
        auto ep = parse_endpoint(std::string(host.str()) + "=" + str->get());
        if (!ep) {
          problem.add(value.source().begin, at(value.source().begin) + ep.error().message);
          continue;
        }
        s.http.endpoints[ep->first] = ep->second;
        o["endpoints." + ep->first] = origin_at(path, value.source().begin);
      }
      continue;
    }
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      // The table's header ("[htpp]" at column 1), else the key (a dotted "htpp.x = 1").
      const toml::source_position p = table->source().begin ? table->source().begin : section_key.source().begin;
      std::string msg = at(p) + "unknown section [" + section + "]";
      if (const std::string near = nearest(section, sections); !near.empty()) msg += "; did you mean [" + near + "]?";
      problem.add(p, msg);
      continue;
    }
    for (const auto& [name_key, value] : *table) {
      const std::string name(name_key.str());
      const Key* k = find_key(section, name);
      if (!k) {
        std::string msg = at(name_key.source().begin) + "unknown key '" + name + "' in [" + section + "]";
        if (const std::string near = nearest(name, names_in(section)); !near.empty()) {
          msg += "; did you mean '" + near + "'?";
        } else {
          for (const char* other : k_sections) {
            if (find_key(other, name)) {
              msg += "; did you mean '" + name + "' in [" + other + "]?";
              break;
            }
          }
        }
        problem.add(name_key.source().begin, msg);
        continue;
      }
      const auto v = from_node(*k, value);
      if (!v) {
        problem.add(value.source().begin, at(value.source().begin) + section + "." + name + " must be " + type_of(*k) +
                                              ", got " + got_of(value));
        continue;
      }
      k->set(s, *v);
      o[section + "." + name] = origin_at(path, value.source().begin);
    }
  }
  if (problem.found) return fail(Errc::config, problem.message);
  settings = std::move(s);
  if (origins) {
    for (auto& [key, where] : o) (*origins)[key] = where;
  }
  return {};
}

Result<void> load_environment(Settings& settings, SettingOrigins* origins) {
  for (const Key& k : keys()) {
    const std::string name = env_of(k);
    const char* text = std::getenv(name.c_str());
    if (!text || !*text) continue;
    const auto v = from_text(k, text);
    if (!v) return fail(Errc::config, "$" + name + " must be " + type_of(k) + ", got '" + text + "'");
    k.set(settings, *v);
    if (origins) (*origins)[std::string(k.section) + "." + k.name] = "$" + name;
  }
  return {};
}

std::string settings_toml(const Settings& settings, const SettingOrigins& origins) {
  std::ostringstream out;
  const char* section = "";
  auto origin = [&](const std::string& key) {
    const auto it = origins.find(key);
    return it == origins.end() ? std::string("default") : it->second;
  };
  for (const Key& k : keys()) {
    if (std::string_view(section) != k.section) {
      out << (*section ? "\n" : "") << "[" << k.section << "]\n";
      section = k.section;
    }
    out << k.name << " = " << toml_of(k, k.get(settings)) << "  # " << origin(std::string(k.section) + "." + k.name)
        << "\n";
  }
  out << "\n[endpoints]\n";
  if (settings.http.endpoints.empty()) out << "# none\n";
  for (const auto& [host, base] : settings.http.endpoints) {
    out << quoted(host) << " = " << quoted(base) << "  # " << origin("endpoints." + host) << "\n";
  }
  return out.str();
}

std::string example_config() {
  const Settings defaults;
  std::ostringstream out;
  out << "# tweetcheck's config file: every key it knows, at its default.\n"
         "#\n"
         "# tweetcheck reads $XDG_CONFIG_HOME/tweetcheck/config.toml (else ~/.config/tweetcheck/config.toml),\n"
         "# or the file given with --config or $TWEETCHECK_CONFIG. Each value may be overridden by an\n"
         "# environment variable and a command-line option: defaults < this file < environment < command line\n"
         "# (`tweetcheck config --print` shows the result). An unknown section or key is an error.\n"
         "#\n"
         "# This file is generated from the table of known keys (`tweetcheck config --example`).\n";
  const char* section = "";
  for (const Key& k : keys()) {
    if (std::string_view(section) != k.section) {
      out << "\n[" << k.section << "]\n";
      section = k.section;
    }
    std::string help = k.help, type = type_of(k);
    help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
    type[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(type[0])));
    out << "\n# " << help << ".\n# " << type << "; overridden by $" << env_of(k);
    if (k.option) out << " and " << k.option;
    out << "\n" << k.name << " = " << toml_of(k, k.get(defaults)) << "\n";
  }
  out << "\n[endpoints]\n"
         "# host = base URL: requests for https://HOST/PATH go to BASE_URL/PATH instead (like --endpoint\n"
         "# HOST=BASE_URL, which adds to these). None by default; for example:\n"
         "# \"t.co\" = \"http://127.0.0.1:8080\"\n";
  return out.str();
}

} // namespace tweetcheck
