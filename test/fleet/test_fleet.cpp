// Fleet audits: three worker processes of the real binary over WARCs that share posts, against a
// PostgreSQL server and the loopback test server the tests start themselves. Each distinct post
// is fetched once for the fleet and the export equals the single-process audit; a worker killed
// with SIGKILL, or stopped until its lease is taken, loses and duplicates nothing; a truncated
// .warc.gz fails its unit only; a 429 with Retry-After pauses the host for every worker; a
// PostgreSQL restart mid-run loses nothing.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "support/fleet.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::PostgresServer;
using tweetcheck::test::read_file;
using tweetcheck::test::Run;
using tweetcheck::test::source_path;
using tweetcheck::test::TempDir;
using tweetcheck::test::TestServer;
using tweetcheck::test::fleet::bin;
using tweetcheck::test::fleet::comparable;
using tweetcheck::test::fleet::make_warcs;
using tweetcheck::test::fleet::manifest;
using tweetcheck::test::fleet::postgres;
using tweetcheck::test::fleet::sh;
using tweetcheck::test::fleet::single_process;

namespace {

/// A worker process (its PID is the binary's), its log in `log`.
pid_t start_worker(const std::string& args, const std::string& log) {
  const std::string cmd =
      "cd '" + source_path("") + "' && exec " + bin() + " -v audit --worker " + args + " > '" + log + "' 2>&1";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// Waits (at most 20 s) until the audit has committed at least one result line.
bool wait_first_commit(const std::string& url) {
  for (int i = 0; i < 400; ++i) {
    const std::string n = PostgresServer::query(url, "SELECT count(*) FROM fleet_results");
    if (!n.empty() && n != "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Kills (SIGKILL) and reaps workers still running when a test ends, whatever its outcome.
struct Workers {
  std::vector<pid_t> pids;
  ~Workers() {
    for (pid_t p : pids) {
      if (kill(p, 0) == 0) {
        kill(p, SIGCONT);
        kill(p, SIGKILL);
      }
      waitpid(p, nullptr, WNOHANG);
    }
  }
};

} // namespace

TEST_CASE("fleet: three workers fetch each post once and export what a single process writes", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_once");
  REQUIRE(
      sh(bin() + " fleet init --coordinator " + url + " --audit cc --list " + manifest(dir, files) + " 2>&1").status ==
      0);
  // Again with the same manifest: nothing changes; another manifest under the name is refused.
  CHECK(
      sh(bin() + " fleet init --coordinator " + url + " --audit cc --list " + manifest(dir, files) + " 2>&1").status ==
      0);
  const std::string other = dir.file("other.txt", files[0] + "\n");
  const Run refused = sh(bin() + " fleet init --coordinator " + url + " --audit cc --list " + other + " 2>&1");
  CHECK(refused.status == 2);
  CHECK(refused.out.find("another manifest") != std::string::npos);
  CHECK(PostgresServer::query(url, "SELECT version FROM schema_version") == "1");

  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string args =
      "--coordinator " + url + " --audit cc --lease 5 --batch 1" + tweetcheck::test::service_endpoints(server);
  Workers w;
  for (int i = 0; i < 3; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 0);

  const Run status = sh(bin() + " fleet status --format json --coordinator " + url + " --audit cc");
  REQUIRE(status.status == 0);
  const json s = json::parse(status.out);
  CHECK(s["units"] == json({{"todo", 0}, {"leased", 0}, {"done", 3}, {"failed", 0}}));
  CHECK(s["paused_hosts"] == json::array());
  CHECK(s["failed_units"] == json::array());
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit cc --output " + dir.at("fleet.jsonl") + " 2>&1")
              .status == 0);
  const auto [expected, single_requests] = single_process(files);
  const auto exported = comparable(dir.at("fleet.jsonl"));
  CHECK(exported.size() == expected.size());
  CHECK(exported == expected);
  std::uint64_t posts = 0;
  for (const auto& [verdict, n] : s["posts"].items()) posts += n.get<std::uint64_t>();
  CHECK(posts == expected.size());
  // Every URL asked as often by the fleet as by one process (once per distinct post).
  const json fleet_requests = server.stats()["requests"];
  CHECK(fleet_requests.size() == single_requests.size());
  for (const auto& [path, n] : single_requests.items()) {
    INFO(path);
    CHECK(fleet_requests.value(path, 0) == n.get<int>());
  }
}

TEST_CASE("fleet: a worker killed after its first commit loses and duplicates nothing", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_kill");
  REQUIRE(sh(bin() + " fleet init --coordinator " + url + " --audit k --list " + manifest(dir, files)).status == 0);
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "30"});
  const std::string args = "--coordinator " + url + " --audit k --lease 2 --claim-timeout 2 --batch 1" +
                           tweetcheck::test::service_endpoints(server);
  Workers w;
  w.pids.push_back(start_worker(args, dir.at("a.log")));
  REQUIRE(wait_first_commit(url));
  kill(w.pids[0], SIGKILL);
  CHECK(wait_exit(w.pids[0]) == -1);
  // Its lease (2 s) and its claims on posts (2 s) expire: the others take both over.
  CHECK(PostgresServer::query(url, "SELECT count(*) FROM fleet_units WHERE state = 'done'") != "3");
  for (int i = 0; i < 2; ++i) w.pids.push_back(start_worker(args, dir.at("b" + std::to_string(i) + ".log")));
  CHECK(wait_exit(w.pids[1]) == 0);
  CHECK(wait_exit(w.pids[2]) == 0);
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit k --output " + dir.at("fleet.jsonl")).status ==
          0);
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process(files).first);
}

