// The resolver through the real libcurl client against the real test server on 127.0.0.1.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "tweetcheck/http_gate.hpp"
#include "tweetcheck/resolve.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::TestServer;

namespace {

/// A client whose t.co, bit.ly and buff.ly requests go to the test server (mapped, so trusted).
std::unique_ptr<HttpClient> client_for(const TestServer& server, HttpOptions o = {}) {
  for (const char* host : {"t.co", "bit.ly", "buff.ly"}) o.endpoints[host] = server.base();
  if (o.timeout_ms == HttpOptions{}.timeout_ms) o.timeout_ms = 1500;
  o.backoff_ms = 50;
  auto c = make_curl_client(o);
  REQUIRE(c);
  return std::move(*c);
}

Resolution resolve_one(HttpClient& client, const std::string& url, Cache* cache = nullptr, ResolveOptions opts = {}) {
  auto r = resolve({url}, &client, cache, opts);
  REQUIRE(r.size() == 1);
  return r[0];
}

} // namespace

TEST_CASE("a 301 to a status URL gives the post without fetching twitter.com", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve_one(*client, "https://t.co/tco-to-status");
  CHECK(r.status == ResolveStatus::resolved);
  CHECK(r.status_id == std::optional<std::string>("406461874771734528"));
  CHECK(r.handle == std::optional<std::string>("CDMoyer"));
  REQUIRE(r.chain.size() == 1);
  CHECK(r.chain[0].status == 301);
  CHECK(r.final_url == "https://twitter.com/CDMoyer/status/406461874771734528/photo/1");
  CHECK(server.stats()["total"] == 1);
}

TEST_CASE("x.com, mobile. and /statuses/ targets are status URLs too", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/tco-to-x", "https://t.co/tco-to-statuses"}, client.get(), nullptr, {});
  CHECK(r[0].status_id == std::optional<std::string>("1800000000000000000"));
  CHECK(r[0].handle == std::optional<std::string>("someone"));
  CHECK(r[1].status_id == std::optional<std::string>("370525864523743232"));
  CHECK(r[1].handle == std::optional<std::string>("oldtimer"));
}

TEST_CASE("pic.twitter.com/CODE is resolved as t.co/CODE", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve_one(*client, "pic.twitter.com/HJPx1XTDZR");
  CHECK(r.url == "pic.twitter.com/HJPx1XTDZR");
  CHECK(r.chain.at(0).url == "https://t.co/HJPx1XTDZR");
  CHECK(r.status_id == std::optional<std::string>("1420372566524555264"));
  CHECK(server.requests("/HJPx1XTDZR") == 1);
}

TEST_CASE("browser-style pages: meta refresh, JS-escaped location.replace, Refresh header", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/meta-refresh", "https://t.co/js-replace", "https://t.co/refresh-header"},
                         client.get(), nullptr, {});
  CHECK(r[0].status_id == std::optional<std::string>("1111111111111111111"));
  CHECK(r[0].handle == std::optional<std::string>("meta"));
  CHECK(r[1].status_id == std::optional<std::string>("2222222222222222222"));
  CHECK(r[2].status_id == std::optional<std::string>("406461874771734528"));
  CHECK(r[2].chain.size() == 2);
}

TEST_CASE("other shorteners are followed hop by hop and the chain is kept", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve_one(*client, "https://t.co/bitly");
  CHECK(r.status == ResolveStatus::resolved);
  REQUIRE(r.chain.size() == 3);
  CHECK(r.chain[0].status == 301);
  CHECK(r.chain[1].url == "https://buff.ly/buffly");
  CHECK(r.chain[1].status == 302);
  CHECK(r.chain[2].url == "https://buff.ly/tco-to-status"); // relative Location resolved
  CHECK(r.status_id == std::optional<std::string>("406461874771734528"));
  const auto page = resolve_one(*client, "https://t.co/article");
  CHECK(page.status == ResolveStatus::resolved);
  CHECK(!page.status_id);
  CHECK(page.final_url == "https://t.co/article");
}

