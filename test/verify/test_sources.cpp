// The sources' network behaviour end to end: the real binary (or the real resolver and libcurl
// client) against the real test server on 127.0.0.1, replaying fixtures/http/services.json
// (written by tools/make_service_fixtures.py): service redirects followed within the service's
// own hosts and refused elsewhere, relative redirects, http:// short links, every tombstone
// wording, and `200 {}`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <unistd.h>

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "tweetcheck/resolve.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;

namespace {

/// `tweetcheck check --format json ARGS FIXTURE` against the server (`--no-cache` unless ARGS
/// names a cache; `env` prefixes the command); its JSON is held to the schema.
json check(const TestServer& server, const std::string& args, const std::string& fixture, const std::string& env = "") {
  const std::string cache = args.find("--cache ") == std::string::npos ? " --no-cache" : "";
  const std::string cmd = "check --format json" + cache + tweetcheck::test::service_endpoints(server) + " " + args +
                          " '" + fixture_path(fixture) + "'";
  const Run r = tweetcheck::test::shell(env + tweetcheck::test::binary() + " " + cmd + " 2>/dev/null");
  INFO("tweetcheck " << cmd);
  REQUIRE(!r.out.empty());
  CHECK(tweetcheck::test::schema_errors("check", r.out).empty());
  return json::parse(r.out);
}

std::vector<std::string> reasons(const json& p) { return p["reasons"].get<std::vector<std::string>>(); }

/// The evidence's URLs and statuses, in order.
std::vector<std::pair<std::string, long>> hops(const json& p) {
  std::vector<std::pair<std::string, long>> out;
  for (const auto& e : p["evidence"]) out.emplace_back(e["url"].get<std::string>(), e["status"].get<long>());
  return out;
}

const std::string k_oembed_query = "/oembed?url=https%3A%2F%2Ftwitter.com%2Fi%2Fstatus%2F";

} // namespace

TEST_CASE("sources: oEmbed's 301 to publish.x.com is followed, each hop in the evidence", "[sources][redirect][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report = check(server, "--sources oembed", "articles/check_services.html");
  REQUIRE(report["posts"].size() == 5);
  const json& p = report["posts"][0];
  CHECK(p["status_id"] == "463440424141459456");
  CHECK(p["verdict"] == "verified");
  CHECK(p["original"]["source"] == "oembed");
  CHECK(p["original"]["handle"] == "Interior");
  const std::string q = k_oembed_query + "463440424141459456&omit_script=true&dnt=true";
  using H = std::vector<std::pair<std::string, long>>;
  CHECK(hops(p) == H{{"https://publish.twitter.com" + q, 301}, {"https://publish.x.com" + q, 200}});
  CHECK(p["evidence"][1]["sha256"].get<std::string>().size() == 64);
  CHECK(!p["evidence"][0].contains("detail"));
}

TEST_CASE("sources: a redirect off the service's hosts, a loop and too many hops are refused with a reason",
          "[sources][redirect][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report = check(server, "--sources oembed", "articles/check_services.html");
  REQUIRE(report["posts"].size() == 5);
  using V = std::vector<std::string>;
  // Another host: not followed (the test server never sees a request for it).
  const json& other = report["posts"][1];
  CHECK(other["verdict"] == "unverifiable");
  CHECK(reasons(other) == V{"redirect_refused"});
  REQUIRE(other["evidence"].size() == 1);
  CHECK(other["evidence"][0]["status"] == 301);
  const std::string why = other["evidence"][0]["detail"];
  CHECK(why.find("https://publish.example.net/oembed?") != std::string::npos);
  CHECK(why.find("not a host of oembed") != std::string::npos);
  // publish.twitter.com -> publish.x.com -> publish.twitter.com.
  const json& loop = report["posts"][2];
  CHECK(reasons(loop) == V{"redirect_refused"});
  REQUIRE(loop["evidence"].size() == 2);
  CHECK(loop["evidence"][1]["url"].get<std::string>().rfind("https://publish.x.com/oembed?", 0) == 0);
  CHECK(loop["evidence"][1]["detail"].get<std::string>().rfind("redirect loop at https://publish.twitter.com/", 0) ==
        0);
  // Five hops followed, the sixth refused.
  const json& endless = report["posts"][3];
  CHECK(reasons(endless) == V{"redirect_refused"});
  REQUIRE(endless["evidence"].size() == 6);
  CHECK(endless["evidence"][5]["url"].get<std::string>().find("&hop=5") != std::string::npos);
  CHECK(endless["evidence"][5]["detail"] == "more than 5 redirects");
  const json stats = server.stats()["requests"];
  CHECK(!stats.contains(k_oembed_query + "1587301348604841987&omit_script=true&dnt=true&hop=6"));
  // Only https, even to a host of the service.
  const json& plain = report["posts"][4];
  CHECK(reasons(plain) == V{"redirect_refused"});
  REQUIRE(plain["evidence"].size() == 1);
  CHECK(plain["evidence"][0]["detail"].get<std::string>().find("refused: not https") != std::string::npos);
  // Refused redirects are unverifiable, not failures.
  CHECK(report["summary"]["unverifiable"] == 4);
}

