// The config file's checks (unknown sections and keys, wrong types), `config --print|--path|
// --example`, and the cache commands (`cache stats|clear|vacuum`, --max-cache-age) through the
// real binary, with a cache filled by real `check` runs against the loopback test server.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sstream>

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "tweetcheck/config.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TempDir;
using tweetcheck::test::TestServer;

namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }

/// Runs the CLI with `env` (VAR=value ...) and no config or cache of the user's: XDG folders in
/// `home`. stderr is folded into the output when asked.
Run run(const TempDir& home, const std::string& args, bool with_stderr = false, const std::string& env = "") {
  const std::string prefix = "env -u TWEETCHECK_CONFIG XDG_CONFIG_HOME=" + q(home / "config") +
                             " XDG_CACHE_HOME=" + q(home / "cache") + " " + env + " ";
  return tweetcheck::test::shell(prefix + tweetcheck::test::binary() + " " + args +
                                 (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

/// The line of `text` that starts with `start` ("" when none).
std::string line_of(const std::string& text, const std::string& start) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(start, 0) == 0) return line;
  }
  return {};
}

std::int64_t count(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const std::int64_t n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

void exec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("config: an unknown section or key is an error naming file, line, column and the nearest key",
          "[cli][config]") {
  const TempDir home;
  const std::string cfg = home.file("config.toml", "[http]\nretries = 0\ntimout = 5\n");
  Run r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.status == 2);
  CHECK(r.out == "tweetcheck: error: " + cfg + ":3:1: unknown key 'timout' in [http]; did you mean 'timeout'?\n");
  // The same for every command that reads the config.
  r = run(home, "resolve --offline --no-cache --config " + q(cfg) + " https://t.co/x", true);
  CHECK(r.status == 2);
  CHECK(r.out.find(cfg + ":3:1: unknown key 'timout' in [http]; did you mean 'timeout'?") != std::string::npos);

  home.file("config.toml", "# mine\n\n[htpp]\ntimeout = 5\n");
  r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.status == 2);
  CHECK(r.out.find(cfg + ":3:1: unknown section [htpp]; did you mean [http]?") != std::string::npos);

  // A key in the wrong section, and one outside any section, are pointed to the right one.
  home.file("config.toml", "[http]\npath = \"/tmp/c.sqlite\"\n");
  r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.out.find(cfg + ":2:1: unknown key 'path' in [http]; did you mean 'path' in [cache]?") != std::string::npos);
  home.file("config.toml", "retries = 1\n[http]\n");
  r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.status == 2);
  CHECK(r.out.find(cfg + ":1:1: unknown key 'retries' outside a section; did you mean 'retries' in [http]?") !=
        std::string::npos);
  // Nothing near: no suggestion.
  home.file("config.toml", "[cache]\nflavour = 1\n");
  r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.out == "tweetcheck: error: " + cfg + ":2:1: unknown key 'flavour' in [cache]\n");
  // The first problem in the file is the one reported (not the first in key order).
  home.file("config.toml", "[http]\nzzz = 1\naaa = 2\n");
  r = run(home, "config --print --config " + q(cfg), true);
  CHECK(r.out.find(":2:1: unknown key 'zzz'") != std::string::npos);
  // The default file is checked too.
  home.file("config/tweetcheck/config.toml", "[cache]\nmax_agee = \"1d\"\n");
  r = run(home, "config --print", true);
  CHECK(r.status == 2);
  CHECK(r.out.find(home / "config" + "/tweetcheck/config.toml:2:1: unknown key 'max_agee' in [cache]; did you mean "
                                     "'max_age'?") != std::string::npos);
}

