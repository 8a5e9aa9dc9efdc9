// The SQLite cache of answers (sources, short links) with TTLs and a versioned schema, shared by runs.
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <thread>

#include <sqlite3.h>

#include "core/handles.hpp"
#include "tweetcheck/cache.hpp"

namespace tweetcheck {

namespace {

constexpr int k_schema_version = 1;

using DbPtr = detail::SqliteDb;
using StmtPtr = detail::SqliteStmt;

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Error db_error(sqlite3* db, const std::string& what) {
  return Error{Errc::database, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory")};
}

class SqliteCache final : public Cache {
public:
  SqliteCache(DbPtr db, std::optional<std::chrono::seconds> max_age) : m_db(std::move(db)), m_max_age(max_age) {}

  Result<void> prepare() {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), "SELECT value FROM entries WHERE key = ?1 AND expires > ?2 AND stored > ?3", -1,
                           &s, nullptr) != SQLITE_OK) {
      return tl::unexpected(db_error(m_db.get(), "cannot prepare the cache"));
    }
    m_get.reset(s);
    if (sqlite3_prepare_v2(m_db.get(),
                           "INSERT INTO entries(key, value, stored, expires) VALUES(?1, ?2, ?3, ?4) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value, stored = excluded.stored, "
                           "expires = excluded.expires",
                           -1, &s, nullptr) != SQLITE_OK) {
      return tl::unexpected(db_error(m_db.get(), "cannot prepare the cache"));
    }
    m_put.reset(s);
    return {};
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    sqlite3_stmt* s = m_get.get();
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    const std::int64_t now = now_s();
    sqlite3_bind_int64(s, 2, now);
    // --max-cache-age: an answer stored max_age or longer ago is not used (0: none is).
    sqlite3_bind_int64(s, 3, m_max_age ? now - m_max_age->count() : std::numeric_limits<std::int64_t>::min());
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      std::string value(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
      sqlite3_reset(s);
      return std::optional<std::string>(std::move(value));
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return tl::unexpected(db_error(m_db.get(), "cache read failed"));
  }

  Result<void> put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    sqlite3_stmt* s = m_put.get();
    sqlite3_reset(s);
    const std::int64_t now = now_s();
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, now + ttl.count());
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return tl::unexpected(db_error(m_db.get(), "cache write failed"));
    return {};
  }

private:
  DbPtr m_db;
  std::optional<std::chrono::seconds> m_max_age;
  StmtPtr m_get, m_put;
};

/// Why opening failed: only a damaged file (or another schema) may be rebuilt; a database that
/// another process holds is waited for, never deleted.
enum class OpenProblem { none, busy, damaged, other };

OpenProblem classify(int rc) {
  switch (rc & 0xFF) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return OpenProblem::busy;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB: return OpenProblem::damaged;
  default: return OpenProblem::other;
  }
}

/// Runs SQL, retrying for up to 10 s while another process holds a lock (busy_timeout does not
/// cover every statement, e.g. switching to WAL).
Result<void> exec(sqlite3* db, const char* sql, OpenProblem* problem = nullptr) {
  for (int attempt = 0;; ++attempt) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return {};
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    const OpenProblem kind = classify(rc);
    if (kind == OpenProblem::busy && attempt < 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (problem) *problem = kind;
    return fail(Errc::database, msg);
  }
}

Result<int> user_version(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK) {
    return tl::unexpected(db_error(db, "cannot read the cache version"));
  }
  StmtPtr s(raw);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return tl::unexpected(db_error(db, "cannot read the cache version"));
  return sqlite3_column_int(s.get(), 0);
}

