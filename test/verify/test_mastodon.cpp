// Mastodon end to end: the real libcurl client (and the binary) against the test server playing
// Mastodon instances (fixtures/http/mastodon.json: answers recorded from a live instance, see
// fixtures/recorded/mastodon.md) and the Wayback Machine for a gone one.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "support/run.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/scan.hpp"
#include "tweetcheck/verify.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;

namespace {

const std::string k_article = "articles/check_mastodon.html";

/// --endpoint options: the instances of the article and the Wayback Machine to the test server;
/// gone.example to a port nothing listens on (connection refused).
std::string endpoints(const TestServer& s) {
  return tweetcheck::test::service_endpoints(s) + " --endpoint mastodon.example=" + s.base() +
         " --endpoint mastodon.social=" + s.base() + " --endpoint other.example=" + s.base() +
         " --endpoint gone.example=http://127.0.0.1:1";
}

Run run_check(const TestServer& server, const std::string& args) {
  const std::string cmd =
      "check --no-cache" + endpoints(server) + " " + args + " '" + fixture_path(k_article) + "' 2>/dev/null";
  INFO("tweetcheck " << cmd);
  return tweetcheck::test::shell(tweetcheck::test::binary() + " " + cmd);
}

json check_json(const TestServer& server) {
  const Run r = run_check(server, "--format json");
  REQUIRE(!r.out.empty());
  CHECK(tweetcheck::test::schema_errors("check", r.out).empty());
  return json::parse(r.out);
}

std::vector<std::string> strings(const json& a) { return a.get<std::vector<std::string>>(); }

std::vector<std::string> evidence_urls(const json& p) {
  std::vector<std::string> out;
  for (const auto& e : p["evidence"]) out.push_back(e["url"].get<std::string>());
  return out;
}

std::unique_ptr<HttpClient> client(std::map<std::string, std::string> endpoints, HttpOptions o = {}) {
  o.endpoints = std::move(endpoints);
  o.timeout_ms = 1500;
  o.retries = 0;
  auto c = make_curl_client(o);
  REQUIRE(c);
  return std::move(*c);
}

Post mastodon_post(const std::string& permalink, const std::string& text) {
  Post p;
  p.platform = Platform::mastodon;
  p.form = EmbedForm::blockquote;
  p.status_id = permalink;
  p.status_url = permalink;
  p.text = text;
  return p;
}

VerifyOptions mastodon_only() {
  VerifyOptions o;
  o.sources = {"mastodon"};
  return o;
}

} // namespace

TEST_CASE("mastodon: the scanner gives the blockquote's text, handle and date", "[mastodon][scan]") {
  Document doc;
  doc.name = k_article;
  doc.format = InputFormat::html;
  doc.content = tweetcheck::test::read_file(fixture_path(k_article));
  const ScanResult s = scan(doc);
  REQUIRE(s.posts.size() == 16);
  const Post& p = s.posts[0];
  CHECK(p.platform == Platform::mastodon);
  CHECK(p.status_url == std::optional<std::string>("https://mastodon.example/@mastodonpy_test/117020583223442465"));
  CHECK(p.text == std::optional<std::string>("Toot!"));
  CHECK(p.handle == std::optional<std::string>("mastodonpy_test@mastodon.example"));
  CHECK(p.display_name == std::optional<std::string>("John Lennon"));
  CHECK(p.date == std::optional<std::string>("2026-08-01"));
  CHECK(s.posts[2].handle == std::optional<std::string>("ringo@mastodon.example"));
  CHECK(s.posts[4].text == std::optional<std::string>("Content warning\n\nToot!"));
  // The iframe shows no text in the page.
  CHECK(s.posts[15].form == EmbedForm::rendered);
  CHECK(!s.posts[15].text);
}

