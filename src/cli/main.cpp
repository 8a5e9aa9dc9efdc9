// The tweetcheck command line: sets up logging, registers the commands (one file each) and runs
// the one given. Owns stdout (reports) and stderr (logs); the only top-level catch.
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "cli.hpp"
#include "tweetcheck/log.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace tweetcheck::cli;
  auto log = spdlog::stderr_color_mt("tweetcheck");
  log->set_pattern("tweetcheck: %^%l%$: %v");
  log->set_level(spdlog::level::warn);
  tweetcheck::set_logger(log);
  try {
    CLI::App app{"tweetcheck: find social-media posts embedded in articles and check them against the originals"};
    app.set_version_flag("--version", version_text, "print the version and the libraries' versions, and exit");
    app.require_subcommand(1);
    app.fallthrough(); // -q/--quiet and -v/--verbose also after the command: `tweetcheck check -q ...`
    Globals g;
    g.log = log.get();
    app.add_flag("-v,--verbose", g.verbose, "log more (to stderr)");
    app.add_flag("-q,--quiet", g.quiet, "log only errors");
    const std::vector<Command> commands{add_scan_command(app, g),  add_resolve_command(app, g),
                                        add_check_command(app, g), add_audit_command(app, g),
                                        add_merge_command(app, g), add_fleet_command(app, g)};
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int rc = app.exit(e);
      return rc == 0 ? 0 : k_exit_failed;
    }
    if (g.verbose) log->set_level(spdlog::level::debug);
    if (g.quiet) log->set_level(spdlog::level::err);
    for (const Command& c : commands) {
      if (!c.app->parsed()) continue;
      const int rc = c.run();
      // Every command's standard output is checked once it is flushed: a full disk or a closed
      // pipe is an error (exit 2), never a silent success.
      std::cout.flush();
      if (std::cout.good()) return rc;
      log->error("cannot write standard output: {}", errno ? std::strerror(errno) : "write error");
      return k_exit_failed;
    }
    return k_exit_failed;
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return k_exit_failed;
  }
}
