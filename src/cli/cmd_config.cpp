// `tweetcheck config`: the effective configuration (--print), the file read (--path) and the
// example file (--example), all from the library's one table of known keys.
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "network_options.hpp"
#include "tweetcheck/config.hpp"

namespace tweetcheck::cli {
namespace {

struct ConfigArgs {
  bool print = false, path = false, example = false;
  NetworkArgs net;
};

int run_config(const ConfigArgs& a, spdlog::logger& log) {
  if (a.example) {
    std::cout << example_config();
    return k_exit_ok;
  }
  const std::string path = a.net.config_path();
  if (a.path) {
    std::cout << path << "\n";
    return k_exit_ok;
  }
  SettingOrigins origins;
  auto settings = a.net.settings(&origins);
  if (!settings) return failed(log, settings.error());
  std::error_code ec;
  const bool exists = !path.empty() && std::filesystem::exists(path, ec);
  std::cout << "# The effective configuration: defaults < config file < environment < command line.\n"
            << "# config file: " << (path.empty() ? "(none: neither $XDG_CONFIG_HOME nor $HOME is set)" : path)
            << (exists || path.empty() ? "" : " (not found: defaults)") << "\n\n"
            << settings_toml(*settings, origins);
  return k_exit_ok;
}

} // namespace

Command add_config_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("config", "show the effective configuration, the config file read, or an example");
  auto a = std::make_shared<ConfigArgs>();
  auto* print = sub->add_flag("--print", a->print,
                              "print the effective configuration as TOML, each value with where it came from "
                              "(the default without an option)");
  auto* path = sub->add_flag("--path", a->path, "print the path of the config file read");
  auto* example = sub->add_flag("--example", a->example, "print an example config file: every key at its default");
  print->excludes(path)->excludes(example);
  path->excludes(example);
  // The options that override the file, so that --print shows their effect.
  a->net.add_to(sub);
  return {sub, [a, &g] { return run_config(*a, *g.log); }};
}

} // namespace tweetcheck::cli
