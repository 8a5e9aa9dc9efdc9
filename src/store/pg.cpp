// libpq behind Result: connections, parameterised statements, their results as text.
#include "store/pg.hpp"

#include <regex>
#include <thread>
#include <unistd.h>

#include "core/text_util.hpp"

namespace tweetcheck::detail {

std::string pg_redacted(const std::string& url) {
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]*:)[^@]*@)");
  return std::regex_replace(url, password, "$1***@");
}

std::string pg_array(const std::vector<std::string>& items) {
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

std::string pg_process_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid());
}

namespace {

/// libpq's message on one line (it breaks its hints over several, indented).
std::string message_of(const PGresult* res, const PGconn* conn) {
  return collapse_space(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
}

bool ok_status(const PgResult& res) {
  const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

} // namespace

Result<Pg> Pg::connect(const std::string& url, int connect_timeout_s) {
  Pg pg;
  pg.m_url = url;
  // Defaults the URL may override (they come before it): give up on an unreachable server after
  // connect_timeout_s, and notice a silent one (a half-open connection) within about a minute.
  // tcp_user_timeout: sent data left unacknowledged that long (keepalives do not cover it).
  const char* const keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                              "tcp_user_timeout", "dbname", nullptr};
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* const values[] = {timeout.c_str(), "30", "10", "3", "60000", url.c_str(), nullptr};
  pg.m_conn.reset(PQconnectdbParams(keys, values, 1));
  if (!pg.m_conn) return fail(Errc::database, "cannot connect to '" + pg_redacted(url) + "': out of memory");
  if (PQstatus(pg.m_conn.get()) != CONNECTION_OK) {
    return fail(Errc::database, "cannot connect to '" + pg_redacted(url) + "': " + message_of(nullptr, pg.m_conn.get()));
  }
  // Quiet NOTICEs (CREATE … IF NOT EXISTS): the library never prints. PQreset keeps it.
  PQsetNoticeProcessor(
      pg.m_conn.get(), [](void*, const char*) {}, nullptr);
  return pg;
}

bool Pg::connected() const { return m_conn && PQstatus(m_conn.get()) == CONNECTION_OK; }

bool Pg::reconnect(std::chrono::milliseconds window) {
  if (!m_conn) return false;
  const auto deadline = std::chrono::steady_clock::now() + window;
  auto pause = std::chrono::milliseconds(100);
  for (;;) {
    PQreset(m_conn.get());
    if (connected()) {
      m_pause = std::chrono::milliseconds(0);
      m_next_attempt = {};
      return true;
    }
    if (std::chrono::steady_clock::now() + pause > deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

bool Pg::outside_transaction() const {
  // A lost connection's transaction is gone with it (the server rolled it back).
  return PQtransactionStatus(m_conn.get()) == PQTRANS_IDLE || !connected();
}

bool Pg::retry_after_loss(bool was_idle) {
  if (m_in_transaction || !was_idle || connected()) return false;
  // While the server is away, one attempt per pause (growing to 5 s), not one per statement:
  // callers on a hot path (the fleet's gate, the cache) fail fast in between.
  const auto now = std::chrono::steady_clock::now();
  if (now < m_next_attempt) return false;
  PQreset(m_conn.get());
  if (connected()) {
    m_pause = std::chrono::milliseconds(0);
    return true;
  }
  m_pause = std::min(std::max(m_pause * 2, std::chrono::milliseconds(500)), std::chrono::milliseconds(5000));
  m_next_attempt = now + m_pause;
  return false;
}

Result<PgResult> Pg::exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const bool idle = outside_transaction();
  for (int attempt = 0;; ++attempt) {
    PgResult res(PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0));
    if (ok_status(res)) return res;
    if (attempt == 0 && retry_after_loss(idle)) continue;
    return fail(Errc::database, "coordinator: " + message_of(res.get(), m_conn.get()));
  }
}

Result<void> Pg::run(const std::string& sql) {
  const bool idle = outside_transaction();
  for (int attempt = 0;; ++attempt) {
    PgResult res(PQexec(m_conn.get(), sql.c_str()));
    if (ok_status(res)) return {};
    if (attempt == 0 && retry_after_loss(idle)) continue;
    return fail(Errc::database, "coordinator: " + message_of(res.get(), m_conn.get()));
  }
}

void Pg::rollback() {
  if (connected()) PgResult res(PQexec(m_conn.get(), "ROLLBACK"));
}

std::string pg_text(const PgResult& res, int r, int c) {
  if (PQgetisnull(res.get(), r, c)) return {};
  return std::string(PQgetvalue(res.get(), r, c), static_cast<std::size_t>(PQgetlength(res.get(), r, c)));
}

bool pg_null(const PgResult& res, int r, int c) { return PQgetisnull(res.get(), r, c) != 0; }

} // namespace tweetcheck::detail
