// `tweetcheck cache stats|clear|vacuum`: what the cache holds, removing entries, giving back the
// space. The cache is the one check, resolve and audit use (--cache, [cache] path, the default).
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "network_options.hpp"
#include "progress.hpp"
#include "tweetcheck/cache.hpp"

namespace tweetcheck::cli {
namespace {

struct CacheArgs {
  std::string format = "text";
  bool expired = false, all = false;
  NetworkArgs net;
};

/// "12.5 KiB (12800 bytes)".
std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return format_bytes(bytes);
  return format_bytes(bytes) + " (" + std::to_string(bytes) + " bytes)";
}

std::string iso_time(std::int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// "12 responses, 3 resolutions" (or "nothing").
std::string kinds_text(const std::map<std::string, std::int64_t>& kinds) {
  std::string out;
  for (const auto& [kind, n] : kinds) {
    if (n == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  }
  return out.empty() ? "nothing" : out;
}

/// The cache path of the settings (--cache, $TWEETCHECK_CACHE_PATH, [cache] path, the default).
Result<std::string> cache_path(const CacheArgs& a) {
  auto s = a.net.settings();
  if (!s) return tl::unexpected(s.error());
  return s->cache_path;
}

int run_stats(const CacheArgs& a, spdlog::logger& log) {
  auto path = cache_path(a);
  if (!path) return failed(log, path.error());
  auto st = sqlite_cache_stats(*path);
  if (!st) return failed(log, st.error());
  if (a.format == "json") {
    nlohmann::json kinds = nlohmann::json::object();
    for (const auto& [kind, n] : st->kinds) {
      kinds[kind] = {{"entries", n}, {"by_status", st->outcomes[kind]}};
    }
    nlohmann::json j{{"path", st->path},       {"exists", st->exists},   {"size_bytes", st->size_bytes},
                     {"entries", st->entries}, {"expired", st->expired}, {"kinds", kinds},
                     {"oldest", nullptr},      {"newest", nullptr}};
    if (st->oldest) j["oldest"] = iso_time(*st->oldest);
    if (st->newest) j["newest"] = iso_time(*st->newest);
    std::cout << j.dump(2) << "\n";
    return k_exit_ok;
  }
  std::cout << "cache: " << st->path << (st->exists ? "" : " (does not exist yet)") << "\n"
            << "size on disk: " << size_text(st->size_bytes) << "\n"
            << "entries: " << st->entries << " (" << st->expired << " expired)\n";
  for (const auto& [kind, n] : st->kinds) {
    std::cout << "  " << kind << ": " << n;
    std::string by;
    for (const auto& [outcome, m] : st->outcomes[kind])
      by += (by.empty() ? "" : ", ") + outcome + ": " + std::to_string(m);
    std::cout << " (" << by << ")\n";
  }
  if (st->oldest) std::cout << "oldest: " << iso_time(*st->oldest) << "\n";
  if (st->newest) std::cout << "newest: " << iso_time(*st->newest) << "\n";
  return k_exit_ok;
}

int run_clear(const CacheArgs& a, spdlog::logger& log) {
  auto path = cache_path(a);
  if (!path) return failed(log, path.error());
  auto removed = clear_sqlite_cache(*path, a.expired);
  if (!removed) return failed(log, removed.error());
  std::int64_t total = 0;
  for (const auto& [kind, n] : *removed) total += n;
  std::cout << "removed " << total << (a.expired ? " expired" : "") << (total == 1 ? " entry" : " entries");
  if (total) std::cout << " (" << kinds_text(*removed) << ")";
  std::cout << " from " << *path << "\n";
  return k_exit_ok;
}

int run_vacuum(const CacheArgs& a, spdlog::logger& log) {
  auto path = cache_path(a);
  if (!path) return failed(log, path.error());
  auto v = vacuum_sqlite_cache(*path);
  if (!v) return failed(log, v.error());
  std::cout << *path << ": " << size_text(v->before) << " before, " << size_text(v->after) << " after\n";
  return k_exit_ok;
}

} // namespace

Command add_cache_command(CLI::App& app, const Globals& g) {
  auto* sub = app.add_subcommand("cache", "show what the cache holds, clear it, or give back its space");
  sub->require_subcommand(1);
  auto a = std::make_shared<CacheArgs>();
  auto* stats = sub->add_subcommand("stats", "path, size, entries per kind and status, oldest and newest, expired");
  stats->add_option("--format", a->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  auto* clear = sub->add_subcommand("clear", "remove the cache's entries (all, or only the expired ones)");
  auto* expired = clear->add_flag("--expired", a->expired, "remove only the entries past their TTL");
  auto* all = clear->add_flag("--all", a->all, "remove every entry (the default)");
  expired->excludes(all);
  auto* vacuum = sub->add_subcommand("vacuum", "rebuild the file to give back the space of removed entries");
  for (CLI::App* leaf : {stats, clear, vacuum}) a->net.add_cache_path_to(leaf);
  return {sub, [a, &g, stats, clear] {
            if (stats->parsed()) return run_stats(*a, *g.log);
            if (clear->parsed()) return run_clear(*a, *g.log);
            return run_vacuum(*a, *g.log);
          }};
}

} // namespace tweetcheck::cli
