// End to end: `tweetcheck serve` on a free loopback port, checking articles against the loopback
// test server that plays the services (fixtures/http/verify.json): the API (sync, streaming, kept
// results), the page without script, and every limit (token, body size, timeout, queue, private
// addresses, shutdown).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "support/run.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::http;
using tweetcheck::test::read_file;
using tweetcheck::test::ServeProcess;
using tweetcheck::test::source_path;
using tweetcheck::test::TempDir;
using tweetcheck::test::TestServer;

namespace {

const std::string k_binary = TWEETCHECK_BINARY;

/// verify.json's routes and a slow article (answered after `delay_ms`), in `dir`.
std::string routes_with_slow_article(const TempDir& dir, int delay_ms) {
  json routes = json::parse(read_file(fixture_path("http/verify.json")));
  routes["/slow.html"] =
      json::array({{{"status", 200},
                    {"delay_ms", delay_ms},
                    {"headers", {{"Content-Type", "text/html"}}},
                    {"body", "<html><body><p>An article without embedded posts.</p></body></html>"}}});
  return dir.file("routes.json", routes.dump());
}

/// `check`'s service endpoints (short timeouts, no retries), split into arguments.
std::vector<std::string> service_args(const TestServer& s) {
  std::istringstream in(tweetcheck::test::service_endpoints(s));
  std::vector<std::string> args;
  for (std::string a; in >> a;) args.push_back(a);
  return args;
}

std::vector<std::string> serve_args(const TestServer& s, std::vector<std::string> extra) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--no-cache"};
  for (auto& a : service_args(s)) args.push_back(a);
  for (auto& a : extra) args.push_back(a);
  return args;
}

std::string post_body(const json& j) { return j.dump(); }

const std::vector<std::string> k_json{"Content-Type: application/json"};

std::map<int, std::string> verdicts_by_line(const json& posts) {
  std::map<int, std::string> out;
  for (const auto& p : posts) out[p["line"].get<int>()] = p["verdict"].get<std::string>();
  return out;
}

/// The value of a metric line ("name{labels} value"), or -1.
double metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

} // namespace

