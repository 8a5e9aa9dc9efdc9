// The ordered worker pool and the library's check pipeline (run_check) in process: order,
// bounds, failures per input, and the same verdicts streamed or not, with a fake client answering
// from a real recorded syndication response.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/fake_http.hpp"
#include "support/fixtures.hpp"
#include "support/temp_dir.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/pool.hpp"

using namespace tweetcheck;
using tweetcheck::test::FakeHttpClient;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

TEST_CASE("parallel_map hands results on in input order with a bounded window", "[pool]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    WorkerPool pool(threads);
    std::atomic<int> in_flight{0}, most{0};
    std::vector<std::size_t> order;
    parallel_map<std::size_t>(
        pool, 2000,
        [&](std::size_t i) {
          const int now = ++in_flight;
          for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
          }
          return i * 3;
        },
        [&](std::size_t i, std::size_t&& v) {
          --in_flight;
          CHECK(v == i * 3);
          order.push_back(i);
        });
    REQUIRE(order.size() == 2000);
    for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);
    CHECK(most.load() <= static_cast<int>(pool.window()));
  }
}

TEST_CASE("the pool lives across runs and an exception in work reaches the caller", "[pool]") {
  WorkerPool pool(3);
  std::size_t sum = 0;
  for (int run = 0; run < 5; ++run) {
    parallel_map<std::size_t>(
        pool, 100, [](std::size_t i) { return i; }, [&](std::size_t, std::size_t&& v) { sum += v; });
  }
  CHECK(sum == 5 * 4950);
  std::vector<std::size_t> seen;
  CHECK_THROWS_WITH(parallel_map<int>(
                        pool, 50,
                        [](std::size_t i) -> int {
                          if (i == 17) throw std::runtime_error("item 17");
                          return 0;
                        },
                        [&](std::size_t i, int&&) { seen.push_back(i); }),
                    "item 17");
  CHECK(seen.size() == 17); // everything before the failing item, nothing after
  parallel_map<int>(
      pool, 10, [](std::size_t) { return 1; }, [&](std::size_t, int&&) { ++sum; });
  CHECK(sum == 5 * 4950 + 10); // still usable
}

namespace {

/// The recorded syndication answer of a real post (fixtures/recorded/responses.json).
std::string recorded_body(const std::string& name) {
  const auto all = nlohmann::json::parse(read_file(fixture_path("recorded/responses.json")));
  for (const auto& r : all) {
    if (r["case"] == name) return r["body"].get<std::string>();
  }
  FAIL("no recorded response " << name);
  return {};
}

const char* k_article = R"(<html><body><p>Intro</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">If you are interested about View Flattening in React Native, I wrote a short post about it: <a href="https://t.co/4G6RAMfrHy">https://t.co/4G6RAMfrHy</a><br><br>Let me know what you think! <a href="https://t.co/rQd6FIwZ0U">pic.twitter.com/rQd6FIwZ0U</a></p>&mdash; sammy (@SamuelSusla) <a href="https://twitter.com/SamuelSusla/status/1641086480675225601?ref_src=twsrc%5Etfw">March 29, 2023</a></blockquote>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">If you are interested about View Flattening in Flutter, I wrote a short post about it: <a href="https://t.co/4G6RAMfrHy">https://t.co/4G6RAMfrHy</a></p>&mdash; sammy (@SamuelSusla) <a href="https://twitter.com/SamuelSusla/status/1641086480675225601">March 29, 2023</a></blockquote>
</body></html>)";

struct Outcome {
  std::vector<CheckedDocument> documents;
  std::vector<std::string> errors;
  CheckSummary summary;
};

Outcome check(const std::vector<std::string>& inputs, HttpClient* client, bool stream, unsigned jobs = 2) {
  CheckOptions o;
  o.stream = stream;
  o.jobs = jobs;
  o.verify.sources = {"syndication"};
  Outcome out;
  out.summary = run_check(
      inputs, o, client, nullptr, [&](CheckedDocument&& d) { out.documents.push_back(std::move(d)); },
      [&](const Error& e) { out.errors.push_back(e.message); });
  return out;
}

} // namespace

TEST_CASE("run_check: article URLs, files and failures in the order given", "[pipeline]") {
  FakeHttpClient client;
  client.answer("https://news.example/story", 200, k_article);
  client.answer("https://cdn.syndication.twimg.com/tweet-result", 200, recorded_body("syn-tweetrsc-image"));
  tweetcheck::test::TempDir dir("tweetcheck-pipeline");
  const std::string file = dir.file("local.html", k_article);
  for (bool stream : {false, true}) {
    INFO("stream " << stream);
    const auto out = check({file, "https://news.example/story", dir.at("absent.html"), "https://news.example/gone"},
                           &client, stream);
    REQUIRE(out.documents.size() == 2);
    CHECK(out.documents[0].name == file);
    CHECK(out.documents[1].name == "https://news.example/story");
    for (const auto& d : out.documents) {
      REQUIRE(d.posts.size() == 2);
      CHECK(d.posts[0].verdict == Verdict::verified);
      CHECK(d.posts[1].verdict == Verdict::altered);
      CHECK(d.posts[0].post.where.line == 2);
      CHECK(d.posts[1].post.where.line == 3);
    }
    REQUIRE(out.errors.size() == 2);
    CHECK(out.errors[0].find("absent.html") != std::string::npos);
    CHECK(out.errors[1] == "cannot fetch article 'https://news.example/gone': HTTP 404");
    CHECK(out.summary.failed_inputs == 2);
    CHECK(out.summary.documents == 2);
    CHECK(out.summary.posts == 4);
  }
}

