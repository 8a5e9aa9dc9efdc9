// Reports: golden files for every format (changed only by tools/update_golden.sh), schema
// validation of every JSON format, SARIF against the official 2.1.0 schema, the HTML report in
// headless Chromium, the ignore file, atomic output files and exit statuses.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;
using tweetcheck::test::source_path;
using tweetcheck::test::TestServer;

namespace {

using tweetcheck::test::Run;

/// Runs a shell command from the source folder (so reports name files relative to it).
Run sh(const std::string& cmd) { return tweetcheck::test::shell("cd '" + source_path("") + "' && " + cmd); }
std::string bin() { return tweetcheck::test::binary(); }

std::string args(const TestServer& s) {
  return " --no-cache" + tweetcheck::test::service_endpoints(s) +
         " fixtures/articles/check_verdicts.html fixtures/corpus/seed/zerohedge-taliban-china-2021-07-29.txt";
}

/// Fetch and generation times and the checkout's folder vary: masked as update_golden.sh masks them.
std::string mask_times(std::string s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i + 20 <= s.size(); ++i) {
    const std::string_view w(s.data() + i, 20);
    bool m = w[4] == '-' && w[7] == '-' && w[10] == 'T' && w[13] == ':' && w[16] == ':' && w[19] == 'Z';
    for (std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) m = m && digit(w[k]);
    if (m) s.replace(i, 20, "FETCHED_AT");
  }
  // SARIF's %SRCROOT% is the working directory, this checkout.
  const std::string root = std::string("file://") + TWEETCHECK_SOURCE_DIR + "/";
  for (std::size_t at = s.find(root); at != std::string::npos; at = s.find(root, at)) {
    s.replace(at, root.size(), "file:///SRCROOT/");
  }
  return s;
}

/// A path in this file's temporary folder (removed when the tests end).
std::string temp_file(const std::string& name) {
  static const tweetcheck::test::TempDir dir("tweetcheck-report");
  return dir / name;
}

bool validates(const std::string& schema, const std::string& file, bool lines = false) {
  const Run r = sh("/usr/bin/python3 tools/validate_json.py '" + schema + "' '" + file + "'" +
                   (lines ? " --lines" : "") + " 2>&1");
  INFO(r.out);
  return r.status == 0;
}

const std::pair<const char*, const char*> k_formats[] = {{"text", "txt"},  {"json", "json"},   {"jsonl", "jsonl"},
                                                         {"html", "html"}, {"sarif", "sarif"}, {"junit", "junit.xml"},
                                                         {"csv", "csv"},   {"markdown", "md"}};

} // namespace

TEST_CASE("reports: every format equals its golden file", "[report][golden]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  for (const auto& [format, ext] : k_formats) {
    INFO("format " << format << " (update with tools/update_golden.sh and review the diff)");
    const Run r =
        sh("SOURCE_DATE_EPOCH=1700000000 " + bin() + " check --format " + format + args(server) + " 2>/dev/null");
    CHECK(r.status == 1); // the same exit status whatever the format
    CHECK(mask_times(r.out) == read_file(fixture_path(std::string("expected/check_verdicts.") + ext)));
  }
}

TEST_CASE("reports: JSON, JSONL, scan and resolve output validate against the project's schemas", "[report][schema]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string json = temp_file("c.json"), jsonl = temp_file("c.jsonl"), scan = temp_file("s.json"),
                    res = temp_file("r.json");
  sh(bin() + " check --format json" + args(server) + " > " + json + " 2>/dev/null");
  sh(bin() + " check --format jsonl" + args(server) + " > " + jsonl + " 2>/dev/null");
  sh(bin() + " scan fixtures/corpus fixtures/articles > " + scan);
  sh(bin() + " resolve --no-cache --endpoint t.co=" + server.base() +
     " https://t.co/HJPx1XTDZR https://t.co/nope x.com/a/status/1 > " + res);
  CHECK(validates("schemas/check.schema.json", json));
  CHECK(validates("schemas/check.schema.json", jsonl, true));
  CHECK(validates("schemas/scan.schema.json", scan));
  CHECK(validates("schemas/resolve.schema.json", res));
  // The goldens are produced by the tests too.
  CHECK(validates("schemas/check.schema.json", fixture_path("expected/check_verdicts.json")));
  for (const auto& f : {json, jsonl, scan, res}) std::remove(f.c_str());
}

