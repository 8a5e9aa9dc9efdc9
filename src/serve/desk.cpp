// `tweetcheck serve`: routes, limits (token, body size, timeout, concurrency), kept results,
// metrics and graceful shutdown. Every check runs through the Checker (the library's run_check);
// every report is the library's writer.
#include "serve/desk.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <pthread.h>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "report/escape.hpp"
#include "report/report_internal.hpp"
#include "tweetcheck/verify.hpp"
#include "tweetcheck/report_check.hpp"
#include "verify/reasons.hpp"

namespace tweetcheck::serve {

namespace {

#include "serve_assets.inc"

using Clock = std::chrono::steady_clock;
using nlohmann::json;

/// The formats a kept result can be downloaded in (each rendered once, when the check ends).
struct Download {
  const char* name;
  ReportFormat format;
  const char* content_type;
  const char* extension;
};
constexpr Download k_downloads[] = {
    {"json", ReportFormat::json, "application/json", "json"},
    {"html", ReportFormat::html, "text/html; charset=utf-8", "html"},
    {"sarif", ReportFormat::sarif, "application/sarif+json", "sarif"},
    {"csv", ReportFormat::csv, "text/csv; charset=utf-8", "csv"},
    {"markdown", ReportFormat::markdown, "text/markdown; charset=utf-8", "md"},
};

// The page and its script and style: only from this server, nothing inline may run.
constexpr const char* k_page_csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                   "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// A report page (the library's HTML report, whose CSS is inline): no script at all.
constexpr const char* k_report_csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'";

std::string random_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a result ID");
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

std::string error_json(const std::string& message) { return json{{"error", message}}.dump() + "\n"; }

/// Checks allowed to run at once, and those waiting for a turn.
class Admission {
public:
  enum class Ticket { run, full, draining, timeout };
  Admission(unsigned max_running, unsigned max_waiting) : m_max_running(max_running), m_max_waiting(max_waiting) {}

