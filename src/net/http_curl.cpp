// The one libcurl multi loop (after curl's own parallel transfers: add up to N handles, poll,
// perform, drain info_read). Per-host queues enforce the per-host cap and rate; retries wait in a
// timer queue; the address a transfer connects to is checked in the open-socket callback, so a
// DNS answer cannot smuggle a request onto a private network.
#include <algorithm>
#include <arpa/inet.h>
#include <cmath>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <queue>
#include <random>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "core/handles.hpp"
#include "core/log.hpp"
#include "core/text_util.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/http_gate.hpp"

namespace tweetcheck {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(k_hex[md[i] >> 4]);
    out.push_back(k_hex[md[i] & 15]);
  }
  return out;
}

/// Scheme, lower-cased host and the rest ("/path?query") of an absolute URL.
struct UrlParts {
  std::string scheme, host, rest;
  bool ok = false;
};
UrlParts split_url(const std::string& url) {
  UrlParts p;
  const auto colon = url.find("://");
  if (colon == std::string::npos) return p;
  p.scheme = detail::ascii_lower(url.substr(0, colon));
  const std::size_t h = colon + 3;
  std::size_t e = url.find_first_of("/?#", h);
  if (e == std::string::npos) e = url.size();
  std::string authority = url.substr(h, e - h);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    p.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  } else {
    p.host = authority.substr(0, authority.find(':'));
  }
  p.host = detail::ascii_lower(p.host);
  p.rest = url.substr(e);
  p.ok = !p.host.empty();
  return p;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void ensure_curl_global() { static CurlGlobal global; }

struct Transfer {
  HttpRequest request;
  HttpClient::Callback done;
  std::string target; ///< URL actually requested (after endpoint mapping)
  std::string host;   ///< host of `target`
  bool tls = false;   ///< `target` is https: the connection may multiplex (HTTP/2 by ALPN)
  bool trusted = false;
  bool allow_private = false;
  bool via_proxy = false; ///< sent through the trusted --proxy: the connection is the proxy's
  bool blocked = false;
  bool too_large = false;
  std::size_t max_body = 0;
  detail::UniqueFd save_fd; ///< the file of request.save_to, while a transfer writes it
  std::string save_error;   ///< why writing it failed
  int attempt = 0;
  std::int64_t ready_at = 0;  ///< steady ms before which it may not start
  std::int64_t queued_at = 0; ///< steady ms it joined its host's queue (for the politeness waits)
  HttpResponse response;
  detail::CurlEasy easy;
  detail::CurlHeaders headers;
  char errbuf[CURL_ERROR_SIZE] = {0};
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  if (t->response.body.size() + len > t->max_body) {
    t->too_large = true;
    return 0; // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, len);
  return len;
}

std::size_t on_file(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  if (!t->save_error.empty()) return 0; // the file could not be opened
  for (std::size_t done = 0; done < len;) {
    const ssize_t w = ::write(t->save_fd.get(), data + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      t->save_error = "cannot write '" + t->request.save_to + "': " + std::strerror(errno);
      return 0; // aborts the transfer with CURLE_WRITE_ERROR
    }
    done += static_cast<std::size_t>(w);
  }
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear(); // a new response (after 100 Continue)
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.emplace_back(detail::ascii_lower(detail::trim(line.substr(0, colon))),
                                     detail::trim_copy(line.substr(colon + 1)));
  }
  return size * n;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && !t->trusted && !t->allow_private && !t->via_proxy) {
    char ip[INET6_ADDRSTRLEN] = {0};
    if (address->family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, ip, sizeof ip);
    } else if (address->family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, ip, sizeof ip);
    }
    if (is_private_address(ip)) {
      t->blocked = true;
      t->response.error = std::string("refused to connect to private address ") + ip;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

/// True when `host` is an IP address literal in a private range.
bool is_private_literal(const std::string& host) {
  in6_addr a6{};
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    return is_private_address(host);
  }
  return false;
}

/// Retry-After: seconds or an HTTP date; -1 when absent or unreadable.
long retry_after_ms(const HttpResponse& r) {
  const std::string v = r.header("retry-after");
  if (v.empty()) return -1;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return v.size() > 7 ? -1 : std::stol(v) * 1000;
  }
  const time_t when = curl_getdate(v.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max<long>(0, static_cast<long>(when * 1000 - now_ms()));
}