TEST_CASE("run_check: offline, an article URL is an error and files are still checked", "[pipeline]") {
  tweetcheck::test::TempDir dir("tweetcheck-pipeline");
  const std::string file = dir.file("local.html", k_article);
  const auto out = check({"https://news.example/story", file}, nullptr, false);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0] == "cannot fetch article 'https://news.example/story': --offline");
  REQUIRE(out.documents.size() == 1);
  REQUIRE(out.documents[0].posts.size() == 2);
  CHECK(out.documents[0].posts[0].verdict == Verdict::unverifiable);
}

TEST_CASE("run_check: a folder scanned on many threads gives the same documents in path order", "[pipeline]") {
  FakeHttpClient one, many;
  for (auto* c : {&one, &many})
    c->answer("https://cdn.syndication.twimg.com/tweet-result", 200, recorded_body("syn-tweetrsc-image"));
  tweetcheck::test::TempDir dir("tweetcheck-pipeline");
  for (int i = 0; i < 40; ++i) dir.file("a" + std::to_string(100 + i) + ".html", i % 3 ? k_article : "<p>no posts</p>");
  const auto serial = check({dir.path}, &one, false, 1);
  const auto parallel = check({dir.path}, &many, false, 4);
  REQUIRE(serial.documents.size() == 40);
  REQUIRE(parallel.documents.size() == 40);
  for (std::size_t i = 0; i < 40; ++i) {
    CHECK(parallel.documents[i].name == serial.documents[i].name);
    CHECK(parallel.documents[i].posts.size() == serial.documents[i].posts.size());
  }
  CHECK(serial.documents[0].name == dir.at("a100.html"));
  CHECK(serial.summary.posts == 26 * 2);
  // Distinct posts are asked once per run, however many documents quote them.
  CHECK(many.asked().size() == 1);
}

TEST_CASE("run_check: an article URL given twice is fetched once and checked twice", "[pipeline]") {
  FakeHttpClient client;
  client.answer("https://news.example/story", 200, k_article);
  client.answer("https://cdn.syndication.twimg.com/tweet-result", 200, recorded_body("syn-tweetrsc-image"));
  const auto out = check({"https://news.example/story", "https://news.example/story"}, &client, false);
  REQUIRE(out.documents.size() == 2);
  for (const auto& d : out.documents) {
    REQUIRE(d.posts.size() == 2);
    CHECK(d.posts[0].verdict == Verdict::verified);
  }
  CHECK(std::count(client.asked().begin(), client.asked().end(), "https://news.example/story") == 1);
}

TEST_CASE("run_check_documents: pasted documents, each post handed on as it is settled", "[pipeline]") {
  FakeHttpClient client;
  client.answer("https://cdn.syndication.twimg.com/tweet-result", 200, recorded_body("syn-tweetrsc-image"));
  CheckOptions o;
  o.verify.sources = {"syndication"};
  o.verify.memo = std::make_shared<ResponseMemo>();
  o.max_input_bytes = 100000;
  std::vector<std::string> events;
  o.on_post = [&](const CheckedPost& p) { events.push_back("post " + std::string(to_string(p.verdict))); };
  std::vector<Document> docs(3);
  docs[0].name = "pasted";
  docs[0].format = InputFormat::html;
  docs[0].content = k_article;
  docs[1].name = "too large";
  docs[1].content = std::string(100001, 'x');
  docs[2].name = "pasted text";
  docs[2].format = InputFormat::text;
  docs[2].content = "no post here";
  std::vector<std::string> errors;
  auto cache = open_sqlite_cache(":memory:", nullptr);
  REQUIRE(cache);
  const auto summary = run_check_documents(
      docs, o, &client, cache->get(),
      [&](CheckedDocument&& d) { events.push_back("document " + d.name + " " + std::to_string(d.posts.size())); },
      [&](const Error& e) { errors.push_back(e.message); });
  // Every post before its document, in order; the document carries the same verdicts.
  CHECK(events ==
        std::vector<std::string>{"post verified", "post altered", "document pasted 2", "document pasted text 0"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "'too large' is larger than 100000 bytes");
  CHECK(summary.documents == 2);
  CHECK(summary.posts == 2);
  CHECK(summary.failed_inputs == 1);
  // The same post asked once (then from the cache), though its two embeds were verified one at a time.
  CHECK(std::count_if(client.asked().begin(), client.asked().end(),
                      [](const std::string& u) { return u.rfind("https://cdn.syndication.twimg.com/", 0) == 0; }) == 1);
}
