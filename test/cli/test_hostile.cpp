// Hostile input (issue 11): over-deep and wrong-typed JSON from sources and inputs, bad numeric
// options, control characters and injections in every report format, write errors, temporary
// files. End to end where the failure was: the real binary against tools/fake_server.py.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "report/escape.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "tweetcheck/scan.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;
namespace fs = std::filesystem;

namespace {

struct TempDir : tweetcheck::test::TempDir {
  TempDir() : tweetcheck::test::TempDir("tweetcheck-hostile") {}
};

std::string q(const std::string& s) { return "'" + s + "'"; }

Run tc(const std::string& args) { return tweetcheck::test::shell(tweetcheck::test::binary() + " " + args); }

constexpr const char* k_id = "1503385460536246272";

/// An article embedding post k_id by @example_news.
std::string article() {
  return std::string(
             "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>\n"
             "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Council approves the new budget.</p>"
             "&mdash; Example News (@example_news) <a href=\"https://twitter.com/example_news/status/") +
         k_id + "?ref_src=twsrc%5Etfw\">March 14, 2022</a></blockquote>\n</body></html>\n";
}

/// A syndication answer for k_id with its text as written.
json good_syndication() {
  return {{"__typename", "Tweet"},
          {"id_str", k_id},
          {"text", "Council approves the new budget."},
          {"created_at", "2022-03-14T15:00:00.000Z"},
          {"user", {{"screen_name", "example_news"}, {"name", "Example News"}}}};
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

/// A routes file answering every syndication request with `body`.
std::string routes(const TempDir& d, const std::string& path, const std::string& body) {
  const json r = {
      {path, json::array({{{"status", 200}, {"headers", {{"Content-Type", "application/json"}}}, {"body", body}}})}};
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

TEST_CASE("hostile: a syndication answer nested 300,000 deep is malformed, never a crash, never cached",
          "[hostile][e2e]") {
  const std::string deep =
      "{\"__typename\":\"Tweet\",\"id_str\":\"" + std::string(k_id) + "\",\"x\":" + nested(300000) + "}";
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
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"text", json::array({"Council approves the new budget."})},
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
  const json xapi_user = {
      {"data", json::array({{{"id", k_id}, {"text", "Council approves the new budget."}, {"author_id", "1"}}})},
      {"includes", {{"users", json::array({{{"id", "1"}, {"username", json::array({"example_news"})}}})}}}};
  check_malformed(check_twice("/2/tweets*", xapi_user.dump(), "x-api").first);
  const json oembed = {
      {"html", "<blockquote class=\"twitter-tweet\"><p>Council approves the new budget.</p>&mdash; Example News "
               "(@example_news) <a href=\"https://twitter.com/example_news/status/" +
                   std::string(k_id) + "\">March 14, 2022</a></blockquote>"},
      {"author_url", json::object()}};
  const TwoRuns o = check_twice("/oembed*", oembed.dump(), "oembed");
  check_malformed(o.first);
  CHECK(o.requests == 2);
}

TEST_CASE("hostile: an archive or audit JSONL line nested 100,000 deep is a clear error naming the file and line",
          "[hostile][e2e]") {
  TempDir d;
  const std::string a = d.file("article.html", article());
  const std::string archive =
      d.file("archive.jsonl", good_syndication().dump() + "\n{\"id_str\":" + nested(100000) + "}\n");
  const Run r =
      tc("check --format json --offline --no-cache --archive " + q(archive) + " " + q(a) + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("archive.jsonl' line 2: JSON nested deeper than 64 levels") != std::string::npos);
  const std::string tweets_js = d.file("tweets.js", "window.YTD.tweets.part0 = [" + nested(100000) + "]");
  const Run t =
      tc("check --format json --offline --no-cache --archive " + q(tweets_js) + " " + q(a) + " 2>&1 >/dev/null");
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
      CHECK(r2.out.find(std::string("in-") + field + ".jsonl' line 2: JSON nested deeper than 64 levels") !=
            std::string::npos);
    }
  }
}

