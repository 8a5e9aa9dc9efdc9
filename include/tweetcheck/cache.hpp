#pragma once
/// A key/value cache with expiry, shared by the resolve and verify stages (and by several
/// tweetcheck processes at once).

#include <chrono>
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
};

/// Opens (creating it and its folder if needed) the SQLite cache at `path`, in WAL mode with a
/// busy timeout so that concurrent processes can share it. A corrupt file or one of another
/// schema version is rebuilt; what happened is added to `warnings`. Fails (Errc::database)
/// only when no usable cache can be made at that path. ":memory:" gives a private in-memory cache.
Result<std::unique_ptr<Cache>> open_sqlite_cache(const std::string& path, std::vector<std::string>* warnings);

/// The default cache path: $XDG_CACHE_HOME/tweetcheck/cache.sqlite, else ~/.cache/tweetcheck/….
std::string default_cache_path();

} // namespace tweetcheck