struct HostState {
  std::deque<std::unique_ptr<Transfer>> queue;
  unsigned in_flight = 0;
  unsigned cap = 0;
  double rate = 0;             ///< requests per second, 0: unlimited
  std::int64_t next_start = 0; ///< steady ms
};

/// A timeout in words that name the limit that was reached, not the milliseconds it took (curl's
/// own message says "after 1003 milliseconds": evidence and reports would differ run to run).
std::string timeout_message(CURL* easy, std::size_t received, long connect_timeout_ms, long timeout_ms) {
  long sent = 0; // bytes of the request sent (on a new or a reused connection)
  curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
  if (sent == 0)
    return "timeout: no connection within " + std::to_string(std::min(connect_timeout_ms, timeout_ms)) + " ms";
  return "timeout: no complete answer within " + std::to_string(timeout_ms) + " ms (" + std::to_string(received) +
         " bytes received)";
}

class CurlClient final : public HttpClient {
public:
  CurlClient(const HttpOptions& o, std::shared_ptr<HostGate> gate)
      : m_options(o), m_gate(std::move(gate)), m_rng(std::random_device{}()) {
    if (m_options.user_agent.empty()) m_options.user_agent = std::string("tweetcheck/") + TWEETCHECK_VERSION;
    m_options.concurrency = std::max(1u, m_options.concurrency);
    m_options.host_concurrency = std::max(1u, m_options.host_concurrency);
  }

  bool init() {
    ensure_curl_global();
    m_multi.reset(curl_multi_init());
    if (!m_multi) return false;
    curl_multi_setopt(m_multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(m_options.concurrency));
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(m_options.host_concurrency));
    return true;
  }

  void submit(HttpRequest request, Callback done) override {
    auto t = std::make_unique<Transfer>();
    t->request = std::move(request);
    t->done = std::move(done);
    t->target = map_endpoint(m_options.endpoints, t->request.url, &t->trusted);
    t->allow_private = m_options.allow_private_network;
    t->via_proxy = !m_options.proxy.empty();
    t->max_body = m_options.max_body;
    t->response.url = t->request.url;
    t->response.effective_url = t->target;
    const UrlParts parts = split_url(t->target);
    if (!parts.ok || (parts.scheme != "http" && parts.scheme != "https")) {
      t->response.failure = HttpFailure::blocked;
      t->response.error = parts.ok ? "scheme not allowed: " + parts.scheme : "not an absolute URL";
      ++m_stats.blocked;
      m_finished.push_back(std::move(t));
      return;
    }
    t->host = parts.host;
    t->tls = parts.scheme == "https";
    // An address literal (or localhost) is checked before any connection: a reused connection to
    // a trusted endpoint on the same address would never reach the open-socket check.
    if (!t->trusted && !t->allow_private && (parts.host == "localhost" || is_private_literal(parts.host))) {
      t->response.failure = HttpFailure::blocked;
      t->response.error = "refused to connect to private address " + parts.host;
      ++m_stats.blocked;
      m_finished.push_back(std::move(t));
      return;
    }
    t->queued_at = steady_ms();
    host(parts.host).queue.push_back(std::move(t));
    ++m_pending;
  }

  void run() override {
    for (;;) {
      deliver_finished();
      release_timers();
      start_ready();
      if (m_pending == 0 && m_in_flight == 0 && m_timers.empty() && m_finished.empty()) break;
      int timeout = 1000;
      const std::int64_t now = steady_ms();
      if (!m_timers.empty()) timeout = static_cast<int>(std::clamp<std::int64_t>(m_timers.top().first - now, 0, 1000));
      for (const auto& [name, h] : m_hosts) {
        // A host that may start a request once its wait is over, even one already over (a gate's
        // wait of a millisecond can pass during its round trip): poll no longer than that.
        if (!h.queue.empty() && h.in_flight < h.cap && m_in_flight < m_options.concurrency) {
          timeout = std::min(timeout, static_cast<int>(std::clamp<std::int64_t>(h.next_start - now, 0, 1000)));
        }
      }
      if (m_in_flight > 0) {
        curl_multi_poll(m_multi.get(), nullptr, 0, timeout, nullptr);
        int running = 0;
        curl_multi_perform(m_multi.get(), &running);
        drain();
      } else if (timeout > 0 && m_finished.empty()) {
        curl_multi_poll(m_multi.get(), nullptr, 0, timeout, nullptr);
      }
    }
  }

  HttpStats stats() const override { return m_stats; }

