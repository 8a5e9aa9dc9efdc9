// `tweetcheck fleet init|status|export`: the PostgreSQL coordinator of a fleet audit (the workers
// are `tweetcheck audit --coordinator URL --audit NAME --worker`, in cmd_audit.cpp).
#include <fstream>
#include <iostream>

#include "cli.hpp"
#include "tweetcheck/config.hpp"
#include "tweetcheck/fleet.hpp"

namespace tweetcheck::cli {
namespace {

struct FleetArgs {
  std::string coordinator, audit, list, base_url, sources, format = "text", output, summary_csv, summary_html;
  std::vector<std::string> rates;
  int max_attempts = 3;
};

Result<std::vector<std::string>> read_manifest(const std::string& list) {
  std::ifstream file;
  if (list != "-") {
    file.open(list);
    if (!file) return fail(Errc::io, "cannot open list '" + list + "'");
  }
  std::istream& in = list == "-" ? std::cin : file;
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
  }
  return out;
}

Result<std::map<std::string, double>> parse_rates(const std::vector<std::string>& specs) {
  std::map<std::string, double> out;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    char* end = nullptr;
    const double rate = eq == std::string::npos ? 0 : std::strtod(spec.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || !end || *end || !(rate > 0) || rate > k_max_rate) {
      return fail(Errc::usage, "--rate wants HOST=PER_SECOND (a number above 0), got '" + spec + "'");
    }
    out[spec.substr(0, eq)] = rate;
  }
  return out;
}

int run_init(const FleetArgs& a, const Globals& g) {
  auto files = read_manifest(a.list);
  if (!files) return failed(*g.log, files.error());
  auto rates = parse_rates(a.rates);
  if (!rates) return failed(*g.log, rates.error());
  FleetSettings s;
  s.files = std::move(*files);
  s.base_url = a.base_url;
  s.sources = a.sources;
  s.rates = std::move(*rates);
  s.max_attempts = a.max_attempts;
  auto n = fleet_init(a.coordinator, a.audit, s);
  if (!n) return failed(*g.log, n.error());
  g.log->info("audit '{}': {} units", a.audit, *n);
  return k_exit_ok;
}

int run_status(const FleetArgs& a, const Globals& g) {
  auto s = fleet_status(a.coordinator, a.audit);
  if (!s) return failed(*g.log, s.error());
  if (a.format == "json") {
    std::cout << fleet_status_json(*s) << "\n";
    return k_exit_ok;
  }
  std::cout << "units: " << s->units["todo"] << " todo, " << s->units["leased"] << " leased, " << s->units["done"]
            << " done, " << s->units["failed"] << " failed\n";
  for (const auto& [verdict, n] : s->posts) std::cout << "posts " << verdict << ": " << n << "\n";
  for (const auto& h : s->paused_hosts) std::cout << "paused: " << h << "\n";
  for (const auto& [unit, error] : s->failed_units) std::cout << "failed: " << unit << ": " << error << "\n";
  return k_exit_ok;
}

int run_export(const FleetArgs& a, const Globals& g) {
  auto n = fleet_export(a.coordinator, a.audit, a.output);
  if (!n) return failed(*g.log, n.error());
  g.log->info("{} result lines written to {}", *n, a.output);
  if (!a.summary_csv.empty() || !a.summary_html.empty()) {
    if (auto s = write_audit_summary(a.output, a.summary_csv, a.summary_html); !s) return failed(*g.log, s.error());
  }
  return k_exit_ok;
}

void add_target(CLI::App* sub, FleetArgs& a) {
  sub->add_option("--coordinator", a.coordinator, "the coordinator's PostgreSQL database (postgresql://…)")->required();
  sub->add_option("--audit", a.audit, "the audit's name")->required();
}

} // namespace

Command add_fleet_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("fleet", "a fleet audit's PostgreSQL coordinator: init, status, export");
  sub->require_subcommand(1);
  auto a = std::make_shared<FleetArgs>();
  auto* init = sub->add_subcommand("init", "create or migrate the coordinator's schema and load an audit's manifest");
  add_target(init, *a);
  init->add_option("--list", a->list, "the manifest: one input file per line (unit N is line N); - for stdin")
      ->required();
  init->add_option("--base-url", a->base_url, "relative manifest entries are read from under this folder or URL");
  init->add_option("--sources", a->sources, "sources in the order tried, frozen for every worker");
  init->add_option("--rate", a->rates, "requests per second to HOST for the whole fleet (HOST=PER_SECOND, repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  init->add_option("--max-attempts", a->max_attempts, "a unit failing this many times ends failed")
      ->capture_default_str();
  auto* status = sub->add_subcommand("status", "units by state, posts by verdict, paused hosts, failed units");
  add_target(status, *a);
  status->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  auto* exp = sub->add_subcommand("export", "the audit's results as JSONL, as a single-process audit writes them");
  add_target(exp, *a);
  exp->add_option("--output", a->output, "JSONL results")->required();
  exp->add_option("--summary-csv", a->summary_csv, "per site and year: posts and verdicts (CSV)");
  exp->add_option("--summary-html", a->summary_html, "the same as a page with charts");
  return {sub, [a, &g, init, status, exp] {
            if (init->parsed()) return run_init(*a, g);
            if (status->parsed()) return run_status(*a, g);
            if (exp->parsed()) return run_export(*a, g);
            return k_exit_failed;
          }};
}

} // namespace tweetcheck::cli