namespace {

/// An article named with a backtick, markup and an escape, whose embed holds terminal escapes,
/// a formula and characters XML forbids; oEmbed answers with a `javascript:` URL that mentions
/// web.archive.org. Returns the folder holding every report format.
struct HostileReports {
  TempDir d;
  std::string article;
  Run text;
};

const std::string k_evil_text = "=SUM(1+1) \x1b]52;c;SGVsbG8=\x07 \x1b[2J\x08\x7f \xc2\x9b"
                                "31m \xef\xbf\xbf end";

void make_hostile_reports(HostileReports& h) {
  const std::string body =
      "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">" + k_evil_text +
      "</p>&mdash; Example News (@example_news) <a href=\"https://twitter.com/example_news/status/" + k_id +
      "\">March 14, 2022</a></blockquote>";
  h.article =
      h.d.file("evil`<img src=x onerror=alert(1)>`\x1b[31m.html", "<html><body>\n" + body + "\n</body></html>\n");
  const json answer = {{"html", body},
                       {"url", "javascript:alert(1)//web.archive.org/"},
                       {"author_name", "Example News"},
                       {"author_url", "https://twitter.com/example_news"}};
  TestServer server({"--routes", routes(h.d, "/oembed*", answer.dump())});
  std::string outputs;
  for (const char* f : {"html", "junit", "csv", "markdown", "sarif", "json"})
    outputs += std::string(" --output-format ") + f + "=" + q(h.d / f);
  h.text = tc("check --format text --no-cache --sources oembed" + tweetcheck::test::service_endpoints(server) +
              outputs + " " + q(h.article) + " 2>/dev/null");
}

bool has_control(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f)
      return true;
  }
  return false;
}

} // namespace

TEST_CASE("hostile: reports in every format hold hostile text safely", "[hostile][e2e][report]") {
  HostileReports h;
  make_hostile_reports(h);
  REQUIRE(h.text.status >= 0);
  REQUIRE(h.text.out.find("verified") != std::string::npos);
  SECTION("text: control characters as visible escapes") {
    CHECK_FALSE(has_control(h.text.out));
    CHECK(h.text.out.find("evil`<img src=x onerror=alert(1)>`\\x1b[31m.html:2:") != std::string::npos);
  }
  SECTION("HTML: a CSP, and no link but to the expected hosts") {
    const std::string html = tweetcheck::test::read_file(h.d / "html");
    CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                    "'unsafe-inline'; img-src data:\">") != std::string::npos);
    CHECK(html.find("javascript:") == std::string::npos); // not even as text: it is not the post's URL…
    CHECK(html.find("href=\"https://twitter.com/example_news/status/" + std::string(k_id) + "\">Live post</a>") !=
          std::string::npos);
    CHECK(html.find("Archived copy<") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
  }
  SECTION("JUnit XML: well formed for an XML parser") {
    const Run r = tweetcheck::test::shell(
        "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print(\"ok\")' " +
        q(h.d / "junit") + " 2>&1");
    CHECK(r.out == "ok\n");
    CHECK(tweetcheck::test::read_file(h.d / "junit").find("\xef\xbf\xbf") == std::string::npos);
  }
  SECTION("CSV: a cell starting with = is prefixed with '") {
    const Run r = tweetcheck::test::shell("python3 -c 'import sys, csv; rows = list(csv.DictReader(open(sys.argv[1], "
                                          "newline=\"\"))); print(rows[0][\"article_text\"][:10])' " +
                                          q(h.d / "csv") + " 2>&1");
    CHECK(r.out == "'=SUM(1+1)\n");
  }
  SECTION("Markdown: a backtick in a file name cannot close the code span") {
    const std::string md = tweetcheck::test::read_file(h.d / "markdown");
    CHECK(md.find("| ``" + h.article + ":2`` |") != std::string::npos);
  }
}

TEST_CASE("hostile: a source's text with terminal escapes is shown with visible escapes", "[hostile][e2e][report]") {
  json answer = good_syndication();
  answer["text"] = k_evil_text;
  TempDir d;
  TestServer server({"--routes", routes(d, "/tweet-result*", answer.dump())});
  const std::string a = d.file("article.html", article());
  const Run r = tc("check --format text --no-cache --sources syndication" +
                   tweetcheck::test::service_endpoints(server) + " " + q(a) + " 2>/dev/null");
  REQUIRE(r.out.find("  original: ") != std::string::npos);
  CHECK_FALSE(has_control(r.out));
  CHECK(r.out.find("  original: =SUM(1+1) \\x1b]52;c;SGVsbG8=\\x07 \\x1b[2J\\x08\\x7f \\u009b31m") !=
        std::string::npos);
}

