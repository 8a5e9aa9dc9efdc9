// Pure pieces of the verifier: the syndication token, text normalisation and word diff.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

#include "compare.hpp"
#include "support/fixtures.hpp"
#include "tweetcheck/verify.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

TEST_CASE("syndication tokens equal those a JavaScript engine computes", "[verify][token]") {
  // fixtures/syndication/tokens-from-node.json was written by node (see its "engine" field) with
  // react-tweet's getToken: ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '').
  const auto j = nlohmann::json::parse(read_file(fixture_path("syndication/tokens-from-node.json")));
  REQUIRE(j["tokens"].size() >= 20);
  for (const auto& [id, token] : j["tokens"].items()) {
    INFO("id " << id);
    CHECK(syndication_token(id) == token.get<std::string>());
    CHECK(js_number_to_string((std::strtod(id.c_str(), nullptr) / 1e15) * M_PI, 36) == j["base36"][id].get<std::string>());
  }
}

TEST_CASE("syndication tokens match node live on random IDs, when node is installed", "[verify][token]") {
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    WARN("node not installed: the fixture-based token test stands alone");
    return;
  }
  std::mt19937_64 rng(20261128);
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(std::to_string(rng() % 2000000000000000000ULL));
  std::string script = "const ids=" + nlohmann::json(ids).dump() +
                       ";console.log(JSON.stringify(ids.map(id=>((Number(id)/1e15)*Math.PI).toString(36).replace(/(0+|\\.)/g,''))))";
  const std::string path = "/tmp/tweetcheck-token-" + std::to_string(getpid()) + ".js";
  {
    std::ofstream f(path);
    f << script;
  }
  FILE* p = popen(("node " + path).c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  std::remove(path.c_str());
  const auto tokens = nlohmann::json::parse(out);
  REQUIRE(tokens.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO("id " << ids[i]);
    CHECK(syndication_token(ids[i]) == tokens[i].get<std::string>());
  }
}

TEST_CASE("JavaScript number formatting in other radixes", "[verify][token]") {
  CHECK(js_number_to_string(255, 16) == "ff");
  CHECK(js_number_to_string(0.5, 2) == "0.1");
  CHECK(js_number_to_string(-10, 36) == "-a");
  CHECK(js_number_to_string(0, 36) == "0");
}

TEST_CASE("normalisation: NFC, entities, quotes, dashes, ellipsis, variation selectors, spaces", "[verify][compare]") {
  CHECK(comparable_words("caf\xC3\xA9") == comparable_words("cafe\xCC\x81")); // NFC
  CHECK(comparable_words("Tom &amp; Jerry &#39;s") == comparable_words("Tom & Jerry 's"));
  CHECK(comparable_words("\xE2\x80\x9Cquoted\xE2\x80\x9D it\xE2\x80\x99s") == comparable_words("\"quoted\" it's"));
  CHECK(comparable_words("a \xE2\x80\x94 b") == comparable_words("a - b"));
  CHECK(comparable_words("wait\xE2\x80\xA6") == comparable_words("wait..."));
  CHECK(comparable_words("ok \xE2\x9C\x8C\xEF\xB8\x8F") == comparable_words("ok \xE2\x9C\x8C"));
  CHECK(comparable_words("a\xC2\xA0\n b\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(comparable_words("photo pic.twitter.com/abc") == std::vector<std::string>{"photo"}); // trailing media link
}

TEST_CASE("t.co URLs become their display text before comparing", "[verify][compare]") {
  const std::string shown = original_display_text("Read https://t.co/abc and https://t.co/abcd &amp; more",
                                                  {{"https://t.co/abc", "example.com/a"}, {"https://t.co/abcd", "example.com/b"}});
  CHECK(shown == "Read example.com/a and example.com/b & more");
}

TEST_CASE("comparison reasons", "[verify][compare]") {
  CHECK(compare_texts("Same words.", "Same  words.").equal);
  CHECK(compare_texts("Same words,", "Same words.").punctuation_differs);
  CHECK(compare_texts("Rates rose 5%", "Rates rose 2%").reasons == std::vector<std::string>{"number_changed"});
  CHECK(compare_texts("It is not over", "It is over").reasons == std::vector<std::string>{"negation_changed"});
  CHECK(compare_texts("It isn't over", "It is over").reasons ==
        std::vector<std::string>{"negation_changed", "text_changed"});
  CHECK(compare_texts("The first part\xE2\x80\xA6", "The first part and the rest").reasons == std::vector<std::string>{"truncated"});
  CHECK(compare_texts("The first pa", "The first part and the rest").reasons == std::vector<std::string>{"truncated"});
  CHECK(compare_texts("Words and more words", "Words").reasons == std::vector<std::string>{"text_added"});
  CHECK(compare_texts("Other words entirely", "Some text here").reasons == std::vector<std::string>{"text_changed"});
  const auto d = word_diff({"a", "x", "c"}, {"a", "b", "c"});
  REQUIRE(d.size() == 4);
  CHECK(d[1].op == DiffWord::Op::removed);
  CHECK(d[1].word == "b");
  CHECK(d[2].op == DiffWord::Op::added);
  CHECK(d[2].word == "x");
}

TEST_CASE("--fail-on lists", "[verify]") {
  CHECK(parse_verdicts("altered,missing").value() == std::vector<Verdict>{Verdict::altered, Verdict::missing});
  CHECK(parse_verdicts("").value().empty());
  CHECK(!parse_verdicts("altered,bogus"));
}
