#pragma once
// What every command of the command line shares: exit statuses, the global flags, and how a
// command registers itself (its options on its own subcommand, a function that runs it).

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck::cli {

constexpr int k_exit_ok = 0;       ///< nothing to report
constexpr int k_exit_findings = 1; ///< a post has a verdict named in --fail-on
constexpr int k_exit_failed = 2;   ///< the run could not do what was asked (usage, input, output)
/// A fleet worker found no unit left, but some units of the audit ended `failed`.
constexpr int k_exit_units_failed = 3;
/// A fleet worker stopped by SIGTERM or SIGINT (its unit given back): 128 + SIGTERM, as a shell
/// reports a process the signal ended.
constexpr int k_exit_stopped = 143;

/// The exit status of a run stopped by an error of the kind `code`.
int exit_status(Errc code);
/// Logs the error's message and gives its exit status: `return failed(log, e);`.
int failed(spdlog::logger& log, const Error& e);

/// Flags given before or after the command, read when it runs.
struct Globals {
  spdlog::logger* log = nullptr;
  bool verbose = false, quiet = false;
  std::string color = "auto"; ///< --color auto|always|never (terminal.hpp: use_color)
};

/// A registered command: its subcommand, and what runs when it was the one given.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_scan_command(CLI::App& app, const Globals& g);
Command add_resolve_command(CLI::App& app, const Globals& g);
Command add_check_command(CLI::App& app, const Globals& g);
Command add_audit_command(CLI::App& app, const Globals& g);
Command add_merge_command(CLI::App& app, const Globals& g);
Command add_config_command(CLI::App& app, const Globals& g);
Command add_cache_command(CLI::App& app, const Globals& g);
Command add_serve_command(CLI::App& app, const Globals& g);
Command add_fleet_command(CLI::App& app, const Globals& g);

/// "file", or "file:line:column" when the diagnostic has a position.
std::string where(const tweetcheck::Diagnostic& d);

/// The --max-input-size option (MiB) on `sub`, stored in `mib`.
void add_max_input_size(CLI::App* sub, std::size_t& mib, const char* what);

/// "html" → InputFormat::html, …; anything else: auto-detect (the option's check allows only these).
tweetcheck::InputFormat parse_input_format(const std::string& name);

} // namespace tweetcheck::cli
