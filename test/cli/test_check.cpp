// End to end: `tweetcheck check` on fixture articles against the real test server on 127.0.0.1,
// which plays t.co, syndication, oEmbed, Wayback and the X API (fixtures/http/verify.json, written
// by tools/make_verify_fixtures.py).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include "support/run.hpp"
#include "support/temp_dir.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::TestServer;

namespace {

using tweetcheck::test::Run;

Run run(const std::string& args) {
  Run r = tweetcheck::test::shell(tweetcheck::test::binary() + " " + args + " 2>/dev/null");
  // Every JSON the CLI prints in the tests is held to its schema.
  bool lines = false;
  if (const std::string kind = tweetcheck::test::json_kind(args, &lines); !kind.empty() && !r.out.empty()) {
    INFO("schema check of: " << args);
    CHECK(tweetcheck::test::schema_errors(kind, r.out, lines).empty());
  }
  return r;
}

std::string endpoints(const TestServer& s) { return tweetcheck::test::service_endpoints(s); }

/// The posts of a check report, by line.
std::map<int, json> by_line(const json& report) {
  std::map<int, json> out;
  for (const auto& p : report["posts"]) out[p["line"].get<int>()] = p;
  return out;
}

std::vector<std::string> reasons(const json& p) { return p["reasons"].get<std::vector<std::string>>(); }

} // namespace