TEST_CASE("fleet: a stopped worker whose lease was taken cannot commit when it goes on", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_stop");
  REQUIRE(sh(bin() + " fleet init --coordinator " + url + " --audit s --list " + manifest(dir, files)).status == 0);
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "30"});
  const std::string args = "--coordinator " + url + " --audit s --lease 2 --claim-timeout 2 --batch 1" +
                           tweetcheck::test::service_endpoints(server);
  Workers w;
  w.pids.push_back(start_worker(args, dir.at("a.log")));
  REQUIRE(wait_first_commit(url));
  kill(w.pids[0], SIGSTOP);
  const std::string held = PostgresServer::query(url, "SELECT ordinal FROM fleet_units WHERE state = 'leased'");
  REQUIRE(!held.empty());
  // Another worker takes the unit over once the lease expires (2 s) and finishes the audit.
  w.pids.push_back(start_worker(args, dir.at("b.log")));
  CHECK(wait_exit(w.pids[1]) == 0);
  kill(w.pids[0], SIGCONT);
  CHECK(wait_exit(w.pids[0]) == 0);
  const std::string a_log = read_file(dir.at("a.log"));
  INFO(a_log);
  CHECK(a_log.find("the lease of unit " + held + " was taken by another worker") != std::string::npos);
  CHECK(PostgresServer::query(url, "SELECT attempts FROM fleet_units WHERE ordinal = " + held) == "2");
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit s --output " + dir.at("fleet.jsonl")).status ==
          0);
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process(files).first);
}