TEST_CASE("config: a wrong type names file:line:column and the type wanted", "[cli][config]") {
  const TempDir home;
  for (const auto& [toml, message] : std::vector<std::pair<std::string, std::string>>{
           {"[http]\ntimeout = \"soon\"\n", ":2:11: http.timeout must be a number from 0 to 86400, got \"soon\""},
           {"[http]\nallow_private_network = 1\n", ":2:25: http.allow_private_network must be true or false, got 1"},
           {"[http]\nuser_agent = [\"a\"]\n", ":2:14: http.user_agent must be a string, got an array"},
           {"[cache]\nfound_ttl = true\n",
            ":2:13: cache.found_ttl must be a duration (\"7d\", \"12h\", \"30m\", or seconds), got true"},
           {"[cache]\ndead_ttl = \"3 days\"\n",
            ":2:12: cache.dead_ttl must be a duration (\"7d\", \"12h\", \"30m\", or seconds), got \"3 days\""},
           {"[endpoints]\n\"t.co\" = 8080\n", ":2:10: endpoints.t.co must be a string (a base URL), got 8080"}}) {
    INFO(toml);
    const std::string cfg = home.file("config.toml", toml);
    const Run r = run(home, "config --print --config " + q(cfg), true);
    CHECK(r.status == 2);
    CHECK(r.out == "tweetcheck: error: " + cfg + message + "\n");
  }
  // The environment's overrides are checked the same way.
  const Run r = run(home, "config --print", true, "TWEETCHECK_HTTP_RETRIES=lots");
  CHECK(r.status == 2);
  CHECK(r.out.find("$TWEETCHECK_HTTP_RETRIES must be a whole number from 0 to 100, got 'lots'") != std::string::npos);
  CHECK(run(home, "check --offline --no-cache --max-cache-age 3x " + q(home.file("a.txt", "x")), true)
            .out.find("--max-cache-age must be a duration such as 7d, 12h, 30m, 90s or 3600 (seconds), got '3x'") !=
        std::string::npos);
}

TEST_CASE("config --print: defaults < config file < environment < command line, each value's origin shown",
          "[cli][config]") {
  const TempDir home;
  const std::string cfg = home.file("my.toml", "[http]\ntimeout = 7\nretries = 1\nconcurrency = 4\n"
                                               "[cache]\nfound_ttl = \"2d\"\n[endpoints]\n"
                                               "\"t.co\" = \"http://127.0.0.1:9\"\n");
  const Run r = run(home, "config --print --config " + q(cfg) + " --concurrency 9 --max-cache-age 12h", false,
                    "TWEETCHECK_HTTP_RETRIES=2 TWEETCHECK_HTTP_CONCURRENCY=5 TWEETCHECK_CACHE_DEAD_TTL=3600");
  REQUIRE(r.status == 0);
  CHECK(line_of(r.out, "timeout = ") == "timeout = 7  # " + cfg + ":2");
  CHECK(line_of(r.out, "retries = ") == "retries = 2  # $TWEETCHECK_HTTP_RETRIES");
  CHECK(line_of(r.out, "concurrency = ") == "concurrency = 9  # --concurrency");
  CHECK(line_of(r.out, "host_concurrency = ") == "host_concurrency = 8  # default");
  CHECK(line_of(r.out, "connect_timeout = ") == "connect_timeout = 10  # default");
  CHECK(line_of(r.out, "found_ttl = ") == "found_ttl = \"2d\"  # " + cfg + ":6");
  CHECK(line_of(r.out, "gone_ttl = ") == "gone_ttl = \"1d\"  # default");
  CHECK(line_of(r.out, "dead_ttl = ") == "dead_ttl = \"1h\"  # $TWEETCHECK_CACHE_DEAD_TTL");
  CHECK(line_of(r.out, "max_age = ") == "max_age = \"12h\"  # --max-cache-age");
  CHECK(line_of(r.out, "path = ") == "path = \"" + home / "cache" + "/tweetcheck/cache.sqlite\"  # default");
  CHECK(line_of(r.out, "\"t.co\" = ") == "\"t.co\" = \"http://127.0.0.1:9\"  # " + cfg + ":8");
  CHECK(line_of(r.out, "# config file: ") == "# config file: " + cfg);

  // The printed configuration is itself a valid config file that gives the same values.
  const std::string printed = home.file("printed.toml", r.out);
  const Run again = run(home, "config --print --config " + q(printed));
  REQUIRE(again.status == 0);
  for (const char* key : {"timeout = 7", "retries = 2", "concurrency = 9", "found_ttl = \"2d\"", "dead_ttl = \"1h\"",
                          "max_age = \"12h\""}) {
    INFO(key);
    CHECK(line_of(again.out, key).rfind(std::string(key) + "  # " + printed + ":", 0) == 0);
  }
  // --cache and $TWEETCHECK_CACHE_PATH.
  CHECK(line_of(run(home, "config --print --cache /tmp/x.sqlite", false, "TWEETCHECK_CACHE_PATH=/tmp/y.sqlite").out,
                "path = ") == "path = \"/tmp/x.sqlite\"  # --cache");
  CHECK(line_of(run(home, "config --print", false, "TWEETCHECK_CACHE_PATH=/tmp/y.sqlite").out, "path = ") ==
        "path = \"/tmp/y.sqlite\"  # $TWEETCHECK_CACHE_PATH");
}