TEST_CASE("loops, too many hops, 404, 410 and a missing Location end the chain with a reason", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/loop-a", "https://t.co/hop1", "https://t.co/dead", "https://t.co/gone",
                          "https://t.co/no-location"},
                         client.get(), nullptr, {});
  CHECK(r[0].status == ResolveStatus::error);
  CHECK(r[0].reason.find("loop") != std::string::npos);
  CHECK(r[1].status == ResolveStatus::error);
  CHECK(r[1].reason == "more than 10 redirects");
  CHECK(r[1].chain.size() == 10);
  CHECK(r[2].status == ResolveStatus::dead);
  CHECK(r[2].reason == "HTTP 404");
  CHECK(r[3].status == ResolveStatus::dead);
  CHECK(r[4].status == ResolveStatus::error);
}

TEST_CASE("429 honours Retry-After; 5xx is retried with backoff; a link that still fails gets a reason",
          "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  HttpOptions o;
  o.retries = 2;
  auto client = client_for(server, o);
  const auto start = std::chrono::steady_clock::now();
  const auto r = resolve({"https://t.co/rate-limited", "https://t.co/flaky", "https://t.co/always-429"}, client.get(),
                         nullptr, {});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r[0].status == ResolveStatus::resolved);
  CHECK(r[0].status_id == std::optional<std::string>("3333333333333333333"));
  CHECK(elapsed >= std::chrono::milliseconds(950)); // waited the Retry-After second
  CHECK(server.requests("/rate-limited") == 2);
  CHECK(r[1].status == ResolveStatus::resolved);
  CHECK(server.requests("/flaky") == 3);
  CHECK(r[2].status == ResolveStatus::error);
  CHECK(r[2].reason == "rate limited (HTTP 429)");
  CHECK(server.requests("/always-429") == 3); // 1 + 2 retries
  CHECK(client->stats().retries >= 5);
}

TEST_CASE("a response slower than the timeout is an error, not a hang", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  HttpOptions o;
  o.timeout_ms = 500;
  o.retries = 1;
  auto client = client_for(server, o);
  const auto start = std::chrono::steady_clock::now();
  const auto r = resolve_one(*client, "https://t.co/slow");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(r.status == ResolveStatus::error);
  CHECK(r.reason.rfind("timeout", 0) == 0);
  CHECK(server.requests("/slow") == 2);
}

TEST_CASE("bodies over the cap, private addresses and non-http targets are refused", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/huge", "https://t.co/to-private", "https://t.co/to-ftp",
                          "https://t.co/to-javascript", "https://t.co/to-private-ip"},
                         client.get(), nullptr, {});
  CHECK(r[0].status == ResolveStatus::error);
  CHECK(r[0].reason.find("larger than") != std::string::npos);
  // The redirect goes to localhost, which is not a mapped endpoint: blocked before connecting.
  CHECK(r[1].status == ResolveStatus::blocked);
  CHECK(r[1].reason.find("private address") != std::string::npos);
  CHECK(server.requests("/tco-to-status") == 0);
  CHECK(r[2].status == ResolveStatus::blocked);
  CHECK(r[2].reason.find("non-http") != std::string::npos);
  CHECK(r[3].status == ResolveStatus::blocked);
  CHECK(r[3].reason.find("javascript:") != std::string::npos);
  // Also when the private address is the trusted endpoint's own (a reused connection).
  CHECK(r[4].status == ResolveStatus::blocked);
  // --allow-private-network lifts the check.
  HttpOptions open;
  open.allow_private_network = true;
  auto lax = client_for(server, open);
  const auto ok = resolve_one(*lax, "https://t.co/to-private");
  CHECK(ok.status == ResolveStatus::resolved);
}

