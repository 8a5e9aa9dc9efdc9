// The tweetcheck command line: sets up logging, registers the commands (one file each) and runs
// the one given. Owns stdout (reports) and stderr (logs); the only top-level catch.
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli.hpp"
#include "progress.hpp"
#include "terminal.hpp"
#include "tweetcheck/log.hpp"
#include "usage.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace tweetcheck::cli;
  auto log = make_logger(); // stderr, out of the progress line's way
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
    app.add_option("--color", g.color, "colour in the report, the logs and the progress line (auto: on a terminal)")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    const std::vector<Command> commands{add_scan_command(app, g), add_resolve_command(app, g),
                                        add_check_command(app, g), add_audit_command(app, g),
                                        add_merge_command(app, g),
                                        add_config_command(app, g),
                                        add_cache_command(app, g),
                                        add_serve_command(app, g),
                                        add_fleet_command(app, g)};
    describe_options(app);
    // Usage errors read like the library's errors: "tweetcheck: error: …", exit 2.
    const auto set_colors = [&] {
      const ColorChoice color = parse_color_choice(g.color);
      set_log_color(*log, use_color(color, 2));
      progress_line().configure(use_color(color, 2), erases_lines(2));
    };
    if (auto unknown = unknown_command(app, argc, argv)) {
      set_colors();
      log->error("{} (see 'tweetcheck --help')", *unknown);
      return k_exit_failed;
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e); // --help, --version
      set_colors();
      log->error("{}", usage_message(e, given_command(app, argc, argv)));
      return k_exit_failed;
    }
    set_colors();
    if (g.verbose) log->set_level(spdlog::level::debug);
    if (g.quiet) log->set_level(spdlog::level::err);
    for (const Command& c : commands) {
      if (!c.app->parsed()) continue;
      const int rc = c.run();
      progress_line().clear();
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