TEST_CASE("mastodon: verified, altered, misattributed, edited, content warning, links, deleted, refused, gone",
          "[mastodon][e2e]") {
  TestServer server({"--routes", fixture_path("http/mastodon.json")});
  const json report = check_json(server);
  const json& posts = report["posts"];
  REQUIRE(posts.size() == 16);
  auto verdict = [&](std::size_t i) { return posts[i]["verdict"].get<std::string>(); };
  auto reasons = [&](std::size_t i) { return strings(posts[i]["reasons"]); };
  auto notes = [&](std::size_t i) { return strings(posts[i]["notes"]); };
  using V = std::vector<std::string>;

  SECTION("verified: text, account (acct + @instance), display name and date as the status") {
    const json& p = posts[0];
    CHECK(p["platform"] == "mastodon");
    CHECK(verdict(0) == "verified");
    CHECK(reasons(0).empty());
    CHECK(notes(0).empty());
    CHECK(p["original"]["source"] == "mastodon");
    CHECK(p["original"]["text"] == "Toot!");
    CHECK(p["original"]["handle"] == "mastodonpy_test@mastodon.example");
    CHECK(p["original"]["created_at"] == "2026-08-01T13:53:15.378Z");
    CHECK(evidence_urls(p) == V{"https://mastodon.example/api/v1/statuses/117020583223442465"});
    CHECK(p["evidence"][0]["status"] == 200);
    CHECK(p["evidence"][0]["source"] == "mastodon");
    CHECK(p["evidence"][0]["sha256"].get<std::string>().size() == 64);
    // The iframe of the same status: the account and the ID, no text to compare.
    CHECK(verdict(15) == "verified");
  }
  SECTION("altered and misattributed") {
    CHECK(verdict(1) == "altered");
    CHECK(reasons(1) == V{"text_added"});
    CHECK(verdict(2) == "misattributed");
    CHECK(reasons(2) == V{"handle_mismatch"});
    CHECK(notes(2) == V{"display_name_changed"});
  }
  SECTION("edited: the article shows the text before the edit (from /history)") {
    CHECK(verdict(3) == "verified");
    CHECK(notes(3) == V{"edited_since", "matches_version:117020586180926938"});
    CHECK(posts[3]["original"]["text"] == "the best editor? why, of course it is VS Code");
    CHECK(posts[3]["latest_version"]["text"] ==
          "the best editor? why, of course it is the KDE Advanced Text Editor, Kate");
    CHECK(evidence_urls(posts[3]) == V{"https://mastodon.example/api/v1/statuses/117020586180926938",
                                       "https://mastodon.example/api/v1/statuses/117020586180926938/history"});
  }
  SECTION("a content warning may be shown before the text, or left out") {
    CHECK(verdict(4) == "verified");
    CHECK(verdict(5) == "verified");
    CHECK(posts[4]["original"]["text"] == "Content warning\n\nToot!");
  }
  SECTION("links: full URL against what the status shows, a shortened one included") {
    CHECK(verdict(6) == "verified");
    CHECK(verdict(7) == "verified");
    CHECK(posts[7]["original"]["handle"] == "Gargron@mastodon.social");
    CHECK(evidence_urls(posts[7]) == V{"https://mastodon.social/api/v1/statuses/103270115826048975"});
  }
  SECTION("deleted, refused, moved, gone account") {
    CHECK(verdict(8) == "missing");
    // Compared with the Wayback Machine's capture of the status page.
    CHECK(reasons(8) == V{"deleted", "archived_match"});
    CHECK(posts[8]["original"]["source"] == "wayback");
    CHECK(posts[8]["original"]["text"] == "A deleted toot");
    CHECK(verdict(9) == "unverifiable");
    CHECK(reasons(9) == V{"instance_refused"});
    CHECK(verdict(10) == "unverifiable");
    CHECK(reasons(10) == V{"instance_refused"});
    CHECK(posts[10]["evidence"][0]["status"] == 403);
    CHECK(verdict(11) == "unverifiable");
    CHECK(reasons(11) == V{"redirect_refused"});
    CHECK(posts[11]["evidence"][0]["detail"].get<std::string>().find("not a host of mastodon (mastodon.example)") !=
          std::string::npos);
    CHECK(verdict(12) == "missing");
    CHECK(reasons(12) == V{"account_gone"});
  }
  SECTION("a gone instance: network_error, and its Wayback capture when there is one") {
    CHECK(verdict(13) == "verified");
    CHECK(posts[13]["original"]["source"] == "wayback");
    CHECK(posts[13]["original"]["handle"] == "mastodonpy_test@gone.example");
    CHECK(posts[13]["original"]["url"] ==
          "https://web.archive.org/web/20260801140000/https://gone.example/@mastodonpy_test/117020583223442465");
    const auto urls = evidence_urls(posts[13]);
    REQUIRE(urls.size() == 3);
    CHECK(urls[0] == "https://gone.example/api/v1/statuses/117020583223442465");
    CHECK(posts[13]["evidence"][0]["status"] == 0);
    CHECK(urls[1].rfind("https://web.archive.org/cdx/search/cdx?url=gone.example%2F%40mastodonpy_test%2F", 0) == 0);
    CHECK(urls[2] == "https://web.archive.org/web/20260801140000id_/https://gone.example/@mastodonpy_test/"
                     "117020583223442465");
    CHECK(verdict(14) == "unverifiable");
    CHECK(reasons(14) == V{"network_error"});
  }
  CHECK(server.requests("/api/v1/statuses/117020586180926938/history") == 1);
}

