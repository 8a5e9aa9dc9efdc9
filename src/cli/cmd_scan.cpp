// `tweetcheck scan`: find embedded posts and print what the articles show of them (no network).
#include <iostream>

#include "cli.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/report_scan.hpp"

namespace tweetcheck::cli {

namespace {

struct ScanArgs {
  std::vector<std::string> inputs;
  std::string format = "json", input_format = "auto";
  unsigned jobs = 0;
  std::size_t max_input_mib = k_default_max_input_bytes >> 20;
};

int run_scan(const ScanArgs& a, spdlog::logger& log) {
  const InputFormat input_format = parse_input_format(a.input_format);
  const ScanFormat format = a.format == "jsonl"  ? ScanFormat::jsonl
                            : a.format == "text" ? ScanFormat::text
                                                 : ScanFormat::json;
  // An input that cannot be found or listed is reported; the others are still scanned.
  int status = k_exit_ok;
  std::vector<InputRef> refs;
  for (const std::string& input : a.inputs) {
    auto found = collect_inputs({input}, input_format);
    if (!found) {
      status = failed(log, found.error());
      continue;
    }
    for (InputRef& ref : *found) ref.max_bytes = a.max_input_mib << 20;
    refs.insert(refs.end(), found->begin(), found->end());
  }
  ScanWriter writer(std::cout, format);
  writer.begin();
  scan_inputs(refs, a.jobs, [&](const InputRef&, Result<ScanResult> result) {
    if (!result) {
      status = failed(log, result.error());
      return;
    }
    for (const Diagnostic& d : result->diagnostics) log.warn("{}: {}", where(d), d.message);
    for (const Post& p : result->posts) writer.post(p);
  });
  writer.end();
  return status;
}

} // namespace

Command add_scan_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("scan", "find embedded posts and print what the article shows of them");
  auto a = std::make_shared<ScanArgs>();
  sub->add_option("--format", a->format, "output format")
      ->check(CLI::IsMember({"json", "jsonl", "text"}))
      ->capture_default_str();
  sub->add_option("--input-format", a->input_format, "how to read the inputs")
      ->check(CLI::IsMember({"auto", "html", "text", "markdown"}))
      ->capture_default_str();
  sub->add_option("-j,--jobs", a->jobs, "documents scanned in parallel (0: one per core)")->capture_default_str();
  add_max_input_size(sub, a->max_input_mib, "input");
  sub->add_option("INPUT", a->inputs, "file, directory (recursed) or - for standard input")->required();
  return {sub, [a, &g] { return run_scan(*a, *g.log); }};
}

} // namespace tweetcheck::cli
