// The cache's maintenance (stats, clear, vacuum) and --max-cache-age, on real SQLite files whose
// times the tests set directly.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sqlite3.h>

#include "support/temp_dir.hpp"
#include "tweetcheck/cache.hpp"

using namespace tweetcheck;

namespace {

/// Runs SQL on the cache file behind the library's back (to age entries).
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::unique_ptr<Cache> open(const std::string& path, std::optional<std::chrono::seconds> max_age = std::nullopt) {
  auto c = open_sqlite_cache(path, nullptr, max_age);
  REQUIRE(c);
  return std::move(*c);
}

const auto k_day = std::chrono::hours(24);

} // namespace

TEST_CASE("cache stats: kinds, statuses, expired, oldest and newest; a missing cache is not created",
          "[cache][cache-maintenance]") {
  tweetcheck::test::TempDir dir;
  const std::string path = dir / "c.sqlite";
  auto none = sqlite_cache_stats(path);
  REQUIRE(none);
  CHECK(!none->exists);
  CHECK(none->entries == 0);
  CHECK(!std::filesystem::exists(path));
  {
    auto c = open(path);
    REQUIRE(c->put("http/1 GET https://cdn.syndication.twimg.com/a", R"({"status":200,"body":"{}"})", k_day));
    REQUIRE(c->put("http/1 GET https://cdn.syndication.twimg.com/b", R"({"status":200,"body":"{}"})", k_day));
    REQUIRE(c->put("http/1 GET https://cdn.syndication.twimg.com/c", R"({"status":404,"body":""})", k_day));
    REQUIRE(c->put("resolve/1 https://t.co/x", R"({"status":"resolved"})", k_day));
    REQUIRE(c->put("resolve/1 https://t.co/y", R"({"status":"dead"})", std::chrono::seconds(-10)));
    REQUIRE(c->put("something else", "not json", k_day));
  }
  sql(path, "UPDATE entries SET stored = 1000000000 WHERE key = 'resolve/1 https://t.co/x'");
  auto st = sqlite_cache_stats(path);
  REQUIRE(st);
  CHECK(st->exists);
  CHECK(st->entries == 6);
  CHECK(st->expired == 1);
  CHECK(st->kinds == std::map<std::string, std::int64_t>{{"other", 1}, {"resolutions", 2}, {"responses", 3}});
  CHECK(st->outcomes["responses"] == std::map<std::string, std::int64_t>{{"200", 2}, {"404", 1}});
  CHECK(st->outcomes["resolutions"] == std::map<std::string, std::int64_t>{{"dead", 1}, {"resolved", 1}});
  CHECK(st->outcomes["other"] == std::map<std::string, std::int64_t>{{"unknown", 1}});
  REQUIRE(st->oldest);
  CHECK(*st->oldest == 1000000000);
  REQUIRE(st->newest);
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(*st->newest <= now);
  CHECK(*st->newest > now - 60);
  CHECK(st->size_bytes == std::filesystem::file_size(path)); // closed: no -wal or -shm left
}

TEST_CASE("cache clear --expired removes only the rows past their time; clear removes the rest",
          "[cache][cache-maintenance]") {
  tweetcheck::test::TempDir dir;
  const std::string path = dir / "c.sqlite";
  {
    auto c = open(path);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(c->put("http/1 GET https://x.test/" + std::to_string(i), R"({"status":200})", k_day));
    }
    REQUIRE(c->put("resolve/1 https://t.co/a", R"({"status":"resolved"})", k_day));
  }
  // Two rows whose time has passed, set in the file itself.
  sql(path,
      "UPDATE entries SET expires = 1000 WHERE key IN ('http/1 GET https://x.test/1', 'resolve/1 https://t.co/a')");
  auto removed = clear_sqlite_cache(path, true);
  REQUIRE(removed);
  CHECK(*removed == std::map<std::string, std::int64_t>{{"resolutions", 1}, {"responses", 1}});
  {
    auto c = open(path);
    for (int i : {0, 2, 3, 4}) CHECK(c->get("http/1 GET https://x.test/" + std::to_string(i)).value());
  }
  auto st = sqlite_cache_stats(path);
  REQUIRE(st);
  CHECK(st->entries == 4);
  CHECK(st->expired == 0);
  auto all = clear_sqlite_cache(path, false);
  REQUIRE(all);
  CHECK(*all == std::map<std::string, std::int64_t>{{"responses", 4}});
  CHECK(sqlite_cache_stats(path)->entries == 0);
  // Nothing to clear in a cache that does not exist (and it is not created).
  auto missing = clear_sqlite_cache(dir / "none.sqlite", false);
  REQUIRE(missing);
  CHECK(missing->empty());
  CHECK(!std::filesystem::exists(dir / "none.sqlite"));
}

TEST_CASE("cache vacuum gives back the space of cleared entries", "[cache][cache-maintenance]") {
  tweetcheck::test::TempDir dir;
  const std::string path = dir / "c.sqlite";
  {
    auto c = open(path);
    const std::string body(2000, 'x');
    for (int i = 0; i < 300; ++i) {
      REQUIRE(
          c->put("http/1 GET https://x.test/" + std::to_string(i), R"({"status":200,"body":")" + body + "\"}", k_day));
    }
  }
  REQUIRE(clear_sqlite_cache(path, false));
  auto v = vacuum_sqlite_cache(path);
  REQUIRE(v);
  CHECK(v->before > 600000); // 300 entries of 2 KB
  CHECK(v->after < v->before / 10);
  CHECK(v->after == std::filesystem::file_size(path)); // no -wal or -shm left behind
  // The vacuumed file is still a working cache.
  auto c = open(path);
  REQUIRE(c->put("k", "v", k_day));
  CHECK(c->get("k").value() == std::optional<std::string>("v"));
}

TEST_CASE("cache max age: an answer stored longer ago is a miss, a newer one a hit", "[cache][cache-maintenance]") {
  tweetcheck::test::TempDir dir;
  const std::string path = dir / "c.sqlite";
  REQUIRE(open(path)->put("old", "o", k_day * 30));
  REQUIRE(open(path)->put("new", "n", k_day * 30));
  sql(path, "UPDATE entries SET stored = stored - 7200 WHERE key = 'old'"); // two hours ago
  auto any = open(path);
  CHECK(any->get("old").value() == std::optional<std::string>("o"));
  auto hour = open(path, std::chrono::hours(1));
  CHECK(!hour->get("old").value());
  CHECK(hour->get("new").value() == std::optional<std::string>("n"));
  auto three = open(path, std::chrono::hours(3));
  CHECK(three->get("old").value() == std::optional<std::string>("o"));
  // 0: no cached answer is used; a new put replaces the old one, which is then used again.
  CHECK(!open(path, std::chrono::seconds(0))->get("new").value());
  REQUIRE(hour->put("old", "o2", k_day));
  CHECK(hour->get("old").value() == std::optional<std::string>("o2"));
}