TEST_CASE("serve: the API checks a pasted article, sync and streamed, and keeps the result", "[serve][e2e]") {
  TestServer services({"--routes", fixture_path("http/verify.json")});
  ServeProcess serve(k_binary, serve_args(services, {}));
  REQUIRE(serve.running());
  const std::string article = read_file(fixture_path("articles/check_verdicts.html"));

  // The same answer as `check --format json` of the same article.
  const std::string body = post_body({{"html", article}, {"name", "verdicts.html"}});
  const auto sync = http(serve.base() + "/api/check", &body, k_json);
  REQUIRE(sync.status == 200);
  CHECK(sync.header("content-type") == "application/json");
  CHECK(tweetcheck::test::schema_errors("check", sync.body).empty());
  const json report = json::parse(sync.body);
  CHECK(report["schema"] == "tweetcheck/check/1");
  REQUIRE(report["posts"].size() == 29);
  const auto cli = tweetcheck::test::shell(tweetcheck::test::binary() + " check --format json --no-cache" +
                                           tweetcheck::test::service_endpoints(services) + " '" +
                                           fixture_path("articles/check_verdicts.html") + "' 2>/dev/null");
  const json expected = json::parse(cli.out);
  CHECK(verdicts_by_line(report["posts"]) == verdicts_by_line(expected["posts"]));
  CHECK(report["summary"] == expected["summary"]);
  CHECK(report["posts"][0]["file"] == "verdicts.html");

  // Kept: the same JSON again by its ID, and every other format.
  const std::string id = sync.header("tweetcheck-result-id");
  REQUIRE(id.size() == 32);
  CHECK(sync.header("content-location") == "/api/check/" + id);
  const auto kept = http(serve.base() + "/api/check/" + id);
  REQUIRE(kept.status == 200);
  CHECK(json::parse(kept.body)["posts"] == report["posts"]);
  const auto sarif = http(serve.base() + "/api/check/" + id + "?format=sarif&download=1");
  CHECK(sarif.status == 200);
  CHECK(json::parse(sarif.body)["version"] == "2.1.0");
  CHECK(sarif.header("content-disposition").find("tweetcheck-" + id + ".sarif") != std::string::npos);
  CHECK(http(serve.base() + "/api/check/" + id + "?format=csv").body.rfind("file,", 0) == 0);
  const auto page = http(serve.base() + "/r/" + id);
  CHECK(page.status == 200);
  CHECK(page.header("content-security-policy").find("script-src") == std::string::npos); // no script at all
  CHECK(page.body.find("data-verdict=\"altered\"") != std::string::npos);
  CHECK(page.body.find("format=sarif&amp;download=1") != std::string::npos);
  CHECK(http(serve.base() + "/api/check/0123456789abcdef0123456789abcdef").status == 404);

  // Streamed: one line per post as it is verified, the same verdicts.
  const auto streamed =
      http(serve.base() + "/api/check", &body, {"Content-Type: application/json", "Accept: application/x-ndjson"});
  REQUIRE(streamed.status == 200);
  CHECK(streamed.header("content-type") == "application/x-ndjson");
  CHECK(tweetcheck::test::schema_errors("check", streamed.body, true).empty());
  json lines = json::array();
  std::istringstream in(streamed.body);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  CHECK(verdicts_by_line(lines) == verdicts_by_line(report["posts"]));
  const std::string stream_id = streamed.header("tweetcheck-result-id");
  CHECK(stream_id != id);
  CHECK(json::parse(http(serve.base() + "/api/check/" + stream_id).body)["posts"].size() == 29);

  // fail_on and sources are the request's own.
  const std::string strict = post_body({{"html", article}, {"fail_on", json::array({"unverifiable"})}});
  const json s = json::parse(http(serve.base() + "/api/check", &strict, k_json).body);
  CHECK(s["summary"]["fail_on"] == json::array({"unverifiable"}));
  CHECK(s["summary"]["failed"] == s["summary"]["unverifiable"]);
  const std::string bad_source = post_body({{"text", "x"}, {"sources", "nowhere"}});
  const auto refused = http(serve.base() + "/api/check", &bad_source, k_json);
  CHECK(refused.status == 400);
  CHECK(json::parse(refused.body)["error"].get<std::string>().find("nowhere") != std::string::npos);
  // Also when the answer would be streamed: refused before the check starts.
  const auto refused_stream = http(serve.base() + "/api/check", &bad_source,
                                   {"Content-Type: application/json", "Accept: application/x-ndjson"});
  CHECK(refused_stream.status == 400);
  const std::string two = post_body({{"text", "x"}, {"html", "y"}});
  CHECK(http(serve.base() + "/api/check", &two, k_json).status == 400);
  const std::string not_json = "{";
  CHECK(http(serve.base() + "/api/check", &not_json, k_json).status == 400);
  // A misspelt key or one of the wrong type is refused, naming it (not the defaults in silence).
  const std::string misspelt = post_body({{"text", "x"}, {"fail-on", "unverifiable"}});
  const auto misspelt_r = http(serve.base() + "/api/check", &misspelt, k_json);
  CHECK(misspelt_r.status == 400);
  CHECK(json::parse(misspelt_r.body)["error"].get<std::string>().find("unknown key 'fail-on'") != std::string::npos);
  const std::string wrong_type = post_body({{"text", "x"}, {"name", 5}});
  const auto wrong_type_r = http(serve.base() + "/api/check", &wrong_type, k_json);
  CHECK(wrong_type_r.status == 400);
  CHECK(json::parse(wrong_type_r.body)["error"].get<std::string>().find("'name' must be a string") !=
        std::string::npos);

  // Health, metrics and the API description.
  CHECK(http(serve.base() + "/healthz").body == "ok\n");
  const std::string m = http(serve.base() + "/metrics").body;
  CHECK(metric(m, "tweetcheck_posts_total{verdict=\"altered\"}") == 3 * expected["summary"]["altered"].get<double>());
  CHECK(metric(m, "tweetcheck_checks_total{outcome=\"ok\"}") == 3);
  CHECK(metric(m, "tweetcheck_http_requests_total{route=\"/api/check\",code=\"400\"}") == 6);
  CHECK(metric(m, "tweetcheck_upstream_requests_total") > 0);
  // No --rate and no 429: no request waited for its host's politeness.
  CHECK(m.find("\ntweetcheck_upstream_rate_waits_total 0\n") != std::string::npos);
  CHECK(m.find("\ntweetcheck_upstream_rate_wait_seconds_total 0\n") != std::string::npos);
  CHECK(metric(m, "tweetcheck_source_seconds_count{stage=\"syndication\"}") > 0);
  const auto openapi = http(serve.base() + "/api/openapi.json");
  REQUIRE(openapi.status == 200);
  TempDir dir("tweetcheck-serve");
  const std::string doc = dir.file("openapi.json", openapi.body);
  const auto valid = tweetcheck::test::shell("/usr/bin/python3 '" + source_path("tools/validate_json.py") + "' '" +
                                             source_path("schemas/vendor/openapi-3.0.json") + "' '" + doc + "' 2>&1");
  INFO(valid.out);
  CHECK(valid.status == 0);
  // The validator does refuse a broken description.
  json broken = json::parse(openapi.body);
  broken.erase("info");
  const std::string bad_doc = dir.file("broken.json", broken.dump());
  CHECK(tweetcheck::test::shell("/usr/bin/python3 '" + source_path("tools/validate_json.py") + "' '" +
                                source_path("schemas/vendor/openapi-3.0.json") + "' '" + bad_doc + "' >/dev/null 2>&1")
            .status == 1);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve: the page, and its form without script answers the HTML report", "[serve][e2e]") {
  TestServer services({"--routes", fixture_path("http/verify.json")});
  ServeProcess serve(k_binary, serve_args(services, {}));
  REQUIRE(serve.running());
  const auto page = http(serve.base() + "/");
  REQUIRE(page.status == 200);
  const std::string csp = page.header("content-security-policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(page.body.find("<label for=\"url\">") != std::string::npos);
  CHECK(page.body.find("<script src=\"/static/desk.js\"") != std::string::npos);
  CHECK(page.body.find("<script>") == std::string::npos); // nothing inline
  CHECK(http(serve.base() + "/static/desk.js").header("content-type").rfind("text/javascript", 0) == 0);
  CHECK(http(serve.base() + "/static/desk.css").status == 200);
  // The form: an article given by URL (the services' news host), answered as the HTML report.
  const std::string form = "url=" + std::string("http%3A%2F%2Fwww.example-news.test%2F2022%2F04%2Farticle.html");
  const auto report = http(serve.base() + "/check", &form, {"Content-Type: application/x-www-form-urlencoded"});
  REQUIRE(report.status == 200);
  CHECK(report.body.find("<title>tweetcheck report</title>") != std::string::npos);
  CHECK(report.body.find("data-verdict=\"verified\"") != std::string::npos);
  CHECK(report.body.find("<script") == std::string::npos);
  const std::string id = report.header("tweetcheck-result-id");
  CHECK(http(serve.base() + "/r/" + id).body == report.body);
  const std::string empty = "url=&content=";
  CHECK(http(serve.base() + "/check", &empty, {"Content-Type: application/x-www-form-urlencoded"}).status == 400);
}