TEST_CASE("sources: Wayback's 302 to the nearest capture is followed (relative Location)", "[sources][redirect][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report = check(server, "", "articles/check_wayback_redirect.html");
  REQUIRE(report["posts"].size() == 1);
  const json& p = report["posts"][0];
  CHECK(p["verdict"] == "missing");
  CHECK(reasons(p) == std::vector<std::string>{"deleted", "archived_match"});
  const std::string capture =
      "https://web.archive.org/web/20140702131544id_/https://twitter.com/vmstan/status/484308107506376704";
  CHECK(p["original"]["url"] ==
        "https://web.archive.org/web/20140702131544/https://twitter.com/vmstan/status/484308107506376704");
  const auto h = hops(p);
  REQUIRE(h.size() >= 2);
  CHECK(h[h.size() - 2] ==
        std::pair<std::string, long>{
            "https://web.archive.org/web/20140702130000id_/https://twitter.com/vmstan/status/484308107506376704", 302});
  CHECK(h.back() == std::pair<std::string, long>{capture, 200});
}

TEST_CASE("sources: the X API's 301 from api.x.com to api.twitter.com is followed, the token sent on",
          "[sources][redirect][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report =
      check(server, "--sources x-api", "articles/check_x_api_redirect.html", "TWEETCHECK_X_BEARER_TOKEN=secret ");
  REQUIRE(report["posts"].size() == 1);
  const json& p = report["posts"][0];
  CHECK(p["verdict"] == "verified");
  CHECK(p["original"]["source"] == "x-api");
  CHECK(p["original"]["handle"] == "TwitterDev");
  REQUIRE(p["evidence"].size() == 2);
  CHECK(p["evidence"][0]["url"].get<std::string>().rfind("https://api.x.com/2/tweets?ids=1261326399320715264&", 0) ==
        0);
  CHECK(p["evidence"][0]["status"] == 301);
  CHECK(p["evidence"][1]["url"].get<std::string>().rfind("https://api.twitter.com/2/tweets?ids=1261326399320715264&",
                                                         0) == 0);
  CHECK(p["evidence"][1]["status"] == 200);
}

TEST_CASE("sources: a followed redirect is cached under the URL asked for, with its hops",
          "[sources][redirect][cache][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const tweetcheck::test::TempDir tmp;
  const std::string db = tmp / "cache.sqlite";
  const json first = check(server, "--sources oembed --cache " + db, "articles/check_services.html");
  const int asked = server.stats()["total"].get<int>();
  const json again = check(server, "--sources oembed --cache " + db, "articles/check_services.html");
  const json& p = again["posts"][0];
  CHECK(p["verdict"] == "verified");
  REQUIRE(p["evidence"].size() == 2);
  CHECK(p["evidence"][0]["status"] == 301);
  CHECK(p["evidence"][0]["from_cache"] == true);
  CHECK(p["evidence"][1]["url"] == first["posts"][0]["evidence"][1]["url"]);
  CHECK(p["evidence"][1]["sha256"] == first["posts"][0]["evidence"][1]["sha256"]);
  // Refused redirects are not definitive answers: asked again (three posts, one request each at
  // least); the followed one is not.
  const json requests = server.stats()["requests"];
  CHECK(requests[k_oembed_query + "463440424141459456&omit_script=true&dnt=true"] == 2); // the 301, then publish.x.com
  CHECK(server.stats()["total"].get<int>() > asked);
}

TEST_CASE("sources: which hosts belong to which service", "[sources][redirect]") {
  CHECK(sources::service_of("https://api.x.com/2/tweets?ids=1") == "x-api");
  CHECK(sources::service_of("https://API.Twitter.com./2/tweets") == "x-api");
  CHECK(sources::service_of("https://publish.x.com/oembed") == "oembed");
  CHECK(sources::service_of("https://archive.org/wayback/available") == "wayback");
  CHECK(sources::service_of("https://cdn.syndication.twimg.com/tweet-result") == "syndication");
  CHECK(sources::service_of("https://cdn.syndication.twimg.com.evil.example/x").empty());
  CHECK(sources::service_of("https://user@evil.example/@publish.x.com").empty());
  CHECK(sources::service_of("not a url").empty());
}