TEST_CASE("each distinct URL is requested once per run, intermediate hops included", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/tco-to-status", "t.co/tco-to-status", "https://t.co/bitly",
                          "https://t.co/refresh-header", "https://t.co/tco-to-status"},
                         client.get(), nullptr, {});
  REQUIRE(r.size() == 5);
  for (const auto& x : r) CHECK(x.status_id == std::optional<std::string>("406461874771734528"));
  CHECK(r[1].url == "t.co/tco-to-status"); // results keep the input's spelling and order
  // https://t.co/tco-to-status: once for the three inputs and the Refresh header's target;
  // https://buff.ly/tco-to-status (the bitly chain's last hop) is another URL, fetched once.
  CHECK(server.requests("/tco-to-status") == 2);
  CHECK(server.requests("/refresh-header") == 1);
  CHECK(server.requests("/bitly") == 1);
  CHECK(server.requests("/buffly") == 1);
}

TEST_CASE("the per-host cap bounds concurrent requests", "[resolve][http]") {
  TestServer server({"--bench-latency-ms", "100"});
  HttpOptions o;
  o.concurrency = 16;
  o.host_concurrency = 3;
  auto client = client_for(server, o);
  std::vector<std::string> urls;
  for (int i = 0; i < 12; ++i) urls.push_back("https://t.co/b/" + std::to_string(i));
  const auto r = resolve(urls, client.get(), nullptr, {});
  for (const auto& x : r) CHECK(x.status == ResolveStatus::resolved);
  CHECK(server.stats()["max_in_flight"].get<int>() <= 3);
  CHECK(server.stats()["total"] == 12);
}

TEST_CASE("a per-host request rate spaces requests out", "[resolve][http]") {
  TestServer server({"--bench-latency-ms", "1"});
  HttpOptions o;
  o.host_rate = 10; // one request per 100 ms
  auto client = client_for(server, o);
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i) urls.push_back("https://t.co/b/" + std::to_string(i));
  const auto start = std::chrono::steady_clock::now();
  const auto r = resolve(urls, client.get(), nullptr, {});
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(450));
  for (const auto& x : r) CHECK(x.status == ResolveStatus::resolved);
}

namespace {

/// A gate like a fleet's: each answer takes a coordinator's round trip (3 ms), and every request is
/// first held for 1 ms, then let through.
class HoldingGate final : public HostGate {
public:
  long admit(const std::string& host) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    hosts.push_back(host);
    return hosts.size() % 2 == 1 ? 1 : 0;
  }
  void pause(const std::string&, long) override {}
  std::vector<std::string> hosts;
};

} // namespace

TEST_CASE("a request a host gate holds for a moment starts when the moment is over, not a second later",
          "[resolve][http]") {
  TestServer server({"--bench-latency-ms", "1"});
  HttpOptions o;
  o.host_concurrency = 1; // one at a time: no transfer in flight wakes the client while one is held
  o.endpoints["t.co"] = server.base();
  auto gate = std::make_shared<HoldingGate>();
  auto client = make_curl_client(o, gate);
  REQUIRE(client);
  std::vector<std::string> urls;
  for (int i = 0; i < 5; ++i) urls.push_back("https://t.co/b/" + std::to_string(i));
  const auto start = std::chrono::steady_clock::now();
  const auto r = resolve(urls, client->get(), nullptr, {});
  // Each hold is over by the time the gate answers; a client reckoning its poll's timeout only
  // from waits still to come would poll a whole second for each: five seconds in all.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
  for (const auto& x : r) CHECK(x.status == ResolveStatus::resolved);
  CHECK(gate->hosts == std::vector<std::string>(10, "t.co")); // asked for the host asked for, before mapping
  CHECK(server.stats()["total"] == 5);
}