  Ticket enter(Clock::time_point deadline) {
    std::unique_lock lock(m_mutex);
    if (m_draining) return Ticket::draining;
    if (m_running < m_max_running) {
      ++m_running;
      return Ticket::run;
    }
    if (m_waiting >= m_max_waiting) return Ticket::full;
    ++m_waiting;
    m_cv.wait_until(lock, deadline, [&] { return m_running < m_max_running || m_draining; });
    --m_waiting;
    if (m_draining) return Ticket::draining;
    if (m_running >= m_max_running) return Ticket::timeout;
    ++m_running;
    return Ticket::run;
  }
  void leave() {
    std::lock_guard lock(m_mutex);
    --m_running;
    m_cv.notify_all();
  }
  /// Refuses new checks from now on.
  void stop_admitting() {
    std::lock_guard lock(m_mutex);
    m_draining = true;
    m_cv.notify_all();
  }
  /// Refuses new checks from now on and waits for the running ones.
  void drain() {
    std::unique_lock lock(m_mutex);
    m_draining = true;
    m_cv.notify_all();
    m_cv.wait(lock, [&] { return m_running == 0; });
  }
  bool draining() const {
    std::lock_guard lock(m_mutex);
    return m_draining;
  }
  std::pair<unsigned, unsigned> load() const {
    std::lock_guard lock(m_mutex);
    return {m_running, m_waiting};
  }

private:
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  unsigned m_max_running, m_max_waiting, m_running = 0, m_waiting = 0;
  bool m_draining = false;
};

/// Prometheus counters of what the server and the library did.
class Metrics {
public:
  void request(const std::string& route, int status) {
    std::lock_guard lock(m_mutex);
    ++m_requests[{route, status}];
  }
  void check(const std::string& outcome) {
    std::lock_guard lock(m_mutex);
    ++m_checks[outcome];
  }
  void outcome(const CheckOutcome& o, double seconds) {
    std::lock_guard lock(m_mutex);
    m_check_seconds += seconds;
    ++m_check_count;
    for (const CheckedPost& c : o.posts) {
      ++m_verdicts[std::string(to_string(c.verdict))];
      for (const Evidence& e : c.evidence) ++m_evidence[{e.source, e.from_cache}];
    }
    for (const auto& [stage, s] : o.stage_seconds) {
      m_stage_seconds[stage] += s;
      ++m_stage_count[stage];
    }
    m_upstream.requests += o.http.requests;
    m_upstream.retries += o.http.retries;
    m_upstream.blocked += o.http.blocked;
    m_upstream.rate_waits += o.http.rate_waits;
    m_upstream.rate_wait_ms += o.http.rate_wait_ms;
  }
  std::string text(std::pair<unsigned, unsigned> load) const {
    std::lock_guard lock(m_mutex);
    std::ostringstream o;
    const auto esc = [](const std::string& s) {
      std::string out;
      for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        out += c == '\n' ? ' ' : c;
      }
      return out;
    };
    o << "# HELP tweetcheck_http_requests_total Requests this server answered, by route and status.\n"
      << "# TYPE tweetcheck_http_requests_total counter\n";
    for (const auto& [k, n] : m_requests)
      o << "tweetcheck_http_requests_total{route=\"" << esc(k.first) << "\",code=\"" << k.second << "\"} " << n << '\n';
    o << "# HELP tweetcheck_checks_total Checks asked for, each once, by outcome: ok, failed (the article could "
         "not be read), error, bad_request; rejected (queue full or stopping) and timeout (no turn within the "
         "request timeout) never ran.\n"
      << "# TYPE tweetcheck_checks_total counter\n";
    for (const auto& [k, n] : m_checks) o << "tweetcheck_checks_total{outcome=\"" << esc(k) << "\"} " << n << '\n';
    o << "# HELP tweetcheck_checks_running Checks running now.\n# TYPE tweetcheck_checks_running gauge\n"
      << "tweetcheck_checks_running " << load.first << '\n'
      << "# HELP tweetcheck_checks_queued Checks waiting for a turn.\n# TYPE tweetcheck_checks_queued gauge\n"
      << "tweetcheck_checks_queued " << load.second << '\n';
    o << "# HELP tweetcheck_check_duration_seconds Time from a check's start to its last post.\n"
      << "# TYPE tweetcheck_check_duration_seconds summary\n"
      << "tweetcheck_check_duration_seconds_sum " << m_check_seconds << '\n'
      << "tweetcheck_check_duration_seconds_count " << m_check_count << '\n';
    o << "# HELP tweetcheck_posts_total Posts checked, by verdict.\n# TYPE tweetcheck_posts_total counter\n";
    for (Verdict v : k_all_verdicts) {
      auto it = m_verdicts.find(std::string(to_string(v)));
      o << "tweetcheck_posts_total{verdict=\"" << to_string(v) << "\"} " << (it == m_verdicts.end() ? 0 : it->second)
        << '\n';
    }
    o << "# HELP tweetcheck_source_seconds Time spent in each verify stage (a source's round of requests).\n"
      << "# TYPE tweetcheck_source_seconds summary\n";
    for (const auto& [stage, s] : m_stage_seconds) {
      o << "tweetcheck_source_seconds_sum{stage=\"" << esc(stage) << "\"} " << s << '\n'
        << "tweetcheck_source_seconds_count{stage=\"" << esc(stage) << "\"} " << m_stage_count.at(stage) << '\n';
    }
    o << "# HELP tweetcheck_evidence_total Answers behind the verdicts, by source and whether the cache gave them.\n"
      << "# TYPE tweetcheck_evidence_total counter\n";
    for (const auto& [k, n] : m_evidence)
      o << "tweetcheck_evidence_total{source=\"" << esc(k.first) << "\",cache=\"" << (k.second ? "hit" : "miss")
        << "\"} " << n << '\n';
    o << "# HELP tweetcheck_upstream_requests_total Requests sent to the sources, retries included.\n"
      << "# TYPE tweetcheck_upstream_requests_total counter\n"
      << "tweetcheck_upstream_requests_total " << m_upstream.requests << '\n'
      << "# HELP tweetcheck_upstream_retries_total Retries (timeouts, connection errors, 5xx, 429 after its "
         "Retry-After wait).\n"
      << "# TYPE tweetcheck_upstream_retries_total counter\n"
      << "tweetcheck_upstream_retries_total " << m_upstream.retries << '\n'
      << "# HELP tweetcheck_upstream_blocked_total Requests refused before sending (private addresses, schemes).\n"
      << "# TYPE tweetcheck_upstream_blocked_total counter\n"
      << "tweetcheck_upstream_blocked_total " << m_upstream.blocked << '\n'
      << "# HELP tweetcheck_upstream_rate_waits_total Requests that waited for their host's politeness (--rate "
         "spacing, a Retry-After pause) before they were sent.\n"
      << "# TYPE tweetcheck_upstream_rate_waits_total counter\n"
      << "tweetcheck_upstream_rate_waits_total " << m_upstream.rate_waits << '\n'
      << "# HELP tweetcheck_upstream_rate_wait_seconds_total Time those requests waited.\n"
      << "# TYPE tweetcheck_upstream_rate_wait_seconds_total counter\n"
      << "tweetcheck_upstream_rate_wait_seconds_total " << static_cast<double>(m_upstream.rate_wait_ms) / 1000.0
      << '\n';
    return o.str();
  }

private:
  mutable std::mutex m_mutex;
  std::map<std::pair<std::string, int>, std::uint64_t> m_requests;
  std::map<std::string, std::uint64_t> m_checks, m_verdicts;
  std::map<std::pair<std::string, bool>, std::uint64_t> m_evidence;
  std::map<std::string, double> m_stage_seconds;
  std::map<std::string, std::uint64_t> m_stage_count;
  double m_check_seconds = 0;
  std::uint64_t m_check_count = 0;
  HttpStats m_upstream;
};

/// Kept results: each format rendered once, under its ID, in the cache database.
class Store {
public:
  Store(std::unique_ptr<Cache> cache, std::chrono::seconds ttl) : m_cache(std::move(cache)), m_ttl(ttl) {}
  void put(const std::string& id, const std::vector<CheckedPost>& posts, const ReportOptions& ro, spdlog::logger& log) {
    for (const Download& d : k_downloads) {
      std::ostringstream out;
      ReportOptions o = ro;
      if (d.format == ReportFormat::html) {
        for (const Download& other : k_downloads)
          o.html_downloads.emplace_back(other.name, "/api/check/" + id + "?format=" + other.name);
      }
      write_report(out, posts, d.format, o);
      std::lock_guard lock(m_mutex);
      if (auto r = m_cache->put(key(id, d.name), out.view(), m_ttl); !r)
        log.warn("cannot keep result {}: {}", id, r.error().message);
    }
  }
  std::optional<std::string> get(const std::string& id, const std::string& format) {
    std::lock_guard lock(m_mutex);
    auto r = m_cache->get(key(id, format));
    if (!r || !*r) return std::nullopt;
    return **r;
  }

private:
  static std::string key(const std::string& id, const std::string& format) {
    return "serve/result/" + id + "/" + format;
  }
  std::mutex m_mutex;
  std::unique_ptr<Cache> m_cache;
  std::chrono::seconds m_ttl;
};

/// One check in progress, shared by the request that asked and the thread that runs it.
struct Job {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> lines; ///< posts not yet streamed (JSONL)
  bool done = false;
  Result<CheckOutcome> outcome = fail(Errc::internal, "not run");
};

/// The route name for metrics (IDs folded, unknown paths as one).
std::string route_of(const std::string& path) {
  if (path.rfind("/api/check/", 0) == 0) return "/api/check/{id}";
  if (path.rfind("/r/", 0) == 0) return "/r/{id}";
  for (const char* known : {"/", "/api/check", "/check", "/healthz", "/metrics", "/api/openapi.json", "/api/reasons",
                            "/static/desk.js", "/static/desk.css"}) {
    if (path == known) return path;
  }
  return "other";
}

/// Compares without leaking through timing how much of the token matched.
bool token_matches(const std::string& given, const std::string& token) {
  return given.size() == token.size() && CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

/// A comma list or an array of strings, as one comma list.
Result<std::string> list_field(const json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::string();
  const json& v = body[name];
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return fail(Errc::usage, std::string("'") + name + "' must be a string or an array of strings");
  std::string out;
  for (const auto& item : v) {
    if (!item.is_string()) return fail(Errc::usage, std::string("'") + name + "' must hold strings");
    out += (out.empty() ? "" : ",") + item.get<std::string>();
  }
  return out;
}

struct Parsed {
  CheckRequest request;
  std::vector<Verdict> fail_on{Verdict::altered, Verdict::misattributed, Verdict::missing};
};

/// The API's request body, or why it is not one.
Result<Parsed> parse_api_body(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(Errc::usage, "the body must be a JSON object");
  // A key misspelt ("fail-on") or of the wrong type would silently give the defaults: a gate
  // that never fails a publish. Both are refused, naming the key.
  static const std::set<std::string> k_keys{"url", "html", "markdown", "text", "name", "sources", "fail_on"};
  for (const auto& [key, value] : j.items()) {
    if (k_keys.count(key) == 0) {
      return fail(Errc::usage, "unknown key '" + key +
                                   "' (the keys: url, html, markdown, text, name, sources, fail_on)");
    }
    const bool list = key == "sources" || key == "fail_on";
    if (!value.is_string() && !(list && (value.is_array() || value.is_null())))
      return fail(Errc::usage, "'" + key + "' must be a string" + (list ? " or a list of strings" : ""));
  }
  Parsed p;
  int given = 0;
  const auto str = [&](const char* name) -> std::optional<std::string> {
    if (!j.contains(name) || !j[name].is_string()) return std::nullopt;
    return j[name].get<std::string>();
  };
  if (auto url = str("url")) {
    ++given;
    p.request.url = *url;
  }
  for (auto [name, format] : {std::pair{"html", InputFormat::html}, std::pair{"markdown", InputFormat::markdown},
                              std::pair{"text", InputFormat::text}}) {
    if (auto content = str(name)) {
      ++given;
      p.request.document.content = std::move(*content);
      p.request.document.format = format;
    }
  }
  if (given != 1) return fail(Errc::usage, "give exactly one of 'url', 'html', 'markdown' or 'text' (a string)");
  if (!p.request.url.empty() && p.request.url.rfind("http://", 0) != 0 && p.request.url.rfind("https://", 0) != 0)
    return fail(Errc::usage, "'url' must be an http or https URL");
  p.request.document.name = str("name").value_or("pasted");
  if (p.request.document.name.empty()) p.request.document.name = "pasted";
  auto sources = list_field(j, "sources");
  if (!sources) return tl::unexpected(sources.error());
  // Checked here, so that a streamed request is refused with 400 before its check starts.
  std::stringstream names(*sources);
  for (std::string name; std::getline(names, name, ',');) {
    if (auto known = check_source_name(name); !known) return fail(Errc::usage, "'sources': " + known.error().message);
  }
  p.request.sources = *sources;
  auto fail_on = list_field(j, "fail_on");
  if (!fail_on) return tl::unexpected(fail_on.error());
  if (j.contains("fail_on") && !j["fail_on"].is_null()) {
    auto verdicts = parse_verdicts(*fail_on);
    if (!verdicts) return tl::unexpected(verdicts.error());
    p.fail_on = *verdicts;
  }
  return p;
}

/// The form of the page without script: url, or content with format and name.
Result<Parsed> parse_form(const httplib::Request& req) {
  Parsed p;
  const std::string url = req.get_param_value("url");
  const std::string content = req.get_param_value("content");
  if (!url.empty() && !content.empty()) return fail(Errc::usage, "give an article URL or paste the article, not both");
  if (url.empty() && content.empty()) return fail(Errc::usage, "give an article URL or paste the article");
  if (!url.empty()) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return fail(Errc::usage, "the article URL must start with http:// or https://");
    p.request.url = url;
    return p;
  }
  p.request.document.content = content;
  const std::string format = req.get_param_value("format");
  p.request.document.format = format == "html"       ? InputFormat::html
                              : format == "markdown" ? InputFormat::markdown
                              : format == "text"     ? InputFormat::text
                                                     : InputFormat::auto_detect;
  p.request.document.name = req.get_param_value("name");
  if (p.request.document.name.empty()) p.request.document.name = "pasted";
  return p;
}

bool wants_ndjson(const httplib::Request& req) {
  return req.get_header_value("Accept").find("application/x-ndjson") != std::string::npos;
}

bool valid_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// A small HTML page for a refusal of the form (no script, no style; everything escaped).
std::string message_page(const std::string& title, const std::string& message) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + detail::html_escape(title) +
         "</title></head><body><main><h1>" + detail::html_escape(title) + "</h1><p role=\"alert\">" +
         detail::html_escape(message) + "</p><p><a href=\"/\">Back to the desk</a></p></main></body></html>\n";
}