TEST_CASE("fleet: a truncated .warc.gz ends failed after its attempts, the rest completes", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  auto files = make_warcs(dir);
  {
    const std::string whole = read_file(files[1]);
    std::ofstream(dir.at("cut.warc.gz"), std::ios::binary) << whole.substr(0, whole.size() / 2);
  }
  const std::vector<std::string> with_cut{files[0], dir.at("cut.warc.gz"), files[2]};
  const std::string url = pg->database("fleet_cut");
  REQUIRE(
      sh(bin() + " fleet init --max-attempts 2 --coordinator " + url + " --audit t --list " + manifest(dir, with_cut))
          .status == 0);
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string args =
      "--coordinator " + url + " --audit t --lease 5" + tweetcheck::test::service_endpoints(server);
  Workers w;
  for (int i = 0; i < 2; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 3); // no unit left, but one failed
  const json s = json::parse(sh(bin() + " fleet status --format json --coordinator " + url + " --audit t").out);
  CHECK(s["units"]["done"] == 2);
  CHECK(s["units"]["failed"] == 1);
  REQUIRE(s["failed_units"].size() == 1);
  CHECK(s["failed_units"][0]["unit"] == dir.at("cut.warc.gz"));
  CHECK(s["failed_units"][0]["error"].get<std::string>().find("cut.warc.gz") != std::string::npos);
  CHECK(PostgresServer::query(url, "SELECT attempts FROM fleet_units WHERE ordinal = 2") == "2");
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit t --output " + dir.at("fleet.jsonl")).status ==
          0);
  // The export holds the two complete units, as a single process over them writes them (the
  // truncated file gave no document).
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process({files[0], files[2]}).first);
}

TEST_CASE("fleet: --shard auto --shard-by file reads only the task's own files", "[fleet][static]") {
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string inputs = " " + files[0] + " " + files[1] + " " + files[2];
  auto keys_of = [&](const std::string& env, const std::string& extra) {
    const std::string out = dir.at("o" + std::to_string(std::hash<std::string>{}(env)) + ".jsonl");
    const Run r = sh(env + " " + bin() + " audit --scan-only --no-cache --shard auto --shard-by file" + extra +
                     " --output " + out + inputs + " 2>&1");
    REQUIRE(r.status == 0);
    std::set<std::string> files_seen;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      const std::string key = json::parse(line)["document"]["key"];
      files_seen.insert(key.substr(0, key.find('#')));
    }
    return files_seen;
  };
  CHECK(keys_of("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1", "") ==
        std::set<std::string>{files[1]});
  CHECK(keys_of("JOB_COMPLETION_INDEX=0", " --shard-count 2") == std::set<std::string>{files[0], files[2]});
  CHECK(keys_of("AWS_BATCH_JOB_ARRAY_INDEX=1", " --shard-count 2") == std::set<std::string>{files[1]});
  const Run none =
      sh("env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX -u AWS_BATCH_JOB_ARRAY_INDEX " + bin() +
         " audit --scan-only --no-cache --shard auto --shard-by file --output " + dir.at("x.jsonl") + inputs + " 2>&1");
  CHECK(none.status == 2);
  CHECK(none.out.find("--shard auto") != std::string::npos);
}

TEST_CASE("fleet: the workers together keep a host's rate and are answered no 429", "[fleet][rate]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_rate");
  REQUIRE(sh(bin() + " fleet init --rate cdn.syndication.twimg.com=10 --coordinator " + url + " --audit r --list " +
             manifest(dir, files))
              .status == 0);
  // The server answers 429 above 12 requests per second to the syndication endpoint.
  TestServer server({"--routes", fixture_path("http/verify.json"), "--limit", "/tweet-result=12", "--log-requests"});
  const std::string args =
      "--coordinator " + url + " --audit r --lease 5" + tweetcheck::test::service_endpoints(server);
  Workers w;
  for (int i = 0; i < 3; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 0);
  const json stats = server.stats();
  CHECK(stats["limited"] == 0);
  std::vector<double> times;
  for (const auto& entry : stats["log"]) {
    if (entry[1].get<std::string>().rfind("/tweet-result", 0) == 0) times.push_back(entry[0].get<double>());
  }
  std::sort(times.begin(), times.end());
  REQUIRE(times.size() > 20); // more than one second's budget
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto end = std::lower_bound(times.begin(), times.end(), times[i] + 1.0);
    most = std::max<std::size_t>(most, static_cast<std::size_t>(end - times.begin()) - i);
  }
  // 10 per second and a burst of one, on the coordinator's clock; and one more where a request's
  // trip from its admission to the server took longer than the next one's (seen: the window's
  // first two 90 ms before the third, then one every 100 ms, twelve in 0.99 s).
  CHECK(most <= 12);
}

