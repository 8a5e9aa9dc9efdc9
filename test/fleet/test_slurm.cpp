// The Slurm launcher, tools/slurm/audit.sbatch: a 3-task job array of real workers on a one-node
// Slurm cluster the test starts on loopback (support/slurm.hpp), against PostgreSQL and the
// loopback test server as the other fleet tests; and, without Slurm, what the script checks and
// what it runs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "support/fleet.hpp"
#include "support/slurm.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::PostgresServer;
using tweetcheck::test::read_file;
using tweetcheck::test::Run;
using tweetcheck::test::service_endpoints;
using tweetcheck::test::shell;
using tweetcheck::test::SlurmCluster;
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

std::string script() { return "'" + source_path("tools/slurm/audit.sbatch") + "'"; }

/// `scontrol -o show job` lines as "TASK STATE EXIT" lines, by task.
std::string task_states(const std::string& lines) {
  std::map<int, std::string> by_task;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) {
    auto field = [&](const std::string& name) {
      const auto b = line.find(" " + name + "=");
      if (b == std::string::npos) return std::string();
      const auto v = b + name.size() + 2;
      return line.substr(v, line.find(' ', v) - v);
    };
    const std::string task = field("ArrayTaskId");
    if (!task.empty() && task.find_first_not_of("0123456789") == std::string::npos) {
      by_task[std::stoi(task)] = field("JobState") + " " + field("ExitCode");
    }
  }
  std::string out;
  for (const auto& [task, state] : by_task) out += std::to_string(task) + " " + state + "\n";
  return out;
}

/// The units a worker's log says it finished ("worker: N units done, ...").
int units_done(const std::string& log) {
  const auto at = log.find("worker: ");
  return at == std::string::npos ? -1 : std::stoi(log.substr(at + 8));
}

} // namespace

TEST_CASE("fleet: a Slurm job array of audit.sbatch workers does the audit once, as one process would",
          "[fleet][slurm]") {
  PostgresServer* pg = postgres();
  if (!pg) return;
  TempDir dir("tweetcheck-slurm-audit"); // before the cluster: its jobs end before the folder goes
  SlurmCluster slurm;
  if (!slurm.ok()) {
    WARN("skipped: no Slurm cluster for the launcher test: " << slurm.why());
    return;
  }
  const auto files = make_warcs(dir);
  const std::string url = pg->database("fleet_slurm");
  REQUIRE(
      sh(bin() + " fleet init --coordinator " + url + " --audit sl --list " + manifest(dir, files) + " 2>&1").status ==
      0);
  TestServer server({"--routes", fixture_path("http/verify.json")});
  // Submitted from the folder, so the tasks' output files (the script's --output) are written there;
  // at most 2 tasks at once, the worker's arguments after the script.
  const Run submit =
      shell("cd '" + dir.path + "' && " + slurm.env() + "TWEETCHECK='" + TWEETCHECK_BINARY +
            "' TWEETCHECK_COORDINATOR='" + url + "' TWEETCHECK_AUDIT=sl sbatch --parsable --array=1-3%2 " + script() +
            " -v --lease 5 --batch 1" + service_endpoints(server) + " 2>&1");
  INFO(submit.out);
  REQUIRE(submit.status == 0);
  const std::string job = submit.out.substr(0, submit.out.find_first_of(";\n"));
  REQUIRE(!job.empty());
  const std::string tasks = slurm.wait_job(job, std::chrono::seconds(60));
  INFO(tasks);
  INFO(slurm.logs());
  REQUIRE(!tasks.empty()); // ended within the deadline

  // All three tasks ran, each a worker that ended with 0 (no unit left, none failed).
  CHECK(task_states(tasks) == "1 COMPLETED 0:0\n2 COMPLETED 0:0\n3 COMPLETED 0:0\n");
  int units = 0;
  for (int t = 1; t <= 3; ++t) {
    const std::string task = job + "_" + std::to_string(t);
    const std::string out = dir.at("tweetcheck-audit-" + task + ".out");
    REQUIRE(std::filesystem::exists(out));
    const std::string log = read_file(out);
    INFO(log);
    CHECK(log.find("audit.sbatch: task " + task + " (restart 0) on localhost: worker of audit 'sl'") !=
          std::string::npos);
    CHECK(units_done(log) >= 0);
    units += std::max(0, units_done(log));
  }
  CHECK(units == 3); // each unit done once, by one of them

  const Run status = sh(bin() + " fleet status --format json --coordinator " + url + " --audit sl");
  REQUIRE(status.status == 0);
  CHECK(json::parse(status.out)["units"] == json({{"todo", 0}, {"leased", 0}, {"done", 3}, {"failed", 0}}));
  REQUIRE(sh(bin() + " fleet export --coordinator " + url + " --audit sl --output " + dir.at("fleet.jsonl") + " 2>&1")
              .status == 0);
  const auto [expected, single_requests] = single_process(files);
  CHECK(comparable(dir.at("fleet.jsonl")) == expected);
  // Every URL asked as often by the array as by one process (once per distinct post).
  const json fleet_requests = server.stats()["requests"];
  CHECK(fleet_requests.size() == single_requests.size());
  for (const auto& [path, n] : single_requests.items()) {
    INFO(path);
    CHECK(fleet_requests.value(path, 0) == n.get<int>());
  }
}