/// Opens and checks the file; fails when it is not a usable cache of this schema (`problem` tells
/// whether rebuilding it is right).
Result<DbPtr> open_checked(const std::string& path, bool* wrong_version, OpenProblem* problem) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return tl::unexpected(db_error(db.get(), "cannot open cache '" + path + "'"));
  sqlite3_busy_timeout(db.get(), 10000); // other tweetcheck processes may be writing
  if (auto r = exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", problem); !r)
    return tl::unexpected(r.error());
  auto version = user_version(db.get());
  if (!version) {
    *problem = OpenProblem::damaged;
    return tl::unexpected(version.error());
  }
  if (*version == 0) {
    // New file (or one that was never ours): create the schema in one transaction, so that a
    // concurrent process sees either nothing or all of it.
    auto r = exec(db.get(),
                  "BEGIN IMMEDIATE;"
                  "CREATE TABLE IF NOT EXISTS entries(key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                  " stored INTEGER NOT NULL, expires INTEGER NOT NULL);"
                  "CREATE INDEX IF NOT EXISTS entries_expires ON entries(expires);"
                  "PRAGMA user_version = 1;"
                  "COMMIT;",
                  problem);
    if (!r) return tl::unexpected(r.error());
  } else if (*version != k_schema_version) {
    *wrong_version = true;
    return fail(Errc::database, "cache '" + path + "' has schema version " + std::to_string(*version));
  }
  if (auto r = exec(db.get(), "SELECT count(*) FROM entries WHERE 0", problem); !r) return tl::unexpected(r.error());
  return db;
}

} // namespace

std::string default_cache_path() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/tweetcheck/cache.sqlite";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/tweetcheck/cache.sqlite";
  return ".tweetcheck-cache.sqlite";
}

Result<std::unique_ptr<Cache>> open_sqlite_cache(const std::string& path, std::vector<std::string>* warnings,
                                                 std::optional<std::chrono::seconds> max_age) {
  if (path != ":memory:") {
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  bool wrong_version = false;
  OpenProblem problem = OpenProblem::none;
  auto db = open_checked(path, &wrong_version, &problem);
  if (!db && path != ":memory:" && (wrong_version || problem == OpenProblem::damaged)) {
    // A stale cache is never fatal: start over (as ninja does with an old build log).
    if (warnings) {
      warnings->push_back(wrong_version
                              ? db.error().message + "; rebuilding it"
                              : "cache '" + path + "' is unusable (" + db.error().message + "); rebuilding it");
    }
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    wrong_version = false;
    db = open_checked(path, &wrong_version, &problem);
  }
  if (!db) return tl::unexpected(db.error());
  auto cache = std::make_unique<SqliteCache>(std::move(*db), max_age);
  if (auto r = cache->prepare(); !r) return tl::unexpected(r.error());
  return std::unique_ptr<Cache>(std::move(cache));
}

namespace {

std::uint64_t size_on_disk(const std::string& path) {
  std::uint64_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

/// The kind of an entry, from its key's prefix (the stages' cache_key()s).
constexpr const char* k_kind_sql = "CASE WHEN key LIKE 'http/1 GET %' THEN 'responses' "
                                   "WHEN key LIKE 'resolve/1 %' THEN 'resolutions' ELSE 'other' END";

/// Opens an existing cache for maintenance: never creates one, never rebuilds a damaged one.
/// Null when there is no file at `path`.
Result<DbPtr> open_existing(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return DbPtr();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return tl::unexpected(db_error(db.get(), "cannot open cache '" + path + "'"));
  sqlite3_busy_timeout(db.get(), 10000);
  auto version = user_version(db.get());
  if (!version) return tl::unexpected(db_error(db.get(), "'" + path + "' is not a tweetcheck cache"));
  if (*version != k_schema_version) {
    return fail(Errc::database, "cache '" + path + "' has schema version " + std::to_string(*version) +
                                    " (this tweetcheck uses " + std::to_string(k_schema_version) + ")");
  }
  return db;
}

/// Runs `sql` with `bind` applied, calling `row` for each row.
template <class Bind, class Row>
Result<void> query(sqlite3* db, const char* sql, Bind bind, Row row) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return tl::unexpected(db_error(db, "cannot read the cache"));
  }
  StmtPtr s(raw);
  bind(s.get());
  for (;;) {
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return tl::unexpected(db_error(db, "cannot read the cache"));
    row(s.get());
  }
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

} // namespace

Result<CacheStats> sqlite_cache_stats(const std::string& path) {
  CacheStats st;
  st.path = path;
  auto db = open_existing(path);
  if (!db) return tl::unexpected(db.error());
  if (!*db) return st;
  st.exists = true;
  const std::int64_t now = now_s();
  auto none = [](sqlite3_stmt*) {};
  auto r = query(
      db->get(), "SELECT count(*), coalesce(sum(expires <= ?1), 0), min(stored), max(stored) FROM entries",
      [&](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, now); },
      [&](sqlite3_stmt* s) {
        st.entries = sqlite3_column_int64(s, 0);
        st.expired = sqlite3_column_int64(s, 1);
        if (sqlite3_column_type(s, 2) != SQLITE_NULL) st.oldest = sqlite3_column_int64(s, 2);
        if (sqlite3_column_type(s, 3) != SQLITE_NULL) st.newest = sqlite3_column_int64(s, 3);
      });
  if (!r) return tl::unexpected(r.error());
  // The outcome is the "status" member of the stored JSON (a number for responses, a word for
  // resolutions); an entry that is not JSON counts as "unknown".
  const std::string sql = std::string("SELECT ") + k_kind_sql +
                          ", CASE WHEN json_valid(value) THEN json_extract(value, '$.status') END, count(*) "
                          "FROM entries GROUP BY 1, 2";
  r = query(db->get(), sql.c_str(), none, [&](sqlite3_stmt* s) {
    const std::string kind = column_text(s, 0);
    std::string outcome = sqlite3_column_type(s, 1) == SQLITE_NULL ? "unknown" : column_text(s, 1);
    const std::int64_t n = sqlite3_column_int64(s, 2);
    st.kinds[kind] += n;
    st.outcomes[kind][outcome] += n;
  });
  if (!r) return tl::unexpected(r.error());
  db->reset(); // closed first: an open connection's -shm file is not the cache's size
  st.size_bytes = size_on_disk(path);
  return st;
}

