// `tweetcheck check`: scan, resolve and verify (the library's run_check), then the reports: one on
// stdout and any number of files; the exit status says whether a post failed --fail-on.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "cli.hpp"
#include "network_options.hpp"
#include "progress.hpp"
#include "store/atomic_file.hpp"
#include "terminal.hpp"
#include "tweetcheck/ignore.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/report_check.hpp"

namespace tweetcheck::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> inputs, outputs;
  std::string format, output, ignore_file, fail_on = "altered,misattributed,missing", sources, archive,
                                           input_format = "auto", sarif_base;
  std::size_t max_input_mib = k_default_max_input_bytes >> 20;
  NetworkArgs net;
};

/// Writes a file atomically (an unpredictable temporary name, renamed over it once complete), so
/// a killed run never leaves half a report.
Result<void> write_atomic(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ostringstream content;
  write(content);
  return detail::write_file_atomically(path, content.view());
}

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

/// The ignore file: --ignore-file, else ./.tweetcheckignore when present, else none.
Result<std::vector<IgnoreRule>> load_ignores(const std::string& given, spdlog::logger& log) {
  std::error_code ec;
  const std::string path = !given.empty()                                     ? given
                           : std::filesystem::exists(".tweetcheckignore", ec) ? ".tweetcheckignore"
                                                                              : "";
  if (path.empty()) return std::vector<IgnoreRule>{};
  std::vector<std::string> warnings;
  auto rules = load_ignore_file(path, today_utc(), &warnings);
  for (const auto& w : warnings) log.warn("{}", w);
  return rules;
}

/// Report formats: stdout (--format, default text on a terminal and json otherwise), --output, and
/// any number of --output-format FMT=FILE.
Result<std::vector<std::pair<ReportFormat, std::string>>> report_files(const CheckArgs& a, ReportFormat main_format) {
  std::vector<std::pair<ReportFormat, std::string>> files;
  if (!a.output.empty()) files.emplace_back(main_format, a.output);
  for (const std::string& spec : a.outputs) {
    const auto eq = spec.find('=');
    auto f = parse_report_format(eq == std::string::npos ? spec : spec.substr(0, eq));
    if (eq == std::string::npos || eq + 1 >= spec.size() || !f) {
      return fail(Errc::usage, "--output-format wants FORMAT=FILE, got '" + spec + "'");
    }
    files.emplace_back(*f, spec.substr(eq + 1));
  }
  return files;
}

