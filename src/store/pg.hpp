#pragma once
// A thin layer over libpq (private): a connection that runs parameterised SQL and gives a result
// or an Error; every value crosses as text. No ORM.
#include <optional>
#include <string>
#include <vector>

#include "core/handles.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck::detail {

/// A parameter: text, or SQL NULL.
using PgParam = std::optional<std::string>;

class Pg {
public:
  /// Connects to `url` (postgresql://… or a libpq connection string). Fails (Errc::database)
  /// with libpq's message, the password left out.
  static Result<Pg> connect(const std::string& url);

  /// Runs one statement with $1, $2, … bound to `params`. Fails on any error status.
  Result<PgResult> exec(const std::string& sql, const std::vector<PgParam>& params = {});
  /// Runs statements without parameters (several, separated by ';').
  Result<void> run(const std::string& sql);
  /// Rolls back (after a failure inside a transaction); errors are ignored.
  void rollback();
  /// Whether the connection is still up; reconnects once when it is not.
  bool ensure();

  PGconn* get() const { return m_conn.get(); }

private:
  std::string m_url;
  PgConn m_conn;
};

/// The text of row `r`, column `c` ("" when NULL).
std::string pg_text(const PgResult& res, int r, int c);
/// Whether row `r`, column `c` is NULL.
bool pg_null(const PgResult& res, int r, int c);
/// The URL without its password (for messages).
std::string pg_redacted(const std::string& url);

} // namespace tweetcheck::detail