TEST_CASE("mastodon: without wayback in --sources a gone instance is network_error only", "[mastodon][e2e]") {
  TestServer server({"--routes", fixture_path("http/mastodon.json")});
  const Run r = run_check(server, "--format json --sources mastodon");
  const json report = json::parse(r.out);
  CHECK(report["posts"][13]["verdict"] == "unverifiable");
  CHECK(strings(report["posts"][13]["reasons"]) == std::vector<std::string>{"network_error"});
  CHECK(report["posts"][13]["evidence"].size() == 1);
  CHECK(report["posts"][0]["verdict"] == "verified");
}

TEST_CASE("mastodon: the text, JSON and SARIF reports show the platform, the original and the evidence",
          "[mastodon][e2e][report]") {
  TestServer server({"--routes", fixture_path("http/mastodon.json")});
  const Run text = run_check(server, "--format text");
  // The original (its source and the permalink the instance gave), the article's text, the reason.
  CHECK(text.out.find("source:   mastodon  http://localhost:3000/@mastodonpy_test/117020583223442465") !=
        std::string::npos);
  CHECK(text.out.find("source:   wayback  https://web.archive.org/web/20260801140000/https://gone.example/") !=
        std::string::npos);
  CHECK(text.out.find("Toot toot!") != std::string::npos);
  CHECK(text.out.find("unverifiable (instance_refused)") != std::string::npos);
  const Run sarif = run_check(server, "--format sarif");
  const std::string file = "/tmp/tweetcheck-mastodon-" + std::to_string(getpid()) + ".sarif";
  {
    std::ofstream f(file);
    f << sarif.out;
  }
  const Run valid =
      tweetcheck::test::shell("/usr/bin/python3 '" + tweetcheck::test::source_path("tools/validate_json.py") + "' '" +
                              fixture_path("schemas/sarif-2.1.0.json") + "' '" + file + "' 2>&1");
  std::remove(file.c_str());
  INFO(valid.out);
  CHECK(valid.status == 0);
  const json s = json::parse(sarif.out);
  bool rule = false, refused = false, altered = false;
  for (const auto& r : s["runs"][0]["tool"]["driver"]["rules"]) {
    if (r["id"] == "tweetcheck/unverifiable/instance_refused") rule = true;
  }
  for (const auto& r : s["runs"][0]["results"]) {
    if (r["ruleId"] == "tweetcheck/unverifiable/instance_refused") refused = true;
    if (r["ruleId"] == "tweetcheck/altered/text_added") {
      altered = true;
      CHECK(r["properties"]["platform"] == "mastodon");
      CHECK(r["properties"]["source"] == "mastodon");
      CHECK(r["properties"]["originalUrl"] == "http://localhost:3000/@mastodonpy_test/117020583223442465");
    }
  }
  CHECK(rule);
  CHECK(refused);
  CHECK(altered);
}

TEST_CASE("mastodon: two instances, each asked on its own host", "[mastodon][e2e]") {
  TestServer a({"--routes", fixture_path("http/mastodon.json")});
  TestServer b({"--routes", fixture_path("http/mastodon_b.json")});
  auto c = client({{"mastodon.example", a.base()}, {"social.example", b.base()}});
  const auto out = verify({mastodon_post("https://mastodon.example/@mastodonpy_test/117020583223442465", "Toot!"),
                           mastodon_post("https://social.example/@mastodonpy_test_2/117020586180926938",
                                         "the best editor? why, of course it is VS Code")},
                          c.get(), nullptr, mastodon_only());
  REQUIRE(out.size() == 2);
  CHECK(out[0].verdict == Verdict::verified);
  REQUIRE(out[0].original);
  CHECK(out[0].original->handle == "mastodonpy_test@mastodon.example");
  CHECK(out[1].verdict == Verdict::verified);
  REQUIRE(out[1].original);
  CHECK(out[1].original->handle == "mastodonpy_test_2@social.example"); // a local acct gets the instance asked
  CHECK(out[1].notes == std::vector<std::string>{"edited_since", "matches_version:117020586180926938"});
  CHECK(a.requests("/api/v1/statuses/117020583223442465") == 1);
  CHECK(a.requests("/api/v1/statuses/117020586180926938") == 0);
  CHECK(b.requests("/api/v1/statuses/117020586180926938") == 1);
  CHECK(b.requests("/api/v1/statuses/117020586180926938/history") == 1);
}