TEST_CASE("check: every verdict and reason on one article", "[check][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const Run r = run("check --format json --no-cache" + endpoints(server) + " '" +
                    fixture_path("articles/check_verdicts.html") + "'");
  CHECK(r.status == 1); // altered, misattributed and missing posts fail the default --fail-on
  const json report = json::parse(r.out);
  CHECK(report["schema"] == "tweetcheck/check/1");
  auto p = by_line(report);
  REQUIRE(p.size() == 29);
  using V = std::vector<std::string>;
  CHECK(p[4]["verdict"] == "verified");
  CHECK(p[4]["original"]["source"] == "syndication");
  CHECK(p[4]["original"]["handle"] == "example_news");
  CHECK(p[4]["original"]["created_at"] == "2022-03-14T15:00:00.000Z");
  CHECK(p[7]["verdict"] == "altered");
  CHECK(reasons(p[7]) == V{"number_changed"});
  CHECK(!p[7]["diff"].empty());
  CHECK(reasons(p[10]) == V{"negation_changed"});
  CHECK(reasons(p[13]) == V{"truncated"});
  CHECK(reasons(p[16]) == V{"text_added"});
  CHECK(reasons(p[19]) == V{"text_changed"});
  CHECK(p[22]["verdict"] == "misattributed");
  CHECK(reasons(p[22]) == V{"handle_mismatch"});
  CHECK(reasons(p[25]) == V{"date_mismatch"});
  CHECK(p[28]["verdict"] == "verified");
  CHECK(p[28]["notes"] == json::array({"display_name_changed"}));
  CHECK(p[31]["verdict"] == "missing");
  CHECK(reasons(p[31]) == V{"deleted", "archived_match"});
  CHECK(p[31]["original"]["source"] == "wayback");
  CHECK(reasons(p[34]) == V{"deleted", "archived_mismatch"});
  CHECK(reasons(p[37]) == V{"suspended"});
  CHECK(reasons(p[40]) == V{"protected"});
  CHECK(reasons(p[43]) == V{"withheld"});
  CHECK(reasons(p[46]) == V{"age_restricted"});
  CHECK(reasons(p[49]) == V{"unavailable"});
  CHECK(p[52]["verdict"] == "unverifiable"); // syndication times out, oEmbed answers 500
  CHECK(reasons(p[52]) == V{"network_error"});
  CHECK(reasons(p[55]) == V{"rate_limited"});
  CHECK(p[58]["verdict"] == "verified"); // malformed syndication JSON, then oEmbed
  CHECK(p[58]["original"]["source"] == "oembed");
  CHECK(p[61]["verdict"] == "verified");
  CHECK(p[61]["notes"] == json::array({"edited_since", "matches_version:1612751098475446272"}));
  CHECK(p[61]["original"]["id"] == "1612751098475446272"); // the version the article shows
  CHECK(p[61]["latest_version"]["id"] == "1612766197969846272");
  CHECK(p[61]["latest_version"]["text"] == "Launch moved to Friday (edited).");
  CHECK(p[64]["notes"] == json::array({"quotes:1620346144158646272"}));
  CHECK(p[67]["verdict"] == "verified"); // a long post of which syndication gives the head only
  CHECK(p[67]["notes"] == json::array({"long_post_head_only"}));
  CHECK(p[70]["verdict"] == "verified");
  CHECK(p[70]["original"]["source"] == "bluesky");
  // Japanese is diffed by character: one changed character is a changed word, not a number.
  CHECK(reasons(p[73]) == V{"text_changed"});
  CHECK(p[73]["diff"].size() >= 10);
  CHECK(reasons(p[76]) == V{"number_changed"});
  // A long post whose syndication head ends in "… https://t.co/…" (i/web/status): verified on its
  // head; the source's &amp; decoded once.
  CHECK(p[79]["verdict"] == "verified");
  CHECK(p[79]["notes"] == json::array({"long_post_head_only"}));
  CHECK(p[79]["original"]["text"].get<std::string>().rfind("Budget & schedule:", 0) == 0);
  CHECK(p[79]["original"]["display_text"].get<std::string>().find("t.co") == std::string::npos);
  // The article carries the first version's ID; the post was edited since.
  CHECK(p[82]["verdict"] == "verified");
  CHECK(p[82]["notes"] == json::array({"edited_since"}));
  CHECK(p[82]["original"]["id"] == "1612751098475446273");
  CHECK(p[82]["latest_version"]["id"] == "1612766197969846273");
  CHECK(p[82]["latest_version"]["text"] == "Polls close at 9 pm.");
  REQUIRE(p[82]["latest_version"]["diff"].size() == 6);
  CHECK(p[82]["latest_version"]["diff"][3]["op"] == "removed");
  CHECK(p[82]["latest_version"]["diff"][3]["word"] == "9");
  // Each side keeps its own spelling.
  CHECK(reasons(p[85]) == V{"text_changed"});
  CHECK(p[85]["diff"][0]["word"] == "\xE2\x80\x9CWe");
  CHECK(p[85]["diff"][0]["original"] == "\"We");
  // A site's wrapper without a permalink: the credit line is not part of the text.
  CHECK(p[88]["verdict"] == "verified");
  CHECK(p[88]["handle"] == "AutonomousUnion");
  CHECK(p[88]["date"] == "2020-04-27");
  // Evidence: every fetched URL with its status, time and SHA-256.
  const auto& ev = p[7]["evidence"];
  REQUIRE(!ev.empty());
  CHECK(ev[0]["url"].get<std::string>().rfind("https://cdn.syndication.twimg.com/tweet-result?id=1503747848401846272&",
                                              0) == 0);
  CHECK(ev[0]["status"] == 200);
  CHECK(ev[0]["sha256"].get<std::string>().size() == 64);
  CHECK(ev[0]["fetched_at"].get<std::string>().size() == 20);
  // Summary and every post kept.
  const auto& s = report["summary"];
  CHECK(s["posts"] == 29);
  CHECK(s["verified"] == 10);
  CHECK(s["altered"] == 8);
  CHECK(s["misattributed"] == 2);
  CHECK(s["missing"] == 7);
  CHECK(s["unverifiable"] == 2);
  CHECK(s["failed"] == 17);
}

TEST_CASE("check: the seed article's three flattened posts", "[check][e2e][seed]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const Run r = run("check --format json --no-cache" + endpoints(server) + " '" +
                    fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt") + "'");
  const json report = json::parse(r.out);
  REQUIRE(report["posts"].size() == 3);
  const auto& serena = report["posts"][0];
  CHECK(serena["handle"] == "theserenadong");
  CHECK(serena["verdict"] == "verified");
  CHECK(serena["status_id"] == "1420308042347446272"); // learnt only from its pic.twitter.com link
  CHECK(serena["resolution"]["chain"][0]["url"] == "https://t.co/HJPx1XTDZR");
  const auto& carl = report["posts"][1];
  CHECK(carl["verdict"] == "missing");
  CHECK(reasons(carl) == std::vector<std::string>{"deleted", "archived_match"});
  const auto& kabir = report["posts"][2];
  CHECK(kabir["verdict"] == "verified");
  CHECK(kabir["status_id"] == "1420338241336246272"); // found by the archive search, not the other capture
  CHECK(kabir["notes"] == json::array({"status_id_from_archive_search"}));
  CHECK(r.status == 1); // Carl Zha's post is missing
}

