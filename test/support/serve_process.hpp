#pragma once
// Starts `tweetcheck serve` for the life of the object and talks HTTP to it (libcurl). The
// server is stopped by its PID (SIGTERM, then waited for) whatever the test's outcome.
#include <cctype>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <curl/curl.h>

namespace tweetcheck::test {

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; ///< names lower-cased
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

namespace detail {
inline std::size_t append_body(char* d, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(d, s * n);
  return s * n;
}
inline std::size_t add_header(char* d, std::size_t s, std::size_t n, void* u) {
  const std::string line(d, s * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    static_cast<HttpAnswer*>(u)->headers.emplace_back(name, value);
  }
  return s * n;
}
} // namespace detail

/// One request with libcurl: GET, or POST when `body` is given.
inline HttpAnswer http(const std::string& url, const std::string* body = nullptr,
                       const std::vector<std::string>& headers = {}, long timeout_ms = 20000) {
  HttpAnswer a;
  CURL* e = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  if (body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &detail::append_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &detail::add_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &a);
  if (curl_easy_perform(e) == CURLE_OK) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(e);
  return a;
}

class ServeProcess {
public:
  /// Runs `binary serve ARGS...`; waits (at most 20 s) for its "listening on http://…" line.
  ServeProcess(const std::string& binary, const std::vector<std::string>& args) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv_s{binary, "serve"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    m_pid = fork();
    if (m_pid == 0) {
      dup2(out[1], 1);
      const int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 2);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    const std::string line = read_first_line(out[0]);
    close(out[0]);
    const std::string prefix = "listening on http://";
    if (line.rfind(prefix, 0) != 0) {
      m_status = wait_for_exit();
      m_failed_line = line;
      return;
    }
    const auto colon = line.rfind(':');
    m_port = std::stoi(line.substr(colon + 1));
  }
  ~ServeProcess() { stop(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool running() const { return m_port > 0 && m_pid > 0; }
  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }
  /// The exit status once stopped (or when it never started): -1 while running.
  int status() const { return m_status; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  /// SIGTERM, then waits; gives the exit status.
  int stop() {
    if (m_pid > 0) {
      kill(m_pid, SIGTERM);
      m_status = wait_for_exit();
    }
    return m_status;
  }

private:
  int wait_for_exit() {
    int st = 0;
    if (m_pid <= 0) return m_status;
    waitpid(m_pid, &st, 0);
    m_pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  }
  pid_t m_pid = -1;
  int m_port = 0;
  int m_status = -1;
  std::string m_failed_line;
};

} // namespace tweetcheck::test