TEST_CASE("fleet: a 429 with Retry-After: 2 pauses that host for every worker", "[fleet][rate]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  // One article per WARC, no post shared: each worker asks the syndication host for its own.
  std::vector<std::string> files;
  for (const char* article : {"corpus/postlight/www.vox.com.html", "corpus/trafilatura/fr.de.nordkorea.html",
                              "articles/check_verdicts.html"}) {
    const std::string warc = dir.at("u" + std::to_string(files.size() + 1) + ".warc");
    REQUIRE(sh("python3 tools/make_warc.py " + warc + " --base https://u.example/ '" + fixture_path(article) + "'")
                .status == 0);
    files.push_back(warc);
  }
  const std::string url = pg->database("fleet_pause");
  REQUIRE(sh(bin() + " fleet init --coordinator " + url + " --audit p --list " + manifest(dir, files)).status == 0);
  // The recorded answers, but the first request for the first post of the vox.com article is
  // answered 429 with Retry-After: 2 (the retry gets the 404 that the server answers for a post
  // it has no route for, as without the 429), while the worker of check_verdicts.html has two
  // dozen posts of its own to ask the same host for.
  json routes = json::parse(read_file(fixture_path("http/verify.json")));
  const std::string limited = "/tweet-result?id=807147701339127808&";
  REQUIRE(!routes.contains(limited + "*"));
  routes[limited + "*"] = json::array({json{{"status", 429}, {"headers", {{"Retry-After", "2"}}}, {"body", "slow down\n"}},
                                       json{{"status", 404}, {"body", "no such route\n"}}});
  TestServer server({"--routes", dir.file("routes.json", routes.dump()), "--delay-ms", "150", "--log-requests"});
  // One request at a time per worker, so that each is still asking when the 429 comes.
  const std::string network = " --retries 1 --timeout 5 --concurrency 1";
  const std::string args = "--coordinator " + url + " --audit p --lease 10 --batch 1" +
                           tweetcheck::test::service_endpoints(server, network);
  Workers w;
  for (int i = 0; i < 3; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 0);

  const json log = server.stats()["log"];
  double paused_at = 0;
  std::vector<double> syndication; // when each request to the syndication host arrived
  std::string timeline;            // for a failure's message
  for (const auto& entry : log) {
    const std::string path = entry[1];
    timeline += std::to_string(entry[0].get<double>()) + " " + path.substr(0, 48) + " " +
                std::to_string(entry[2].get<int>()) + "\n";
    if (path.rfind("/tweet-result", 0) != 0) continue;
    syndication.push_back(entry[0].get<double>());
    if (entry[2] == 429 && path.rfind(limited, 0) == 0) {
      CHECK(paused_at == 0); // answered 429 once: its retry waited for the pause
      paused_at = entry[0].get<double>();
    }
  }
  INFO(timeline);
  REQUIRE(paused_at > 0);
  // Requests already on their way when the 429 was answered may arrive just after it; then no
  // worker asks the host until the two seconds are over, and the audit goes on afterwards.
  std::size_t during = 0, after = 0;
  for (double t : syndication) {
    if (t > paused_at + 0.3 && t < paused_at + 1.9) ++during;
    if (t >= paused_at + 1.9) ++after;
  }
  CHECK(during == 0);
  CHECK(after >= 3);
  // A worker other than the one answered 429 (unit 1's) held requests back for the pause (the
  // third may have been done with the host by then).
  static const std::regex waited(R"((\d+) waited for their host's politeness)");
  int held = 0;
  std::string logs;
  for (int i = 0; i < 3; ++i) {
    const std::string wlog = read_file(dir.at("w" + std::to_string(i) + ".log"));
    logs += wlog;
    std::smatch m;
    REQUIRE(std::regex_search(wlog, m, waited));
    if (wlog.find("unit 1 (") == std::string::npos && std::stoi(m[1]) > 0) ++held;
  }
  INFO(logs);
  CHECK(held >= 1);
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit p --output " + dir.at("fleet.jsonl")).status ==
          0);
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process(files, network).first);
}

