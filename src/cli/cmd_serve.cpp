// `tweetcheck serve`: the desk page and the HTTP API. The options are `check`'s (sources, archive,
// network, cache) plus the server's own; each check is the library's run_check (an article URL)
// or run_check_documents (a pasted page), with its own HTTP client and cache connection.
#include <chrono>
#include <fstream>
#include <iterator>

#include "cli.hpp"
#include "network_options.hpp"
#include "serve/desk.hpp"
#include "tweetcheck/pipeline.hpp"

namespace tweetcheck::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080", token_file, sources, archive;
  std::size_t max_body_mib = 16, max_input_mib = k_default_max_input_bytes >> 20;
  double request_timeout = 120;
  unsigned max_concurrent = 4, queue = 16;
  NetworkArgs net;
};

/// "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback).
Result<std::pair<std::string, int>> parse_listen(const std::string& spec) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos) return fail(Errc::usage, "--listen wants HOST:PORT, got '" + spec + "'");
  std::string host = spec.substr(0, colon);
  const std::string port = spec.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return fail(Errc::usage, "--listen wants a port from 0 to 65535, got '" + port + "'");
  }
  return std::pair{host, std::stoi(port)};
}

/// The token: the file's first line, without its line break; at least 16 characters.
Result<std::string> read_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::config, "cannot read --token-file '" + path + "'");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < 16) return fail(Errc::config, "the token in '" + path + "' is shorter than 16 characters");
  return token;
}

int run_serve(const ServeArgs& a, const Globals& g) {
  spdlog::logger& log = *g.log;
  auto listen = parse_listen(a.listen);
  if (!listen) return failed(log, listen.error());
  serve::ServeOptions so;
  so.host = listen->first;
  so.port = listen->second;
  if (!a.token_file.empty()) {
    auto token = read_token(a.token_file);
    if (!token) return failed(log, token.error());
    so.token = *token;
  }
  if (so.token.empty() && !serve::is_loopback_host(so.host)) {
    return failed(log, Error{Errc::usage, "listening on " + so.host +
                                              " (not loopback) needs --token-file: every request must then carry "
                                              "the bearer token"});
  }
  if (a.max_concurrent == 0) return failed(log, Error{Errc::usage, "--max-concurrent must be at least 1"});
  auto timeout_ms = seconds_to_ms(a.request_timeout, "--request-timeout");
  if (!timeout_ms) return failed(log, timeout_ms.error());
  if (a.request_timeout <= 0) return failed(log, Error{Errc::usage, "--request-timeout must be more than 0"});
  so.request_timeout = std::chrono::milliseconds(*timeout_ms);
  so.max_body = a.max_body_mib << 20;
  so.max_concurrent = a.max_concurrent;
  so.queue = a.queue;
  // Everything a check needs is read once here, so that a bad option fails at start.
  auto settings = a.net.settings();
  if (!settings) return failed(log, settings.error());
  if (auto v = make_verify_options(a.sources, a.archive, a.net.offline, a.net.meta_token); !v)
    return failed(log, v.error());
  // Kept results live in the cache database (in memory with --no-cache).
  std::vector<std::string> warnings;
  auto results = open_sqlite_cache(a.net.no_cache ? ":memory:" : settings->cache_path, &warnings);
  for (const auto& w : warnings) log.warn("{}", w);
  if (!results) return failed(log, results.error());

  const serve::Checker checker =
      [&a, &log,
       settings = *settings](const serve::CheckRequest& req,
                             const std::function<void(const CheckedPost&)>& on_post) -> Result<serve::CheckOutcome> {
    auto verify =
        make_verify_options(req.sources.empty() ? a.sources : req.sources, a.archive, a.net.offline, a.net.meta_token);
    if (!verify) return tl::unexpected(verify.error());
    // Each check its own connection to the cache and its own client (the same settings).
    auto cache = open_cache(a.net, settings, log);
    if (!cache) return tl::unexpected(cache.error());
    auto client = make_curl_client(settings.http);
    if (!client) return tl::unexpected(client.error());
    serve::CheckOutcome outcome;
    CheckOptions options;
    options.verify = std::move(*verify);
    options.verify.memo = std::make_shared<ResponseMemo>();
    options.max_input_bytes = a.max_input_mib << 20;
    options.on_post = on_post;
    // Time in each stage: from its progress call to the next one (or the end of the check).
    std::string stage;
    auto since = std::chrono::steady_clock::now();
    const auto close_stage = [&] {
      const auto now = std::chrono::steady_clock::now();
      if (!stage.empty()) outcome.stage_seconds[stage] += std::chrono::duration<double>(now - since).count();
      since = now;
    };
    options.verify.progress = [&](std::string_view name, std::size_t) {
      close_stage();
      stage = std::string(name);
    };
    HttpClient* online = a.net.offline ? nullptr : client->get();
    const auto on_document = [&](CheckedDocument&& doc) {
      close_stage();
      stage.clear();
      outcome.posts.insert(outcome.posts.end(), std::make_move_iterator(doc.posts.begin()),
                           std::make_move_iterator(doc.posts.end()));
    };
    const auto on_error = [&](const Error& e) { outcome.errors.push_back(e.message); };
    if (!req.url.empty()) {
      run_check({req.url}, options, online, cache->get(), on_document, on_error);
    } else {
      run_check_documents({req.document}, options, online, cache->get(), on_document, on_error);
    }
    outcome.http = (*client)->stats();
    return outcome;
  };
  if (auto r = serve::run_server(so, checker, std::move(*results), log); !r) return failed(log, r.error());
  return k_exit_ok;
}

} // namespace

Command add_serve_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("serve", "the fact-checking desk: a page and an HTTP API over check");
  auto a = std::make_shared<ServeArgs>();
  sub->add_option("--listen", a->listen, "HOST:PORT to listen on (not loopback: needs --token-file)")
      ->capture_default_str();
  sub->add_option("--token-file", a->token_file, "file whose first line is the bearer token every request must carry");
  sub->add_option("--max-body", a->max_body_mib, "largest request body, MiB (413 above it)")->capture_default_str();
  sub->add_option("--request-timeout", a->request_timeout, "seconds a check may take (504 after it)")
      ->capture_default_str();
  sub->add_option("--max-concurrent", a->max_concurrent, "checks running at once")->capture_default_str();
  sub->add_option("--queue", a->queue, "checks waiting for a turn (503 with Retry-After beyond)")
      ->capture_default_str();
  std::string order;
  for (const std::string& s : default_sources()) order += (order.empty() ? "" : ",") + s;
  sub->add_option("--sources", a->sources, "sources in the order tried (default " + order + ")");
  sub->add_option("--archive", a->archive, "local archive: JSONL of syndication/API v2 objects, or tweets.js");
  add_max_input_size(sub, a->max_input_mib, "pasted or fetched article");
  a->net.add_to(sub);
  return {sub, [a, &g] { return run_serve(*a, g); }};
}

} // namespace tweetcheck::cli