Result<std::map<std::string, std::int64_t>> clear_sqlite_cache(const std::string& path, bool expired_only) {
  std::map<std::string, std::int64_t> removed;
  auto db = open_existing(path);
  if (!db) return tl::unexpected(db.error());
  if (!*db) return removed;
  if (auto r = exec(db->get(), "BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
  const std::int64_t now = now_s();
  const std::string where = expired_only ? " WHERE expires <= ?1" : "";
  const std::string count = std::string("SELECT ") + k_kind_sql + ", count(*) FROM entries" + where + " GROUP BY 1";
  auto bind = [&](sqlite3_stmt* s) {
    if (expired_only) sqlite3_bind_int64(s, 1, now);
  };
  auto r = query(db->get(), count.c_str(), bind,
                 [&](sqlite3_stmt* s) { removed[column_text(s, 0)] = sqlite3_column_int64(s, 1); });
  if (r) r = query(db->get(), ("DELETE FROM entries" + where).c_str(), bind, [](sqlite3_stmt*) {});
  if (r) r = exec(db->get(), "COMMIT");
  if (!r) {
    (void)exec(db->get(), "ROLLBACK");
    return tl::unexpected(r.error());
  }
  return removed;
}

Result<VacuumResult> vacuum_sqlite_cache(const std::string& path) {
  VacuumResult v;
  v.before = size_on_disk(path);
  {
    auto db = open_existing(path);
    if (!db) return tl::unexpected(db.error());
    if (!*db) return v;
    if (auto r = exec(db->get(), "VACUUM"); !r) return tl::unexpected(r.error());
    // The rebuilt pages are in the WAL until a checkpoint copies them back and truncates it.
    if (auto r = exec(db->get(), "PRAGMA wal_checkpoint(TRUNCATE)"); !r) return tl::unexpected(r.error());
  } // closed: the last connection removes the -wal and -shm files
  v.after = size_on_disk(path);
  return v;
}

} // namespace tweetcheck