TEST_CASE("fleet: restarting PostgreSQL mid-run loses and duplicates nothing", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_restart");
  REQUIRE(sh(bin() + " fleet init --coordinator " + url + " --audit r --list " + manifest(dir, files)).status == 0);
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "40"});
  const std::string args = "--coordinator " + url + " --audit r --lease 10 --batch 1" +
                           tweetcheck::test::service_endpoints(server);
  Workers w;
  for (int i = 0; i < 3; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  REQUIRE(wait_first_commit(url));
  REQUIRE(PostgresServer::query(url, "SELECT count(*) FROM fleet_units WHERE state = 'done'") != "3");
  REQUIRE(pg->restart(std::chrono::seconds(3))); // down long enough that every worker notices
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 0);
  std::string logs;
  for (int i = 0; i < 3; ++i) logs += read_file(dir.at("w" + std::to_string(i) + ".log"));
  INFO(logs);
  // The restart reached the workers while they worked (their statements failed meanwhile), and
  // each waited for the server rather than exiting.
  CHECK(logs.find("server closed the connection unexpectedly") != std::string::npos);
  const json s = json::parse(sh(bin() + " fleet status --format json --coordinator " + url + " --audit r").out);
  CHECK(s["units"]["done"] == 3);
  // Every unit was done by the worker that first leased it: the outage cost no attempt.
  CHECK(PostgresServer::query(url, "SELECT max(attempts) FROM fleet_units") == "1");
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit r --output " + dir.at("fleet.jsonl")).status ==
          0);
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process(files).first);
}

TEST_CASE("fleet: a worker sent SIGTERM gives its unit back at once and exits 143", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  // One unit of five articles: the signal comes while it is half done.
  std::string articles;
  for (const char* a : {"corpus/postlight/www.vox.com.html", "corpus/trafilatura/fr.de.nordkorea.html",
                        "articles/check_verdicts.html", "corpus/readability/v8-blog__source.html",
                        "articles/check_no_status_id.txt"}) {
    articles += std::string(" '") + fixture_path(a) + "'";
  }
  const std::vector<std::string> files{dir.at("five.warc")};
  REQUIRE(sh("python3 tools/make_warc.py " + files[0] + " --base https://five.example/" + articles).status == 0);
  const std::string url = pg->database("fleet_term");
  REQUIRE(sh(bin() + " fleet init --coordinator " + url + " --audit t --list " + manifest(dir, files)).status == 0);
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "40"});
  // A lease far longer than the test: the unit is free again only because it was given back.
  const std::string args = "--coordinator " + url + " --audit t --lease 300 --batch 1" +
                           tweetcheck::test::service_endpoints(server);
  Workers w;
  w.pids.push_back(start_worker(args, dir.at("a.log")));
  REQUIRE(wait_first_commit(url));
  const std::string held = PostgresServer::query(url, "SELECT ordinal FROM fleet_units WHERE state = 'leased'");
  REQUIRE(!held.empty());
  kill(w.pids[0], SIGTERM);
  CHECK(wait_exit(w.pids[0]) == 143);
  const std::string a_log = read_file(dir.at("a.log"));
  INFO(a_log);
  CHECK(a_log.find("unit " + held + " given back") != std::string::npos);
  CHECK(PostgresServer::query(url, "SELECT count(*) FROM fleet_units WHERE state = 'leased'") == "0");
  CHECK(PostgresServer::query(url, "SELECT state || ' ' || attempts FROM fleet_units WHERE ordinal = " + held) ==
        "todo 0");
  // What it committed stays; another worker goes on after it and the audit is whole.
  w.pids.push_back(start_worker(args, dir.at("b.log")));
  CHECK(wait_exit(w.pids[1]) == 0);
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit t --output " + dir.at("fleet.jsonl")).status ==
          0);
  CHECK(comparable(dir.at("fleet.jsonl")) == single_process(files).first);
}

