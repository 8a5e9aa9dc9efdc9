#pragma once
/// A key/value cache with expiry, shared by the resolve and verify stages (and by several
/// tweetcheck processes at once).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/result.hpp"

namespace tweetcheck {

class Cache {
public:
  virtual ~Cache() = default;
  /// The value stored under `key` if it has not expired: a hit, a miss (nullopt) or an error.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  /// Stores `value` for `ttl`. Transient failures must never be stored (the callers' rule).
  virtual Result<void> put(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;

  // A cache shared by many processes (PostgreSQL) also hands out claims, so that one process of
  // the fleet fetches each key and the others wait for its answer. The defaults: no sharing.

  /// Claims `keys` (misses about to be fetched): returns those this process should fetch now;
  /// the others are being fetched elsewhere (or were answered transiently): ask await() for them.
  virtual std::vector<std::string> claim(const std::vector<std::string>& keys) { return keys; }
  /// Waits (at most the claim timeout) for the answers of keys claimed elsewhere: key → value
  /// (what put() or put_transient() stored); a key missing from the answer was left unanswered.
  virtual std::map<std::string, std::string> await(const std::vector<std::string>& keys) {
    (void)keys;
    return {};
  }
  /// Shares a transient answer (a 503, a malformed body) with the other processes for a while
  /// (PostgresCacheOptions::transient_ttl), and ends the claim on it; get() never returns it.
  virtual void put_transient(std::string_view key, std::string_view value) {
    (void)key;
    (void)value;
  }
};

/// Opens (creating it and its folder if needed) the SQLite cache at `path`, in WAL mode with a
/// busy timeout so that concurrent processes can share it. A corrupt file or one of another
/// schema version is rebuilt; what happened is added to `warnings`. Fails (Errc::database)
/// only when no usable cache can be made at that path. ":memory:" gives a private in-memory cache.
/// With `max_age`, an entry stored longer ago than that is a miss (and is replaced by the next put).
Result<std::unique_ptr<Cache>> open_sqlite_cache(const std::string& path, std::vector<std::string>* warnings,
                                                 std::optional<std::chrono::seconds> max_age = std::nullopt);

/// What a cache file holds (`tweetcheck cache stats`).
struct CacheStats {
  std::string path;
  bool exists = false;          ///< false: no cache at that path yet (everything else is 0)
  std::uint64_t size_bytes = 0; ///< on disk: the file and its -wal and -shm files
  std::int64_t entries = 0;
  std::int64_t expired = 0; ///< past their TTL (never answered; removed by clear_sqlite_cache)
  /// Entries per kind: "responses" (sources' answers), "resolutions" (short links), "other".
  std::map<std::string, std::int64_t> kinds;
  /// Per kind, entries per outcome: the HTTP status of a response ("200", "404"), the status of a
  /// resolution ("resolved", "dead").
  std::map<std::string, std::map<std::string, std::int64_t>> outcomes;
  std::optional<std::int64_t> oldest, newest; ///< when entries were stored (Unix seconds)
};

/// Reads the statistics of the cache at `path` without creating it. Fails (Errc::database) when
/// the file is not a tweetcheck cache of this version.
Result<CacheStats> sqlite_cache_stats(const std::string& path);

/// Removes the expired entries (`expired_only`) or all of them; gives how many were removed per
/// kind (as in CacheStats::kinds). A cache that does not exist has nothing to remove.
Result<std::map<std::string, std::int64_t>> clear_sqlite_cache(const std::string& path, bool expired_only);

/// Rebuilds the cache file to give back the space of removed entries (SQLite's VACUUM).
struct VacuumResult {
  std::uint64_t before = 0, after = 0; ///< size on disk, as in CacheStats::size_bytes
};
Result<VacuumResult> vacuum_sqlite_cache(const std::string& path);

/// How a cache in PostgreSQL shares its keys.
struct PostgresCacheOptions {
  /// A process's claim on a key it is fetching expires after this (then another may fetch it).
  std::chrono::seconds claim_timeout{60};
  /// How long a shared transient answer (a 503, a malformed body) stands in for asking again:
  /// long enough that a fleet asks a post that always answers badly about once, short enough
  /// that a later run asks again.
  std::chrono::seconds transient_ttl{600};
  /// As open_sqlite_cache's `max_age`: an entry stored longer ago than that is a miss.
  std::optional<std::chrono::seconds> max_age;
};

/// Opens the cache in the PostgreSQL database `url` (postgresql://…), creating its table if
/// needed: shared by every process that opens it, with claims per key. A lost connection (the
/// server restarted) is made again; while the server cannot be reached, gets are misses and
/// claims are granted (a key may then be fetched twice, never lost).
Result<std::unique_ptr<Cache>> open_postgres_cache(const std::string& url, const PostgresCacheOptions& options = {});

/// The default cache path: $XDG_CACHE_HOME/tweetcheck/cache.sqlite, else ~/.cache/tweetcheck/….
std::string default_cache_path();

} // namespace tweetcheck