private:
  HostState& host(const std::string& name) {
    auto it = m_hosts.find(name);
    if (it == m_hosts.end()) {
      it = m_hosts.emplace(name, HostState{}).first;
      it->second.cap = m_options.host_concurrency;
      it->second.rate = m_options.host_rate;
    }
    return it->second;
  }

  void release_timers() {
    const std::int64_t now = steady_ms();
    while (!m_timers.empty() && m_timers.top().first <= now) {
      Transfer* raw = m_timers.top().second;
      m_timers.pop();
      auto it = m_waiting.find(raw);
      if (it == m_waiting.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      m_waiting.erase(it);
      t->queued_at = now;
      host(t->host).queue.push_front(std::move(t));
      ++m_pending;
    }
  }

  void start_ready() {
    const std::int64_t now = steady_ms();
    for (auto& [name, h] : m_hosts) {
      while (!h.queue.empty() && m_in_flight < m_options.concurrency && h.in_flight < h.cap && h.next_start <= now) {
        if (m_gate) {
          // The fleet's rate and pauses for the host asked for (before endpoint mapping).
          const long wait = m_gate->admit(split_url(h.queue.front()->request.url).host);
          if (wait > 0) {
            h.next_start = steady_ms() + wait; // after the gate's round trip
            break;
          }
        }
        std::unique_ptr<Transfer> t = std::move(h.queue.front());
        h.queue.pop_front();
        --m_pending;
        // Held by the host's spacing or pause since it was queued: a politeness wait.
        if (h.next_start > t->queued_at) {
          ++m_stats.rate_waits;
          m_stats.rate_wait_ms += static_cast<std::uint64_t>(h.next_start - t->queued_at);
        }
        if (h.rate > 0) h.next_start = std::max(h.next_start, now) + static_cast<std::int64_t>(1000.0 / h.rate);
        start(std::move(t), h);
      }
    }
  }

  void start(std::unique_ptr<Transfer> t, HostState& h) {
    t->easy.reset(curl_easy_init());
    CURL* e = t->easy.get();
    t->response.body.clear();
    t->response.headers.clear();
    t->response.status = 0;
    t->blocked = t->too_large = false;
    t->errbuf[0] = 0;
    ++t->attempt;
    curl_easy_setopt(e, CURLOPT_URL, t->target.c_str());
    // Only the trusted --proxy, never one from the environment (http_proxy, https_proxy,
    // ALL_PROXY): the private-address checks look at the address connected to, which would then
    // be the proxy's without anyone having said to trust it.
    curl_easy_setopt(e, CURLOPT_PROXY, m_options.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    t->save_error.clear();
    if (!t->request.save_to.empty()) {
      // Each attempt writes the file from its start.
      t->save_fd = detail::UniqueFd(::open(t->request.save_to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
      if (!t->save_fd) t->save_error = "cannot write '" + t->request.save_to + "': " + std::strerror(errno);
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_file);
    }
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); // the resolver follows hop by hop
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, m_options.connect_timeout_ms);
    if (t->request.save_to.empty()) {
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, m_options.timeout_ms);
    } else { // a download may take long; one that stalls for the timeout fails
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 0L);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, std::max(1L, m_options.timeout_ms / 1000));
    }
    curl_easy_setopt(e, CURLOPT_USERAGENT, m_options.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    // Over TLS, wait for the host's first connection to say (by ALPN) whether it multiplexes, so an
    // HTTP/2 host gets one connection, not one per transfer. Cleartext HTTP never multiplexes
    // (CURL_HTTP_VERSION_2TLS): waiting there only queues every transfer behind the first answer,
    // and a slow first answer then times the queued ones out before they are sent.
    if (t->tls) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    if (!m_options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, m_options.ca_file.c_str());
    curl_slist* list = nullptr;
    for (const auto& [k, v] : t->request.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
    t->headers.reset(list);
    if (list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    curl_multi_add_handle(m_multi.get(), e);
    ++h.in_flight;
    ++m_in_flight;
    ++m_stats.requests;
    if (t->attempt > 1) ++m_stats.retries;
    Transfer* raw = t.get();
    m_running.emplace(raw, std::move(t));
  }

  void drain() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m_multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* raw = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &raw);
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(m_multi.get(), msg->easy_handle);
      auto it = m_running.find(raw);
      if (it == m_running.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      m_running.erase(it);
      HostState& h = host(t->host);
      --h.in_flight;
      --m_in_flight;
      finish(std::move(t), code, h);
    }
  }

  void finish(std::unique_ptr<Transfer> t, CURLcode code, HostState& h) {
    HttpResponse& r = t->response;
    t->save_fd.close(); // a download's file is complete (or emptied again by the next attempt)
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &r.status);
    r.failure = HttpFailure::none;
    // The address actually used, whatever connection carried the transfer.
    char* ip = nullptr;
    if (code == CURLE_OK && !t->trusted && !t->allow_private && !t->via_proxy &&
        curl_easy_getinfo(t->easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip && is_private_address(ip)) {
      t->blocked = true;
      t->response.error = std::string("refused a response from private address ") + ip;
      code = CURLE_COULDNT_CONNECT;
      r.body.clear();
      r.headers.clear();
    }
    if (code != CURLE_OK) {
      const std::string msg = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
      if (t->blocked) {
        r.failure = HttpFailure::blocked;
        ++m_stats.blocked;
      } else if (!t->save_error.empty()) {
        r.failure = HttpFailure::other;
        r.error = t->save_error;
      } else if (t->too_large) {
        r.failure = HttpFailure::too_large;
        r.error = "response body larger than " + std::to_string(m_options.max_body) + " bytes";
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        r.failure = HttpFailure::timeout;
        r.error = timeout_message(t->easy.get(), r.body.size(), m_options.connect_timeout_ms, m_options.timeout_ms);
      } else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                 code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
                 code == CURLE_GOT_NOTHING) {
        r.failure = HttpFailure::connect;
        r.error = msg;
      } else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
                 code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CACERT_BADFILE) {
        r.failure = HttpFailure::tls;
        r.error = msg;
      } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
        r.failure = HttpFailure::blocked;
        r.error = msg;
      } else {
        r.failure = HttpFailure::other;
        r.error = msg;
      }
      if (r.failure != HttpFailure::none && r.failure != HttpFailure::too_large) r.status = 0;
    }
    // Retry transient failures: timeouts, connection errors, 5xx, 429.
    const bool transient = r.failure == HttpFailure::timeout || r.failure == HttpFailure::connect ||
                           (r.failure == HttpFailure::none && (r.status >= 500 || r.status == 429));
    if (m_gate && r.failure == HttpFailure::none && (r.status == 429 || r.status == 503)) {
      // The host asked to slow down: every process of the fleet waits, retrying or not.
      const long pause = retry_after_ms(r);
      if (pause > 0 && pause <= m_options.max_retry_after_ms) m_gate->pause(split_url(t->request.url).host, pause);
    }
    if (transient && t->attempt <= m_options.retries) {
      long delay = -1;
      if (r.status == 429 || r.status == 503) {
        delay = retry_after_ms(r);
        // The host asked us to slow down: fewer transfers at once for the rest of the run.
        h.cap = std::max(1u, h.cap / 2);
        if (delay > m_options.max_retry_after_ms) delay = -2;
        if (delay >= 0) h.next_start = std::max(h.next_start, steady_ms() + delay);
      }
      if (delay != -2) {
        if (delay < 0) {
          std::uniform_real_distribution<double> jitter(0.5, 1.5);
          delay = static_cast<long>(static_cast<double>(m_options.backoff_ms) * std::pow(2.0, t->attempt - 1) *
                                    jitter(m_rng));
        }
        detail::log().debug("retrying {} in {} ms (attempt {})", t->request.url, delay, t->attempt + 1);
        t->ready_at = steady_ms() + delay;
        Transfer* raw = t.get();
        m_timers.emplace(t->ready_at, raw);
        m_waiting.emplace(raw, std::move(t));
        return;
      }
    }
    r.attempts = t->attempt;
    r.sha256 = sha256_hex(r.body);
    r.fetched_at_ms = now_ms();
    t->easy.reset();
    m_finished.push_back(std::move(t));
  }

  void deliver_finished() {
    // Callbacks may submit more; deliver until none are left.
    while (!m_finished.empty()) {
      std::unique_ptr<Transfer> t = std::move(m_finished.front());
      m_finished.pop_front();
      t->response.attempts = std::max(t->response.attempts, t->attempt);
      if (t->response.fetched_at_ms == 0) t->response.fetched_at_ms = now_ms();
      t->done(std::move(t->response));
    }
  }

  HttpOptions m_options;
  std::shared_ptr<HostGate> m_gate;
  detail::CurlMulti m_multi;
  std::unordered_map<std::string, HostState> m_hosts;
  std::unordered_map<Transfer*, std::unique_ptr<Transfer>> m_running, m_waiting;
  std::priority_queue<std::pair<std::int64_t, Transfer*>, std::vector<std::pair<std::int64_t, Transfer*>>,
                      std::greater<>>
      m_timers;
  std::deque<std::unique_ptr<Transfer>> m_finished;
  std::size_t m_pending = 0;
  unsigned m_in_flight = 0;
  HttpStats m_stats;
  std::mt19937 m_rng;
};

} // namespace