TEST_CASE("fleet: processes sharing only --cache postgresql:// keep --rate together", "[fleet][rate][static]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  // Two articles of 24 embeds each, no post in both: each process asks for its own.
  for (int a = 0; a < 2; ++a) {
    std::string html = "<html><body>";
    for (int i = 0; i < 24; ++i) {
      // Snowflake IDs of 2020-01-01T00:00Z, the date the server's synthetic posts carry.
      const std::string id = std::to_string(1212161512043446272LL + a * 1000 + i);
      html += "<blockquote class=\"twitter-tweet\"><p>Synthetic post " + id + "</p>&mdash; Bench (@bench) <a href=\"" +
              "https://twitter.com/bench/status/" + id + "\">January 1, 2020</a></blockquote>\n";
    }
    dir.file("a" + std::to_string(a) + ".html", html + "</body></html>\n");
  }
  const std::string url = pg->database("shared_rate");
  // The server answers 429 above 12 requests per second; each process alone keeps --rate 8.
  TestServer server({"--synthetic", "--limit", "/tweet-result=12", "--log-requests"});
  const std::string common = " -q audit --sources syndication --cache " + url + " --rate 8" +
                             tweetcheck::test::service_endpoints(server);
  Workers w;
  for (int a = 0; a < 2; ++a) {
    const std::string n = std::to_string(a);
    const std::string cmd = "cd '" + source_path("") + "' && exec " + bin() + common + " --output " +
                            dir.at("o" + n + ".jsonl") + " " + dir.at("a" + n + ".html") + " > " +
                            dir.at("p" + n + ".log") + " 2>&1";
    const pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    w.pids.push_back(pid);
  }
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 0);
  const json stats = server.stats();
  CHECK(stats["limited"] == 0);
  std::vector<double> times;
  for (const auto& entry : stats["log"]) {
    if (entry[1].get<std::string>().rfind("/tweet-result", 0) == 0) times.push_back(entry[0].get<double>());
  }
  std::sort(times.begin(), times.end());
  REQUIRE(times.size() == 48); // every post once
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto end = std::lower_bound(times.begin(), times.end(), times[i] + 1.0);
    most = std::max<std::size_t>(most, static_cast<std::size_t>(end - times.begin()) - i);
  }
  CHECK(most <= 10); // 8 per second for both together, a burst of one and a request's trip
  for (int a = 0; a < 2; ++a) {
    std::ifstream in(dir.at("o" + std::to_string(a) + ".jsonl"));
    int verified = 0;
    for (std::string line; std::getline(in, line);) verified += json::parse(line)["verdict"] == "verified";
    CHECK(verified == 24);
  }
}