TEST_CASE("fleet: audit.sbatch names what is missing, and execs the worker with the arguments given",
          "[fleet][slurm]") {
  TempDir dir("tweetcheck-sbatch");
  // Outside Slurm, the script run by bash as a task would run it.
  const std::string clean = "env -u TWEETCHECK -u TWEETCHECK_COORDINATOR -u TWEETCHECK_AUDIT -u SLURM_CPUS_PER_TASK "
                            "-u SLURM_ARRAY_JOB_ID -u SLURM_ARRAY_TASK_ID -u SLURM_RESTART_COUNT -u SLURMD_NODENAME ";
  Run r = shell(clean + "bash " + script() + " 2>&1");
  CHECK(r.status == 2);
  CHECK(r.out.find("TWEETCHECK_COORDINATOR is not set") != std::string::npos);
  r = shell(clean + "TWEETCHECK_COORDINATOR=postgresql://db.example/t bash " + script() + " 2>&1");
  CHECK(r.status == 2);
  CHECK(r.out.find("TWEETCHECK_AUDIT is not set") != std::string::npos);
  r = shell(clean + "TWEETCHECK_COORDINATOR=postgresql://db.example/t TWEETCHECK_AUDIT=a TWEETCHECK=" + dir.at("none") +
            " bash " + script() + " 2>&1");
  CHECK(r.status == 2);
  CHECK(r.out.find("cannot find the tweetcheck binary '" + dir.at("none") + "'") != std::string::npos);

  // A stand-in binary that prints its PID and arguments and exits 3: the script's PID is the
  // worker's (exec), the arguments arrive whole, and the worker's status is the task's.
  const std::string fake =
      dir.file("fake", "#!/bin/sh\necho \"pid $$\"\nfor a in \"$@\"; do echo \"[$a]\"; done\nexit 3\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const std::string target = " TWEETCHECK_COORDINATOR=postgresql://db.example/t TWEETCHECK_AUDIT=a";
  auto run = [&](const std::string& env, const std::string& args) {
    const std::string task = "echo \"pid $$\"; exec bash " + source_path("tools/slurm/audit.sbatch") + " " + args;
    return shell(clean + env + target + " TWEETCHECK='" + fake + "' sh -c '" + task + "' 2>&1");
  };
  r = run("SLURM_ARRAY_JOB_ID=7 SLURM_ARRAY_TASK_ID=2 SLURMD_NODENAME=n1", "--lease 5 \"two words\"");
  CHECK(r.status == 3);
  const std::string pid = r.out.substr(0, r.out.find('\n'));
  const std::string argv = "[audit]\n[--coordinator]\n[postgresql://db.example/t]\n[--audit]\n[a]\n[--worker]\n";
  CHECK(r.out == pid + "\naudit.sbatch: task 7_2 (restart 0) on n1: worker of audit 'a'\n" + pid + "\n" + argv +
                     "[--lease]\n[5]\n[two words]\n");
  // --cpus-per-task: as many scan threads, unless the arguments say --jobs.
  r = run("SLURM_CPUS_PER_TASK=4", "-v");
  CHECK(r.out.find("[--worker]\n[--jobs]\n[4]\n[-v]\n") != std::string::npos);
  r = run("SLURM_CPUS_PER_TASK=4", "--jobs 2");
  CHECK(r.out.find("[--worker]\n[--jobs]\n[2]\n") != std::string::npos);
  CHECK(r.out.find("[4]") == std::string::npos);
}
