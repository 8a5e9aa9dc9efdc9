// Hostile input (issue 11): over-deep and wrong-typed JSON from sources and inputs, bad numeric
// options, control characters and injections in every report format, write errors, temporary
// files. End to end where the failure was: the real binary against tools/fake_server.py.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "support/run.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;
namespace fs = std::filesystem;

namespace {

/// A fresh folder under the system's temporary folder, removed with the object.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "tweetcheck-hostile-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string q(const std::string& s) { return "'" + s + "'"; }

Run tc(const std::string& args) { return tweetcheck::test::shell(tweetcheck::test::binary() + " " + args); }

constexpr const char* k_id = "1503385460536246272";

/// An article embedding post k_id by @example_news.
std::string article() {
  return std::string("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>\n"
                     "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Council approves the new budget.</p>"
                     "&mdash; Example News (@example_news) <a href=\"https://twitter.com/example_news/status/") +
         k_id + "?ref_src=twsrc%5Etfw\">March 14, 2022</a></blockquote>\n</body></html>\n";
}

/// A syndication answer for k_id with its text as written.
json good_syndication() {
  return {{"__typename", "Tweet"}, {"id_str", k_id}, {"text", "Council approves the new budget."},
          {"created_at", "2022-03-14T15:00:00.000Z"}, {"user", {{"screen_name", "example_news"}, {"name", "Example News"}}}};
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

/// A routes file answering every syndication request with `body`.
std::string routes(const TempDir& d, const std::string& path, const std::string& body) {
  const json r = {{path, json::array({{{"status", 200}, {"headers", {{"Content-Type", "application/json"}}}, {"body", body}}})}};
  return d.file("routes.json", r.dump());
}

int requests_to(const TestServer& s, const std::string& prefix) {
  int n = 0;
  const json stats = s.stats();
  for (const auto& [path, count] : stats["requests"].items()) {
    if (path.rfind(prefix, 0) == 0) n += count.get<int>();
  }
  return n;
}

/// What a malformed answer gives: unverifiable, "no source gave a usable answer", and why.
void check_malformed(const json& post) {
  CHECK(post["verdict"] == "unverifiable");
  CHECK(post["reasons"] == json::array({"network_error"}));
  CHECK(post["notes"] == json::array({"malformed_response"}));
}

/// Checks the article against `body` served as the syndication answer, twice with one cache:
/// the verdict of each run, and whether the second asked the server again.
struct TwoRuns {
  json first, second;
  int status = -1;
  int requests = 0;
};
TwoRuns check_twice(const std::string& path, const std::string& body, const std::string& sources = "syndication") {
  TempDir d;
  TestServer server({"--routes", routes(d, path, body)});
  const std::string a = d.file("article.html", article());
  const std::string args = "check --format json --sources " + sources + " --cache " + q(d / "cache.sqlite") +
                           tweetcheck::test::service_endpoints(server) + " " + q(a) + " 2>/dev/null";
  TwoRuns out;
  const std::string env = sources.find("x-api") != std::string::npos ? "TWEETCHECK_X_BEARER_TOKEN=secret " : "";
  Run r1 = tweetcheck::test::shell(env + tweetcheck::test::binary() + " " + args);
  Run r2 = tweetcheck::test::shell(env + tweetcheck::test::binary() + " " + args);
  out.status = r1.status;
  REQUIRE(r1.status >= 0);
  REQUIRE(r2.status >= 0);
  out.first = json::parse(r1.out)["posts"][0];
  out.second = json::parse(r2.out)["posts"][0];
  out.requests = requests_to(server, path.substr(0, path.find('*')));
  return out;
}

} // namespace

TEST_CASE("hostile: a syndication answer nested 300,000 deep is malformed, never a crash, never cached", "[hostile][e2e]") {
  const std::string deep = "{\"__typename\":\"Tweet\",\"id_str\":\"" + std::string(k_id) + "\",\"x\":" + nested(300000) + "}";
  const TwoRuns r = check_twice("/tweet-result*", deep);
  check_malformed(r.first);
  check_malformed(r.second);
  CHECK(r.requests == 2); // asked again: not cached
  // 64 levels are accepted, 65 are not.
  json ok = good_syndication();
  std::string at_bound = ok.dump();
  at_bound.insert(at_bound.size() - 1, ",\"x\":" + nested(63));
  CHECK(check_twice("/tweet-result*", at_bound).first["verdict"] == "verified");
  std::string past = ok.dump();
  past.insert(past.size() - 1, ",\"x\":" + nested(64));
  check_malformed(check_twice("/tweet-result*", past).first);
}

TEST_CASE("hostile: an X API answer nested deep is malformed", "[hostile][e2e]") {
  const std::string deep = "{\"data\":[{\"id\":\"" + std::string(k_id) + "\",\"text\":" + nested(200000) + "}]}";
  const TwoRuns r = check_twice("/2/tweets*", deep, "x-api");
  check_malformed(r.first);
  CHECK(r.requests == 2);
}

TEST_CASE("hostile: wrong-typed answers are malformed and never cached", "[hostile][e2e]") {
  const TwoRuns good = check_twice("/tweet-result*", good_syndication().dump());
  CHECK(good.first["verdict"] == "verified");
  CHECK(good.second["evidence"][0]["from_cache"] == true);
  CHECK(good.requests == 1); // the control: a good answer is cached
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"text", json::array({"Council approves the new budget."})},
           {"user", "bob"},
           {"id_str", 1503385460536246272ULL},
           {"created_at", 7},
           {"entities", json::array()},
           {"edit_control", {{"edit_tweet_ids", "x"}}},
           {"display_text_range", "0,10"}}) {
    INFO(field);
    json j = good_syndication();
    j[field] = value;
    const TwoRuns r = check_twice("/tweet-result*", j.dump());
    check_malformed(r.first);
    CHECK(r.requests == 2);
  }
  const json xapi_errors = {{"errors", "x"}};
  const TwoRuns x = check_twice("/2/tweets*", xapi_errors.dump(), "x-api");
  check_malformed(x.first);
  CHECK(x.requests == 2);
  const json xapi_user = {{"data", json::array({{{"id", k_id}, {"text", "Council approves the new budget."}, {"author_id", "1"}}})},
                          {"includes", {{"users", json::array({{{"id", "1"}, {"username", json::array({"example_news"})}}})}}}};
  check_malformed(check_twice("/2/tweets*", xapi_user.dump(), "x-api").first);
  const json oembed = {{"html", "<blockquote class=\"twitter-tweet\"><p>Council approves the new budget.</p>&mdash; Example News "
                                "(@example_news) <a href=\"https://twitter.com/example_news/status/" +
                                    std::string(k_id) + "\">March 14, 2022</a></blockquote>"},
                       {"author_url", json::object()}};
  const TwoRuns o = check_twice("/oembed*", oembed.dump(), "oembed");
  check_malformed(o.first);
  CHECK(o.requests == 2);
}

