// The SQLite cache, and the resolver's use of it, against the real test server.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <thread>

#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "tweetcheck/cache.hpp"
#include "tweetcheck/resolve.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::TestServer;

namespace {

struct TempDir : tweetcheck::test::TempDir {
  TempDir() : tweetcheck::test::TempDir("tweetcheck-cache") {}
};

std::unique_ptr<HttpClient> client_for(const TestServer& server) {
  HttpOptions o;
  o.endpoints["t.co"] = server.base();
  o.timeout_ms = 1500;
  o.retries = 0;
  auto c = make_curl_client(o);
  REQUIRE(c);
  return std::move(*c);
}

} // namespace

TEST_CASE("cache: get, put, expiry and a miss", "[cache]") {
  TempDir dir;
  std::vector<std::string> warnings;
  auto cache = open_sqlite_cache(dir.path + "/c.sqlite", &warnings);
  REQUIRE(cache);
  CHECK(warnings.empty());
  REQUIRE((*cache)->put("k", "v", std::chrono::seconds(60)));
  CHECK((*cache)->get("k").value() == std::optional<std::string>("v"));
  REQUIRE((*cache)->put("k", "w", std::chrono::seconds(60)));
  CHECK((*cache)->get("k").value() == std::optional<std::string>("w"));
  REQUIRE((*cache)->put("old", "x", std::chrono::seconds(-1)));
  CHECK(!(*cache)->get("old").value());
  CHECK(!(*cache)->get("missing").value());
}

TEST_CASE("cache: a corrupt file or another schema version is rebuilt with a warning", "[cache]") {
  TempDir dir;
  const std::string path = dir.path + "/c.sqlite";
  {
    std::ofstream junk(path, std::ios::binary);
    junk << "this is not a database, just bytes that happen to be here";
  }
  std::vector<std::string> warnings;
  auto cache = open_sqlite_cache(path, &warnings);
  REQUIRE(cache);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("rebuilding") != std::string::npos);
  REQUIRE((*cache)->put("k", "v", std::chrono::seconds(60)));
  cache->reset();
  // Pretend a future version wrote it.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  warnings.clear();
  auto again = open_sqlite_cache(path, &warnings);
  REQUIRE(again);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("schema version 99") != std::string::npos);
  CHECK(!(*again)->get("k").value()); // started over
}

TEST_CASE("resolver cache: definitive answers are kept, failures are not; offline answers from it",
          "[cache][resolve][http]") {
  TempDir dir;
  TestServer server({"--routes", fixture_path("http/resolver.json")});
  auto cache = open_sqlite_cache(dir.path + "/c.sqlite", nullptr);
  REQUIRE(cache);
  const std::vector<std::string> urls{"https://t.co/tco-to-status", "https://t.co/dead", "https://t.co/always-429"};
  {
    auto client = client_for(server);
    const auto first = resolve(urls, client.get(), cache->get(), {});
    CHECK(first[0].status == ResolveStatus::resolved);
    CHECK(first[1].status == ResolveStatus::dead);
    CHECK(first[2].status == ResolveStatus::error);
    CHECK(!first[0].from_cache);
  }
  CHECK(server.stats()["total"] == 3);
  {
    auto client = client_for(server);
    const auto second = resolve(urls, client.get(), cache->get(), {});
    CHECK(second[0].from_cache);
    CHECK(second[0].status_id == std::optional<std::string>("406461874771734528"));
    CHECK(second[0].chain.size() == 1);
    CHECK(second[1].from_cache);
    CHECK(second[1].status == ResolveStatus::dead);
    CHECK(!second[2].from_cache); // the 429 was transient: asked again
  }
  CHECK(server.stats()["total"] == 4);
  ResolveOptions offline;
  offline.offline = true;
  const auto third = resolve(urls, nullptr, cache->get(), offline);
  CHECK(third[0].status == ResolveStatus::resolved);
  CHECK(third[2].status == ResolveStatus::unresolved);
  CHECK(third[2].reason.find("offline") != std::string::npos);
  CHECK(server.stats()["total"] == 4);
}

TEST_CASE("cache: a database another process holds is waited for, never deleted", "[cache]") {
  TempDir dir;
  const std::string path = dir.path + "/held.sqlite";
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "CREATE TABLE other(x); INSERT INTO other VALUES(42); BEGIN EXCLUSIVE;", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
  std::thread release([holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  });
  std::vector<std::string> warnings;
  auto cache = open_sqlite_cache(path, &warnings);
  release.join();
  REQUIRE(cache);
  CHECK(warnings.empty()); // not "unusable; rebuilding it"
  // The holder's data is still there: the file was not deleted and recreated.
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(holder, "SELECT x FROM other", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 42);
  sqlite3_finalize(st);
  sqlite3_close(holder);
}