TEST_CASE("config --path: --config, else $TWEETCHECK_CONFIG, else the XDG default", "[cli][config]") {
  const TempDir home;
  CHECK(run(home, "config --path").out == home / "config" + "/tweetcheck/config.toml\n");
  CHECK(run(home, "config --path", false, "TWEETCHECK_CONFIG=/etc/tc.toml").out == "/etc/tc.toml\n");
  CHECK(run(home, "config --path --config /x/y.toml", false, "TWEETCHECK_CONFIG=/etc/tc.toml").out == "/x/y.toml\n");
  // A named file that does not exist is an error (the default one may be missing).
  CHECK(run(home, "config --print", false, "TWEETCHECK_CONFIG=/nonexistent/tc.toml").status == 2);
  CHECK(run(home, "config --print").status == 0);
  // The file named by $TWEETCHECK_CONFIG is the one read.
  const std::string cfg = home.file("env.toml", "[http]\nretries = 9\n");
  CHECK(line_of(run(home, "config --print", false, "TWEETCHECK_CONFIG=" + q(cfg)).out, "retries = ") ==
        "retries = 9  # " + cfg + ":2");
}

TEST_CASE("config: docs/tweetcheck.example.toml lists exactly the known keys with their defaults", "[cli][config]") {
  const TempDir home;
  const std::string example = tweetcheck::test::source_path("docs/tweetcheck.example.toml");
  // It is what the table of known keys generates ...
  CHECK(read(example) == run(home, "config --example").out);
  CHECK(read(example) == tweetcheck::example_config());
  // ... and read back, every known key comes from the file, at the value it has by default.
  const Run from_file = run(home, "config --print --config " + q(example));
  REQUIRE(from_file.status == 0);
  const Run defaults = run(home, "config --print");
  for (const auto& k : tweetcheck::known_settings()) {
    INFO(k.section << "." << k.name);
    const std::string line = line_of(from_file.out, k.name + " = ");
    CHECK(line.find(" # " + example + ":") != std::string::npos);
    // (The cache path is shown resolved: "" is the default location.)
    if (k.name != "path") {
      CHECK(line.substr(0, line.find("  # ")) == k.name + " = " + k.default_toml);
      CHECK(line_of(defaults.out, k.name + " = ") == k.name + " = " + k.default_toml + "  # default");
    }
    CHECK(read(example).find("\n" + k.name + " = " + k.default_toml + "\n") != std::string::npos);
  }
  // No key beyond the table's: lines "name = value" outside comments.
  std::istringstream in(read(example));
  std::size_t assignments = 0;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#' && line[0] != '[') ++assignments;
  }
  CHECK(assignments == tweetcheck::known_settings().size());
}