TEST_CASE("hostile: CSV cells that a spreadsheet reads as formulas are prefixed (OWASP)", "[hostile][report]") {
  using tweetcheck::detail::csv_field;
  CHECK(csv_field("=1+1") == "'=1+1");
  CHECK(csv_field("+1") == "'+1");
  CHECK(csv_field("-1") == "'-1");
  CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_field("\tx") == "'\tx");
  CHECK(csv_field("\rx") == "\"'\rx\"");
  CHECK(csv_field("=a,b") == "\"'=a,b\"");
  CHECK(csv_field("a=b") == "a=b");
  using tweetcheck::detail::md_code;
  CHECK(md_code("a`b") == "``a`b``");
  CHECK(md_code("`a") == "`` `a ``");
  CHECK(md_code("a|b") == "`a\\|b`");
  using tweetcheck::detail::terminal_text;
  CHECK(terminal_text("a\x1b[2Jb\xe2\x80\xae") == "a\\x1b[2Jb\\u202e");
  CHECK(terminal_text("\xff ok \xc3\xa9") == "\\xff ok \xc3\xa9");
}

TEST_CASE("hostile: non-finite and out-of-range numbers are refused with the option or config line named",
          "[hostile][e2e][cli]") {
  TempDir d;
  const std::string a = d.file("article.html", article());
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--timeout inf", "--timeout must be a number from 0 to 86400, got inf"},
           {"--timeout 1e308", "--timeout must be a number from 0 to 86400, got 1e+308"},
           {"--timeout nan", "--timeout must be a number from 0 to 86400, got nan"},
           {"--timeout -1", "--timeout must be a number from 0 to 86400, got -1"},
           {"--connect-timeout 1e20", "--connect-timeout must be a number from 0 to 86400"},
           {"--rate inf", "--rate must be a number from 0 to 1e+06, got inf"},
           {"--retries 1000", "--retries must be a whole number from 0 to 100, got 1000"}}) {
    INFO(args);
    const Run r = tc("check --offline --no-cache " + args + " " + q(a) + " 2>&1 >/dev/null");
    CHECK(r.status == 2);
    CHECK(r.out.find(message) != std::string::npos);
  }
  for (const auto& [toml, message] : std::vector<std::pair<std::string, std::string>>{
           {"[http]\ntimeout = inf\n", ":2:11: http.timeout must be a number from 0 to 86400, got inf"},
           {"[http]\n\ntimeout = 1e308\n", ":3:11: http.timeout must be a number from 0 to 86400, got 1e+308"},
           {"[http]\nconnect_timeout = nan\n", ":2:19: http.connect_timeout must be a number from 0 to 86400, got nan"},
           {"[http]\nretries = 1.1e48\n", ":2:11: http.retries must be a whole number from 0 to 100"},
           {"[http]\nretries = 101\n", ":2:11: http.retries must be a whole number from 0 to 100"},
           {"[http]\nconcurrency = 2.5\n", ":2:15: http.concurrency must be a whole number from 0 to 100000"},
           {"[http]\nhost_rate = -inf\n", ":2:13: http.host_rate must be a number from 0 to 1e+06, got -inf"}}) {
    INFO(toml);
    const std::string config = d.file("config.toml", toml);
    const Run r = tc("check --offline --no-cache --config " + q(config) + " " + q(a) + " 2>&1 >/dev/null");
    CHECK(r.status == 2);
    CHECK(r.out.find(config + message) != std::string::npos);
  }
  // In range: accepted.
  const std::string config = d.file("config.toml", "[http]\ntimeout = 86400\nretries = 100\nhost_rate = 0.5\n");
  CHECK(tc("check --offline --no-cache --format json --fail-on '' --timeout 0.5 --retries 0 --config " + q(config) +
           " " + q(a) + " 2>/dev/null >/dev/null")
            .status == 0);
}

