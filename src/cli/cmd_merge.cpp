// `tweetcheck merge`: combine audit results (e.g. of shards) into one JSONL in document order.
#include "cli.hpp"
#include "tweetcheck/audit.hpp"

namespace tweetcheck::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output, csv, html;
};

int run_merge(const MergeArgs& a, spdlog::logger& log) {
  auto merged = merge_audits(a.inputs, a.output);
  if (!merged) {
    return failed(log, merged.error());
  }
  if (!a.csv.empty() || !a.html.empty()) {
    if (auto s = write_audit_summary(a.output, a.csv, a.html); !s) {
      return failed(log, s.error());
    }
  }
  return k_exit_ok;
}

} // namespace

Command add_merge_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("merge", "combine audit results (e.g. of shards) into one JSONL in document order");
  auto a = std::make_shared<MergeArgs>();
  sub->add_option("--output", a->output, "merged JSONL")->required();
  sub->add_option("--summary-csv", a->csv, "per site and year (CSV)");
  sub->add_option("--summary-html", a->html, "per site and year with charts (HTML)");
  sub->add_option("INPUT", a->inputs, "audit JSONL results")->required();
  return {sub, [a, &g] { return run_merge(*a, *g.log); }};
}

} // namespace tweetcheck::cli
