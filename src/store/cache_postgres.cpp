// The cache in PostgreSQL, shared by a fleet: entries with expiry, claims per key (one process
// fetches, the others wait for its answer), and transient answers shared for a while.
#include <mutex>
#include <thread>

#include "store/pg.hpp"
#include "tweetcheck/cache.hpp"

namespace tweetcheck {

namespace {

using detail::Pg;
using detail::pg_text;

constexpr const char* k_table = "CREATE TABLE IF NOT EXISTS fleet_cache(key text PRIMARY KEY, value text, "
                                "transient boolean NOT NULL DEFAULT false, expires timestamptz, claimed_by text, "
                                "claim_until timestamptz, stored timestamptz)";
/// Tables made before entries recorded when they were stored.
constexpr const char* k_add_stored = "ALTER TABLE fleet_cache ADD COLUMN IF NOT EXISTS stored timestamptz";


class PostgresCache final : public Cache {
public:
  PostgresCache(Pg pg, const PostgresCacheOptions& o)
      : m_pg(std::move(pg)), m_options(o), m_claim_s(std::to_string(o.claim_timeout.count())),
        m_transient_s(std::to_string(o.transient_ttl.count())),
        m_max_age_s(o.max_age ? std::to_string(o.max_age->count()) : std::string()), m_me(detail::pg_process_name()) {}

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto r = m_pg.exec("SELECT value FROM fleet_cache WHERE key = $1 AND NOT transient AND value IS NOT NULL AND "
                       "expires > now() AND ($2::double precision IS NULL OR "
                       "coalesce(stored, '-infinity') > now() - make_interval(secs => $2::double precision))",
                       {std::string(key), m_max_age_s.empty() ? detail::PgParam() : detail::PgParam(m_max_age_s)});
    // The server cannot be reached (Pg made one attempt to reconnect): a miss, fetched anew.
    if (!r) return m_pg.connected() ? Result<std::optional<std::string>>(tl::unexpected(r.error()))
                                    : std::optional<std::string>();
    if (PQntuples(r->get()) == 0) return std::optional<std::string>();
    return std::optional<std::string>(pg_text(*r, 0, 0));
  }

  Result<void> put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto r = m_pg.exec("INSERT INTO fleet_cache(key, value, transient, expires, stored) VALUES($1, $2, false, now() + "
                       "make_interval(secs => $3), now()) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                       "transient = false, expires = excluded.expires, stored = excluded.stored, claimed_by = NULL, "
                       "claim_until = NULL",
                       {std::string(key), std::string(value), std::to_string(ttl.count())});
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  std::vector<std::string> claim(const std::vector<std::string>& keys) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (keys.empty()) return {};
    // A key is ours when nobody holds a live claim on it and it has no live answer.
    auto r = m_pg.exec(
        "INSERT INTO fleet_cache AS c(key, claimed_by, claim_until) "
        "SELECT k, $2, now() + make_interval(secs => $3) FROM unnest($1::text[]) AS k "
        "ON CONFLICT (key) DO UPDATE SET claimed_by = excluded.claimed_by, claim_until = excluded.claim_until "
        "WHERE (c.value IS NULL OR c.expires <= now() OR (NOT c.transient AND $4::double precision IS NOT NULL AND "
        "coalesce(c.stored, '-infinity') <= now() - make_interval(secs => $4::double precision))) "
        "AND (c.claim_until IS NULL OR c.claim_until <= now()) "
        "RETURNING key",
        {detail::pg_array(keys), m_me, m_claim_s, m_max_age_s.empty() ? detail::PgParam() : detail::PgParam(m_max_age_s)});
    if (!r) return keys; // the coordinator cannot say: fetch them (at worst twice)
    std::vector<std::string> mine;
    for (int i = 0; i < PQntuples(r->get()); ++i) mine.push_back(pg_text(*r, i, 0));
    return mine;
  }

  std::map<std::string, std::string> await(const std::vector<std::string>& keys) override {
    std::map<std::string, std::string> out;
    if (keys.empty()) return out;
    const auto deadline = std::chrono::steady_clock::now() + m_options.claim_timeout + std::chrono::seconds(1);
    std::vector<std::string> left = keys;
    while (!left.empty()) {
      std::vector<std::string> still;
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto r = m_pg.exec("SELECT k, c.value, c.value IS NOT NULL AND c.expires > now(), "
                           "c.claim_until IS NOT NULL AND c.claim_until > now() "
                           "FROM unnest($1::text[]) AS k LEFT JOIN fleet_cache c ON c.key = k",
                           {detail::pg_array(left)});
        if (!r) return out; // unanswered: the caller fetches them
        for (int i = 0; i < PQntuples(r->get()); ++i) {
          const std::string key = pg_text(*r, i, 0);
          if (pg_text(*r, i, 2) == "t") {
            out[key] = pg_text(*r, i, 1);
          } else if (pg_text(*r, i, 3) == "t") {
            still.push_back(key); // being fetched elsewhere
          }                       // else: the claim ended unanswered; the caller fetches it
        }
      }
      left = std::move(still);
      if (left.empty() || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  }

  void put_transient(std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    // Never over a definitive answer.
    (void)m_pg.exec("INSERT INTO fleet_cache AS c(key, value, transient, expires, stored) VALUES($1, $2, true, now() + "
                    "make_interval(secs => $3), now()) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                    "transient = true, expires = excluded.expires, stored = excluded.stored, claimed_by = NULL, "
                    "claim_until = NULL WHERE c.transient OR c.value IS NULL OR c.expires <= now()",
                    {std::string(key), std::string(value), m_transient_s});
  }

private:
  std::mutex m_mutex;
  Pg m_pg;
  PostgresCacheOptions m_options;
  std::string m_claim_s, m_transient_s, m_max_age_s, m_me;
};

} // namespace

Result<std::unique_ptr<Cache>> open_postgres_cache(const std::string& url, const PostgresCacheOptions& options) {
  auto pg = Pg::connect(url);
  if (!pg) return tl::unexpected(pg.error());
  // Processes starting together take turns creating the table.
  // Only when the table or its column is missing: the DDL would lock the table for everyone.
  auto have = pg->exec("SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND "
                       "table_name = 'fleet_cache' AND column_name = 'stored'");
  if (!have) return tl::unexpected(have.error());
  auto made = detail::pg_text(*have, 0, 0) == "1" ? Result<void>() : pg->transaction([&]() -> Result<void> {
    if (auto r = pg->run(detail::k_pg_schema_lock); !r) return r;
    if (auto r = pg->run(k_table); !r) return r;
    return pg->run(k_add_stored);
  });
  if (!made) return tl::unexpected(made.error());
  return std::unique_ptr<Cache>(std::make_unique<PostgresCache>(std::move(*pg), options));
}

} // namespace tweetcheck
