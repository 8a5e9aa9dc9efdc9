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
#include "tweetcheck/report.hpp"
#include "tweetcheck/scan.hpp"

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failed = 2;

int run_scan(const std::vector<std::string>& inputs, const std::string& format_name,
             const std::string& input_format_name, spdlog::logger& log) {
  using namespace tweetcheck;
  const InputFormat input_format = input_format_name == "html"       ? InputFormat::html
                                   : input_format_name == "text"     ? InputFormat::text
                                   : input_format_name == "markdown" ? InputFormat::markdown
                                                                     : InputFormat::auto_detect;
  const ScanFormat format = format_name == "jsonl" ? ScanFormat::jsonl
                            : format_name == "text" ? ScanFormat::text
                                                    : ScanFormat::json;
  auto refs = collect_inputs(inputs, input_format);
  if (!refs) {
    log.error("{}", refs.error().message);
    return k_exit_failed;
  }
  ScanWriter writer(std::cout, format);
  writer.begin();
  int status = k_exit_ok;
  for (const InputRef& ref : *refs) {
    auto doc = read_document(ref);
    if (!doc) {
      log.error("{}", doc.error().message);
      status = k_exit_failed;
      continue;
    }
    const ScanResult result = scan(*doc);
    for (const Diagnostic& d : result.diagnostics) log.warn("{}: {}", d.where.file, d.message);
    for (const Post& p : result.posts) writer.post(p);
  }
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
    scan->add_option("INPUT", inputs, "file, directory (recursed) or - for standard input")->required();

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int rc = app.exit(e);
      return rc == 0 ? 0 : k_exit_failed;
    }
    if (verbose) log->set_level(spdlog::level::debug);
    if (quiet) log->set_level(spdlog::level::err);
    if (scan->parsed()) return run_scan(inputs, format, input_format, *log);
    return k_exit_failed;
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return k_exit_failed;
  }
}
