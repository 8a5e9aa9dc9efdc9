#pragma once
// A thin layer over libpq (private): a connection that runs parameterised SQL and gives a result
// or an Error; every value crosses as text. No ORM.
#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/handles.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck::detail {

/// Taken (for the transaction) by whatever creates or migrates tables, so that processes starting
/// together take turns: the coordinator's schema and the shared cache's table.
inline constexpr const char* k_pg_schema_lock = "SELECT pg_advisory_xact_lock(7245014)";

/// A parameter: text, or SQL NULL.
using PgParam = std::optional<std::string>;

class Pg {
public:
  /// Connects to `url` (postgresql://… or a libpq connection string; TCP keepalives and
  /// tcp_user_timeout default to about a minute). Fails (Errc::database) with libpq's message, the password
  /// left out.
  /// `connect_timeout_s`: the default (a URL's connect_timeout wins), shorter for callers on a
  /// hot path.
  static Result<Pg> connect(const std::string& url, int connect_timeout_s = 10);

  /// Runs one statement with $1, $2, … bound to `params`. Fails on any error status. A statement
  /// outside a transaction whose connection was lost (the server restarted) is sent once more on
  /// a new connection (so a statement whose answer was lost may run twice: statements sent this
  /// way are written to be idempotent); inside a transaction the error stands (the caller rolls
  /// back and retries the whole transaction). While the server stays away, a new connection is
  /// tried at most every 0.5–5 s; statements in between fail at once.
  Result<PgResult> exec(const std::string& sql, const std::vector<PgParam>& params = {});
  /// Runs statements without parameters (several, separated by ';'), reconnecting as exec does.
  Result<void> run(const std::string& sql);
  /// Rolls back (after a failure inside a transaction); errors are ignored.
  void rollback();

  /// Runs `body` (returning Result<T>) between `begin` and COMMIT; rolls back when it fails.
  template <class Body>
  auto transaction(Body&& body, const char* begin = "BEGIN") -> std::invoke_result_t<Body&> {
    if (auto r = run(begin); !r) return tl::unexpected(r.error());
    m_in_transaction = true;
    auto out = body();
    m_in_transaction = false;
    if (!out) {
      rollback();
      return out;
    }
    if (auto r = run("COMMIT"); !r) return tl::unexpected(r.error());
    return out;
  }

  /// Whether the connection is up (false after the server went away).
  bool connected() const;
  /// Reconnects until the server answers or `window` has passed (backing off from 100 ms to 2 s).
  bool reconnect(std::chrono::milliseconds window);

  PGconn* get() const { return m_conn.get(); }

private:
  /// Whether no transaction is open on the connection.
  bool outside_transaction() const;
  /// Whether a statement that failed while no transaction was open may be sent again.
  bool retry_after_loss(bool was_idle);

  bool m_in_transaction = false;
  /// The circuit breaker of retry_after_loss: no new attempt before m_next_attempt.
  std::chrono::steady_clock::time_point m_next_attempt{};
  std::chrono::milliseconds m_pause{0};

  std::string m_url;
  PgConn m_conn;
};

/// The text of row `r`, column `c` ("" when NULL).
std::string pg_text(const PgResult& res, int r, int c);
/// Whether row `r`, column `c` is NULL.
bool pg_null(const PgResult& res, int r, int c);
/// The URL without its password (for messages).
std::string pg_redacted(const std::string& url);
/// A PostgreSQL text[] literal of `items` (for `unnest($1::text[])`).
std::string pg_array(const std::vector<std::string>& items);
/// This process as the coordinator records it: "host:pid".
std::string pg_process_name();

} // namespace tweetcheck::detail