TEST_CASE("references resolve as RFC 3986 section 5.4 says", "[resolve][rfc3986]") {
  const std::string base = "http://a/b/c/d;p?q";
  // 5.4.1 normal examples ("//g" gives "http://g/": libcurl writes the empty path as "/", the
  // same URL by RFC 3986 section 6.2.3).
  const std::vector<std::pair<const char*, const char*>> normal = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  // 5.4.2 abnormal examples ("http:g" as a strict parser reads it).
  const std::vector<std::pair<const char*, const char*>> abnormal = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  for (const auto& list : {normal, abnormal}) {
    for (const auto& [ref, want] : list) {
      INFO("reference '" << ref << "'");
      CHECK(resolve_reference(base, ref) == want);
    }
  }
  // Fragments: a fragment-only reference keeps the base's path and query and replaces its fragment.
  CHECK(resolve_reference("https://t.co/a/b?x=1#old", "#new") == "https://t.co/a/b?x=1#new");
  CHECK(resolve_reference("https://t.co/a/b?x=1#old", "c#d") == "https://t.co/a/c#d");
  CHECK(resolve_reference("https://t.co/a/b?x=1#old", "") == "https://t.co/a/b?x=1");
  // Absolute http(s) references lose their dot segments too; other schemes are left as they are.
  CHECK(resolve_reference(base, "https://x.com/a/./b/../c") == "https://x.com/a/c");
  CHECK(resolve_reference(base, "javascript:alert(1)") == "javascript:alert(1)");
  // What cannot be read as a URL gives "".
  CHECK(resolve_reference(base, "http://[bad").empty());
  CHECK(resolve_reference(base, "//[::1").empty());
}

TEST_CASE("the resolver follows relative Locations by RFC 3986 on the test server", "[resolve][rfc3986][http]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  HttpOptions o;
  o.endpoints["t.co"] = server.base();
  o.timeout_ms = 1500;
  auto client = make_curl_client(o);
  REQUIRE(client);
  const auto r = resolve({"https://t.co/rel/a/b/start"}, client->get(), nullptr, {});
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == ResolveStatus::resolved);
  CHECK(r[0].status_id == std::optional<std::string>("1800000000000000001"));
  std::vector<std::string> chain;
  for (const Hop& h : r[0].chain) chain.push_back(h.url);
  CHECK(chain == std::vector<std::string>{"https://t.co/rel/a/b/start", "https://t.co/rel/x/hop2",
                                          "https://t.co/rel/x/hop2?step=3#frag",
                                          "https://t.co/rel/x/hop2?step=3#photo"});
  CHECK(server.requests("/rel/x/hop2?step=3") == 2);
  const auto bad = resolve({"https://t.co/rel/bad"}, client->get(), nullptr, {});
  CHECK(bad[0].status == ResolveStatus::error);
  CHECK(bad[0].reason == "unreadable Location: http://[bad");
}

TEST_CASE("sources: http://t.co and http://pic.twitter.com links are resolved over https", "[sources][tco][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report = check(server, "--sources oembed", "articles/check_http_tco.txt");
  REQUIRE(report["posts"].size() == 2);
  const json& sunset = report["posts"][0];
  CHECK(sunset["status_id"] == "463440424141459456"); // learnt only from http://t.co/YuKy2rcjyU
  CHECK(sunset["resolution"]["url"] == "http://t.co/YuKy2rcjyU");
  CHECK(sunset["resolution"]["chain"][0]["url"] == "https://t.co/YuKy2rcjyU");
  CHECK(sunset["resolution"]["final_url"] == "https://twitter.com/Interior/status/463440424141459456/photo/1");
  CHECK(sunset["original"]["source"] == "oembed");
  CHECK(sunset["original"]["handle"] == "Interior");
  // The article writes the photo link as http://t.co/… where the post shows pic.twitter.com/…:
  // the same link, so the faithful quote is verified.
  CHECK(sunset["verdict"] == "verified");
  CHECK(sunset["reasons"].empty());
  const json& kid = report["posts"][1];
  CHECK(kid["status_id"] == "483046250829193216");
  CHECK(kid["resolution"]["chain"][0]["url"] == "https://t.co/fs2MjF8nS9");
  CHECK(kid["verdict"] == "verified");
  CHECK(server.requests("/YuKy2rcjyU") == 1);
  CHECK(server.requests("/fs2MjF8nS9") == 1);
}