TEST_CASE("reports: SARIF validates against the official SARIF 2.1.0 schema", "[report][sarif]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string sarif = temp_file("c.sarif");
  sh(bin() + " check --format sarif" + args(server) + " > " + sarif + " 2>/dev/null");
  CHECK(validates("fixtures/schemas/sarif-2.1.0.json", sarif));
  const auto j = nlohmann::json::parse(read_file(sarif));
  const auto& results = j["runs"][0]["results"];
  REQUIRE(results.size() == 20); // every post that is not verified
  bool number_changed = false;
  for (const auto& r : results) {
    if (r["ruleId"] == "tweetcheck/altered/number_changed" && !number_changed) {
      number_changed = true;
      CHECK(r["level"] == "error");
      CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
            "fixtures/articles/check_verdicts.html");
      CHECK(r["locations"][0]["physicalLocation"]["region"]["startLine"] == 7);
      CHECK(r["locations"][0]["physicalLocation"]["region"]["startColumn"] == 1);
    }
  }
  CHECK(number_changed);
  CHECK(validates("fixtures/schemas/sarif-2.1.0.json", fixture_path("expected/check_verdicts.sarif")));
  std::remove(sarif.c_str());
}

/// The official SARIF validator's findings of level "error" on `file` (tools/install-node-tools.sh
/// installs it), one "RULE: location" line each.
static std::vector<std::string> sarif_validator_errors(const std::string& file) {
  const std::string tool = source_path("node_modules/.bin/sarif-multitool");
  REQUIRE(access(tool.c_str(), X_OK) == 0); // run tools/install-node-tools.sh
  const std::string out = file + ".validation.sarif";
  const Run r = sh("'" + tool + "' validate '" + file + "' --output '" + out + "' 2>&1");
  INFO(r.out);
  REQUIRE(r.status == 0);
  std::vector<std::string> errors;
  const auto validation = nlohmann::json::parse(read_file(out)); // kept: the loop reads inside it
  for (const auto& v : validation["runs"][0]["results"]) {
    if (v.value("level", "warning") != "error") continue;
    std::string where = v["ruleId"].get<std::string>() + ":";
    for (const auto& arg : v["message"].value("arguments", nlohmann::json::array())) where += " " + arg.dump();
    errors.push_back(where);
  }
  return errors;
}