TEST_CASE("serve: a non-loopback address needs the bearer token", "[serve][e2e]") {
  TestServer services({"--routes", fixture_path("http/verify.json")});
  TempDir dir("tweetcheck-serve");
  // Refuses to start on a non-loopback address without a token file; a name that only begins
  // like a loopback address is not one.
  ServeProcess open(k_binary, {"--listen", "0.0.0.0:0", "--no-cache"});
  CHECK(!open.running());
  CHECK(open.status() == 2);
  ServeProcess named(k_binary, {"--listen", "127.example.com:0", "--no-cache"});
  CHECK(!named.running());
  CHECK(named.status() == 2);
  const std::string token = "s3cret-token-for-the-desk";
  const std::string file = dir.file("token", token + "\n");
  std::vector<std::string> args = serve_args(services, {"--token-file", file});
  args[1] = "0.0.0.0:0";
  ServeProcess serve(k_binary, args);
  REQUIRE(serve.running());
  const std::string body = post_body({{"text", "nothing to check"}});
  const auto no_token = http(serve.base() + "/api/check", &body, k_json);
  CHECK(no_token.status == 401);
  CHECK(no_token.header("www-authenticate").rfind("Bearer", 0) == 0);
  CHECK(http(serve.base() + "/api/check", &body, {"Content-Type: application/json", "Authorization: Bearer wrong"})
            .status == 401);
  CHECK(http(serve.base() + "/metrics").status == 401);
  const auto ok =
      http(serve.base() + "/api/check", &body, {"Content-Type: application/json", "Authorization: Bearer " + token});
  CHECK(ok.status == 200);
  const std::string id = ok.header("tweetcheck-result-id");
  CHECK(http(serve.base() + "/r/" + id).status == 401);
  CHECK(http(serve.base() + "/r/" + id, nullptr, {"Cookie: tweetcheck_token=" + token}).status == 200);
  // The form carries it as a field.
  const std::string form = "content=nothing&token=wrong";
  CHECK(http(serve.base() + "/check", &form, {"Content-Type: application/x-www-form-urlencoded"}).status == 401);
  // The page itself and health hold no data: open.
  CHECK(http(serve.base() + "/").status == 200);
  CHECK(http(serve.base() + "/healthz").status == 200);
}