TEST_CASE("cache stats|clear|vacuum on a cache filled by a real check run", "[cli][cache][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const TempDir home;
  const std::string cache = home / "c.sqlite";
  const std::string check = "check --format json --cache " + q(cache) + tweetcheck::test::service_endpoints(server) +
                            " " + q(fixture_path("articles/check_verdicts.html")) + " " +
                            q(fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt"));
  REQUIRE(run(home, check).status == 1); // the articles have failing posts (and short links)
  const std::int64_t rows = count(cache, "SELECT count(*) FROM entries");
  const std::int64_t responses = count(cache, "SELECT count(*) FROM entries WHERE key LIKE 'http/1 GET %'");
  const std::int64_t resolutions = count(cache, "SELECT count(*) FROM entries WHERE key LIKE 'resolve/1 %'");
  const std::int64_t found = count(cache, "SELECT count(*) FROM entries WHERE key LIKE 'http/1 GET %' AND "
                                          "json_extract(value, '$.status') = 200");
  REQUIRE(rows > 0);
  REQUIRE(responses > 0);
  REQUIRE(resolutions > 0);
  // Each cached response was asked once.
  CHECK(responses <= server.stats()["total"].get<std::int64_t>());

  Run r = run(home, "cache stats --format json --cache " + q(cache));
  REQUIRE(r.status == 0);
  json st = json::parse(r.out);
  CHECK(st["path"] == cache);
  CHECK(st["exists"] == true);
  CHECK(st["entries"] == rows);
  CHECK(st["expired"] == 0);
  CHECK(st["kinds"]["responses"]["entries"] == responses);
  CHECK(st["kinds"]["resolutions"]["entries"] == resolutions);
  CHECK(st["kinds"]["responses"]["by_status"]["200"] == found);
  CHECK(st["kinds"]["responses"]["by_status"].size() >= 2); // the article's missing posts: 404s
  CHECK(st["kinds"]["resolutions"]["by_status"].contains("resolved"));
  // The size on disk of the closed cache: its file (no -wal or -shm once the last connection closed).
  CHECK(st["size_bytes"].get<std::uint64_t>() == std::filesystem::file_size(cache));
  CHECK(st["oldest"].get<std::string>() <= st["newest"].get<std::string>());
  // The text form says the same.
  r = run(home, "cache stats --cache " + q(cache));
  CHECK(line_of(r.out, "cache: ") == "cache: " + cache);
  CHECK(line_of(r.out, "entries: ") == "entries: " + std::to_string(rows) + " (0 expired)");
  CHECK(line_of(r.out, "  responses: ").rfind("  responses: " + std::to_string(responses) + " (", 0) == 0);
  // The cache of the config file is the one shown.
  const std::string cfg = home.file("cfg.toml", "[cache]\npath = " + json(cache).dump() + "\n");
  CHECK(json::parse(run(home, "cache stats --format json --config " + q(cfg)).out)["entries"] == rows);

  // clear --expired removes only the rows whose time has passed (set in the file).
  exec(cache, "UPDATE entries SET expires = 1000 WHERE rowid IN (SELECT rowid FROM entries WHERE key LIKE "
              "'resolve/1 %' LIMIT 1)");
  CHECK(json::parse(run(home, "cache stats --format json --cache " + q(cache)).out)["expired"] == 1);
  r = run(home, "cache clear --expired --cache " + q(cache));
  CHECK(r.status == 0);
  CHECK(r.out == "removed 1 expired entry (1 resolutions) from " + cache + "\n");
  CHECK(count(cache, "SELECT count(*) FROM entries") == rows - 1);
  CHECK(count(cache, "SELECT count(*) FROM entries WHERE expires <= 1000") == 0);

  // clear (all), then vacuum gives the space back.
  r = run(home, "cache clear --cache " + q(cache));
  CHECK(r.out.rfind("removed " + std::to_string(rows - 1) + " entries (", 0) == 0);
  CHECK(count(cache, "SELECT count(*) FROM entries") == 0);
  const auto before = std::filesystem::file_size(cache);
  r = run(home, "cache vacuum --cache " + q(cache));
  CHECK(r.status == 0);
  CHECK(r.out.rfind(cache + ": ", 0) == 0);
  CHECK(std::filesystem::file_size(cache) < before);
  CHECK(r.out.find(" before, ") != std::string::npos);
  // A cache that is not there: stats say so, nothing is created.
  r = run(home, "cache stats --cache " + q(home / "none.sqlite"));
  CHECK(r.status == 0);
  CHECK(line_of(r.out, "cache: ") == "cache: " + home / "none.sqlite" + " (does not exist yet)");
  CHECK(!std::filesystem::exists(home / "none.sqlite"));
  CHECK(run(home, "cache frobnicate", true).status == 2);
  CHECK(run(home, "cache clear --all --expired", true).status == 2);
}

TEST_CASE("--max-cache-age: a cached answer older than that is asked again", "[cli][cache][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const TempDir home;
  const std::string cache = home / "c.sqlite";
  const std::string check = "check --format json --cache " + q(cache) + tweetcheck::test::service_endpoints(server) +
                            " " + q(fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt"));
  run(home, check);
  const int first = server.stats()["total"].get<int>();
  REQUIRE(first > 0);
  // Two hours later (the rows' times set back in the file).
  exec(cache, "UPDATE entries SET stored = stored - 7200");
  run(home, check + " --max-cache-age 3h");
  CHECK(server.stats()["total"].get<int>() == first); // younger than 3h: all from the cache
  run(home, check + " --max-cache-age 1h");
  const int refetched = server.stats()["total"].get<int>();
  CHECK(refetched == 2 * first); // older than 1h: everything asked again, and stored anew
  run(home, check + " --max-cache-age 1h");
  CHECK(server.stats()["total"].get<int>() == refetched);
  // The same from the config file's [cache] max_age.
  exec(cache, "UPDATE entries SET stored = stored - 7200");
  const std::string cfg = home.file("cfg.toml", "[cache]\nmax_age = \"90m\"\n");
  run(home, check + " --config " + q(cfg));
  CHECK(server.stats()["total"].get<int>() == refetched + first);
}

TEST_CASE("durations: 7d, 12h, 30m, 90s, 1d12h and seconds; anything else refused", "[config]") {
  using tweetcheck::format_duration;
  using tweetcheck::parse_duration;
  CHECK(parse_duration("7d", "x").value().count() == 7 * 86400);
  CHECK(parse_duration("12h", "x").value().count() == 12 * 3600);
  CHECK(parse_duration("30m", "x").value().count() == 1800);
  CHECK(parse_duration("3600", "x").value().count() == 3600);
  CHECK(parse_duration("1d12h", "x").value().count() == 86400 + 12 * 3600);
  CHECK(parse_duration("2w", "x").value().count() == 14 * 86400);
  CHECK(parse_duration("0", "x").value().count() == 0);
  for (const char* bad : {"", "d", "7x", "-1", "1.5h", "1d30", "99999999999d", "h1"}) {
    INFO(bad);
    CHECK(!parse_duration(bad, "--max-cache-age"));
  }
  CHECK(parse_duration("7x", "--max-cache-age").error().message.rfind("--max-cache-age must be", 0) == 0);
  CHECK(format_duration(std::chrono::seconds(604800)) == "7d");
  CHECK(format_duration(std::chrono::seconds(5400)) == "90m");
  CHECK(format_duration(std::chrono::seconds(90)) == "90s");
  CHECK(format_duration(std::chrono::seconds(0)) == "0s");
  for (long long s : {1LL, 59LL, 3600LL, 86399LL, 30LL * 86400}) {
    CHECK(parse_duration(format_duration(std::chrono::seconds(s)), "x").value().count() == s);
  }
}

TEST_CASE("config: the TTLs of [cache] are the ones a check run stores with", "[cli][cache][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const TempDir home;
  const std::string cache = home / "c.sqlite";
  const std::string cfg =
      home.file("cfg.toml", "[cache]\nfound_ttl = \"1h\"\ngone_ttl = \"2h\"\nresolved_ttl = \"3h\"\n"
                            "dead_ttl = \"4h\"\n");
  run(home, "check --format json --config " + q(cfg) + " --cache " + q(cache) +
                tweetcheck::test::service_endpoints(server) + " " + q(fixture_path("articles/check_verdicts.html")) +
                " " + q(fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt")));
  auto ttls = [&](const std::string& where) {
    return std::pair{count(cache, "SELECT min(expires - stored) FROM entries WHERE " + where),
                     count(cache, "SELECT max(expires - stored) FROM entries WHERE " + where)};
  };
  using P = std::pair<std::int64_t, std::int64_t>;
  CHECK(ttls("key LIKE 'http/1 GET %' AND json_extract(value, '$.status') = 200") == P{3600, 3600});
  CHECK(ttls("key LIKE 'http/1 GET %' AND json_extract(value, '$.status') = 404") == P{7200, 7200});
  CHECK(ttls("key LIKE 'resolve/1 %' AND json_extract(value, '$.status') = 'resolved'") == P{10800, 10800});
}

namespace {

/// What the bash completion offers for `words` (the last one being completed).
std::string bash_complete(const std::string& words, int cword) {
  const std::string script = std::string("source '") + TWEETCHECK_BASH_COMPLETION + "'; COMP_WORDS=(" + words +
                             "); COMP_CWORD=" + std::to_string(cword) + "; _tweetcheck; echo \"${COMPREPLY[*]}\"";
  std::string quoted = "'";
  for (const char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  const Run r = tweetcheck::test::shell("bash -c " + quoted + "'");
  REQUIRE(r.status == 0);
  return r.out;
}

} // namespace

TEST_CASE("completion: the cache command's own subcommands", "[cli][cache]") {
  CHECK(bash_complete("tweetcheck cache st", 2) == "stats\n");
  CHECK(bash_complete("tweetcheck cache ''", 2) == "stats clear vacuum\n");
  CHECK(bash_complete("tweetcheck cache stats --fo", 3) == "--format\n");
}

TEST_CASE("cache stats|clear|vacuum refuse a file that is not a cache, and leave it as it was",
          "[cli][cache][hostile]") {
  TempDir home("tweetcheck-cache-bad");
  const std::string notes = "my notes, not a cache\n";
  const std::string file = home.file("notes.sqlite", notes);
  for (const std::string cmd : {"cache stats", "cache stats --format json", "cache clear --all",
                                "cache clear --expired", "cache vacuum"}) {
    INFO(cmd);
    const Run r = run(home, cmd + " --cache " + q(file), true);
    CHECK(r.status == 2);
    CHECK(r.out.rfind("tweetcheck: error: '" + file + "' is not a tweetcheck cache", 0) == 0);
    CHECK(tweetcheck::test::read_file(file) == notes); // nothing rebuilt, nothing lost
  }
  CHECK(!std::filesystem::exists(file + "-wal"));
}
