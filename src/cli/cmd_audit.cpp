// `tweetcheck audit`: the check pipeline over archives (folders, WARC, JSONL, feeds, URL lists),
// resumable and shardable, with a per-site summary.
#include <atomic>
#include <csignal>
#include <iostream>

#include "cli.hpp"
#include "network_options.hpp"
#include "progress.hpp"
#include "tweetcheck/audit.hpp"
#include "tweetcheck/fleet.hpp"

namespace tweetcheck::cli {
namespace {

struct AuditArgs {
  std::vector<std::string> inputs, lists;
  std::string output, state, shard = "1/1", summary_csv, summary_html, sources, archive;
  ArchiveOptions archive_options;
  unsigned jobs = 0;
  std::size_t batch = 500;
  bool scan_only = false;
  std::size_t max_input_mib = k_default_max_input_bytes >> 20;
  NetworkArgs net;
  std::string coordinator, audit; ///< a fleet worker's coordinator and audit
  bool worker = false;
  unsigned lease = 60;
  std::string shard_by = "record"; ///< --shard-by: record (a hash of each article) or file
  unsigned shard_count = 0;        ///< --shard-count: N for --shard auto from a 0-based index
};

/// The inputs, plus those listed one per line in --list files ("-": standard input).
Result<std::vector<std::string>> all_inputs(const AuditArgs& a) {
  std::vector<std::string> inputs = a.inputs;
  for (const std::string& list : a.lists) {
    std::ifstream file;
    if (list != "-") {
      file.open(list);
      if (!file) return fail(Errc::io, "cannot open list '" + list + "'");
    }
    std::istream& in = list == "-" ? std::cin : file;
    for (std::string line; std::getline(in, line);) {
      const auto b = line.find_first_not_of(" \t\r");
      if (b == std::string::npos || line[b] == '#') continue;
      inputs.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
  }
  if (inputs.empty()) return fail(Errc::usage, "audit needs inputs (folders, files, URLs or --list)");
  return inputs;
}

/// Distinct posts and links are fetched once per audit through the cache; with --no-cache a
/// private in-memory one still gives that.
Result<std::unique_ptr<Cache>> audit_cache(const AuditArgs& a, const Settings& s, spdlog::logger& log) {
  if (!a.net.no_cache) return open_cache(a.net, s, log);
  auto mem = open_sqlite_cache(":memory:", nullptr);
  if (mem) return mem;
  return std::unique_ptr<Cache>();
}

/// A fleet worker: units leased from the coordinator until none is left.
/// Set by the first SIGTERM or SIGINT a worker gets (a launcher's scancel, time limit or
/// preemption, or Ctrl-C): it gives its unit back and exits; a second one ends it at once.
std::atomic<bool> g_stop_worker{false};
std::atomic<int> g_stop_signal{0};

void on_stop_signal(int sig) {
  g_stop_signal.store(sig);
  g_stop_worker.store(true);
}

void stop_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | SA_RESETHAND; // the second signal: the default action
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

int run_worker(const AuditArgs& a, const Globals& g) {
  spdlog::logger& log = *g.log;
  if (a.coordinator.empty() || a.audit.empty())
    return failed(log, Error{Errc::usage, "--worker needs --coordinator URL and --audit NAME"});
  if (!a.inputs.empty() || !a.lists.empty() || !a.output.empty())
    return failed(log, Error{Errc::usage, "a fleet worker takes its inputs from the coordinator (no INPUT, --list or "
                                          "--output: see `fleet init` and `fleet export`)"});
  auto frozen = fleet_settings(a.coordinator, a.audit);
  if (!frozen) return failed(log, frozen.error());
  // The audit's sources were frozen by `fleet init` (empty: the default order), so that every
  // worker asks the same sources.
  if (!a.sources.empty() && a.sources != frozen->sources)
    return failed(log, Error{Errc::usage, "the sources of audit '" + a.audit + "' were frozen by `fleet init` (" +
                                              (frozen->sources.empty() ? "the default order" : frozen->sources) +
                                              "): a worker takes no other --sources"});
  auto verify_opts = make_verify_options(frozen->sources, a.archive,
                                         a.net.offline, a.net.meta_token);
  if (!verify_opts) return failed(log, verify_opts.error());
  WorkerOptions o;
  o.audit.archive = a.archive_options;
  o.audit.archive.max_input_bytes = a.max_input_mib << 20;
  o.audit.on_fetch_error = [&log](const std::string& url, const std::string& why) {
    log.warn("cannot fetch article '{}': {}", url, why);
  };
  o.audit.jobs = a.jobs;
  o.audit.cancel = &g_stop_worker;
  stop_on_signals();
  o.audit.batch_docs = std::max<std::size_t>(1, a.batch);
  o.audit.scan_only = a.scan_only;
  o.audit.verify = std::move(*verify_opts);
  o.lease_seconds = a.lease;
  o.on_event = [&log](const std::string& what) { log.info("{}", what); };
  // The fleet's cache is the coordinator's (one fetch per post for the whole fleet) unless
  // --cache names another.
  // Politeness for the whole fleet: the rates frozen by `fleet init`, Retry-After pauses.
  auto gate = make_fleet_gate(a.coordinator, frozen->rates);
  if (!gate) return failed(log, gate.error());
  auto net = open_network(
      a.net, log,
      [&](const Settings& s) -> Result<std::unique_ptr<Cache>> {
        if (a.net.no_cache) return audit_cache(a, s, log);
        if (a.net.cache.empty()) return open_postgres_cache(a.coordinator, postgres_cache_options(a.net, s));
        return open_cache(a.net, s, log);
      },
      std::move(*gate));
  if (!net) return failed(log, net.error());
  apply_cache_settings(net->settings, o.audit.verify);
  auto stats = run_fleet_worker(a.coordinator, a.audit, o, net->online(a.net), net->cache.get());
  if (!stats) return failed(log, stats.error());
  log.info("worker: {} units done, {} failed attempts, {} leases lost, {} documents, {} posts, the coordinator "
           "away {} times",
           stats->units_done, stats->units_failed, stats->units_lost, stats->documents, stats->posts,
           stats->reconnects);
  if (const HttpClient* client = net->online(a.net)) {
    const HttpStats h = client->stats();
    log.info("worker: {} requests ({} retries), {} waited for their host's politeness ({:.1f} s in all)", h.requests,
             h.retries, h.rate_waits, static_cast<double>(h.rate_wait_ms) / 1000.0);
  }
  if (stats->stopped) {
    log.warn("worker: stopped by signal {} before the queue was empty", g_stop_signal.load());
    return k_exit_stopped;
  }
  if (stats->audit_has_failed_units) {
    log.error("audit '{}' has units that failed: see `tweetcheck fleet status`", a.audit);
    return k_exit_units_failed;
  }
  return k_exit_ok;
}

int run_audit_cmd(const AuditArgs& a, const Globals& g) {
  if (a.worker || !a.coordinator.empty()) return run_worker(a, g);
  spdlog::logger& log = *g.log;
  // Required unless --worker, so checked here rather than by the option parser; said as it says it.
  if (a.output.empty())
    return failed(log, Error{Errc::usage, "audit needs --output FILE (see 'tweetcheck audit --help')"});
  auto shard = a.shard == "auto" ? shard_from_environment(a.shard_count) : parse_shard(a.shard);
  if (!shard) return failed(log, shard.error());
  auto inputs = all_inputs(a);
  if (!inputs) return failed(log, inputs.error());
  if (a.shard_by == "file") {
    // Each task reads only its own files: every N-th input from the K-th.
    *inputs = inputs_of_shard(*inputs, shard->first, shard->second);
    if (inputs->empty()) {
      log.info("shard {}/{} has no input", shard->first, shard->second);
      return k_exit_ok;
    }
    shard = std::make_pair(1u, 1u);
  }
  auto verify_opts = make_verify_options(a.sources, a.archive, a.net.offline, a.net.meta_token);
  if (!verify_opts) return failed(log, verify_opts.error());
  AuditOptions o;
  o.archive = a.archive_options;
  o.archive.max_input_bytes = a.max_input_mib << 20;
  o.on_fetch_error = [&log](const std::string& url, const std::string& why) {
    log.warn("cannot fetch article '{}': {}", url, why);
  };
  o.output = a.output;
  o.state = a.state;
  o.shard_k = shard->first;
  o.shard_n = shard->second;
  o.jobs = a.jobs;
  o.batch_docs = std::max<std::size_t>(1, a.batch);
  o.scan_only = a.scan_only;
  o.verify = std::move(*verify_opts);
  auto net = open_network(a.net, log, [&](const Settings& s) { return audit_cache(a, s, log); });
  if (!net) return failed(log, net.error());
  apply_cache_settings(net->settings, o.verify);
  AuditProgress progress(log, progress_wanted(g.quiet), g.quiet);
  // Quiet: no progress at all (nor the listing of the inputs' sizes it needs).
  if (!g.quiet) o.progress = [&](const AuditProgressReport& r) { progress(r); };
  auto stats = run_audit(*inputs, o, net->online(a.net), net->cache.get());
  progress.finish();
  if (!stats) return failed(log, stats.error());
  log.info("{} documents audited, {} already done, {} in other shards, {} posts", stats->documents, stats->skipped_done,
           stats->other_shards, stats->posts);
  if (!a.summary_csv.empty() || !a.summary_html.empty()) {
    if (auto s = write_audit_summary(a.output, a.summary_csv, a.summary_html); !s) return failed(log, s.error());
  }
  return k_exit_ok;
}

} // namespace

Command add_audit_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("audit", "check every embedded post of an archive: resumable, shardable, summarised");
  auto a = std::make_shared<AuditArgs>();
  sub->add_option("--output", a->output,
                  "JSONL results (appended; resumes where a stopped run ended); required unless --worker");
  sub->add_option("--state", a->state, "resume state (default: OUTPUT.state)");
  sub->add_option("--shard", a->shard,
                  "process the K-th of N stable shares of the inputs (K/N, or auto: from the job array's "
                  "environment)")
      ->capture_default_str();
  sub->add_option("--shard-by", a->shard_by, "share out articles (record) or whole input files (file)")
      ->check(CLI::IsMember({"record", "file"}))
      ->capture_default_str();
  sub->add_option("--shard-count", a->shard_count,
                  "N for --shard auto with JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX");
  sub->add_option("--include", a->archive_options.include, "only files matching this glob (repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  sub->add_option("--exclude", a->archive_options.exclude, "skip files matching this glob (repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  sub->add_option("--text-field", a->archive_options.text_field, "JSONL field holding the article")
      ->capture_default_str();
  sub->add_option("--url-field", a->archive_options.url_field, "JSONL field holding its URL")->capture_default_str();
  sub->add_option("--id-field", a->archive_options.id_field, "JSONL field identifying it")->capture_default_str();
  sub->add_option("--date-field", a->archive_options.date_field, "JSONL field holding its date")->capture_default_str();
  add_max_input_size(sub, a->max_input_mib, "file");
  sub->add_option("--summary-csv", a->summary_csv, "per site and year: posts and verdicts (CSV)");
  sub->add_option("--summary-html", a->summary_html, "the same as a page with charts");
  sub->add_option("-j,--jobs", a->jobs, "scan threads (0: one per core)");
  sub->add_option("--batch", a->batch, "documents per committed batch")->capture_default_str();
  sub->add_flag("--scan-only", a->scan_only, "find and report posts without checking them (no network)");
  sub->add_option("--sources", a->sources, "sources in the order tried");
  sub->add_option("--archive", a->archive, "local archive of posts (JSONL or tweets.js)");
  a->net.add_to(sub);
  sub->add_option("--list", a->lists, "a file listing inputs (paths or article URLs), one per line; - for stdin")
      ->allow_extra_args(false)
      ->take_all();
  sub->add_option("--coordinator", a->coordinator, "a fleet audit's PostgreSQL coordinator (postgresql://…)");
  sub->add_option("--audit", a->audit, "the fleet audit's name (see `tweetcheck fleet init`)");
  sub->add_flag("--worker", a->worker, "work on the fleet audit's units until none is left");
  sub->add_option("--lease", a->lease, "seconds a worker's lease on a unit lasts without a heartbeat")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  sub->add_option("INPUT", a->inputs, "folders, files, WARC(.gz), JSONL, RSS/Atom feeds, article URLs");
  return {sub, [a, &g] { return run_audit_cmd(*a, g); }};
}

} // namespace tweetcheck::cli