TEST_CASE("mastodon: the request rate is kept per instance", "[mastodon][e2e][http]") {
  // The limits count the host connected to: each instance is mapped to a host of its own (the
  // test server as 127.0.0.1 and as localhost), as instances are on the network.
  TestServer server({"--routes", fixture_path("http/mastodon.json")});
  HttpOptions o;
  o.host_rate = 5; // one request per 200 ms on each host
  auto c =
      client({{"one.example", server.base()}, {"two.example", "http://localhost:" + std::to_string(server.port())}}, o);
  std::vector<Post> posts;
  for (const char* host : {"one.example", "two.example"}) {
    for (int i = 0; i < 3; ++i)
      posts.push_back(mastodon_post("https://" + std::string(host) + "/@a/11702058322344250" + std::to_string(i), "x"));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto out = verify(posts, c.get(), nullptr, mastodon_only());
  const auto took = std::chrono::steady_clock::now() - start;
  for (const auto& p : out) CHECK(p.verdict == Verdict::missing); // no such status: 404
  CHECK(server.stats()["total"] == 6);
  // Three requests per instance, both instances at once: 2 × 200 ms, not 5 × 200 ms.
  CHECK(took >= std::chrono::milliseconds(380));
  CHECK(took < std::chrono::milliseconds(900));
  // The client counts those waits: the second and third of each host, 200 + 400 ms each.
  const HttpStats st = c->stats();
  CHECK(st.requests == 6);
  CHECK(st.rate_waits == 4);
  CHECK(st.rate_wait_ms >= 1100);
  CHECK(st.rate_wait_ms < 1800);
}

TEST_CASE("mastodon: an instance on a private address without --endpoint is refused", "[mastodon][e2e][http]") {
  TestServer server({"--routes", fixture_path("http/mastodon.json")});
  const std::string port = std::to_string(server.port());
  const std::vector<Post> posts{
      mastodon_post("https://127.0.0.1:" + port + "/@mastodonpy_test/117020583223442465", "Toot!"),
      mastodon_post("https://localhost:" + port + "/@mastodonpy_test/117020583223442465", "Toot!")};
  auto c = client({});
  const auto out = verify(posts, c.get(), nullptr, mastodon_only());
  for (const auto& p : out) {
    CHECK(p.verdict == Verdict::unverifiable);
    CHECK(p.reasons == std::vector<std::string>{"network_error"});
    REQUIRE(p.evidence.size() == 1);
    CHECK(p.evidence[0].status == 0);
  }
  CHECK(server.stats()["total"] == 0);
  // The same instance through an --endpoint mapping is asked.
  auto mapped = client({{"127.0.0.1", server.base()}});
  const auto ok = verify({mastodon_post("https://127.0.0.1/@mastodonpy_test/117020583223442465", "Toot!")},
                         mapped.get(), nullptr, mastodon_only());
  CHECK(ok[0].verdict == Verdict::verified);
}

TEST_CASE("mastodon: permalinks, request URLs and the instance as its own service", "[mastodon]") {
  using sources::mastodon_status;
  auto s = mastodon_status("https://Mastodon.Social/@Gargron/103270115826048975");
  REQUIRE(s);
  CHECK(s->instance == "mastodon.social");
  CHECK(s->id == "103270115826048975");
  CHECK(sources::mastodon_status_url(*s) == "https://mastodon.social/api/v1/statuses/103270115826048975");
  CHECK(sources::mastodon_history_url(*s) == "https://mastodon.social/api/v1/statuses/103270115826048975/history");
  CHECK(mastodon_status("https://mastodon.social/users/Gargron/statuses/103270115826048975")->id ==
        "103270115826048975");
  CHECK(mastodon_status("https://fosstodon.org/@Wivik/107645377769254953/embed")->instance == "fosstodon.org");
  CHECK(!mastodon_status("https://mastodon.social/@Gargron"));
  CHECK(!mastodon_status("at://did:plc:x/app.bsky.feed.post/3k"));
  // Each instance is a service of its own: a redirect stays on the host asked.
  CHECK(sources::service_of("https://mastodon.social/api/v1/statuses/1") == "mastodon (mastodon.social)");
  CHECK(sources::service_of("https://MASTODON.social./api/v1/statuses/2") == "mastodon (mastodon.social)");
  CHECK(sources::service_of("https://fosstodon.org/api/v1/statuses/1") != "mastodon (mastodon.social)");
  CHECK(sources::service_of("https://mastodon.social/@Gargron") == "");
  CHECK(sources::find_source("mastodon")->platform == Platform::mastodon);
}

TEST_CASE("mastodon: answers read by status", "[mastodon]") {
  const sources::MastodonStatus s{"mastodon.example", "117020583223442465"};
  auto answer = [&](long status, const std::string& body) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    return sources::parse_mastodon_status(r, s);
  };
  using K = sources::Answer::Kind;
  CHECK(answer(404, "{\"error\":\"Record not found\"}").reason == Reason::deleted);
  CHECK(answer(401, "{}").kind == K::error);
  CHECK(answer(401, "{}").reason == Reason::instance_refused);
  CHECK(answer(403, "{}").reason == Reason::instance_refused);
  CHECK(answer(410, "").reason == Reason::deleted);
  CHECK(answer(410, "{\"error\":\"Account suspended\"}").reason == Reason::suspended);
  CHECK(answer(500, "").reason == Reason::network_error);
  CHECK(answer(429, "").reason == Reason::rate_limited);
  CHECK(answer(200, "{\"id\":\"1\",\"content\":\"<p>x</p>\",\"account\":{\"acct\":\"a\"}}").reason ==
        Reason::malformed_response); // another status than the one asked
  CHECK(answer(200, "{\"id\":\"117020583223442465\",\"content\":[],\"account\":{\"acct\":\"a\"}}").reason ==
        Reason::malformed_response);
  const auto found =
      answer(200, "{\"id\":\"117020583223442465\",\"content\":\"<p>Hi <a href=\\\"https://x.example/@b\\\" "
                  "class=\\\"u-url mention\\\">@<span>b</span></a></p><p>two</p>\",\"account\":{\"acct\":"
                  "\"a@remote.example\",\"display_name\":\"A\"},\"spoiler_text\":\"\"}");
  REQUIRE(found.kind == K::found);
  CHECK(found.original->text == "Hi @b\n\ntwo");
  CHECK(found.original->handle == "a@remote.example"); // a remote acct keeps its own instance
  CHECK(found.original->links.empty());                // a mention is a word
}