TEST_CASE("HTTPS with a self-signed certificate passed as the CA file", "[resolve][http][tls]") {
  const tweetcheck::test::TempDir tmp("tweetcheck-tls");
  const std::string dir = tmp.path;
  const std::string gen = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/key.pem -out " + dir +
                          "/cert.pem -days 1 -subj /CN=127.0.0.1 -addext "
                          "subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
  REQUIRE(std::system(gen.c_str()) == 0);
  TestServer server(
      {"--routes", fixture_path("http/resolver.json"), "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
  HttpOptions o;
  o.endpoints["t.co"] = server.base("https");
  o.ca_file = dir + "/cert.pem";
  auto trusted = make_curl_client(o);
  REQUIRE(trusted);
  const auto r = resolve_one(**trusted, "https://t.co/tco-to-status");
  CHECK(r.status == ResolveStatus::resolved);
  CHECK(r.status_id == std::optional<std::string>("406461874771734528"));
  // Without the CA file the certificate is not trusted.
  HttpOptions strict;
  strict.endpoints["t.co"] = server.base("https");
  strict.retries = 0;
  auto untrusted = make_curl_client(strict);
  REQUIRE(untrusted);
  const auto bad = resolve_one(**untrusted, "https://t.co/tco-to-status");
  CHECK(bad.status == ResolveStatus::error);
  CHECK(bad.reason.rfind("TLS", 0) == 0);
}

TEST_CASE("status URLs given directly need no request", "[resolve]") {
  const auto r =
      resolve({"https://twitter.com/jack/status/20", "x.com/a/status/1800000000000000000"}, nullptr, nullptr, {});
  CHECK(r[0].status_id == std::optional<std::string>("20"));
  CHECK(r[1].status_id == std::optional<std::string>("1800000000000000000"));
  CHECK(r[1].status == ResolveStatus::resolved);
}

TEST_CASE("short-link normalisation and reference resolution", "[resolve]") {
  CHECK(normalize_short_url("pic.twitter.com/abc") == "https://t.co/abc");
  CHECK(normalize_short_url("http://pic.x.com/abc") == "https://t.co/abc");
  CHECK(normalize_short_url("t.co/abc?amp=1") == "https://t.co/abc?amp=1");
  CHECK(normalize_short_url("//bit.ly/x") == "https://bit.ly/x");
  CHECK(resolve_reference("https://a.com/x/y?q", "/z") == "https://a.com/z");
  CHECK(resolve_reference("https://a.com/x/y?q", "//b.com/z") == "https://b.com/z");
  CHECK(resolve_reference("https://a.com/x/y?q", "z") == "https://a.com/x/z");
  CHECK(resolve_reference("https://a.com", "z") == "https://a.com/z");
  CHECK(resolve_reference("https://a.com/x", "https://c.com/") == "https://c.com/");
  CHECK(resolve_reference("https://a.com/x", "javascript:alert(1)") == "javascript:alert(1)");
  CHECK(resolve_reference("https://a.com/x", "a:b/c") == "a:b/c");
  CHECK(resolve_reference("https://a.com/x", "./a:b") == "https://a.com/a:b"); // dot segments removed
  CHECK(normalize_short_url("http://t.co/abc") == "https://t.co/abc");
  CHECK(normalize_short_url("HTTP://T.CO/abc") == "https://t.co/abc");
}

TEST_CASE("a proxy named in the environment is not used (the address checks see the real peer)", "[resolve][http]") {
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  TestServer proxy({"--routes", fixture_path("http/resolver.json")});
  const std::string via = proxy.base();
  for (const char* var : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
    ::setenv(var, via.c_str(), 1);
  auto client = client_for(server);
  const auto r = resolve({"https://t.co/tco-to-status", "https://t.co/to-private"}, client.get(), nullptr, {});
  for (const char* var : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) ::unsetenv(var);
  CHECK(r[0].status == ResolveStatus::resolved);
  CHECK(r[1].status == ResolveStatus::blocked); // checked against localhost itself, not the proxy
  CHECK(server.requests("/tco-to-status") == 1);
  CHECK(proxy.stats()["total"] == 0);
}