TEST_CASE("check: no status ID, --fail-on, exit statuses", "[check][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string ep = endpoints(server);
  const Run none =
      run("check --format json --no-cache" + ep + " '" + fixture_path("articles/check_no_status_id.txt") + "'");
  CHECK(none.status == 0); // unverifiable is not in the default --fail-on
  const auto p = json::parse(none.out)["posts"][0];
  CHECK(p["verdict"] == "unverifiable");
  CHECK(reasons(p) == std::vector<std::string>{"no_status_id"});
  CHECK(
      run("check --no-cache --fail-on unverifiable" + ep + " '" + fixture_path("articles/check_no_status_id.txt") + "'")
          .status == 1);
  CHECK(run("check --no-cache --fail-on nonsense" + ep + " '" + fixture_path("articles/check_no_status_id.txt") + "'")
            .status == 2);
  CHECK(run("check --no-cache" + ep + " /nonexistent/article.html").status == 2);
  CHECK(run("check --no-cache --sources syndication,bogus" + ep + " '" +
            fixture_path("articles/check_no_status_id.txt") + "'")
            .status == 2);
}

TEST_CASE("check: an article given by URL is fetched with the same client", "[check][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string ep = endpoints(server) + " --endpoint news.example.test=" + server.base();
  const Run r = run("check --format json --no-cache" + ep + " https://news.example.test/2022/04/article.html");
  REQUIRE(r.status == 0);
  const auto posts = json::parse(r.out)["posts"];
  REQUIRE(posts.size() == 1);
  CHECK(posts[0]["file"] == "https://news.example.test/2022/04/article.html");
  CHECK(posts[0]["verdict"] == "verified");
  // An article that cannot be fetched fails the run (2), the others still checked.
  const Run bad = run("check --format json --no-cache" + ep + " https://news.example.test/missing.html");
  CHECK(bad.status == 2);
}

TEST_CASE("check: an article URL that redirects is followed hop by hop, within bounds", "[check][e2e]") {
  const tweetcheck::test::TempDir tmp;
  json routes = json::parse(tweetcheck::test::read_file(fixture_path("http/verify.json")));
  // http → https and a moved page (relative Location), as sites and link shorteners answer.
  routes["/old/story.html"] = json::array({{{"status", 301}, {"headers", {{"Location", "/moved.html"}}}}});
  routes["/moved.html"] = json::array(
      {{{"status", 308}, {"headers", {{"Location", "https://news.example.test/2022/04/article.html"}}}}});
  routes["/loop.html"] = json::array({{{"status", 302}, {"headers", {{"Location", "/loop.html"}}}}});
  routes["/to-ftp.html"] = json::array({{{"status", 301}, {"headers", {{"Location", "ftp://news.example.test/a"}}}}});
  TestServer server({"--routes", tmp.file("routes.json", routes.dump())});
  const std::string ep = endpoints(server) + " --endpoint news.example.test=" + server.base();
  const Run r = run("check --format json --no-cache" + ep + " http://news.example.test/old/story.html");
  REQUIRE(r.status == 0);
  const auto posts = json::parse(r.out)["posts"];
  REQUIRE(posts.size() == 1);
  CHECK(posts[0]["file"] == "http://news.example.test/old/story.html"); // as given
  CHECK(posts[0]["verdict"] == "verified");
  CHECK(server.requests("/2022/04/article.html") == 1);
  const Run loop = tweetcheck::test::shell(tweetcheck::test::binary() + " check --no-cache" + ep +
                                           " https://news.example.test/loop.html 2>&1");
  CHECK(loop.status == 2);
  CHECK(loop.out.find("more than 10 redirects") != std::string::npos);
  CHECK(server.requests("/loop.html") == 11);
  const Run ftp = tweetcheck::test::shell(tweetcheck::test::binary() + " check --no-cache" + ep +
                                          " https://news.example.test/to-ftp.html 2>&1");
  CHECK(ftp.status == 2);
  CHECK(ftp.out.find("not http or https") != std::string::npos);
}

TEST_CASE("check: offline, the Snowflake ID still catches a wrong date", "[check][e2e]") {
  const Run r = run("check --format json --offline --no-cache '" + fixture_path("articles/check_verdicts.html") + "'");
  auto p = by_line(json::parse(r.out));
  CHECK(p[4]["verdict"] == "unverifiable");
  CHECK(reasons(p[4]) == std::vector<std::string>{"offline"});
  CHECK(p[25]["verdict"] == "misattributed"); // "March 1, 2022" on a post whose ID says March 21
  CHECK(reasons(p[25]) == (std::vector<std::string>{"date_mismatch", "offline"}));
  CHECK(r.status == 1);
}

