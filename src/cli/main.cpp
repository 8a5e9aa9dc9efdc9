// The tweetcheck command line. Owns stdout (reports) and stderr (logs); the only top-level catch.
#include <cstdlib>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <unistd.h>
#include <filesystem>
#include <sstream>
#include <fstream>

#include "atomic_file.hpp"
#include "tweetcheck/audit.hpp"
#include "tweetcheck/cache.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/config.hpp"
#include "tweetcheck/resolve.hpp"
#include "tweetcheck/ignore.hpp"
#include "tweetcheck/verify.hpp"
#include "tweetcheck/log.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/report.hpp"
#include "tweetcheck/scan.hpp"

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_findings = 1;
constexpr int k_exit_failed = 2;

/// "file", or "file:line:column" when the diagnostic has a position.
std::string where(const tweetcheck::Diagnostic& d) {
  if (d.where.line == 0) return d.where.file;
  return d.where.file + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
}

bool starts_with_scheme(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

int run_scan(const std::vector<std::string>& inputs, const std::string& format_name,
             const std::string& input_format_name, unsigned jobs, std::size_t max_input_bytes, spdlog::logger& log) {
  using namespace tweetcheck;
  const InputFormat input_format = input_format_name == "html"       ? InputFormat::html
                                   : input_format_name == "text"     ? InputFormat::text
                                   : input_format_name == "markdown" ? InputFormat::markdown
                                                                     : InputFormat::auto_detect;
  const ScanFormat format = format_name == "jsonl" ? ScanFormat::jsonl
                            : format_name == "text" ? ScanFormat::text
                                                    : ScanFormat::json;
  // An input that cannot be found or listed is reported; the others are still scanned.
  int status = k_exit_ok;
  std::vector<InputRef> refs;
  for (const std::string& input : inputs) {
    auto found = collect_inputs({input}, input_format);
    if (!found) {
      log.error("{}", found.error().message);
      status = k_exit_failed;
      continue;
    }
    for (InputRef& ref : *found) ref.max_bytes = max_input_bytes;
    refs.insert(refs.end(), found->begin(), found->end());
  }
  ScanWriter writer(std::cout, format);
  writer.begin();
  scan_inputs(refs, jobs, [&](const InputRef&, Result<ScanResult> result) {
    if (!result) {
      log.error("{}", result.error().message);
      status = k_exit_failed;
      return;
    }
    for (const Diagnostic& d : result->diagnostics) log.warn("{}: {}", where(d), d.message);
    for (const Post& p : result->posts) writer.post(p);
  });
  writer.end();
  return status;
}

/// The network and cache options shared by the commands that go online.
struct NetworkArgs {
  std::vector<std::string> endpoints;
  std::string config, cache, ca_file, user_agent;
  bool no_cache = false, offline = false, allow_private = false;
  unsigned concurrency = 0, host_concurrency = 0;
  double timeout = 0, connect_timeout = 0, rate = 0;
  int retries = -1;
  CLI::App* app = nullptr;

  void add_to(CLI::App* sub) {
    app = sub;
    sub->add_option("--endpoint", endpoints, "send requests for HOST to BASE_URL (HOST=BASE_URL, repeatable)")
        ->allow_extra_args(false)
        ->take_all();
    sub->add_option("--config", config, "TOML config file (default: $XDG_CONFIG_HOME/tweetcheck/config.toml)");
    sub->add_option("--cache", cache, "cache file (default: $XDG_CACHE_HOME/tweetcheck/cache.sqlite)");
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
  }

  /// Defaults, then the config file, then the command line.
  tweetcheck::Result<tweetcheck::Settings> settings() const {
    using namespace tweetcheck;
    Settings s;
    const std::string path = config.empty() ? default_config_path() : config;
    std::error_code ec;
    if (!config.empty() && !std::filesystem::exists(config, ec)) {
      return fail(Errc::config, "cannot open config '" + config + "': No such file or directory");
    }
    if (!path.empty() && std::filesystem::exists(path, ec)) {
      if (auto r = load_config(path, s); !r) return tl::unexpected(r.error());
    }
    for (const auto& spec : endpoints) {
      auto ep = parse_endpoint(spec);
      if (!ep) return tl::unexpected(ep.error());
      s.http.endpoints[ep->first] = ep->second;
    }
    if (allow_private) s.http.allow_private_network = true;
    if (concurrency) s.http.concurrency = concurrency;
    if (host_concurrency) s.http.host_concurrency = host_concurrency;
    // Non-finite and out-of-range numbers are refused (never an undefined conversion).
    if (auto r = bounded_number(rate, k_max_rate, "--rate"); !r) return tl::unexpected(r.error());
    if (rate > 0) s.http.host_rate = rate;
    for (auto [value, name, ms] : {std::tuple{timeout, "--timeout", &s.http.timeout_ms},
                                   std::tuple{connect_timeout, "--connect-timeout", &s.http.connect_timeout_ms}}) {
      auto v = seconds_to_ms(value, name);
      if (!v) return tl::unexpected(v.error());
      if (value > 0) *ms = *v;
    }
    if (retries > k_max_retries || retries < -1) {
      return fail(Errc::usage, "--retries must be a whole number from 0 to " + std::to_string(k_max_retries) + ", got " + std::to_string(retries));
    }
    if (retries >= 0) s.http.retries = retries;
    if (!ca_file.empty()) s.http.ca_file = ca_file;
    if (!user_agent.empty()) s.http.user_agent = user_agent;
    if (!cache.empty()) s.cache_path = cache;
    if (s.cache_path.empty()) s.cache_path = default_cache_path();
    return s;
  }
};

/// Opens the cache unless --no-cache; a cache that cannot be opened is an error (exit 2).
tweetcheck::Result<std::unique_ptr<tweetcheck::Cache>> open_cache(const NetworkArgs& net, const tweetcheck::Settings& s,
                                                                  spdlog::logger& log) {
  if (net.no_cache) return std::unique_ptr<tweetcheck::Cache>();
  std::vector<std::string> warnings;
  auto cache = tweetcheck::open_sqlite_cache(s.cache_path, &warnings);
  for (const auto& w : warnings) log.warn("{}", w);
  return cache;
}

int run_resolve(std::vector<std::string> urls, const std::string& format, int max_hops, const NetworkArgs& net,
                spdlog::logger& log) {
  using namespace tweetcheck;
  // "-" reads one URL per line from standard input.
  std::vector<std::string> all;
  for (const auto& u : urls) {
    if (u == "-") {
      for (std::string line; std::getline(std::cin, line);) {
        const auto start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#') continue;
        all.push_back(line.substr(start, line.find_last_not_of(" \t\r") - start + 1));
      }
    } else {
      all.push_back(u);
    }
  }
  auto settings = net.settings();
  if (!settings) {
    log.error("{}", settings.error().message);
    return k_exit_failed;
  }
  auto cache = open_cache(net, *settings, log);
  if (!cache) {
    log.error("{}", cache.error().message);
    return k_exit_failed;
  }
  auto client = make_curl_client(settings->http);
  if (!client) {
    log.error("{}", client.error().message);
    return k_exit_failed;
  }
  ResolveOptions options;
  options.offline = net.offline;
  options.max_hops = max_hops;
  const auto results = resolve(all, net.offline ? nullptr : client->get(), cache->get(), options);
  write_resolutions(std::cout, results, format == "text" ? ResolveFormat::text : ResolveFormat::json);
  const HttpStats st = (*client)->stats();
  log.info("{} URLs, {} requests, {} retries", all.size(), st.requests, st.retries);
  return k_exit_ok;
}

/// The verify options check and audit share: --sources (validated), --archive, --offline, and the
/// X API token from the environment.
tweetcheck::Result<tweetcheck::VerifyOptions> make_verify_options(const std::string& sources, const std::string& archive,
                                                                  bool offline) {
  using namespace tweetcheck;
  VerifyOptions options;
  options.offline = offline;
  if (!sources.empty()) {
    options.sources.clear();
    std::stringstream ss(sources);
    for (std::string s; std::getline(ss, s, ',');) {
      if (auto known = check_source_name(s); !known) return tl::unexpected(known.error());
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
  return options;
}

struct CheckArgs {
  std::vector<std::string> inputs, outputs;
  std::string format, output, ignore_file, fail_on = "altered,misattributed,missing", sources, archive,
      input_format = "auto";
  bool quiet = false;
  std::size_t max_input_mib = tweetcheck::k_default_max_input_bytes >> 20;
  NetworkArgs net;
};

/// Writes a file atomically (detail::write_file_atomically: an unpredictable temporary name,
/// renamed over it once complete), so a killed run never leaves half a report.
tweetcheck::Result<void> write_atomic(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ostringstream content;
  write(content);
  return tweetcheck::detail::write_file_atomically(path, content.view());
}

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

int run_check(const CheckArgs& a, spdlog::logger& log) {
  using namespace tweetcheck;
  auto fail_on = parse_verdicts(a.fail_on);
  if (!fail_on) {
    log.error("{}", fail_on.error().message);
    return k_exit_failed;
  }
  // Report formats: stdout (--format, default text on a terminal and json otherwise), --output,
  // and any number of --output-format FMT=FILE.
  const bool stdout_tty = ::isatty(1) != 0;
  auto main_format = parse_report_format(a.format.empty() ? (stdout_tty ? "text" : "json") : a.format);
  if (!main_format) {
    log.error("{}", main_format.error().message);
    return k_exit_failed;
  }
  std::vector<std::pair<ReportFormat, std::string>> files;
  if (!a.output.empty()) files.emplace_back(*main_format, a.output);
  for (const std::string& spec : a.outputs) {
    const auto eq = spec.find('=');
    auto f = parse_report_format(eq == std::string::npos ? spec : spec.substr(0, eq));
    if (eq == std::string::npos || eq + 1 >= spec.size() || !f) {
      log.error("--output-format wants FORMAT=FILE, got '{}'", spec);
      return k_exit_failed;
    }
    files.emplace_back(*f, spec.substr(eq + 1));
  }
  // Accepted findings.
  std::vector<IgnoreRule> ignores;
  {
    std::error_code ec;
    const std::string path = !a.ignore_file.empty() ? a.ignore_file
                             : std::filesystem::exists(".tweetcheckignore", ec) ? ".tweetcheckignore" : "";
    if (!path.empty()) {
      std::vector<std::string> warnings;
      auto rules = load_ignore_file(path, today_utc(), &warnings);
      for (const auto& w : warnings) log.warn("{}", w);
      if (!rules) {
        log.error("{}", rules.error().message);
        return k_exit_failed;
      }
      ignores = std::move(*rules);
    }
  }
  auto verify_opts = make_verify_options(a.sources, a.archive, a.net.offline);
  if (!verify_opts) {
    log.error("{}", verify_opts.error().message);
    return k_exit_failed;
  }
  VerifyOptions options = std::move(*verify_opts);
  // Progress on stderr when it is a terminal, the run is not quiet and not in CI.
  const bool show_progress = ::isatty(2) != 0 && !a.quiet && std::getenv("CI") == nullptr;
  if (show_progress) {
    options.progress = [](std::string_view stage, std::size_t n) {
      std::fprintf(stderr, "\r\033[Ktweetcheck: %.*s (%zu)", static_cast<int>(stage.size()), stage.data(), n);
      std::fflush(stderr);
    };
  }
  auto settings = a.net.settings();
  if (!settings) {
    log.error("{}", settings.error().message);
    return k_exit_failed;
  }
  auto cache = open_cache(a.net, *settings, log);
  if (!cache) {
    log.error("{}", cache.error().message);
    return k_exit_failed;
  }
  auto client = make_curl_client(settings->http);
  if (!client) {
    log.error("{}", client.error().message);
    return k_exit_failed;
  }
  const InputFormat input_format = a.input_format == "html"       ? InputFormat::html
                                   : a.input_format == "text"     ? InputFormat::text
                                   : a.input_format == "markdown" ? InputFormat::markdown
                                                                  : InputFormat::auto_detect;
  int status = k_exit_ok;
  std::vector<Post> posts;
  std::vector<std::size_t> per_document; // how many posts each document holds, in order
  auto take = [&](const Document& doc) {
    const ScanResult r = scan(doc);
    for (const Diagnostic& d : r.diagnostics) log.warn("{}: {}", where(d), d.message);
    posts.insert(posts.end(), r.posts.begin(), r.posts.end());
    per_document.push_back(r.posts.size());
  };
  // Article URLs are fetched with the same client; files, folders and - are read.
  std::vector<std::string> urls;
  for (const std::string& input : a.inputs) {
    if (starts_with_scheme(input)) {
      urls.push_back(input);
      continue;
    }
    auto refs = collect_inputs({input}, input_format);
    if (!refs) {
      log.error("{}", refs.error().message);
      status = k_exit_failed;
      continue;
    }
    for (InputRef& ref : *refs) {
      ref.max_bytes = a.max_input_mib << 20;
      auto doc = read_document(ref);
      if (!doc) {
        log.error("{}", doc.error().message);
        status = k_exit_failed;
        continue;
      }
      take(*doc);
    }
  }
  if (!urls.empty()) {
    if (a.net.offline) {
      for (const auto& u : urls) log.error("cannot fetch article '{}': --offline", u);
      status = k_exit_failed;
    } else {
      std::map<std::string, HttpResponse> pages;
      for (const auto& u : urls) {
        (*client)->submit({u, {}}, [&pages, u](HttpResponse r) { pages[u] = std::move(r); });
      }
      (*client)->run();
      for (const auto& u : urls) {
        const HttpResponse& r = pages[u];
        if (r.failure != HttpFailure::none || r.status != 200) {
          log.error("cannot fetch article '{}': {}", u, r.failure != HttpFailure::none ? r.error : "HTTP " + std::to_string(r.status));
          status = k_exit_failed;
          continue;
        }
        Document doc;
        doc.name = u;
        doc.format = input_format;
        doc.content = r.body;
        take(doc);
      }
    }
  }
  ReportOptions ro;
  ro.fail_on = *fail_on;
  ro.color = stdout_tty && std::getenv("NO_COLOR") == nullptr;
  ro.inputs = a.inputs;
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  ro.generated_at_ms = epoch ? std::atoll(epoch) * 1000 : static_cast<std::int64_t>(std::time(nullptr)) * 1000;
  if (show_progress && posts.size() > 3) std::fprintf(stderr, "tweetcheck: checking %zu posts\n", posts.size());
  HttpClient* http = a.net.offline ? nullptr : client->get();
  std::vector<CheckedPost> checked;
  if (a.output.empty() && *main_format == ReportFormat::jsonl) {
    // JSONL on stdout is streamed: each article's lines as soon as it is checked. Distinct posts
    // are still asked once: through the cache, and a memo for answers not worth caching.
    options.memo = std::make_shared<ResponseMemo>();
    std::size_t at = 0;
    for (std::size_t n : per_document) {
      if (n == 0) continue;
      std::vector<Post> part(posts.begin() + static_cast<std::ptrdiff_t>(at), posts.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
      auto got = verify(part, http, cache->get(), options);
      apply_ignores(got, ignores);
      write_report(std::cout, got, ReportFormat::jsonl, ro);
      checked.insert(checked.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
    }
  } else {
    checked = verify(posts, http, cache->get(), options);
    apply_ignores(checked, ignores);
    if (a.output.empty()) write_report(std::cout, checked, *main_format, ro);
  }
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  for (const auto& [file_format, path] : files) {
    ReportOptions fo = ro;
    fo.color = false;
    const ReportFormat format = file_format; // (clang 14 cannot capture a structured binding)
    if (auto w = write_atomic(path, [&](std::ostream& os) { write_report(os, checked, format, fo); }); !w) {
      log.error("{}", w.error().message);
      status = k_exit_failed;
    }
  }
  if (status != k_exit_ok) return status;
  for (const auto& c : checked) {
    if (fails(c, *fail_on)) return k_exit_findings;
  }
  return k_exit_ok;
}

struct AuditArgs {
  std::vector<std::string> inputs, lists;
  std::string output, state, shard = "1/1", summary_csv, summary_html, sources, archive;
  tweetcheck::ArchiveOptions archive_options;
  unsigned jobs = 0;
  std::size_t batch = 500;
  bool scan_only = false, quiet = false;
  std::size_t max_input_mib = tweetcheck::k_default_max_input_bytes >> 20;
  NetworkArgs net;
};

int run_audit_cmd(const AuditArgs& a, spdlog::logger& log) {
  using namespace tweetcheck;
  auto shard = parse_shard(a.shard);
  if (!shard) {
    log.error("{}", shard.error().message);
    return k_exit_failed;
  }
  // Inputs, plus those listed one per line in --list files ("-": standard input).
  std::vector<std::string> inputs = a.inputs;
  for (const std::string& list : a.lists) {
    std::ifstream file;
    if (list != "-") {
      file.open(list);
      if (!file) {
        log.error("cannot open list '{}'", list);
        return k_exit_failed;
      }
    }
    std::istream& in = list == "-" ? std::cin : file;
    for (std::string line; std::getline(in, line);) {
      const auto b = line.find_first_not_of(" \t\r");
      if (b == std::string::npos || line[b] == '#') continue;
      inputs.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
  }
  if (inputs.empty()) {
    log.error("audit needs inputs (folders, files, URLs or --list)");
    return k_exit_failed;
  }
  AuditOptions o;
  o.archive = a.archive_options;
  o.archive.max_input_bytes = a.max_input_mib << 20;
  o.on_fetch_error = [&log](const std::string& url, const std::string& why) { log.warn("cannot fetch article '{}': {}", url, why); };
  o.output = a.output;
  o.state = a.state;
  o.shard_k = shard->first;
  o.shard_n = shard->second;
  o.jobs = a.jobs;
  o.batch_docs = std::max<std::size_t>(1, a.batch);
  o.scan_only = a.scan_only;
  auto verify_opts = make_verify_options(a.sources, a.archive, a.net.offline);
  if (!verify_opts) {
    log.error("{}", verify_opts.error().message);
    return k_exit_failed;
  }
  o.verify = std::move(*verify_opts);
  auto settings = a.net.settings();
  if (!settings) {
    log.error("{}", settings.error().message);
    return k_exit_failed;
  }
  // Distinct posts and links are fetched once per audit through the cache; with --no-cache a
  // private in-memory one still gives that.
  std::unique_ptr<Cache> cache;
  if (a.net.no_cache) {
    auto mem = open_sqlite_cache(":memory:", nullptr);
    if (mem) cache = std::move(*mem);
  } else {
    auto opened = open_cache(a.net, *settings, log);
    if (!opened) {
      log.error("{}", opened.error().message);
      return k_exit_failed;
    }
    cache = std::move(*opened);
  }
  auto client = make_curl_client(settings->http);
  if (!client) {
    log.error("{}", client.error().message);
    return k_exit_failed;
  }
  const bool tty = ::isatty(2) != 0 && !a.quiet && std::getenv("CI") == nullptr;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  o.progress = [&](std::uint64_t docs, std::uint64_t posts, const std::map<std::string, std::uint64_t>& v) {
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - start).count();
    auto n = [&](const char* k) { auto it = v.find(k); return it == v.end() ? std::uint64_t{0} : it->second; };
    const std::string line = fmt::format("{} documents, {} posts ({} verified, {} altered, {} misattributed, {} missing, {} unverifiable), {:.0f} docs/s",
                                         docs, posts, n("verified"), n("altered"), n("misattributed"), n("missing"),
                                         n("unverifiable"), secs > 0 ? static_cast<double>(docs) / secs : 0.0);
    if (tty) {
      std::fprintf(stderr, "\r\033[Ktweetcheck audit: %s", line.c_str());
      std::fflush(stderr);
    } else if (!a.quiet && now - last >= std::chrono::seconds(10)) {
      log.warn("progress: {}", line); // periodic plain lines when stderr is not a terminal
      last = now;
    }
  };
  auto stats = run_audit(inputs, o, a.net.offline ? nullptr : client->get(), cache.get());
  if (tty) std::fprintf(stderr, "\n");
  if (!stats) {
    log.error("{}", stats.error().message);
    return k_exit_failed;
  }
  log.info("{} documents audited, {} already done, {} in other shards, {} posts", stats->documents, stats->skipped_done,
           stats->other_shards, stats->posts);
  if (!a.summary_csv.empty() || !a.summary_html.empty()) {
    if (auto s = write_audit_summary(a.output, a.summary_csv, a.summary_html); !s) {
      log.error("{}", s.error().message);
      return k_exit_failed;
    }
  }
  return k_exit_ok;
}

} // namespace

int main(int argc, char** argv) {
  auto log = spdlog::stderr_color_mt("tweetcheck");
  log->set_pattern("tweetcheck: %^%l%$: %v");
  log->set_level(spdlog::level::warn);
  tweetcheck::set_logger(log);
  try {
    CLI::App app{"tweetcheck: find social-media posts embedded in articles and check them against the originals"};
    app.set_version_flag("--version", std::string("tweetcheck ") + TWEETCHECK_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // -q/--quiet and -v/--verbose also after the command: `tweetcheck check -q ...`
    bool verbose = false, quiet = false;
    app.add_flag("-v,--verbose", verbose, "log more (to stderr)");
    app.add_flag("-q,--quiet", quiet, "log only errors");

    auto* scan = app.add_subcommand("scan", "find embedded posts and print what the article shows of them");
    std::vector<std::string> inputs;
    std::string format = "json", input_format = "auto";
    scan->add_option("--format", format, "output format")->check(CLI::IsMember({"json", "jsonl", "text"}))->capture_default_str();
    scan->add_option("--input-format", input_format, "how to read the inputs")
        ->check(CLI::IsMember({"auto", "html", "text", "markdown"}))
        ->capture_default_str();
    unsigned jobs = 0;
    scan->add_option("-j,--jobs", jobs, "documents scanned in parallel (0: one per core)")->capture_default_str();
    std::size_t max_input_mib = tweetcheck::k_default_max_input_bytes >> 20;
    scan->add_option("--max-input-size", max_input_mib, "MiB read at most from one input; larger ones are refused")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    scan->add_option("INPUT", inputs, "file, directory (recursed) or - for standard input")->required();

    auto* resolve_cmd = app.add_subcommand("resolve", "expand short links (t.co, pic.twitter.com, …) to the posts they lead to");
    std::vector<std::string> urls;
    std::string resolve_format = "json";
    int max_hops = 10;
    NetworkArgs resolve_net;
    resolve_cmd->add_option("--format", resolve_format, "output format")->check(CLI::IsMember({"json", "text"}))->capture_default_str();
    resolve_cmd->add_option("--max-hops", max_hops, "redirects followed at most")->capture_default_str();
    resolve_net.add_to(resolve_cmd);
    resolve_cmd->add_option("URL", urls, "short links, or - for one per line on standard input")->required();

    auto* check_cmd = app.add_subcommand("check", "scan, resolve and verify: is each embedded post shown as it really is?");
    CheckArgs check;
    check_cmd->add_option("--format", check.format,
                          "text, json, jsonl, html, sarif, junit, csv or markdown (default: text on a terminal, else json)");
    check_cmd->add_option("--output", check.output, "write the report to FILE (atomically) instead of stdout");
    check_cmd->add_option("--output-format", check.outputs, "also write FORMAT to FILE (FORMAT=FILE, repeatable)")
        ->allow_extra_args(false)
        ->take_all();
    check_cmd->add_option("--ignore-file", check.ignore_file, "accepted findings (default: ./.tweetcheckignore if present)");
    check_cmd->add_option("--fail-on", check.fail_on, "verdicts that make the exit status 1")->capture_default_str();
    check_cmd->add_option("--sources", check.sources,
                          "sources in the order tried (default archive,syndication,oembed,x-api,wayback)");
    check_cmd->add_option("--archive", check.archive, "local archive: JSONL of syndication/API v2 objects, or tweets.js");
    check_cmd->add_option("--input-format", check.input_format, "how to read the inputs")
        ->check(CLI::IsMember({"auto", "html", "text", "markdown"}))
        ->capture_default_str();
    check_cmd->add_option("--max-input-size", check.max_input_mib, "MiB read at most from one input; larger ones are refused")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    check.net.add_to(check_cmd);
    check_cmd->add_option("INPUT", check.inputs, "file, directory, - for standard input, or an article URL")->required();

    auto* audit_cmd = app.add_subcommand("audit", "check every embedded post of an archive: resumable, shardable, summarised");
    AuditArgs audit;
    audit_cmd->add_option("--output", audit.output, "JSONL results (appended; resumes where a stopped run ended)")->required();
    audit_cmd->add_option("--state", audit.state, "resume state (default: OUTPUT.state)");
    audit_cmd->add_option("--shard", audit.shard, "process the K-th of N stable shares of the inputs (K/N)")->capture_default_str();
    audit_cmd->add_option("--include", audit.archive_options.include, "only files matching this glob (repeatable)")
        ->allow_extra_args(false)->take_all();
    audit_cmd->add_option("--exclude", audit.archive_options.exclude, "skip files matching this glob (repeatable)")
        ->allow_extra_args(false)->take_all();
    audit_cmd->add_option("--text-field", audit.archive_options.text_field, "JSONL field holding the article")->capture_default_str();
    audit_cmd->add_option("--url-field", audit.archive_options.url_field, "JSONL field holding its URL")->capture_default_str();
    audit_cmd->add_option("--id-field", audit.archive_options.id_field, "JSONL field identifying it")->capture_default_str();
    audit_cmd->add_option("--date-field", audit.archive_options.date_field, "JSONL field holding its date")->capture_default_str();
    audit_cmd->add_option("--max-input-size", audit.max_input_mib, "MiB read at most from one file; larger ones are refused")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    audit_cmd->add_option("--summary-csv", audit.summary_csv, "per site and year: posts and verdicts (CSV)");
    audit_cmd->add_option("--summary-html", audit.summary_html, "the same as a page with charts");
    audit_cmd->add_option("-j,--jobs", audit.jobs, "scan threads (0: one per core)");
    audit_cmd->add_option("--batch", audit.batch, "documents per committed batch")->capture_default_str();
    audit_cmd->add_flag("--scan-only", audit.scan_only, "find and report posts without checking them (no network)");
    audit_cmd->add_option("--sources", audit.sources, "sources in the order tried");
    audit_cmd->add_option("--archive", audit.archive, "local archive of posts (JSONL or tweets.js)");
    audit.net.add_to(audit_cmd);
    audit_cmd->add_option("--list", audit.lists, "a file listing inputs (paths or article URLs), one per line; - for stdin")
        ->allow_extra_args(false)->take_all();
    audit_cmd->add_option("INPUT", audit.inputs, "folders, files, WARC(.gz), JSONL, RSS/Atom feeds, article URLs");

    auto* merge_cmd = app.add_subcommand("merge", "combine audit results (e.g. of shards) into one JSONL in document order");
    std::vector<std::string> merge_inputs;
    std::string merge_output, merge_csv, merge_html;
    merge_cmd->add_option("--output", merge_output, "merged JSONL")->required();
    merge_cmd->add_option("--summary-csv", merge_csv, "per site and year (CSV)");
    merge_cmd->add_option("--summary-html", merge_html, "per site and year with charts (HTML)");
    merge_cmd->add_option("INPUT", merge_inputs, "audit JSONL results")->required();

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int rc = app.exit(e);
      return rc == 0 ? 0 : k_exit_failed;
    }
    if (verbose) log->set_level(spdlog::level::debug);
    if (quiet) log->set_level(spdlog::level::err);
    // Every command's standard output is checked once it is flushed: a full disk or a closed
    // pipe is an error (exit 2), never a silent success.
    auto stdout_written = [&](int rc) {
      std::cout.flush();
      if (std::cout.good()) return rc;
      log->error("cannot write standard output: {}", errno ? std::strerror(errno) : "write error");
      return k_exit_failed;
    };
    if (scan->parsed()) return stdout_written(run_scan(inputs, format, input_format, jobs, max_input_mib << 20, *log));
    if (resolve_cmd->parsed()) return stdout_written(run_resolve(urls, resolve_format, max_hops, resolve_net, *log));
    if (audit_cmd->parsed()) {
      audit.quiet = quiet;
      return stdout_written(run_audit_cmd(audit, *log));
    }
    if (merge_cmd->parsed()) {
      auto merged = tweetcheck::merge_audits(merge_inputs, merge_output);
      if (!merged) {
        log->error("{}", merged.error().message);
        return k_exit_failed;
      }
      if (!merge_csv.empty() || !merge_html.empty()) {
        if (auto s = tweetcheck::write_audit_summary(merge_output, merge_csv, merge_html); !s) {
          log->error("{}", s.error().message);
          return k_exit_failed;
        }
      }
      return k_exit_ok;
    }
    if (check_cmd->parsed()) {
      check.quiet = quiet;
      return stdout_written(run_check(check, *log));
    }
    return k_exit_failed;
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return k_exit_failed;
  }
}