TEST_CASE("sources: every tombstone wording gives its reason; an unknown one is kept in the evidence",
          "[sources][tombstone][e2e]") {
  TestServer server({"--routes", fixture_path("http/services.json")});
  const json report = check(server, "--sources syndication", "articles/check_tombstones.html");
  // The expected reason is the heading of each post's section ("missing, REASON").
  const std::string html = tweetcheck::test::read_file(fixture_path("articles/check_tombstones.html"));
  std::vector<std::string> want;
  for (std::size_t p = html.find("<h2>missing, "); p != std::string::npos; p = html.find("<h2>missing, ", p + 1)) {
    const std::size_t s = p + 13;
    want.push_back(html.substr(s, html.find("</h2>", s) - s));
  }
  REQUIRE(want.size() == 20);
  REQUIRE(report["posts"].size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const json& p = report["posts"][i];
    INFO("post " << i << " (" << p["status_id"] << ")");
    CHECK(p["verdict"] == "missing");
    CHECK(reasons(p) == std::vector<std::string>{want[i]});
    REQUIRE(p["evidence"].size() == 1);
    CHECK(p["evidence"][0]["status"] == 200);
  }
  // Known wordings carry no detail; the unknown one keeps its words.
  CHECK(!report["posts"][6]["evidence"][0].contains("detail"));
  CHECK(report["posts"][15]["evidence"][0]["detail"] ==
        "This Post cannot be shown for a reason nobody has seen yet. Learn more");
  // 200 {} is not found, as a 404 is: no other source is needed, nothing is unverifiable.
  CHECK(report["summary"]["missing"] == 20);
  CHECK(report["summary"]["unverifiable"] == 0);
}

TEST_CASE("tombstone wordings: one table, old and new wordings, API error details", "[sources][tombstone]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"This Post was deleted by the Post author. Learn more", "deleted"},
      {"This Tweet was deleted by the Tweet author. Learn more", "deleted"},
      {"This post was deleted by its author.", "deleted"},
      {"This Post is from a suspended account. Learn more", "suspended"},
      {"User has been suspended: [2244994945].", "suspended"},
      {"This Post is from an account that no longer exists. Learn more", "account_gone"},
      {"You\u2019re unable to view this Post because this account owner limits who can view their Posts. Learn more",
       "protected"},
      {"You're unable to view this Tweet because this account owner limits who can view their Tweets. Learn more",
       "protected"},
      {"This post is from a protected account.", "protected"},
      {"Sorry, you are not authorized to see the Tweet with ids: [1].", "protected"},
      {"This Post from @x has been withheld in Germany based on local law(s). Learn more", "withheld"},
      {"@AmyMek's account has been withheld in Germany, France based on local law(s). Learn more.", "withheld"},
      {"This post is unavailable in your location.", "withheld"},
      {"This Post violated the X Rules. Learn more", "removed"},
      {"This Tweet violated the Twitter Rules. Learn more", "removed"},
      {"Age-restricted adult content. This content might not be appropriate for people under 18 years old. To view "
       "this "
       "media, you\u2019ll need to log in to Twitter. Learn more",
       "age_restricted"},
      {"Tweet is age restricted. Unauthorized to serve this tweet.", "age_restricted"},
      {"NsfwLoggedOut", "age_restricted"},
      {"Protected", "protected"},
      {"Suspended", "suspended"},
      {"This Post is unavailable. Learn more", "unavailable"},
      {"This Tweet is unavailable.", "unavailable"},
  };
  for (const auto& [text, reason] : cases) {
    INFO(text);
    const auto t = sources::read_tombstone(text);
    CHECK(t.reason == reason);
    CHECK(t.known);
  }
  const auto unknown = sources::read_tombstone("Something we have never seen.");
  CHECK(unknown.reason == "unavailable");
  CHECK(!unknown.known);
}

TEST_CASE("syndication: 200 {} is not found, exactly as its 404", "[sources][tombstone]") {
  HttpResponse empty;
  empty.status = 200;
  empty.body = "{}";
  HttpResponse not_found;
  not_found.status = 404;
  not_found.body = "<!DOCTYPE html><html><body>Not found</body></html>";
  const auto a = sources::parse_syndication(empty, "1420323141841846274");
  const auto b = sources::parse_syndication(not_found, "1420323141841846274");
  CHECK(a.kind == sources::Answer::Kind::missing);
  CHECK(a.kind == b.kind);
  CHECK(a.reason == b.reason);
}