TEST_CASE("check: a local archive answers without the network", "[check][e2e][archive]") {
  const Run r =
      run("check --format json --offline --no-cache --archive '" + fixture_path("archive/local-archive.jsonl") + "' '" +
          fixture_path("articles/check_verdicts.html") + "'");
  auto p = by_line(json::parse(r.out));
  CHECK(p[4]["verdict"] == "verified");
  CHECK(p[4]["original"]["source"] == "archive");
  CHECK(p[7]["verdict"] == "altered"); // the API v2-shaped line
  CHECK(reasons(p[7]) == std::vector<std::string>{"number_changed"});
  CHECK(run("check --offline --no-cache --archive /nonexistent.jsonl '" + fixture_path("articles/check_verdicts.html") +
            "'")
            .status == 2);
}

TEST_CASE("check: the X API with a bearer token (long posts compare their full text)", "[check][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const Run r = run("check --format json --no-cache --sources x-api" + endpoints(server) + " '" +
                    fixture_path("articles/check_x_api.html") + "' ; true");
  // The token comes from the environment.
  const std::string cmd = "TWEETCHECK_X_BEARER_TOKEN=secret '" + std::string(TWEETCHECK_BINARY) +
                          "' check --format json --no-cache --sources x-api" + endpoints(server) + " '" +
                          fixture_path("articles/check_x_api.html") + "' 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  const auto posts = json::parse(out)["posts"];
  CHECK(posts[0]["verdict"] == "verified");
  CHECK(posts[0]["original"]["source"] == "x-api");
  CHECK(posts[1]["verdict"] == "missing");
  CHECK(reasons(posts[1]) == std::vector<std::string>{"deleted"});
  // Without a token the source is skipped: nothing answers.
  CHECK(json::parse(r.out)["posts"][0]["verdict"] == "unverifiable");
}

TEST_CASE("check: evidence is cached; a second run asks nothing again", "[check][e2e][cache]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const tweetcheck::test::TempDir tmp;
  const std::string cache = tmp / "cache.sqlite";
  const std::string args = "check --format json --cache " + cache + endpoints(server) + " '" +
                           fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt") + "'";
  const Run first = run(args);
  const int requests = server.stats()["total"].get<int>();
  CHECK(requests > 0);
  const Run second = run(args);
  CHECK(server.stats()["total"].get<int>() == requests);
  const auto a = json::parse(first.out)["posts"], b = json::parse(second.out)["posts"];
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i]["verdict"] == b[i]["verdict"]);
    CHECK(b[i]["evidence"][0]["sha256"] == a[i]["evidence"][0]["sha256"]);
  }
  CHECK(b[0]["evidence"].back()["from_cache"] == true);
}

TEST_CASE("check: a data export's tweets.js is a local archive too", "[check][e2e][archive]") {
  const Run r = run("check --format json --offline --no-cache --archive '" + fixture_path("archive/tweets.js") + "' '" +
                    fixture_path("articles/check_verdicts.html") + "'");
  auto p = by_line(json::parse(r.out));
  CHECK(p[10]["verdict"] == "altered"); // "not safe" against the export's "safe"
  CHECK(reasons(p[10]) == std::vector<std::string>{"negation_changed"});
  CHECK(p[10]["original"]["source"] == "archive");
  CHECK(p[10]["original"]["created_at"] == "2022-03-16T15:00:00.000Z"); // from the export's classic date
}