TEST_CASE("serve: body limit, request timeout, a full queue and private addresses", "[serve][e2e]") {
  TempDir dir("tweetcheck-serve");
  TestServer services({"--routes", routes_with_slow_article(dir, 1500)});
  ServeProcess serve(k_binary, serve_args(services, {"--max-body", "1", "--request-timeout", "0.4", "--max-concurrent",
                                                     "1", "--queue", "0"}));
  REQUIRE(serve.running());
  // 413 above --max-body (1 MiB).
  const std::string big = post_body({{"text", std::string(1100000, 'a')}});
  CHECK(http(serve.base() + "/api/check", &big, k_json).status == 413);
  // 504: the article takes longer than --request-timeout.
  const std::string slow = post_body({{"url", "http://www.example-news.test/slow.html"}});
  const auto timed_out = http(serve.base() + "/api/check", &slow, k_json);
  CHECK(timed_out.status == 504);
  CHECK(json::parse(timed_out.body)["error"] == "the check took longer than the request timeout");
  // 503 while the one turn is taken (the timed-out check still runs to its end).
  const std::string quick = post_body({{"text", "nothing"}});
  const auto full = http(serve.base() + "/api/check", &quick, k_json);
  CHECK(full.status == 503);
  CHECK(full.header("retry-after") == "5");
  // Once it is done, the next check runs.
  int status = 0;
  for (int i = 0; i < 40 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = static_cast<int>(http(serve.base() + "/api/check", &quick, k_json).status);
  }
  CHECK(status == 200);
  // The article fetch refuses a private address, as `check` does (the services are mapped hosts).
  const std::string inside = post_body({{"url", services.base() + "/2022/04/article.html"}});
  const auto refused = http(serve.base() + "/api/check", &inside, k_json);
  CHECK(refused.status == 422);
  CHECK(json::parse(refused.body)["error"].get<std::string>().find("private address") != std::string::npos);
  CHECK(services.requests("/2022/04/article.html") == 0);
  const std::string metrics = http(serve.base() + "/metrics").body;
  CHECK(metric(metrics, "tweetcheck_checks_total{outcome=\"rejected\"}") >= 1);
  // Each check that ran is counted once, by its own outcome: the quick one ok; the slow one ran
  // on after its request was answered 504 (which the requests' counter shows) until its article
  // fetch timed out (--timeout 1), and the private address: both failed.
  CHECK(metric(metrics, "tweetcheck_checks_total{outcome=\"ok\"}") == 1);
  CHECK(metric(metrics, "tweetcheck_checks_total{outcome=\"failed\"}") == 2);
  CHECK(metric(metrics, "tweetcheck_checks_total{outcome=\"timeout\"}") == -1);
  CHECK(metric(metrics, "tweetcheck_http_requests_total{route=\"/api/check\",code=\"504\"}") == 1);
}

