// `tweetcheck resolve`: expand short links (t.co, pic.twitter.com, …) to the posts they lead to.
#include <iostream>

#include "cli.hpp"
#include "network_options.hpp"
#include "tweetcheck/report_resolve.hpp"
#include "tweetcheck/resolve.hpp"

namespace tweetcheck::cli {
namespace {

struct ResolveArgs {
  std::vector<std::string> urls;
  std::string format = "json";
  int max_hops = 10;
  NetworkArgs net;
};

int run_resolve(const ResolveArgs& a, spdlog::logger& log) {
  // "-" reads one URL per line from standard input.
  std::vector<std::string> all;
  for (const auto& u : a.urls) {
    if (u != "-") {
      all.push_back(u);
      continue;
    }
    for (std::string line; std::getline(std::cin, line);) {
      const auto start = line.find_first_not_of(" \t\r");
      if (start == std::string::npos || line[start] == '#') continue;
      all.push_back(line.substr(start, line.find_last_not_of(" \t\r") - start + 1));
    }
  }
  auto net = open_network(a.net, log);
  if (!net) return failed(log, net.error());
  ResolveOptions options;
  options.offline = a.net.offline;
  options.max_hops = a.max_hops;
  apply_cache_settings(net->settings, options);
  const auto results = resolve(all, net->online(a.net), net->cache.get(), options);
  write_resolutions(std::cout, results, a.format == "text" ? ResolveFormat::text : ResolveFormat::json);
  const HttpStats st = net->client->stats();
  log.info("{} URLs, {} requests, {} retries", all.size(), st.requests, st.retries);
  return k_exit_ok;
}

} // namespace

Command add_resolve_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("resolve", "expand short links (t.co, pic.twitter.com, …) to the posts they lead to");
  auto a = std::make_shared<ResolveArgs>();
  sub->add_option("--format", a->format, "output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  sub->add_option("--max-hops", a->max_hops, "redirects followed at most")->capture_default_str();
  a->net.add_to(sub);
  sub->add_option("URL", a->urls, "short links, or - for one per line on standard input")->required();
  return {sub, [a, &g] { return run_resolve(*a, *g.log); }};
}

} // namespace tweetcheck::cli