TEST_CASE("check: every recorded real response gives the verdict it implies", "[check][e2e][recorded]") {
  // fixtures/recorded/responses.json: what the services really answered, recorded by other
  // projects; tools/make_recorded_fixtures.py serves each one and embeds its post the ways real
  // pages show it. Faithful embeds must be verified whichever source answers and however their
  // links are shown; gone posts missing with the reason the answer gives.
  TestServer server({"--routes", fixture_path("http/recorded.json")});
  const Run r = tweetcheck::test::shell("TWEETCHECK_X_BEARER_TOKEN=secret " + tweetcheck::test::binary() +
                                        " check --format json --no-cache --sources syndication,oembed,x-api,wayback" +
                                        endpoints(server) + " --endpoint bit.ly=" + server.base() + " '" +
                                        fixture_path("articles/check_recorded.html") + "' '" +
                                        fixture_path("articles/check_recorded.txt") + "' 2>/dev/null");
  CHECK(tweetcheck::test::schema_errors("check", r.out, false).empty());
  const json report = json::parse(r.out);
  std::map<std::pair<std::string, int>, json> posts;
  for (const auto& post : report["posts"]) {
    const std::string file = post["file"];
    posts[{file.substr(file.rfind('/') + 1), post["line"].get<int>()}] = post;
  }
  const auto expected = json::parse(tweetcheck::test::read_file(fixture_path("recorded/expected.json")));
  REQUIRE(expected.size() >= 45);
  REQUIRE(posts.size() == expected.size());
  std::size_t verified = 0;
  for (const auto& want : expected) {
    INFO(want["case"].get<std::string>());
    const json& got = posts[{want["file"].get<std::string>(), want["line"].get<int>()}];
    REQUIRE(got.is_object());
    CHECK(got["verdict"] == want["verdict"]);
    CHECK(got["reasons"] == want["reasons"]);
    for (const auto& n : want["notes"])
      CHECK(std::find(got["notes"].begin(), got["notes"].end(), n) != got["notes"].end());
    if (got["verdict"] == "verified") {
      ++verified;
      CHECK(got["diff"].empty());
    }
  }
  CHECK(verified >= 40);
  // Every recorded response is served by some case.
  for (const auto& e : json::parse(tweetcheck::test::read_file(fixture_path("recorded/responses.json")))) {
    const std::string name = e["case"];
    INFO("recorded response " << name);
    CHECK(std::any_of(expected.begin(), expected.end(),
                      [&](const json& c) { return c["case"].get<std::string>().find(name) != std::string::npos; }));
  }
}

TEST_CASE("check: posts quoted in prose are checked as excerpts", "[check][e2e][quote]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const Run r = run("check --format json --no-cache" + endpoints(server) + " '" +
                    fixture_path("articles/check_quotes.html") + "'");
  CHECK(r.status == 1);
  auto p = by_line(json::parse(r.out));
  REQUIRE(p.size() == 4);
  for (const auto& [line, post] : p) CHECK(post["form"] == "quote");
  using V = std::vector<std::string>;
  // The quoted words are a contiguous part of the post: verified, noted as an excerpt.
  CHECK(p[4]["verdict"] == "verified");
  CHECK(p[4]["notes"] == json::array({"excerpt"}));
  // Changed words inside the quote are a change; the post's other words are not.
  CHECK(p[5]["verdict"] == "altered");
  CHECK(reasons(p[5]) == V{"text_changed"});
  CHECK(p[5]["diff"].back()["word"] == "authorities");
  // A quote tied only to an account: its archived statuses are searched by the words.
  CHECK(p[6]["verdict"] == "verified");
  CHECK(p[6]["status_id"] == "1397600000000000000");
  CHECK(p[6]["notes"] == json::array({"status_id_from_archive_search", "excerpt"}));
  // Nothing found: no status ID.
  CHECK(p[7]["verdict"] == "unverifiable");
  CHECK(reasons(p[7]) == V{"no_status_id"});
}

TEST_CASE("check: --proxy sends every request through the trusted proxy", "[check][e2e][http]") {
  // The test server stands in for a plain-http forward proxy; the services' hosts are mapped to
  // plain-http URLs (as a proxy is asked for them); the article's host is known to no resolver.
  TestServer proxy({"--routes", fixture_path("http/verify.json")});
  const std::string ep = endpoints(proxy);
  const std::string article = " http://news.proxy-only.invalid/2022/04/article.html";
  const Run direct = tweetcheck::test::shell(tweetcheck::test::binary() + " check --format json --no-cache" + ep +
                                             " --allow-private-network" + article + " 2>&1");
  CHECK(direct.status == 2); // without the proxy the article's host cannot be reached
  const Run r = run("check --format json --no-cache" + ep + " --proxy " + proxy.base() + article);
  REQUIRE(r.status == 0);
  const auto posts = json::parse(r.out)["posts"];
  REQUIRE(posts.size() == 1);
  CHECK(posts[0]["verdict"] == "verified");
  CHECK(proxy.stats()["proxied"].get<int>() >= 2); // the article and its post's original
  // A proxy that is not a URL is a usage error.
  CHECK(run("check --no-cache --proxy 127.0.0.1:3128" + article).status == 2);
}