TEST_CASE("reports: SARIF passes the official validator, with relative, absolute and unusual paths",
          "[report][sarif][validator]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const tweetcheck::test::TempDir tmp;
  // An article outside the working directory, with a space and a '#' in its name.
  const std::string outside =
      tmp.file("a folder/news #1.html", read_file(fixture_path("articles/check_verdicts.html")));
  const std::string inside = "fixtures/articles/check_verdicts.html";
  const std::string sarif = tmp / "c.sarif";
  sh(bin() + " check --format sarif --no-cache" + tweetcheck::test::service_endpoints(server) + " '" + outside + "' " +
     inside + " '" + source_path(inside) + "' > " + sarif + " 2>/dev/null");
  CHECK(sarif_validator_errors(sarif).empty());
  const auto j = nlohmann::json::parse(read_file(sarif));
  const auto& run = j["runs"][0];
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == std::string("file://") + TWEETCHECK_SOURCE_DIR + "/");
  std::set<std::string> uris;
  for (const auto& r : run["results"]) {
    const auto& loc = r["locations"][0]["physicalLocation"]["artifactLocation"];
    const std::string uri = loc["uri"];
    uris.insert(uri);
    if (loc.contains("uriBaseId")) {
      CHECK(loc["uriBaseId"] == "%SRCROOT%");
      CHECK(uri.front() != '/');
    } else {
      CHECK(uri.rfind("file:///", 0) == 0);
    }
  }
  // The relative and the absolute spelling of the same file are one relative URI.
  CHECK(uris == std::set<std::string>{inside, "file://" + tmp.path + "/a%20folder/news%20%231.html"});
  // --sarif-base: the folder the paths are relative to.
  const std::string based = tmp / "based.sarif";
  sh(bin() + " check --format sarif --offline --no-cache --sarif-base '" + tmp.path + "' '" + outside + "' > " + based +
     " 2>/dev/null");
  CHECK(sarif_validator_errors(based).empty());
  const auto b = nlohmann::json::parse(read_file(based))["runs"][0];
  REQUIRE(!b["results"].empty());
  CHECK(b["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "a%20folder/news%20%231.html");
  CHECK(b["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + tmp.path + "/");
}

TEST_CASE("reports: the HTML report reads in headless Chromium, without scripts or fetches",
          "[report][html][chromium]") {
  const std::string html = fixture_path("expected/check_verdicts.html");
  const std::string page = read_file(html);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find(" src=") == std::string::npos);
  REQUIRE(sh("command -v chromium >/dev/null").status == 0); // installed by tools/install-deps.sh
  const Run dom = sh("chromium --headless --no-sandbox --disable-gpu --dump-dom 'file://" + html + "' 2>/dev/null");
  REQUIRE(dom.status == 0);
  CHECK(dom.out.find("tweetcheck report") != std::string::npos);
  CHECK(dom.out.find("A number differs from the original.") != std::string::npos);
  CHECK(dom.out.find("<del class=\"removed\" title=\"only in the original\">4.1%</del>") != std::string::npos);
  CHECK(dom.out.find("<ins class=\"added\" title=\"only in the article\">3.1%</ins>") != std::string::npos);
  CHECK(dom.out.find("id=\"post-26\"") != std::string::npos);
  // Each pane in its own spelling: the original's straight quotes, the article's curly ones.
  CHECK(dom.out.find("<div class=\"side original\">\"We won't stop,\" the coach said after the <del") !=
        std::string::npos);
  CHECK(dom.out.find("<div class=\"side article\">\xE2\x80\x9CWe won\xE2\x80\x99t stop,\xE2\x80\x9D the coach said "
                     "after the <ins") != std::string::npos);
  const std::string png = temp_file("report.png");
  REQUIRE(sh("chromium --headless --no-sandbox --disable-gpu --window-size=1280,2000 --screenshot='" + png +
             "' 'file://" + html + "' >/dev/null 2>&1")
              .status == 0);
  const std::string shot = read_file(png);
  CHECK(shot.size() > 10000);
  CHECK(shot.substr(1, 3) == "PNG");
  std::remove(png.c_str());
}

TEST_CASE("reports: an ignore file accepts known findings; expired rules warn", "[report][ignore]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string ignore = temp_file("ignore");
  {
    std::ofstream f(ignore);
    f << "# accepted findings\n"
         "fixtures/articles/check_verdicts.html                 # the whole test article\n"
         "1420323141841846272 expires=2999-01-01                # Carl Zha's deleted post, until 2999\n"
         "1503747848401846272 expires=2000-01-01                # expired: no longer applied\n";
  }
  const Run r = sh(bin() + " check --format json --ignore-file " + ignore + args(server) + " 2>" + ignore + ".err");
  CHECK(r.status == 0); // everything failing is accepted
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["failed"] == 0);
  CHECK(j["summary"]["ignored"] == 30);
  CHECK(j["posts"][1]["ignored"] == true);
  CHECK(j["posts"][1]["ignore_note"] == "the whole test article");
  CHECK(j["posts"][30]["verdict"] == "missing");
  CHECK(j["posts"][30]["ignored"] == true);
  CHECK(read_file(ignore + ".err").find(ignore + "' line 4: expired on 2000-01-01") != std::string::npos);
  {
    std::ofstream f(ignore);
    f << "fixtures/a.html 123 bogus\n";
  }
  const Run bad = sh(bin() + " check --ignore-file " + ignore + args(server) + " 2>&1");
  CHECK(bad.status == 2);
  CHECK(bad.out.find(ignore + "' line 1") != std::string::npos);
  std::remove(ignore.c_str());
  std::remove((ignore + ".err").c_str());
}

TEST_CASE("reports: --output and --output-format write complete files atomically", "[report][output]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string dir = temp_file("out");
  sh("mkdir -p " + dir);
  const Run r = sh(bin() + " check --format json --output " + dir + "/r.json --output-format sarif=" + dir +
                   "/r.sarif --output-format junit=" + dir + "/r.xml --output-format html=" + dir + "/r.html" +
                   args(server) + " 2>/dev/null");
  CHECK(r.status == 1);
  CHECK(r.out.empty()); // the report went to the file, not stdout
  CHECK(nlohmann::json::parse(read_file(dir + "/r.json"))["summary"]["posts"] == 32);
  CHECK(nlohmann::json::parse(read_file(dir + "/r.sarif"))["version"] == "2.1.0");
  CHECK(read_file(dir + "/r.xml").find("<testsuites") != std::string::npos);
  CHECK(read_file(dir + "/r.html").find("</html>") != std::string::npos);
  CHECK(sh("ls " + dir + " | grep -c tmp").out == "0\n"); // no temporary file left behind
  // A file that cannot be written fails the run (2) and leaves nothing half-written.
  const Run bad = sh(bin() + " check --output /nonexistent-dir/r.json" + args(server) + " 2>&1");
  CHECK(bad.status == 2);
  CHECK(bad.out.find("cannot write '/nonexistent-dir/r.json'") != std::string::npos);
  CHECK(sh(bin() + " check --output-format yaml=" + dir + "/x" + args(server) + " 2>&1").status == 2);
  sh("rm -rf " + dir);
}

TEST_CASE("reports: JSONL on stdout streams each article's lines as soon as it is checked", "[report][jsonl]") {
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "400"});
  const std::string cmd =
      "cd '" + source_path("") + "' && " + bin() + " check --format jsonl --no-cache --sources syndication" +
      tweetcheck::test::service_endpoints(server) +
      " fixtures/articles/check_x_api.html fixtures/corpus/seed/zerohedge-taliban-china-2021-07-29.txt 2>/dev/null";
  const auto start = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[65536];
  REQUIRE(fgets(buf, sizeof buf, p) != nullptr); // the first article's first line
  const auto first = std::chrono::steady_clock::now();
  std::string rest;
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) rest.append(buf, n);
  pclose(p);
  const auto end = std::chrono::steady_clock::now();
  // The second article still needed its own (400 ms) answers after the first line was out.
  CHECK(end - first >= std::chrono::milliseconds(350));
  CHECK(first - start < end - start);
  CHECK(std::count(rest.begin(), rest.end(), '\n') == 4); // 2 + 3 posts in all
}

TEST_CASE("reports: exit statuses are the same whatever the format", "[report][exit]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string ep = args(server).substr(0, args(server).find(" fixtures/"));
  for (const auto& [format, ext] : k_formats) {
    INFO(format);
    CHECK(sh(bin() + " check --format " + format + ep + " fixtures/articles/check_no_status_id.txt >/dev/null 2>&1")
              .status == 0);
    CHECK(sh(bin() + " check --format " + format + ep + " fixtures/articles/check_verdicts.html >/dev/null 2>&1")
              .status == 1);
    CHECK(sh(bin() + " check --format " + format + ep +
             " --fail-on '' fixtures/articles/check_verdicts.html >/dev/null 2>&1")
              .status == 0);
    CHECK(sh(bin() + " check --format " + format + ep + " /nonexistent.html >/dev/null 2>&1").status == 2);
  }
  // Piped output carries no colour codes; stderr carries no progress in CI.
  const Run text = sh("CI=true " + bin() + " check --format text" + ep + " fixtures/articles/check_verdicts.html 2>&1");
  CHECK(text.out.find('\033') == std::string::npos);
}
