// The cache in PostgreSQL, shared by a fleet: entries with expiry, claims per key (one process
// fetches, the others wait for its answer), and transient answers shared for the audit's life.
#include <mutex>
#include <thread>
#include <unistd.h>

#include "store/pg.hpp"
#include "tweetcheck/cache.hpp"

namespace tweetcheck {

namespace {

using detail::Pg;
using detail::pg_text;

/// How long a shared transient answer stands in for asking again.
constexpr const char* k_transient_ttl_s = "3600";

constexpr const char* k_table = "CREATE TABLE IF NOT EXISTS fleet_cache(key text PRIMARY KEY, value text, "
                                "transient boolean NOT NULL DEFAULT false, expires timestamptz, claimed_by text, "
                                "claim_until timestamptz)";

/// A PostgreSQL text[] literal.
std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

class PostgresCache final : public Cache {
public:
  PostgresCache(Pg pg, std::chrono::seconds claim_timeout)
      : m_pg(std::move(pg)), m_claim_timeout(claim_timeout), m_claim_s(std::to_string(claim_timeout.count())) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    m_me = std::string(host) + ":" + std::to_string(::getpid());
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto r = m_pg.exec("SELECT value FROM fleet_cache WHERE key = $1 AND NOT transient AND value IS NOT NULL AND "
                       "expires > now()",
                       {std::string(key)});
    if (!r) return retry_once(r.error());
    if (PQntuples(r->get()) == 0) return std::optional<std::string>();
    return std::optional<std::string>(pg_text(*r, 0, 0));
  }

  Result<void> put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto r = m_pg.exec("INSERT INTO fleet_cache(key, value, transient, expires) VALUES($1, $2, false, now() + "
                       "make_interval(secs => $3)) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                       "transient = false, expires = excluded.expires, claimed_by = NULL, claim_until = NULL",
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
        "WHERE (c.value IS NULL OR c.expires <= now()) AND (c.claim_until IS NULL OR c.claim_until <= now()) "
        "RETURNING key",
        {array_literal(keys), m_me, m_claim_s});
    if (!r) return keys; // the coordinator cannot say: fetch them (at worst twice)
    std::vector<std::string> mine;
    for (int i = 0; i < PQntuples(r->get()); ++i) mine.push_back(pg_text(*r, i, 0));
    return mine;
  }

  std::map<std::string, std::string> await(const std::vector<std::string>& keys) override {
    std::map<std::string, std::string> out;
    if (keys.empty()) return out;
    const auto deadline = std::chrono::steady_clock::now() + m_claim_timeout + std::chrono::seconds(1);
    std::vector<std::string> left = keys;
    while (!left.empty()) {
      std::vector<std::string> still;
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto r = m_pg.exec("SELECT k, c.value, c.value IS NOT NULL AND c.expires > now(), "
                           "c.claim_until IS NOT NULL AND c.claim_until > now() "
                           "FROM unnest($1::text[]) AS k LEFT JOIN fleet_cache c ON c.key = k",
                           {array_literal(left)});
        if (!r) return out;
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
    (void)m_pg.exec("INSERT INTO fleet_cache AS c(key, value, transient, expires) VALUES($1, $2, true, now() + "
                    "make_interval(secs => $3)) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                    "transient = true, expires = excluded.expires, claimed_by = NULL, claim_until = NULL "
                    "WHERE c.transient OR c.value IS NULL OR c.expires <= now()",
                    {std::string(key), std::string(value), k_transient_ttl_s});
  }

private:
  /// A lost connection (the server restarted) is tried again once; otherwise the error stands.
  Result<std::optional<std::string>> retry_once(const Error& e) {
    if (m_pg.ensure()) return std::optional<std::string>();
    return tl::unexpected(e);
  }

  std::mutex m_mutex;
  Pg m_pg;
  std::chrono::seconds m_claim_timeout;
  std::string m_claim_s, m_me;
};

} // namespace

Result<std::unique_ptr<Cache>> open_postgres_cache(const std::string& url, std::chrono::seconds claim_timeout) {
  auto pg = Pg::connect(url);
  if (!pg) return tl::unexpected(pg.error());
  // Processes starting together take turns creating the table.
  if (auto r = pg->run(std::string("BEGIN; SELECT pg_advisory_xact_lock(7245014); ") + k_table + "; COMMIT"); !r) {
    pg->rollback();
    return tl::unexpected(r.error());
  }
  return std::unique_ptr<Cache>(std::make_unique<PostgresCache>(std::move(*pg), claim_timeout));
}

} // namespace tweetcheck
