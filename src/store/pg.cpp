// libpq behind Result: connections, parameterised statements, their results as text.
#include "store/pg.hpp"

#include <regex>

namespace tweetcheck::detail {

std::string pg_redacted(const std::string& url) {
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]*:)[^@]*@)");
  return std::regex_replace(url, password, "$1***@");
}

Result<Pg> Pg::connect(const std::string& url) {
  Pg pg;
  pg.m_url = url;
  pg.m_conn.reset(PQconnectdb(url.c_str()));
  if (!pg.m_conn) return fail(Errc::database, "cannot connect to '" + pg_redacted(url) + "': out of memory");
  if (PQstatus(pg.m_conn.get()) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(pg.m_conn.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return fail(Errc::database, "cannot connect to '" + pg_redacted(url) + "': " + msg);
  }
  // Quiet NOTICEs (CREATE … IF NOT EXISTS): the library never prints.
  PQsetNoticeProcessor(
      pg.m_conn.get(), [](void*, const char*) {}, nullptr);
  return pg;
}

bool Pg::ensure() {
  if (m_conn && PQstatus(m_conn.get()) == CONNECTION_OK) return true;
  if (m_conn) PQreset(m_conn.get());
  return m_conn && PQstatus(m_conn.get()) == CONNECTION_OK;
}

Result<PgResult> Pg::exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult res(PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                            nullptr, 0));
  const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string msg = res ? PQresultErrorMessage(res.get()) : PQerrorMessage(m_conn.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return fail(Errc::database, "coordinator: " + msg);
  }
  return res;
}

Result<void> Pg::run(const std::string& sql) {
  PgResult res(PQexec(m_conn.get(), sql.c_str()));
  const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string msg = res ? PQresultErrorMessage(res.get()) : PQerrorMessage(m_conn.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return fail(Errc::database, "coordinator: " + msg);
  }
  return {};
}

void Pg::rollback() { PgResult res(PQexec(m_conn.get(), "ROLLBACK")); }

std::string pg_text(const PgResult& res, int r, int c) {
  if (PQgetisnull(res.get(), r, c)) return {};
  return std::string(PQgetvalue(res.get(), r, c), static_cast<std::size_t>(PQgetlength(res.get(), r, c)));
}

bool pg_null(const PgResult& res, int r, int c) { return PQgetisnull(res.get(), r, c) != 0; }

} // namespace tweetcheck::detail