int run_check_cmd(const CheckArgs& a, const Globals& g) {
  spdlog::logger& log = *g.log;
  const bool stdout_tty = ::isatty(1) != 0;
  auto fail_on = parse_verdicts(a.fail_on);
  auto main_format = parse_report_format(a.format.empty() ? (stdout_tty ? "text" : "json") : a.format);
  using Files = std::vector<std::pair<ReportFormat, std::string>>;
  Result<Files> files =
      main_format ? report_files(a, *main_format) : Result<Files>(tl::unexpected(main_format.error()));
  auto ignores = load_ignores(a.ignore_file, log);
  auto verify_opts = make_verify_options(a.sources, a.archive, a.net.offline, a.net.meta_token);
  for (const Error* e : {fail_on ? nullptr : &fail_on.error(), main_format ? nullptr : &main_format.error(),
                         files ? nullptr : &files.error(), ignores ? nullptr : &ignores.error(),
                         verify_opts ? nullptr : &verify_opts.error()}) {
    if (e) {
      return failed(log, *e);
    }
  }
  CheckOptions options;
  options.verify = std::move(*verify_opts);
  options.ignores = std::move(*ignores);
  options.input_format = parse_input_format(a.input_format);
  options.max_input_bytes = a.max_input_mib << 20;
  options.stream = a.output.empty() && *main_format == ReportFormat::jsonl;
  // JSONL on stdout is streamed: each article's lines as soon as it is checked. Distinct posts
  // are still asked once: through the cache, and a memo for answers not worth caching.
  if (options.stream) options.verify.memo = std::make_shared<ResponseMemo>();
  const bool show_progress = progress_wanted(g.quiet);
  auto progress = std::make_shared<CheckProgress>();
  if (show_progress) {
    options.verify.progress = [progress](std::string_view stage, std::size_t n) { progress->stage(stage, n); };
    options.verify.progress_step = [progress](std::size_t done, std::size_t total) { progress->step(done, total); };
    options.on_scanned = [progress](std::size_t n) { progress->scanned(n); };
  }
  auto net = open_network(a.net, log);
  if (!net) return failed(log, net.error());
  apply_cache_settings(net->settings, options.verify);
  ReportOptions ro;
  ro.fail_on = *fail_on;
  ro.color = use_color(parse_color_choice(g.color), 1);
  ro.inputs = a.inputs;
  ro.sarif_base = a.sarif_base;
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  ro.generated_at_ms = epoch ? std::atoll(epoch) * 1000 : static_cast<std::int64_t>(std::time(nullptr)) * 1000;

  std::vector<CheckedPost> checked;
  const auto summary = run_check(
      a.inputs, options, net->online(a.net), net->cache.get(),
      [&](CheckedDocument&& doc) {
        for (const Diagnostic& d : doc.diagnostics) log.warn("{}: {}", where(d), d.message);
        if (options.stream && !doc.posts.empty()) {
          progress_line().around([&] { // never on the progress line's line
            write_report(std::cout, doc.posts, ReportFormat::jsonl, ro);
            std::cout.flush();
          });
        }
        checked.insert(checked.end(), std::make_move_iterator(doc.posts.begin()),
                       std::make_move_iterator(doc.posts.end()));
      },
      [&](const Error& e) { log.error("{}", e.message); });
  progress_line().clear(); // before the report's first byte
  if (!options.stream && a.output.empty()) write_report(std::cout, checked, *main_format, ro);
  int status = summary.failed_inputs ? k_exit_failed : k_exit_ok;
  for (const auto& file : *files) {
    ReportOptions fo = ro;
    fo.color = false;
    const ReportFormat format = file.first;
    if (auto w = write_atomic(file.second, [&](std::ostream& os) { write_report(os, checked, format, fo); }); !w) {
      status = failed(log, w.error());
    }
  }
  if (status != k_exit_ok) return status;
  for (const auto& c : checked) {
    if (fails(c, *fail_on)) return k_exit_findings;
  }
  return k_exit_ok;
}

} // namespace

Command add_check_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("check", "scan, resolve and verify: is each embedded post shown as it really is?");
  auto a = std::make_shared<CheckArgs>();
  sub->add_option("--format", a->format,
                  "text, json, jsonl, html, sarif, junit, csv or markdown (default: text on a terminal, else json)");
  sub->add_option("--output", a->output, "write the report to FILE (atomically) instead of stdout");
  sub->add_option("--output-format", a->outputs, "also write FORMAT to FILE (FORMAT=FILE, repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  sub->add_option("--sarif-base", a->sarif_base,
                  "SARIF: write input paths relative to DIR (%SRCROOT%; default the working directory)")
      ->type_name("DIR");
  sub->add_option("--ignore-file", a->ignore_file, "accepted findings (default: ./.tweetcheckignore if present)");
  sub->add_option("--fail-on", a->fail_on, "verdicts that make the exit status 1")->capture_default_str();
  std::string order;
  for (const std::string& s : default_sources()) order += (order.empty() ? "" : ",") + s;
  sub->add_option("--sources", a->sources, "sources in the order tried (default " + order + ")");
  sub->add_option("--archive", a->archive, "local archive: JSONL of syndication/API v2 objects, or tweets.js");
  sub->add_option("--input-format", a->input_format, "how to read the inputs")
      ->check(CLI::IsMember({"auto", "html", "text", "markdown"}))
      ->capture_default_str();
  add_max_input_size(sub, a->max_input_mib, "input");
  a->net.add_to(sub);
  sub->add_option("INPUT", a->inputs, "file, directory, - for standard input, or an article URL")->required();
  return {sub, [a, &g] { return run_check_cmd(*a, g); }};
}

} // namespace tweetcheck::cli