TEST_CASE("serve: SIGTERM finishes the running check, refuses new ones and exits 0", "[serve][e2e]") {
  TempDir dir("tweetcheck-serve");
  TestServer services({"--routes", routes_with_slow_article(dir, 800)});
  ServeProcess serve(k_binary, serve_args(services, {}));
  REQUIRE(serve.running());
  const std::string slow = post_body({{"url", "http://www.example-news.test/slow.html"}});
  auto running = std::async(std::launch::async, [&] { return http(serve.base() + "/api/check", &slow, k_json); });
  for (int i = 0; i < 200; ++i) {
    if (metric(http(serve.base() + "/metrics").body, "tweetcheck_checks_running") == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(serve.pid(), SIGTERM);
  const auto answer = running.get();
  CHECK(answer.status == 200);
  CHECK(json::parse(answer.body)["posts"].empty());
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve: the desk page in headless Chromium", "[serve][e2e][browser]") {
  const std::string script = source_path("test/browser/desk.mjs");
  const std::string playwright = source_path("node_modules/playwright-core/package.json");
  const std::string validator = source_path("node_modules/.bin/sarif-multitool");
  if (access("/usr/bin/chromium", X_OK) != 0 || tweetcheck::test::shell("node --version >/dev/null 2>&1").status != 0 ||
      access(playwright.c_str(), R_OK) != 0) {
    if (tweetcheck::test::skips_fail())
      FAIL("CI=true, yet /usr/bin/chromium, node or node_modules/playwright-core is missing");
    WARN("skipped: needs /usr/bin/chromium, node and node_modules/playwright-core (tools/install-node-tools.sh)");
    return;
  }
  TestServer services({"--routes", fixture_path("http/verify.json")});
  ServeProcess serve(k_binary, serve_args(services, {}));
  REQUIRE(serve.running());
  TempDir dir("tweetcheck-desk");
  const char* shot = std::getenv("TWEETCHECK_DESK_SCREENSHOT"); // tools/update_golden.sh-style: for the README
  const auto r = tweetcheck::test::shell("node '" + script + "' '" + serve.base() + "' '" +
                                         fixture_path("articles/check_verdicts.html") + "' '" +
                                         fixture_path("articles/serve_hostile.html") + "' '" + dir.path + "'" +
                                         (shot ? std::string(" '") + shot + "'" : std::string()) + " 2>&1");
  INFO(r.out);
  REQUIRE(r.status == 0);
  const json seen = json::parse(r.out.substr(r.out.rfind("\n{") == std::string::npos ? 0 : r.out.rfind("\n{") + 1));
  // A file opened in the page fills the box, its name and its format.
  CHECK(seen["opened"]["name"] == "check_verdicts.html");
  CHECK(seen["opened"]["format"] == "html");
  CHECK(seen["opened"]["length"] == seen["article_length"]);
  // Every post's card, in order, with the verdict the JSON API gives for the same article.
  REQUIRE(seen["expected"].size() == 29);
  CHECK(seen["cards"] == seen["expected"]);
  CHECK(seen["status"] == "Done: 29 posts checked.");
  std::vector<std::string> verdicts;
  for (const auto& c : seen["cards"]) verdicts.push_back(c["verdict"]);
  CHECK(seen["shared_cards"] == json(verdicts));
  // The downloaded SARIF passes the official validator.
  const std::string sarif = seen["sarif"];
  CHECK(json::parse(read_file(sarif))["version"] == "2.1.0");
  if (access(validator.c_str(), X_OK) == 0) {
    const std::string out = sarif + ".validation.sarif";
    const auto v = tweetcheck::test::shell("'" + validator + "' validate '" + sarif + "' --output '" + out + "' 2>&1");
    INFO(v.out);
    REQUIRE(v.status == 0);
    const json validation = json::parse(read_file(out));
    std::vector<std::string> errors;
    for (const auto& res : validation["runs"][0]["results"])
      if (res.value("level", "warning") == "error") errors.push_back(res["ruleId"]);
    CHECK(errors.empty());
  }
  // Posts holding <script>, an event handler and javascript: links: shown as text, nothing ran.
  REQUIRE(seen["hostile_cards"].size() == 2);
  CHECK(seen["dialogs"].empty());
  CHECK(seen["console_errors"].empty());
  CHECK(seen["page_errors"].empty());
  CHECK(seen["injected"] == 0);
  for (const auto& href : seen["links"]) CHECK(href.get<std::string>().rfind("https://", 0) == 0);
  CHECK(seen["hostile_texts"][0].get<std::string>().find("<script>alert(\"post 1\")</script>") != std::string::npos);
}
