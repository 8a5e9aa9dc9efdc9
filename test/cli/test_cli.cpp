// The tweetcheck binary: output formats, stdin, exit statuses and error messages.
#include <algorithm>
#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "support/fixtures.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tweetcheck::test::fixture_path;

namespace {

using tweetcheck::test::Run;

/// Runs the CLI through the shell; stderr is folded into the output only when asked.
Run run(const std::string& args, bool with_stderr = false) {
  Run r = tweetcheck::test::shell(tweetcheck::test::binary() + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null"));
  // Every JSON the CLI prints in the tests is held to its schema.
  bool lines = false;
  if (const std::string kind = tweetcheck::test::json_kind(args, &lines);
      !kind.empty() && !r.out.empty() && !with_stderr) {
    INFO("schema check of: " << args);
    CHECK(tweetcheck::test::schema_errors(kind, r.out, lines).empty());
  }
  return r;
}

} // namespace

TEST_CASE("scan --format json prints the schema and IDs as strings", "[cli]") {
  const Run r = run("scan --format json '" + fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt") + "'");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["schema"] == "tweetcheck/scan/1");
  REQUIRE(j["posts"].size() == 3);
  CHECK(j["posts"][0]["handle"] == "theserenadong");
  CHECK(j["posts"][0]["line"] == 9);
  CHECK(j["posts"][0]["status_id"].is_null());
  const Run v = run("scan '" + fixture_path("corpus/postlight/www.vox.com.html") + "'");
  CHECK(nlohmann::json::parse(v.out)["posts"][0]["status_id"].is_string());
}

TEST_CASE("scan reads directories recursively and - from stdin", "[cli]") {
  const Run dir = run("scan --format jsonl '" + fixture_path("corpus/devopsish") + "'");
  REQUIRE(dir.status == 0);
  CHECK(std::count(dir.out.begin(), dir.out.end(), '\n') == 7);
  const Run in = run("scan --format jsonl --input-format text - < '" +
                     fixture_path("corpus/pages/goldtadise.com_p530258.excerpt.txt") + "'");
  REQUIRE(in.status == 0);
  const auto j = nlohmann::json::parse(in.out);
  CHECK(j["file"] == "-");
  CHECK(j["status_id"] == "1493033482355838976");
}

TEST_CASE("scan --format text shows file:line:column", "[cli]") {
  const Run r = run("scan --format text '" + fixture_path("corpus/pages/goldtadise.com_p530258.excerpt.txt") + "'");
  REQUIRE(r.status == 0);
  CHECK(r.out.find("goldtadise.com_p530258.excerpt.txt:3:1: twitter url") != std::string::npos);
  CHECK(r.out.find("1 post found") != std::string::npos);
}

TEST_CASE("a missing input exits 2 naming the file; bad usage exits 2", "[cli]") {
  const Run r = run("scan /nonexistent/article.html", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("/nonexistent/article.html") != std::string::npos);
  CHECK(run("scan --format yaml x", true).status == 2);
  CHECK(run("frobnicate", true).status == 2);
  CHECK(run("--version").status == 0);
}

TEST_CASE("-q/--quiet and -v/--verbose work before and after the command", "[cli]") {
  const std::string f = " '" + fixture_path("articles/check_no_status_id.txt") + "'";
  CHECK(run("--quiet scan" + f).status == 0);
  CHECK(run("scan --quiet" + f).status == 0);
  CHECK(run("scan -v" + f).status == 0);
  CHECK(run("check -q --offline --no-cache --format json" + f).status == 0);
  const tweetcheck::test::TempDir tmp;
  CHECK(run("audit --quiet --scan-only --no-cache --output " + (tmp / "q.jsonl") + f).status == 0);
}

TEST_CASE("an article with no posts is a success with an empty list", "[cli]") {
  const Run r = run("scan '" + fixture_path("articles/decoys_buttons_meta_css_script.html") + "'");
  CHECK(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["posts"].empty());
}

TEST_CASE("parallel scanning gives the same output, in input order, as one job", "[cli]") {
  std::string dir = fixture_path("corpus");
  dir.insert(dir.begin(), '\'');
  dir.push_back('\'');
  const Run one = run("scan --format jsonl --jobs 1 " + dir);
  const Run many = run("scan --format jsonl --jobs 4 " + dir);
  REQUIRE(one.status == 0);
  REQUIRE(many.status == 0);
  CHECK(std::count(one.out.begin(), one.out.end(), '\n') > 200);
  CHECK(one.out == many.out);
}

TEST_CASE("an unreadable file among readable ones is reported and the rest still scanned", "[cli]") {
  const Run r = run("scan --format jsonl '" + fixture_path("corpus/pages/goldtadise.com_p530258.excerpt.txt") +
                        "' /nonexistent/b.html",
                    true);
  CHECK(r.status == 2);
  CHECK(r.out.find("/nonexistent/b.html") != std::string::npos);
  CHECK(r.out.find("\"status_id\":\"1493033482355838976\"") != std::string::npos);
}

TEST_CASE("resolve prints url, final_url, chain, status_id, handle, status and reason", "[cli][resolve]") {
  tweetcheck::test::TestServer server({"--routes", fixture_path("http/resolver.json")});
  const std::string ep = "--no-cache --endpoint t.co=" + server.base() + " ";
  const Run r = run("resolve " + ep + "https://t.co/tco-to-status pic.twitter.com/HJPx1XTDZR https://t.co/dead");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["schema"] == "tweetcheck/resolve/1");
  const auto& res = j["results"];
  REQUIRE(res.size() == 3);
  CHECK(res[0]["url"] == "https://t.co/tco-to-status");
  CHECK(res[0]["final_url"] == "https://twitter.com/CDMoyer/status/406461874771734528/photo/1");
  CHECK(res[0]["chain"][0]["status"] == 301);
  CHECK(res[0]["status_id"] == "406461874771734528");
  CHECK(res[0]["handle"] == "CDMoyer");
  CHECK(res[0]["status"] == "resolved");
  CHECK(res[1]["status_id"] == "1420372566524555264");
  CHECK(res[2]["status"] == "dead");
  CHECK(res[2]["reason"] == "HTTP 404");
  // One URL per line on stdin; --format text for people.
  const tweetcheck::test::TempDir tmp;
  const std::string list = tmp / "urls";
  {
    std::ofstream f(list);
    f << "https://t.co/tco-to-x\n\n# comment\n";
  }
  const Run in = run("resolve --format text " + ep + "- < " + list);
  REQUIRE(in.status == 0);
  CHECK(in.out.find("post: 1800000000000000000 by @someone") != std::string::npos);
}

TEST_CASE("two processes sharing one cache both work", "[cli][resolve][cache]") {
  tweetcheck::test::TestServer server({"--bench-latency-ms", "20"});
  const tweetcheck::test::TempDir tmp;
  const std::string cache = tmp / "shared.sqlite";
  std::string urls;
  for (int i = 0; i < 40; ++i) urls += " https://t.co/b/" + std::to_string(i);
  const std::string cmd = "resolve --cache " + cache + " --endpoint t.co=" + server.base() + urls;
  const std::string both = "'" + std::string(TWEETCHECK_BINARY) + "' " + cmd + " > " + cache + ".a & '" +
                           TWEETCHECK_BINARY + "' " + cmd + " > " + cache + ".b; wait $!";
  REQUIRE(std::system(("bash -c \"" + both + "\"").c_str()) == 0);
  for (const char* suffix : {".a", ".b"}) {
    const auto j = nlohmann::json::parse(tweetcheck::test::read_file(cache + suffix));
    REQUIRE(j["results"].size() == 40);
    for (const auto& r : j["results"]) CHECK(r["status"] == "resolved");
  }
  // A third run answers everything from the shared cache.
  const Run third = run("resolve --offline " + cmd.substr(8));
  const auto j = nlohmann::json::parse(third.out);
  for (const auto& r : j["results"]) CHECK(r["from_cache"] == true);
}

TEST_CASE("config file endpoints; a bad config names the file and line; bad --endpoint exits 2", "[cli][resolve]") {
  tweetcheck::test::TestServer server({"--routes", fixture_path("http/resolver.json")});
  const tweetcheck::test::TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  {
    std::ofstream f(cfg);
    f << "[endpoints]\n\"t.co\" = \"" << server.base() << "\"\n[http]\nretries = 0\n";
  }
  const Run ok = run("resolve --no-cache --config " + cfg + " https://t.co/tco-to-status");
  REQUIRE(ok.status == 0);
  CHECK(nlohmann::json::parse(ok.out)["results"][0]["status_id"] == "406461874771734528");
  {
    std::ofstream f(cfg);
    f << "[http]\nretries = \"many\"\n";
  }
  const Run bad = run("resolve --no-cache --config " + cfg + " https://t.co/x", true);
  CHECK(bad.status == 2);
  CHECK(bad.out.find(cfg + ":2:11: http.retries must be a whole number") != std::string::npos);
  CHECK(run("resolve --no-cache --endpoint nonsense https://t.co/x", true).status == 2);
  CHECK(run("resolve --no-cache --config /nonexistent.toml https://t.co/x", true).status == 2);
}

TEST_CASE("many processes opening one new cache at once all succeed and none rebuilds it", "[cli][cache]") {
  const tweetcheck::test::TempDir tmp;
  const std::string cache = tmp / "race.sqlite";
  std::string cmd = "for i in 1 2 3 4 5 6; do " + tweetcheck::test::binary() + " resolve --offline --cache " + cache +
                    " https://twitter.com/a/status/20 > /dev/null 2>> " + cache + ".err & done; wait";
  REQUIRE(std::system(("bash -c '" + cmd + "'").c_str()) == 0);
  std::ifstream err(cache + ".err");
  const std::string errors((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK(errors.find("rebuilding") == std::string::npos);
  CHECK(errors.find("error") == std::string::npos);
}
