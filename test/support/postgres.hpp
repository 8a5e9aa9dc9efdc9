#pragma once
// A throwaway PostgreSQL server for the tests: initdb in a temporary folder, the server on
// 127.0.0.1 and a free port (trust authentication, fsync off), stopped by its PID when the object
// goes. initdb refuses root: as root, both run as the `postgres` user. One server is shared by the
// test run (shared()); each test takes its own database (database()).
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <glob.h>
#include <grp.h>
#include <memory>
#include <pwd.h>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <libpq-fe.h>

#include "support/ports.hpp"
#include "support/temp_dir.hpp"

namespace tweetcheck::test {

class PostgresServer {
public:
  PostgresServer() : m_dir("tweetcheck-pg") {
    glob_t g{};
    if (::glob("/usr/lib/postgresql/*/bin/postgres", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
      m_bin = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
    }
    ::globfree(&g);
    if (m_bin.empty()) {
      m_why = "PostgreSQL is not installed (Debian package postgresql)";
      return;
    }
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (!pw) {
        m_why = "running as root and there is no postgres user to run the server as";
        return;
      }
      m_uid = pw->pw_uid;
      m_gid = pw->pw_gid;
      if (::chown(m_dir.path.c_str(), m_uid, m_gid) != 0) {
        m_why = "cannot give the temporary folder to the postgres user";
        return;
      }
    }
    const std::string data = m_dir / "data";
    if (run_and_wait({m_bin + "/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8"}) != 0) {
      m_why = "initdb failed";
      return;
    }
    m_port = free_port();
    if (!start()) m_why = "the server did not start";
  }
  ~PostgresServer() { stop(); }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// The server of this test run (started the first time it is asked for).
  static PostgresServer& shared() {
    static PostgresServer server;
    return server;
  }

  bool ok() const { return m_pid > 0; }
  /// Why there is no server (for the test's skip message).
  const std::string& why() const { return m_why; }

  /// A new, empty database; its postgresql:// URL ("" when it could not be made).
  std::string database(const std::string& name) {
    const std::string db = name + "_" + std::to_string(++m_count);
    Conn c(PQconnectdb(conninfo("postgres").c_str()));
    Res r(PQexec(c.get(), ("CREATE DATABASE " + db).c_str()));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return {};
    return "postgresql://postgres@127.0.0.1:" + std::to_string(m_port) + "/" + db;
  }

  /// Stops the server (a fast shutdown: every connection is cut), leaves it down for `down`, and
  /// starts it again on the same port and data; false when it did not come back.
  bool restart(std::chrono::milliseconds down = std::chrono::milliseconds(0)) {
    stop();
    std::this_thread::sleep_for(down);
    return start();
  }

  /// Runs SQL in the database of `url`; the first column of the first row ("" when none).
  static std::string query(const std::string& url, const std::string& sql) {
    Conn c(PQconnectdb(url.c_str()));
    Res r(PQexec(c.get(), sql.c_str()));
    return PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
  }

private:
  struct ConnFree {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  struct ResFree {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using Conn = std::unique_ptr<PGconn, ConnFree>;
  using Res = std::unique_ptr<PGresult, ResFree>;

  /// Starts the server on m_port and waits (at most 15 s) until it answers.
  bool start() {
    m_pid = spawn({m_bin + "/postgres", "-D", m_dir / "data", "-p", std::to_string(m_port), "-c",
                   "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + m_dir.path, "-c", "fsync=off",
                   "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=60"});
    for (int i = 0; i < 300; ++i) {
      if (PQping(conninfo("postgres").c_str()) == PQPING_OK) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    return false;
  }

  std::string conninfo(const std::string& db) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=postgres dbname=" + db + " connect_timeout=2";
  }

  pid_t spawn(std::vector<std::string> args) const {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGINT); // never outlive the tests
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      if (m_uid != 0) {
        ::setgroups(0, nullptr);
        if (::setgid(m_gid) != 0 || ::setuid(m_uid) != 0) ::_exit(126);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  int run_and_wait(const std::vector<std::string>& args) const {
    const pid_t pid = spawn(args);
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

  void stop() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGINT); // fast shutdown
      ::waitpid(m_pid, nullptr, 0);
      m_pid = -1;
    }
  }

  TempDir m_dir;
  std::string m_bin, m_why;
  uid_t m_uid = 0;
  gid_t m_gid = 0;
  int m_port = 0;
  pid_t m_pid = -1;
  int m_count = 0;
};

} // namespace tweetcheck::test
