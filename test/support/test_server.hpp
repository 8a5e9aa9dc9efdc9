#pragma once
// Starts tools/fake_server.py on a free 127.0.0.1 port for the life of the object.
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"

namespace tweetcheck::test {

/// The first line a child writes to `fd` (at most 20 s of waiting; "" when it writes none).
inline std::string read_first_line(int fd) {
  std::string line;
  pollfd p{fd, POLLIN, 0};
  while (line.find('\n') == std::string::npos) {
    if (poll(&p, 1, 20000) <= 0) break;
    char buf[128];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line;
}

class TestServer {
public:
  /// `args` are passed to the server (e.g. {"--routes", fixture_path("http/resolver.json")}).
  explicit TestServer(const std::vector<std::string>& args) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const std::string script = source_path("tools/fake_server.py");
    std::vector<std::string> argv_s{"python3", script};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    m_pid = fork();
    if (m_pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      execvp("python3", argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    m_stdin = in[1];
    // Wait (at most 20 s) for "PORT <n>".
    const std::string line = read_first_line(out[0]);
    close(out[0]);
    if (line.rfind("PORT ", 0) != 0) {
      stop();
      throw std::runtime_error("the test server did not start: " + line);
    }
    m_port = std::stoi(line.substr(5));
  }
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return m_port; }
  std::string base(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(m_port);
  }

  /// The server's request counters: {"requests": {path: n}, "total": n, "max_in_flight": n}.
  nlohmann::json stats(bool tls = false) const {
    CURL* e = curl_easy_init();
    std::string body;
    const std::string url = base(tls ? "https" : "http") + "/__stats";
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(
        e, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
          static_cast<std::string*>(u)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    curl_easy_perform(e);
    curl_easy_cleanup(e);
    return nlohmann::json::parse(body);
  }
  int requests(const std::string& path) const {
    const auto s = stats();
    return s["requests"].contains(path) ? s["requests"][path].get<int>() : 0;
  }

private:
  void stop() {
    if (m_stdin >= 0) close(m_stdin);
    m_stdin = -1;
    if (m_pid > 0) {
      kill(m_pid, SIGTERM);
      waitpid(m_pid, nullptr, 0);
      m_pid = -1;
    }
  }
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_port = 0;
};

} // namespace tweetcheck::test