class Server {
public:
  Server(const ServeOptions& o, const Checker& checker, std::unique_ptr<Cache> results, spdlog::logger& log)
      : m_options(o), m_checker(checker), m_store(std::move(results), o.keep_results), m_log(log),
        m_admission(o.max_concurrent, o.queue) {}

  Result<void> run() {
    // Connections: every check that may run or wait, and a few for the page, health and metrics.
    const std::size_t threads = m_options.max_concurrent + m_options.queue + 4;
    m_http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_http.set_payload_max_length(m_options.max_body);
    m_http.set_read_timeout(30, 0);
    m_http.set_write_timeout(30, 0);
    routes();
    // SIGTERM and SIGINT are taken by one thread (sigwait), blocked in every other.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    int port = m_options.port;
    if (port == 0) {
      port = m_http.bind_to_any_port(m_options.host);
      if (port < 0) return fail(Errc::io, "cannot listen on " + m_options.host);
    } else if (!m_http.bind_to_port(m_options.host, port)) {
      return fail(Errc::io, "cannot listen on " + m_options.host + ":" + std::to_string(port));
    }
    const bool v6 = m_options.host.find(':') != std::string::npos;
    std::printf("listening on http://%s%s%s:%d\n", v6 ? "[" : "", m_options.host.c_str(), v6 ? "]" : "", port);
    std::fflush(stdout);
    std::atomic<bool> stopping{false};
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (stopping.exchange(true)) return;
      m_log.info("stopping: no new checks, finishing the running ones");
      m_stopping = true;
      m_admission.stop_admitting();
      m_http.stop();
    });
    const bool ok = m_http.listen_after_bind();
    if (!stopping.exchange(true)) pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    m_admission.drain(); // checks whose request timed out still run to their end
    if (!ok && !m_stopping) return fail(Errc::io, "the server stopped listening");
    return {};
  }