TEST_CASE("fleet: units named by URL are downloaded, keyed by their URL, a 503 Slow Down retried", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  const auto files = make_warcs(dir);
  // The manifest names the files relative to an http(s) --base-url, as a CC-NEWS listing does;
  // the server answers the first request for one of them "503 Slow Down" with Retry-After: 1.
  json routes = json::parse(read_file(fixture_path("http/verify.json")));
  std::string listing;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string name = files[i].substr(files[i].find_last_of('/') + 1);
    listing += "crawl/" + name + "\n";
    json ok = {{"status", 200}, {"body_file", files[i]}};
    routes["/crawl/" + name] = i == 1 ? json::array({{{"status", 503}, {"headers", {{"Retry-After", "1"}}},
                                                      {"body", "Slow Down"}},
                                                     ok})
                                      : json::array({ok});
  }
  routes["/crawl/missing.warc.gz"] = json::array({{{"status", 404}, {"body", "NoSuchKey"}}});
  listing += "crawl/missing.warc.gz\n";
  TestServer server({"--routes", dir.file("routes.json", routes.dump())});
  const std::string url = pg->database("fleet_download");
  REQUIRE(sh(bin() + " fleet init --max-attempts 1 --base-url https://data.example.test/ --coordinator " + url +
             " --audit d --list " + dir.file("listing.txt", listing))
              .status == 0);
  const std::string network = " --timeout 5 --retries 2";
  const std::string args = "--coordinator " + url + " --audit d --lease 10" +
                           tweetcheck::test::service_endpoints(server, network) + " --endpoint data.example.test=" +
                           server.base();
  Workers w;
  for (int i = 0; i < 2; ++i) w.pids.push_back(start_worker(args, dir.at("w" + std::to_string(i) + ".log")));
  for (pid_t p : w.pids) CHECK(wait_exit(p) == 3); // the missing one failed, the rest done
  CHECK(server.requests("/crawl/" + files[1].substr(files[1].find_last_of('/') + 1)) == 2); // 503, then 200
  const json s = json::parse(sh(bin() + " fleet status --format json --coordinator " + url + " --audit d").out);
  CHECK(s["units"]["done"] == 3);
  REQUIRE(s["failed_units"].size() == 1);
  CHECK(s["failed_units"][0]["error"].get<std::string>().find("HTTP 404") != std::string::npos);
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit d --output " + dir.at("fleet.jsonl")).status ==
          0);
  // Keyed by the URL: the same lines as a single process over the local files, their paths aside.
  std::string exported = read_file(dir.at("fleet.jsonl"));
  const std::string from = "https://data.example.test/crawl/", to = dir.path + "/";
  CHECK(exported.find(from) != std::string::npos);
  for (std::size_t at; (at = exported.find(from)) != std::string::npos;) exported.replace(at, from.size(), to);
  CHECK(comparable(dir.file("local.jsonl", exported)) == single_process(files, network).first);
  // Nothing is left in the temporary folder.
  CHECK(tweetcheck::test::shell("ls ${TMPDIR:-/tmp} | grep -c '^tweetcheck-unit-'").out == "0\n");
}

TEST_CASE("fleet: a download whose server stalls fails its unit after --timeout, nothing left behind", "[fleet]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-fleet");
  // The server takes 20 s to answer anything: a stall of more than the 2 s --timeout.
  TestServer server({"--routes", dir.file("routes.json", R"({"/crawl/slow.warc.gz": [{"status": 200, "body": "x"}]})"),
                     "--delay-ms", "20000"});
  const std::string url = pg->database("fleet_stall");
  REQUIRE(sh(bin() + " fleet init --max-attempts 1 --base-url https://data.example.test/ --coordinator " + url +
             " --audit s --list " + dir.file("listing.txt", "crawl/slow.warc.gz\n"))
              .status == 0);
  const std::string args = "--coordinator " + url + " --audit s --lease 10" +
                           tweetcheck::test::service_endpoints(server, " --timeout 2 --retries 0") +
                           " --endpoint data.example.test=" + server.base();
  Workers w;
  w.pids.push_back(start_worker(args, dir.at("w.log")));
  CHECK(wait_exit(w.pids[0]) == 3); // no unit left, one failed
  const json s = json::parse(sh(bin() + " fleet status --format json --coordinator " + url + " --audit s").out);
  REQUIRE(s["failed_units"].size() == 1);
  const std::string error = s["failed_units"][0]["error"];
  INFO(error);
  CHECK(error.find("cannot download 'https://data.example.test/crawl/slow.warc.gz'") != std::string::npos);
  CHECK(error.find("timeout") != std::string::npos);
  CHECK(tweetcheck::test::shell("ls ${TMPDIR:-/tmp} | grep -c '^tweetcheck-unit-'").out == "0\n");
}