TEST_CASE("hostile: an archive or audit JSONL line nested 100,000 deep is a clear error naming the file and line", "[hostile][e2e]") {
  TempDir d;
  const std::string a = d.file("article.html", article());
  const std::string archive = d.file("archive.jsonl", good_syndication().dump() + "\n{\"id_str\":" + nested(100000) + "}\n");
  const Run r = tc("check --format json --offline --no-cache --archive " + q(archive) + " " + q(a) + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("archive.jsonl' line 2: JSON nested deeper than 64 levels") != std::string::npos);
  const std::string tweets_js = d.file("tweets.js", "window.YTD.tweets.part0 = [" + nested(100000) + "]");
  const Run t = tc("check --format json --offline --no-cache --archive " + q(tweets_js) + " " + q(a) + " 2>&1 >/dev/null");
  CHECK(t.status == 2);
  CHECK(t.out.find("tweets.js': JSON nested deeper than 64 levels") != std::string::npos);

  for (const char* field : {"id", "html", "url"}) {
    INFO(field);
    const json line = {{"id", "a1"}, {"url", "https://www.example-news.test/a1"}, {"html", article()}};
    std::string text = line.dump();
    text.insert(1, "\"" + std::string(field) + "\":" + nested(100000) + ",");
    const std::string in = d.file(std::string("in-") + field + ".jsonl", line.dump() + "\n" + text + "\n");
    const std::string out = d / (std::string("out-") + field + ".jsonl");
    for (int attempt = 0; attempt < 2; ++attempt) { // the same clear error on a resume
      const Run r2 = tc("audit --scan-only --output " + q(out) + " " + q(in) + " 2>&1 >/dev/null");
      CHECK(r2.status == 2);
      CHECK(r2.out.find(std::string("in-") + field + ".jsonl' line 2: JSON nested deeper than 64 levels") != std::string::npos);
    }
  }
}