TEST_CASE("hostile: a slow server with a short timeout ends with a verdict, bounded in time", "[hostile][e2e]") {
  TempDir d;
  const json r = {
      {"/tweet-result*", json::array({{{"status", 200}, {"delay_ms", 5000}, {"body", good_syndication().dump()}}})}};
  TestServer server({"--routes", d.file("routes.json", r.dump())});
  const std::string a = d.file("article.html", article());
  const auto start = std::chrono::steady_clock::now();
  std::string args =
      "check --format json --no-cache --sources syndication" + tweetcheck::test::service_endpoints(server);
  args.replace(args.find("--timeout 1"), 11, "--timeout 0.3");
  const Run run = tc(args + " " + q(a) + " 2>/dev/null");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(json::parse(run.out)["posts"][0]["reasons"] == json::array({"network_error"}));
}

TEST_CASE("hostile: every command reports a write error on its output (exit 2)", "[hostile][e2e][cli]") {
  REQUIRE(fs::exists("/dev/full"));
  TempDir d;
  const std::string a = d.file("article.html", article());
  for (const std::string& cmd : {std::string("scan ") + q(a), std::string("scan --format text ") + q(a),
                                 std::string("check --offline --no-cache --format json ") + q(a),
                                 std::string("check --offline --no-cache --format text ") + q(a),
                                 std::string("resolve --offline --no-cache https://t.co/abc")}) {
    INFO(cmd);
    const Run r = tc(cmd + " 2>&1 >/dev/full");
    CHECK(r.status == 2);
    CHECK(r.out.find("cannot write standard output: No space left on device") != std::string::npos);
  }
}

TEST_CASE("hostile: reports are written through unpredictable temporary files that never follow a planted link",
          "[hostile][e2e]") {
  TempDir d;
  const std::string a = d.file("article.html", article());
  const std::string victim = d.file("victim.txt", "keep me\n");
  const std::string out = d / "report.json";
  // The names the old writer used, planted as links to a file of the victim's.
  fs::create_symlink(victim, out + ".tmp");
  for (int pid = 1; pid < 200; ++pid) fs::create_symlink(victim, out + ".tmp-" + std::to_string(pid));
  const Run r = tc("check --offline --no-cache --format json --fail-on '' --output " + q(out) + " " + q(a) + " 2>&1");
  CHECK(r.status == 0);
  CHECK(tweetcheck::test::read_file(victim) == "keep me\n");
  CHECK(json::parse(tweetcheck::test::read_file(out))["schema"] == "tweetcheck/check/1");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(d.path)) files += e.is_symlink() ? 0 : 1;
  CHECK(files == 3); // article, victim, report: no temporary file left behind
  CHECK((fs::status(out).permissions() & fs::perms::others_write) == fs::perms::none);
  // A folder that cannot be written is a clear error.
  const Run bad = tc("check --offline --no-cache --format json --output " + q(d / "no/such/dir/r.json") + " " + q(a) +
                     " 2>&1 >/dev/null");
  CHECK(bad.status == 2);
  CHECK(bad.out.find("cannot write '" + (d / "no/such/dir/r.json") + "': No such file or directory") !=
        std::string::npos);
}

TEST_CASE("hostile: a WARC record over 64 MiB is refused with the file and record named, never cut",
          "[hostile][e2e][audit]") {
  TempDir d;
  const std::string small = d.file("small.html", article());
  // 64 MiB of padding, then the embed: cut at 64 MiB, the post would silently be lost.
  const std::string big =
      d.file("big.html", "<html><body><p>" + std::string(std::size_t{64} << 20, 'x') + "</p>" + article());
  REQUIRE(tweetcheck::test::shell("python3 " + q(tweetcheck::test::source_path("tools/make_warc.py")) + " " +
                                  q(d / "a.warc") + " " + q(small) + " " + q(big))
              .status == 0);
  fs::remove(big);
  const Run r = tc("audit --scan-only --output " + q(d / "out.jsonl") + " " + q(d / "a.warc") + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("WARC '" + (d / "a.warc") + "' record ") != std::string::npos);
  CHECK(r.out.find(": larger than 64 MiB, not read") != std::string::npos);
}