private:
  void secure(httplib::Response& res, const char* csp = k_page_csp) {
    res.set_header("Content-Security-Policy", csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-store");
  }

  /// The bearer token in the Authorization header, or the page's cookie (SameSite=Strict); any
  /// request when no token is set.
  bool authorized(const httplib::Request& req, const std::string& field = {}) const {
    if (m_options.token.empty()) return true;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 && token_matches(auth.substr(7), m_options.token)) return true;
    if (!field.empty() && token_matches(field, m_options.token)) return true;
    const std::string cookies = req.get_header_value("Cookie");
    for (std::size_t at = 0; at < cookies.size();) {
      std::size_t end = cookies.find(';', at);
      if (end == std::string::npos) end = cookies.size();
      std::string c = cookies.substr(at, end - at);
      c.erase(0, c.find_first_not_of(' '));
      if (c.rfind("tweetcheck_token=", 0) == 0 && token_matches(c.substr(17), m_options.token)) return true;
      at = end + 1;
    }
    return false;
  }
  void unauthorized(httplib::Response& res) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer realm=\"tweetcheck\"");
    res.set_content(error_json("a bearer token is required (Authorization: Bearer TOKEN)"), "application/json");
  }

  void routes() {
    m_http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      // The page, its script and style, health and the API description hold no data: open to all.
      // The form (/check) may carry the token as a field; it checks it itself.
      static const char* const k_open[] = {"/",        "/static/desk.js",   "/static/desk.css",
                                           "/healthz", "/api/openapi.json", "/check"};
      for (const char* open : k_open) {
        if (req.path == open) return httplib::Server::HandlerResponse::Unhandled;
      }
      if (authorized(req)) return httplib::Server::HandlerResponse::Unhandled;
      secure(res);
      unauthorized(res);
      return httplib::Server::HandlerResponse::Handled;
    });
    m_http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      m_metrics.request(route_of(req.path), res.status);
    });
    m_http.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      res.set_content(k_desk_html, "text/html; charset=utf-8");
    });
    m_http.Get("/static/desk.js", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      res.set_content(k_desk_js, "text/javascript; charset=utf-8");
    });
    m_http.Get("/static/desk.css", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      res.set_content(std::string(detail::report_style()) + k_desk_css, "text/css; charset=utf-8");
    });
    m_http.Get("/api/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      res.set_content(k_openapi_json, "application/json");
    });
    m_http.Get("/api/reasons", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      json words = json::object();
      for (const auto& r : tweetcheck::reason_table()) {
        if (!r.words.empty()) words[std::string(r.code)] = std::string(r.words);
      }
      res.set_content(words.dump(), "application/json");
    });
    m_http.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      if (m_admission.draining()) {
        res.status = 503;
        res.set_content("stopping\n", "text/plain");
        return;
      }
      res.set_content("ok\n", "text/plain");
    });
    m_http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      secure(res);
      res.set_content(m_metrics.text(m_admission.load()), "text/plain; version=0.0.4; charset=utf-8");
    });
    m_http.Post("/api/check", [this](const httplib::Request& req, httplib::Response& res) {
      secure(res);
      auto parsed = parse_api_body(req.body);
      if (!parsed) {
        m_metrics.check("bad_request");
        res.status = 400;
        res.set_content(error_json(parsed.error().message), "application/json");
        return;
      }
      start_check(*parsed, wants_ndjson(req) ? Answer::ndjson : Answer::report_json, res);
    });
    m_http.Post("/check", [this](const httplib::Request& req, httplib::Response& res) {
      secure(res, k_report_csp);
      if (!authorized(req, req.get_param_value("token"))) {
        unauthorized(res);
        res.set_content(message_page("Access token needed", "This desk asks for an access token."),
                        "text/html; charset=utf-8");
        return;
      }
      auto parsed = parse_form(req);
      if (!parsed) {
        m_metrics.check("bad_request");
        res.status = 400;
        res.set_content(message_page("Cannot check that", parsed.error().message), "text/html; charset=utf-8");
        return;
      }
      start_check(*parsed, Answer::html, res);
    });
    m_http.Get(R"(/api/check/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
      secure(res, k_report_csp);
      const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
      const Download* d = nullptr;
      for (const Download& x : k_downloads) {
        if (format == x.name) d = &x;
      }
      if (!d) {
        res.status = 400;
        res.set_content(error_json("format must be json, html, sarif, csv or markdown"), "application/json");
        return;
      }
      kept(req.matches[1], *d, res, req.has_param("download"));
    });
    m_http.Get(R"(/r/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
      secure(res, k_report_csp);
      kept(req.matches[1], k_downloads[1], res, false);
    });
  }

  void kept(const std::string& id, const Download& d, httplib::Response& res, bool attachment) {
    auto content = valid_id(id) ? m_store.get(id, d.name) : std::nullopt;
    if (!content) {
      res.status = 404;
      res.set_content(error_json("no kept result " + id), "application/json");
      return;
    }
    if (attachment)
      res.set_header("Content-Disposition", "attachment; filename=\"tweetcheck-" + id + "." + d.extension + "\"");
    res.set_content(*content, d.content_type);
  }

  enum class Answer { report_json, ndjson, html };

  void refuse(httplib::Response& res, Answer answer, int status, const std::string& message) {
    res.status = status;
    if (answer == Answer::html) {
      res.set_content(message_page("Cannot check that now", message), "text/html; charset=utf-8");
    } else {
      res.set_content(error_json(message), "application/json");
    }
  }

  void start_check(const Parsed& parsed, Answer answer, httplib::Response& res) {
    const auto deadline = Clock::now() + m_options.request_timeout;
    switch (m_admission.enter(deadline)) {
    case Admission::Ticket::run: break;
    case Admission::Ticket::full:
    case Admission::Ticket::draining: {
      const bool draining = m_admission.draining();
      m_metrics.check("rejected");
      res.set_header("Retry-After", draining ? "30" : "5");
      refuse(res, answer, 503, draining ? "the server is stopping" : "too many checks at once; try again shortly");
      return;
    }
    case Admission::Ticket::timeout:
      m_metrics.check("timeout");
      refuse(res, answer, 504, "no turn came within the request timeout");
      return;
    }
    // The turn is the check thread's once it runs; until then (an id, a thread that cannot be
    // made) it is given back here, whatever throws.
    struct Turn {
      Admission* admission;
      ~Turn() {
        if (admission) admission->leave();
      }
    } turn{&m_admission};
    const std::string id = random_id();
    auto job = std::make_shared<Job>();
    ReportOptions ro;
    ro.fail_on = parsed.fail_on;
    ro.inputs = {parsed.request.url.empty() ? parsed.request.document.name : parsed.request.url};
    ro.generated_at_ms = static_cast<std::int64_t>(std::time(nullptr)) * 1000;
    const bool stream = answer == Answer::ndjson;
    // The check runs on its own thread, which holds its turn to the end (also when the request
    // that asked has given up waiting).
    std::thread([this, job, id, ro, stream, request = parsed.request] {
      const auto start = Clock::now();
      std::function<void(const CheckedPost&)> on_post;
      if (stream) {
        on_post = [&](const CheckedPost& c) {
          std::ostringstream line;
          write_report(line, {c}, ReportFormat::jsonl, ro);
          std::lock_guard lock(job->mutex);
          job->lines.push_back(line.str());
          job->cv.notify_all();
        };
      }
      Result<CheckOutcome> outcome = fail(Errc::internal, "the check failed");
      try {
        outcome = m_checker(request, on_post);
      } catch (const std::exception& e) {
        outcome = fail(Errc::internal, e.what());
      }
      if (outcome) {
        m_metrics.outcome(*outcome, std::chrono::duration<double>(Clock::now() - start).count());
        if (outcome->errors.empty() || !outcome->posts.empty()) m_store.put(id, outcome->posts, ro, m_log);
      }
      // Each check counted once, by its outcome (a request that stopped waiting for it is
      // counted by its answer, 504, in tweetcheck_http_requests_total).
      m_metrics.check(!outcome ? (outcome.error().code == Errc::usage ? "bad_request" : "error")
                      : outcome->errors.empty() ? "ok"
                                                : "failed");
      // The turn is given back before the answer goes out, so that a client's next check finds
      // it free; nothing of the server is touched after it (the server may be gone).
      m_admission.leave();
      std::lock_guard lock(job->mutex);
      job->outcome = std::move(outcome);
      job->done = true;
      job->cv.notify_all();
    }).detach();
    turn.admission = nullptr;

    res.set_header("Tweetcheck-Result-Id", id);
    if (stream) {
      res.set_header("Content-Location", "/api/check/" + id);
      res.set_chunked_content_provider(
          "application/x-ndjson", [job, deadline](std::size_t, httplib::DataSink& sink) {
            std::unique_lock lock(job->mutex);
            while (true) {
              job->cv.wait_until(lock, deadline, [&] { return job->done || !job->lines.empty(); });
              while (!job->lines.empty()) {
                const std::string line = std::move(job->lines.front());
                job->lines.pop_front();
                lock.unlock();
                if (!sink.write(line.data(), line.size())) return false;
                lock.lock();
              }
              if (job->done) {
                std::string tail;
                if (!job->outcome) {
                  tail = error_json(job->outcome.error().message);
                } else if (job->outcome->posts.empty() && !job->outcome->errors.empty()) {
                  tail = error_json(job->outcome->errors.front());
                }
                lock.unlock();
                if (!tail.empty()) sink.write(tail.data(), tail.size());
                sink.done();
                return true;
              }
              if (Clock::now() >= deadline) {
                lock.unlock();
                const std::string tail = error_json("the check took longer than the request timeout");
                sink.write(tail.data(), tail.size());
                sink.done();
                return true;
              }
            }
          });
      return;
    }
    std::unique_lock lock(job->mutex);
    if (!job->cv.wait_until(lock, deadline, [&] { return job->done; })) {
      refuse(res, answer, 504, "the check took longer than the request timeout");
      return;
    }
    const Result<CheckOutcome>& outcome = job->outcome;
    if (!outcome) {
      refuse(res, answer, outcome.error().code == Errc::usage ? 400 : 500, outcome.error().message);
      return;
    }
    if (outcome->posts.empty() && !outcome->errors.empty()) {
      refuse(res, answer, 422, outcome->errors.front());
      return;
    }
    res.set_header("Content-Location", "/api/check/" + id);
    if (answer == Answer::html) {
      res.set_content(m_store.get(id, "html").value_or(""), "text/html; charset=utf-8");
      return;
    }
    std::ostringstream out;
    write_report(out, outcome->posts, ReportFormat::json, ro);
    res.set_content(out.str(), "application/json");
  }

  ServeOptions m_options;
  const Checker& m_checker;
  Store m_store;
  spdlog::logger& m_log;
  Admission m_admission;
  Metrics m_metrics;
  httplib::Server m_http;
  std::atomic<bool> m_stopping{false};
};

} // namespace

bool is_loopback_host(const std::string& host) {
  // An address literal, parsed (a name such as 127.example.com is not loopback, whatever its
  // first label); "localhost" is the one name trusted (resolved by the system's hosts file).
  if (host == "localhost") return true;
  std::string literal = host;
  if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') literal = literal.substr(1, literal.size() - 2);
  in_addr v4{};
  if (::inet_pton(AF_INET, literal.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, literal.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<void> run_server(const ServeOptions& options, const Checker& checker, std::unique_ptr<Cache> results,
                        spdlog::logger& log) {
  try {
    Server server(options, checker, std::move(results), log);
    return server.run();
  } catch (const std::exception& e) {
    return fail(Errc::internal, e.what());
  }
}

} // namespace tweetcheck::serve