std::optional<HttpResponse> ResponseMemo::get(const std::string& url) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_responses.find(url);
  if (it == m_responses.end()) return std::nullopt;
  return it->second;
}

void ResponseMemo::put(const HttpResponse& r, bool unusable) {
  const bool transient = unusable || r.failure == HttpFailure::timeout || r.failure == HttpFailure::connect ||
                         r.failure == HttpFailure::tls || r.failure == HttpFailure::other ||
                         (r.failure == HttpFailure::none && (r.status == 429 || r.status >= 500));
  if (!transient || r.error == "offline") return;
  HttpResponse kept = r;
  kept.body.clear();
  std::lock_guard<std::mutex> lock(m_mutex);
  m_responses.emplace(r.url, std::move(kept));
}

std::string map_endpoint(const std::map<std::string, std::string>& endpoints, const std::string& url, bool* mapped) {
  if (mapped) *mapped = false;
  if (endpoints.empty()) return url;
  const UrlParts p = split_url(url);
  if (!p.ok) return url;
  auto it = endpoints.find(p.host);
  if (it == endpoints.end()) return url;
  if (mapped) *mapped = true;
  std::string base = it->second;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + (p.rest.empty() ? "/" : p.rest);
}

bool is_private_address(const std::string& ip) {
  in6_addr a6{};
  in_addr a4{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) {
    const std::uint32_t v = ntohl(a4.s_addr);
    const auto in = [&](std::uint32_t net, int bits) { return (v >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) ||  // 0.0.0.0/8 unspecified / "this network"
           in(0x0A000000, 8) ||  // 10/8
           in(0x7F000000, 8) ||  // loopback
           in(0xA9FE0000, 16) || // link-local
           in(0xAC100000, 12) || // 172.16/12
           in(0xC0A80000, 16) || // 192.168/16
           in(0x64400000, 10) || // 100.64/10 carrier-grade NAT
           in(0xC0000000, 24) || // 192.0.0/24 protocol assignments
           in(0xC6120000, 15) || // 198.18/15 benchmarking
           v >= 0xE0000000;      // multicast and reserved (224/4, 240/4, broadcast)
  }
  if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) {
    const unsigned char* b = a6.s6_addr;
    static const unsigned char k_zero[16] = {0};
    if (std::memcmp(b, k_zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true; // :: and ::1
    if (b[0] == 0xFF) return true;                                                  // multicast
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                         // fe80::/10 link-local
    if ((b[0] & 0xFE) == 0xFC) return true;                                         // fc00::/7 unique local
    const bool mapped4 = std::memcmp(b, k_zero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF;
    if (mapped4) {
      char v4[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b + 12, v4, sizeof v4);
      return is_private_address(v4);
    }
    return false;
  }
  return true; // not an address we can read: refuse
}

Result<std::unique_ptr<HttpClient>> make_curl_client(const HttpOptions& options) {
  return make_curl_client(options, nullptr);
}

Result<std::unique_ptr<HttpClient>> make_curl_client(const HttpOptions& options, std::shared_ptr<HostGate> gate) {
  auto client = std::make_unique<CurlClient>(options, std::move(gate));
  if (!client->init()) return fail(Errc::http, "cannot initialise libcurl");
  return std::unique_ptr<HttpClient>(std::move(client));
}

} // namespace tweetcheck