TEST_CASE("hostile: a config nested 100,000 deep is a clear error naming the file and place", "[hostile][e2e][cli]") {
  TempDir d;
  const std::string a = d.file("article.html", article());
  for (const std::string& value : {std::string(100000, '[') + std::string(100000, ']'), [] {
                                     std::string s;
                                     for (int i = 0; i < 100000; ++i) s += "{b=";
                                     return s + "1" + std::string(100000, '}');
                                   }()}) {
    const std::string config = d.file("config.toml", "[http]\n\nx = " + value + "\n");
    const Run r = tc("check --offline --no-cache --config " + q(config) + " " + q(a) + " 2>&1 >/dev/null");
    CHECK(r.status == 2);
    CHECK(r.out.find(config + ":3:") != std::string::npos);
    CHECK(r.out.find("exceeded maximum nested value depth of 256") != std::string::npos);
  }
}

namespace {

/// An embed of post k_id + i with its text, credit and permalink.
std::string embed(int i) {
  return "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Post number " + std::to_string(i) +
         " is fine.</p>&mdash; Example (@example) <a href=\"https://twitter.com/example/status/" +
         std::to_string(1503385460536246272ULL + static_cast<unsigned>(i)) + "\">March 14, 2022</a></blockquote>\n";
}

std::string status_of(int i) { return std::to_string(1503385460536246272ULL + static_cast<unsigned>(i)); }

tweetcheck::ScanResult scan_page(const std::string& middle) {
  tweetcheck::Document doc;
  doc.name = "hostile.html";
  doc.format = tweetcheck::InputFormat::html;
  doc.content = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>\n<article>\n" +
                embed(0) + middle + embed(1) + "</article></body></html>\n";
  return tweetcheck::scan(doc);
}

std::size_t too_large_reported(const tweetcheck::ScanResult& r) {
  std::size_t n = 0;
  for (const auto& d : r.diagnostics) n += d.message.find("embed too large to parse") != std::string::npos ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("hostile: unclosed and deeply nested embeds are parsed in bounded spans; well-formed posts are still found",
          "[hostile][scan]") {
  SECTION("30,000 unclosed openings") {
    std::string middle;
    for (int i = 0; i < 30000; ++i) middle += "<blockquote class=\"twitter-tweet\"><p>x</p>\n";
    const auto r = scan_page(middle);
    REQUIRE(r.posts.size() == 2);
    CHECK(r.posts[0].status_id == status_of(0));
    CHECK(r.posts[0].text == "Post number 0 is fine.");
    // The post after them stands inside them (as a browser nests it), and is still found.
    CHECK(r.posts[1].status_id == status_of(1));
    REQUIRE(too_large_reported(r) == 1);
    const auto& d = r.diagnostics.back();
    CHECK(d.where.line == 4); // the first opening
    CHECK(d.where.column == 1);
    CHECK(d.message.find("embed(s) not reported") != std::string::npos);
  }
  SECTION("an embed holding 100,000 nested elements") {
    std::string middle = "<blockquote class=\"twitter-tweet\"><p>deep</p>" + std::string();
    for (int i = 0; i < 100000; ++i) middle += "<div>";
    middle += "x";
    for (int i = 0; i < 100000; ++i) middle += "</div>";
    middle += "&mdash; E (@e) <a href=\"https://twitter.com/e/status/" + status_of(99) +
              "\">March 1, 2022</a></blockquote>\n";
    const auto r = scan_page(middle);
    // The nested embed is too large; nothing of it is reported, not even its tail as a flattened post.
    REQUIRE(r.posts.size() == 2);
    CHECK(r.posts[0].status_id == status_of(0));
    CHECK(r.posts[1].status_id == status_of(1));
    CHECK(r.posts[1].text == "Post number 1 is fine.");
    CHECK(too_large_reported(r) == 1);
  }
  SECTION("an embed of 9 MiB") {
    std::string middle = "<blockquote class=\"twitter-tweet\"><p>";
    while (middle.size() < (std::size_t{9} << 20)) middle += "word and more words here. ";
    middle += "</p>&mdash; E (@e) <a href=\"https://twitter.com/e/status/" + status_of(99) +
              "\">March 1, 2022</a></blockquote>\n";
    const auto r = scan_page(middle);
    REQUIRE(r.posts.size() == 2);
    CHECK(r.posts[1].status_id == status_of(1));
    CHECK(too_large_reported(r) == 1);
  }
  SECTION("5,000 embeds on one line, 2.5 MB: every one found, none too large") {
    std::string middle;
    for (int i = 2; i < 5002; ++i) {
      std::string e = embed(i);
      e.pop_back(); // minified: no line breaks
      middle += e;
    }
    const auto r = scan_page(middle);
    REQUIRE(r.posts.size() == 5002);
    for (std::size_t k = 0; k + 1 < r.posts.size(); ++k) CHECK(r.posts[k].offset < r.posts[k + 1].offset);
    CHECK(r.posts[4000].status_id == status_of(4001));
    CHECK(r.posts[4000].text == "Post number 4001 is fine.");
    CHECK(r.posts[4000].where.line == 4);
    CHECK(too_large_reported(r) == 0);
  }
  SECTION("100,000 unclosed paragraphs (as old pages write them) are not nesting") {
    std::string middle;
    for (int i = 0; i < 100000; ++i) middle += "<p>para\n";
    const auto r = scan_page(middle + embed(7));
    REQUIRE(r.posts.size() == 3);
    CHECK(r.posts[1].status_id == status_of(7));
    CHECK(r.posts[1].text == "Post number 7 is fine.");
    CHECK(too_large_reported(r) == 0);
  }
}

TEST_CASE("hostile: the scan names the place of an embed too large to parse", "[hostile][e2e][scan]") {
  TempDir d;
  std::string page = "<html><body>\n" + embed(0);
  for (int i = 0; i < 1000; ++i) page += "<blockquote class=\"twitter-tweet\"><p>x</p>\n";
  const std::string f = d.file("unclosed.html", page);
  const Run r = tc("scan --format jsonl " + q(f) + " 2>&1");
  CHECK(r.status == 0);
  CHECK(r.out.find("warning: " + f + ":3:1: embed too large to parse") != std::string::npos);
  CHECK(r.out.find(status_of(0)) != std::string::npos);
}

TEST_CASE("hostile: an input over the size limit is refused with the file named; the others are read",
          "[hostile][e2e][cli]") {
  TempDir d;
  const std::string small = d.file("small.html", article());
  // A sparse file of 257 MiB: over the default limit of 256 MiB, yet nothing written to disk.
  const std::string big = d / "big.html";
  REQUIRE(tweetcheck::test::shell("truncate -s 257M " + q(big)).status == 0);
  Run r = tc("scan --format jsonl " + q(big) + " " + q(small) + " 2>&1");
  CHECK(r.status == 2);
  CHECK(r.out.find("cannot read '" + big + "': larger than 256 MiB, the limit for one input (--max-input-size)") !=
        std::string::npos);
  CHECK(r.out.find(k_id) != std::string::npos); // the small input is still scanned
  // The limit is configurable; files and standard input alike.
  const std::string two = d.file("two.html", std::string(std::size_t{2} << 20, ' ') + article());
  r = tc("scan --max-input-size 1 " + q(two) + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("cannot read '" + two + "': larger than 1 MiB") != std::string::npos);
  r = tc("scan --max-input-size 1 - < " + q(two) + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("cannot read standard input: larger than 1 MiB") != std::string::npos);
  r = tc("scan --max-input-size 3 --format jsonl " + q(two));
  CHECK(r.status == 0);
  CHECK(r.out.find(k_id) != std::string::npos);
  r = tc("check --offline --no-cache --max-input-size 1 " + q(two) + " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("cannot read '" + two + "': larger than 1 MiB") != std::string::npos);
  // An audit stops at it as at an unreadable file.
  fs::remove(big);
  fs::create_directory(d / "site");
  fs::rename(two, d / "site/two.html");
  r = tc("audit --scan-only --max-input-size 1 --output " + q(d / "out.jsonl") + " " + q(d / "site") +
         " 2>&1 >/dev/null");
  CHECK(r.status == 2);
  CHECK(r.out.find("larger than 1 MiB") != std::string::npos);
}
