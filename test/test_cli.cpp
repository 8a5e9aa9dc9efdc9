// The tweetcheck binary: output formats, stdin, exit statuses and error messages.
#include <algorithm>
#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"

using tweetcheck::test::fixture_path;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

/// Runs the CLI through the shell; stderr is folded into the output only when asked.
Run run(const std::string& args, bool with_stderr = false) {
  const std::string cmd = std::string("'") + TWEETCHECK_BINARY + "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
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
                    "' /nonexistent/b.html", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("/nonexistent/b.html") != std::string::npos);
  CHECK(r.out.find("\"status_id\":\"1493033482355838976\"") != std::string::npos);
}
