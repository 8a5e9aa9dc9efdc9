// The tweetcheck command line. Owns stdout (reports) and stderr (logs); the only top-level catch.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "tweetcheck/collect.hpp"
#include "tweetcheck/log.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/report.hpp"
#include "tweetcheck/scan.hpp"

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failed = 2;

int run_scan(const std::vector<std::string>& inputs, const std::string& format_name,
             const std::string& input_format_name, unsigned jobs, spdlog::logger& log) {
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
    for (const Diagnostic& d : result->diagnostics) log.warn("{}: {}", d.where.file, d.message);
    for (const Post& p : result->posts) writer.post(p);
  });
  writer.end();
  return status;
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
    scan->add_option("INPUT", inputs, "file, directory (recursed) or - for standard input")->required();

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int rc = app.exit(e);
      return rc == 0 ? 0 : k_exit_failed;
    }
    if (verbose) log->set_level(spdlog::level::debug);
    if (quiet) log->set_level(spdlog::level::err);
    if (scan->parsed()) return run_scan(inputs, format, input_format, jobs, *log);
    return k_exit_failed;
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return k_exit_failed;
  }
}
