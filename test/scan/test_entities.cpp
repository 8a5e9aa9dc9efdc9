// The twitter-text extraction conformance suite (fixtures/twitter-text/extract.json, an unmodified
// copy of twitter-text's conformance/extract.yml in JSON form), read and run case by case.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "support/fixtures.hpp"
#include "tweetcheck/entities.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

namespace {

const json& suite() {
  static const json j = json::parse(read_file(fixture_path("twitter-text/extract.json")))["tests"];
  return j;
}

std::vector<std::string> values(const std::vector<Entity>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.value);
  return out;
}

/// Runs every case of one section through `check`.
template <class F>
void run_section(const std::string& section, F&& check) {
  const json& cases = suite().at(section);
  REQUIRE(cases.size() > 0);
  for (const auto& c : cases) {
    const std::string text = c["text"].get<std::string>();
    INFO(section << ": " << c["description"].get<std::string>() << "\n  text: " << text);
    check(text, c["expected"]);
  }
}

} // namespace

TEST_CASE("twitter-text conformance: mentions", "[entities][conformance]") {
  run_section("mentions", [](const std::string& text, const json& expected) {
    CHECK(values(extract_mentions(text)) == expected.get<std::vector<std::string>>());
  });
  run_section("mentions_with_indices", [](const std::string& text, const json& expected) {
    const auto got = extract_mentions(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].value == expected[i]["screen_name"].get<std::string>());
      CHECK(got[i].start == expected[i]["indices"][0].get<std::size_t>());
      CHECK(got[i].end == expected[i]["indices"][1].get<std::size_t>());
    }
  });
  run_section("mentions_or_lists_with_indices", [](const std::string& text, const json& expected) {
    const auto got = extract_mentions_or_lists(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].value == expected[i]["screen_name"].get<std::string>());
      CHECK(got[i].list_slug == expected[i]["list_slug"].get<std::string>());
      CHECK(got[i].start == expected[i]["indices"][0].get<std::size_t>());
      CHECK(got[i].end == expected[i]["indices"][1].get<std::size_t>());
    }
  });
  run_section("replies", [](const std::string& text, const json& expected) {
    CHECK(extract_reply(text) == (expected.is_null() ? std::string() : expected.get<std::string>()));
  });
}

TEST_CASE("twitter-text conformance: urls", "[entities][conformance]") {
  auto plain = [](const std::string& text, const json& expected) {
    CHECK(values(extract_urls(text)) == expected.get<std::vector<std::string>>());
  };
  run_section("urls", plain);
  run_section("tco_urls_with_params", plain);
  auto indexed = [](const std::string& text, const json& expected) {
    const auto got = extract_urls(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].value == expected[i]["url"].get<std::string>());
      CHECK(got[i].start == expected[i]["indices"][0].get<std::size_t>());
      CHECK(got[i].end == expected[i]["indices"][1].get<std::size_t>());
    }
  };
  run_section("urls_with_indices", indexed);
  run_section("urls_with_directional_markers", indexed);
}

TEST_CASE("twitter-text conformance: hashtags", "[entities][conformance]") {
  auto plain = [](const std::string& text, const json& expected) {
    CHECK(values(extract_hashtags(text)) == expected.get<std::vector<std::string>>());
  };
  run_section("hashtags", plain);
  run_section("hashtags_from_astral", plain);
  run_section("hashtags_with_indices", [](const std::string& text, const json& expected) {
    const auto got = extract_hashtags(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].value == expected[i]["hashtag"].get<std::string>());
      CHECK(got[i].start == expected[i]["indices"][0].get<std::size_t>());
      CHECK(got[i].end == expected[i]["indices"][1].get<std::size_t>());
    }
  });
}

TEST_CASE("twitter-text conformance: cashtags", "[entities][conformance]") {
  run_section("cashtags", [](const std::string& text, const json& expected) {
    CHECK(values(extract_cashtags(text)) == expected.get<std::vector<std::string>>());
  });
  run_section("cashtags_with_indices", [](const std::string& text, const json& expected) {
    const auto got = extract_cashtags(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].value == expected[i]["cashtag"].get<std::string>());
      CHECK(got[i].start == expected[i]["indices"][0].get<std::size_t>());
      CHECK(got[i].end == expected[i]["indices"][1].get<std::size_t>());
    }
  });
}

TEST_CASE("every section of the extract suite is run", "[entities][conformance]") {
  const std::set<std::string> run = {"mentions",
                                     "mentions_with_indices",
                                     "mentions_or_lists_with_indices",
                                     "replies",
                                     "urls",
                                     "tco_urls_with_params",
                                     "urls_with_indices",
                                     "urls_with_directional_markers",
                                     "hashtags",
                                     "hashtags_from_astral",
                                     "hashtags_with_indices",
                                     "cashtags",
                                     "cashtags_with_indices"};
  for (const auto& [section, cases] : suite().items()) {
    INFO(section);
    CHECK(run.count(section) == 1);
  }
}

TEST_CASE("entity indices are given in code points and in UTF-16 units", "[entities]") {
  const auto tags = extract_hashtags("\xF0\x9F\x98\x80 #tag");
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].start == 2);
  CHECK(tags[0].start16 == 3);
  CHECK(tags[0].end16 == 7);
}