TEST_CASE("mastodon: an instance slower than --timeout leaves its statuses unverifiable, never hangs",
          "[mastodon][e2e][hang]") {
  // Every answer comes 2.5 s late; the client gives up after 1 s (run_check: --timeout 1, no
  // retries); no Wayback.
  TestServer server({"--routes", fixture_path("http/mastodon.json"), "--delay-ms", "2500"});
  const Run r = run_check(server, "--format json --sources mastodon");
  REQUIRE(!r.out.empty());
  const json report = json::parse(r.out);
  REQUIRE(report["posts"].size() == 16);
  std::size_t asked = 0;
  for (const auto& p : report["posts"]) {
    INFO(p["status_id"]);
    CHECK(p["verdict"] == "unverifiable");
    if (p["evidence"].empty()) continue;
    ++asked;
    const std::string detail = p["evidence"][0]["detail"];
    // gone.example refuses the connection; the test server's instances time out.
    if (p["evidence"][0]["url"].get<std::string>().rfind("https://gone.example/", 0) == 0) continue;
    CHECK(strings(p["reasons"]) == std::vector<std::string>{"network_error"});
    // Sent and timed out (not queued behind another request until the time ran out).
    CHECK_THAT(detail, Catch::Equals("timeout: no complete answer within 1000 ms (0 bytes received)"));
  }
  CHECK(asked >= 14);
}
