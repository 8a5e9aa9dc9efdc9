#pragma once
// Running the tweetcheck binary (or any shell command) from the tests.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "support/test_server.hpp"

namespace tweetcheck::test {

struct Run {
  int status = -1;
  std::string out;
};

/// Runs a shell command and collects its standard output (and its exit status).
inline Run shell(const std::string& cmd) {
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

/// The tweetcheck binary under test, quoted for the shell.
/// Whether a test that cannot find what it needs fails rather than skips: in CI (CI=true),
/// where .ci/run installs everything the suite needs, a skip would hide a broken set-up.
inline bool skips_fail() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

inline std::string binary() { return std::string("'") + TWEETCHECK_BINARY + "'"; }

/// --endpoint options sending every remote service of the verifier to the test server, with
/// short timeouts and no retries.
/// `network`: the timeout and retries (short, none: a test's server answers at once or not at all).
inline std::string service_endpoints(const TestServer& s, const std::string& network = " --timeout 1 --retries 0") {
  std::string out = network;
  // The services' other hosts too (publish.x.com, archive.org, api.twitter.com): their redirects
  // are followed there.
  for (const char* host :
       {"t.co", "cdn.syndication.twimg.com", "publish.twitter.com", "publish.x.com", "web.archive.org", "archive.org",
        "api.x.com", "api.twitter.com", "www.example-news.test", "public.api.bsky.app"}) {
    out += std::string(" --endpoint ") + host + "=" + s.base();
  }
  return out;
}

} // namespace tweetcheck::test
