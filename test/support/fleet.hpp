#pragma once
// What the fleet tests share (test/fleet/): the PostgreSQL server or a skip, three WARCs whose
// articles share posts, a manifest of them, result lines made comparable, and the single-process
// audit a fleet's export is compared with.
#include <algorithm>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"
#include "support/postgres.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace tweetcheck::test::fleet {

/// Runs a shell command in the source folder (where tools/ is).
inline Run sh(const std::string& cmd) { return shell("cd '" + source_path("") + "' && " + cmd); }
/// The tweetcheck binary under test, quoted for the shell.
inline std::string bin() { return binary(); }

/// The shared server, or null (the test is skipped with a message).
inline PostgresServer* postgres() {
  PostgresServer& pg = PostgresServer::shared();
  if (!pg.ok()) {
    if (skips_fail()) FAIL("CI=true, yet no PostgreSQL server for the fleet tests: " << pg.why());
    WARN("skipped: no PostgreSQL server for the fleet tests: " << pg.why());
    return nullptr;
  }
  return &pg;
}

/// Three WARCs whose articles share posts (check_verdicts.html in each).
inline std::vector<std::string> make_warcs(const TempDir& dir) {
  const std::string vox = " '" + fixture_path("corpus/postlight/www.vox.com.html") + "'";
  const std::string nk = " '" + fixture_path("corpus/trafilatura/fr.de.nordkorea.html") + "'";
  const std::string cv = " '" + fixture_path("articles/check_verdicts.html") + "'";
  const std::vector<std::pair<std::string, std::string>> specs{
      {"w1.warc", vox + cv}, {"w2.warc.gz", nk + cv + vox}, {"w3.warc", cv + nk}};
  std::vector<std::string> out;
  for (const auto& [name, files] : specs) {
    REQUIRE(sh("python3 tools/make_warc.py " + dir.at(name) + " --base https://" + name + ".example/" + files).status ==
            0);
    out.push_back(dir.at(name));
  }
  return out;
}

/// A manifest of `files` (one per line) in `dir`; its path.
inline std::string manifest(const TempDir& dir, const std::vector<std::string>& files) {
  std::string text;
  for (const auto& f : files) text += f + "\n";
  return dir.file("manifest.txt", text);
}

/// Result lines without what may differ between runs (fetch times, cache hits), sorted.
inline std::vector<std::string> comparable(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line);
    for (auto& e : j["evidence"]) {
      e.erase("fetched_at");
      e.erase("from_cache");
    }
    out.push_back(j.dump());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The single-process audit of the same files, against a fresh server: its lines and requests.
/// `network`: its timeout and retries, as the workers'.
inline std::pair<std::vector<std::string>, nlohmann::json>
single_process(const std::vector<std::string>& files, const std::string& network = " --timeout 1 --retries 0") {
  TempDir dir("tweetcheck-fleet-single");
  TestServer server({"--routes", fixture_path("http/verify.json")});
  std::string inputs;
  for (const auto& f : files) inputs += " " + f;
  const Run r =
      sh(bin() + " audit --no-cache --output " + dir.at("single.jsonl") + service_endpoints(server, network) + inputs +
         " 2>&1");
  REQUIRE(r.status == 0);
  return {comparable(dir.at("single.jsonl")), server.stats()["requests"]};
}

} // namespace tweetcheck::test::fleet
