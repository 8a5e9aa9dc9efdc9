// Pure pieces of the verifier: the syndication token, text normalisation and word diff.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

#include <algorithm>

#include "support/fixtures.hpp"
#include "support/temp_dir.hpp"
#include "tweetcheck/verify.hpp"
#include "verify/compare.hpp"

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
    CHECK(js_number_to_string((std::strtod(id.c_str(), nullptr) / 1e15) * M_PI, 36) ==
          j["base36"][id].get<std::string>());
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
  std::string script =
      "const ids=" + nlohmann::json(ids).dump() +
      ";console.log(JSON.stringify(ids.map(id=>((Number(id)/1e15)*Math.PI).toString(36).replace(/(0+|\\.)/g,''))))";
  const tweetcheck::test::TempDir tmp;
  const std::string path = tmp / "token.js";
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
  CHECK(decode_html_entities("Tom &amp; Jerry&#39;s &#x1F600; &bogus; &#0;") ==
        "Tom & Jerry's \xF0\x9F\x98\x80 &bogus; &#0;");
  // Decoded exactly once: a post that shows "&amp;" literally keeps it.
  CHECK(comparable_words("Tom &amp; Jerry") != comparable_words("Tom & Jerry"));
  CHECK(comparable_words("\xE2\x80\x9Cquoted\xE2\x80\x9D it\xE2\x80\x99s") == comparable_words("\"quoted\" it's"));
  CHECK(comparable_words("a \xE2\x80\x94 b") == comparable_words("a - b"));
  CHECK(comparable_words("wait\xE2\x80\xA6") == comparable_words("wait..."));
  CHECK(comparable_words("ok \xE2\x9C\x8C\xEF\xB8\x8F") == comparable_words("ok \xE2\x9C\x8C"));
  CHECK(comparable_words("a\xC2\xA0\n b\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(comparable_words("photo pic.twitter.com/abc") == std::vector<std::string>{"photo"}); // trailing media link
}

namespace {

/// A syndication-shaped original with a link and a media link, as the source's entities give them.
OriginalPost original_with_links() {
  OriginalPost o;
  o.id = "1641086480675225601";
  o.text = "I wrote a post about it: https://t.co/4G6RAMfrHy\n\nLet me know! https://t.co/rQd6FIwZ0U";
  o.links = {{"https://t.co/4G6RAMfrHy", "github.com/reactwg/react-\xE2\x80\xA6",
              "https://github.com/reactwg/react-native-new-architecture/discussions/110", PostLink::Kind::url},
             {"https://t.co/rQd6FIwZ0U", "pic.twitter.com/rQd6FIwZ0U",
              "https://twitter.com/SamuelSusla/status/1641086480675225601/photo/1", PostLink::Kind::media}};
  finish_original(o);
  return o;
}

bool same_post(const std::string& article, const std::vector<Link>& links = {}) {
  const TextComparison c = compare_post_text(article, links, original_with_links());
  INFO(article);
  return c.equal && !c.punctuation_differs;
}

} // namespace

TEST_CASE("the original's display text comes from its entities", "[verify][compare]") {
  const OriginalPost o = original_with_links();
  CHECK(o.display_text ==
        "I wrote a post about it: github.com/reactwg/react-\xE2\x80\xA6\n\nLet me know! pic.twitter.com/rQd6FIwZ0U");
  CHECK(!o.partial_text);
}

TEST_CASE("a link is the same link however the article shows it", "[verify][compare][links]") {
  // As publish.twitter.com's embed code shows it: the t.co URL and pic.twitter.com.
  CHECK(same_post("I wrote a post about it: https://t.co/4G6RAMfrHy\n\nLet me know! pic.twitter.com/rQd6FIwZ0U",
                  {{"https://t.co/4G6RAMfrHy", "https://t.co/4G6RAMfrHy"},
                   {"https://t.co/rQd6FIwZ0U", "pic.twitter.com/rQd6FIwZ0U"}}));
  CHECK(same_post("I wrote a post about it: http://t.co/4G6RAMfrHy Let me know! http://t.co/rQd6FIwZ0U"));
  CHECK(same_post("I wrote a post about it: github.com/reactwg/react-\xE2\x80\xA6 Let me know! pic.x.com/rQd6FIwZ0U"));
  CHECK(same_post("I wrote a post about it: github.com/reactwg/react-... Let me know!"));
  CHECK(same_post("I wrote a post about it: https://github.com/reactwg/react-native-new-architecture/discussions/110 "
                  "Let me know!"));
  CHECK(same_post("I wrote a post about it: t.co/4G6RAMfrHy Let me know! https://t.co/rQd6FIwZ0U"));
  // Words in place of the link are not the link, whatever the anchor's target.
  CHECK(!same_post("I wrote a post about it: the discussion Let me know!",
                   {{"https://t.co/4G6RAMfrHy", "the discussion"}}));
  // Another link, or a link left out, is a change.
  const auto other =
      compare_post_text("I wrote a post about it: https://t.co/ZZZZZZZZZZ Let me know!", {}, original_with_links());
  CHECK(other.reasons == std::vector<std::string>{"text_changed"});
  const auto dropped = compare_post_text("I wrote a post about it: Let me know!", {}, original_with_links());
  CHECK(dropped.reasons == std::vector<std::string>{"text_removed"});
}

TEST_CASE("the long post's continuation link and ellipsis are the head's end, not words", "[verify][compare][long]") {
  OriginalPost o;
  o.id = "1700000000000000000";
  o.text = "The first part of a long post goes on and \xE2\x80\xA6 https://t.co/more123";
  o.links = {{"https://t.co/more123", "twitter.com/i/web/status/1\xE2\x80\xA6",
              "https://twitter.com/i/web/status/1700000000000000000", PostLink::Kind::url}};
  finish_original(o);
  CHECK(o.partial_text);
  CHECK(o.display_text == "The first part of a long post goes on and \xE2\x80\xA6");
  const auto whole =
      compare_post_text("The first part of a long post goes on and on, with the rest of it here.", {}, o);
  CHECK(whole.equal);
  CHECK(whole.head_only);
  const auto changed = compare_post_text("The first part of a short post goes on and on.", {}, o);
  CHECK(!changed.equal);
}

TEST_CASE("scripts without spaces are diffed by grapheme", "[verify][compare][cjk]") {
  const std::string original = "\xE6\x98\x8E\xE6\x97\xA5"
                               "7\xE6\x9C\x88"
                               "28\xE6\x97\xA5\xE3\x81\xAE\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x81\xAF\xE4\xB8\xAD\xE6\xAD\xA2"
                               "\xE3\x81\xA7\xE3\x81\x99"; // 明日7月28日の会議は中止です
  CHECK(compare_texts(original, original).equal);
  // One character changed: 会議 (meeting) -> 会談 (talks).
  std::string word = original;
  word.replace(word.find("\xE8\xAD\xB0"), 3, "\xE8\xAB\x87");
  const auto w = compare_texts(word, original);
  CHECK(w.reasons == std::vector<std::string>{"text_changed"});
  REQUIRE(!w.diff.empty());
  CHECK(std::count_if(w.diff.begin(), w.diff.end(), [](const DiffWord& d) { return d.op != DiffWord::Op::same; }) == 2);
  std::string number = original;
  number.replace(number.find("28"), 2, "29");
  CHECK(compare_texts(number, original).reasons == std::vector<std::string>{"number_changed"});
  std::string negated = original;
  negated.replace(negated.find("\xE4\xB8\xAD"), 0, "\xE4\xB8\x8D"); // 不 added
  CHECK(compare_texts(negated, original).reasons == std::vector<std::string>{"negation_changed"});
}

TEST_CASE("each side of a diff keeps its own spelling", "[verify][compare]") {
  const auto c = compare_texts("\xE2\x80\x9CWe won\xE2\x80\x99t stop,\xE2\x80\x9D she said on Monday",
                               "\"We won't stop,\" she said on Friday");
  REQUIRE(!c.diff.empty());
  CHECK(c.diff[0].word == "\xE2\x80\x9CWe");
  CHECK(c.diff[0].original == "\"We");
  CHECK(c.diff[1].word == "won\xE2\x80\x99t");
  CHECK(c.diff[1].original == "won't");
  CHECK(c.diff[2].original == "stop,\"");
  CHECK(c.reasons == std::vector<std::string>{"text_changed"});
}

TEST_CASE("comparison reasons", "[verify][compare]") {
  CHECK(compare_texts("Same words.", "Same  words.").equal);
  CHECK(compare_texts("Same words,", "Same words.").punctuation_differs);
  CHECK(compare_texts("Rates rose 5%", "Rates rose 2%").reasons == std::vector<std::string>{"number_changed"});
  CHECK(compare_texts("It is not over", "It is over").reasons == std::vector<std::string>{"negation_changed"});
  CHECK(compare_texts("It isn't over", "It is over").reasons ==
        std::vector<std::string>{"negation_changed", "text_changed"});
  CHECK(compare_texts("The first part\xE2\x80\xA6", "The first part and the rest").reasons ==
        std::vector<std::string>{"truncated"});
  CHECK(compare_texts("The first pa", "The first part and the rest").reasons == std::vector<std::string>{"truncated"});
  CHECK(compare_texts("Words and more words", "Words").reasons == std::vector<std::string>{"text_added"});
  CHECK(compare_texts("Words words", "Words in the middle words").reasons == std::vector<std::string>{"text_removed"});
  CHECK(compare_texts("Curly \xE2\x80\x9Cquotes\xE2\x80\x9D \xE2\x80\x94 and\xC2\xA0"
                      "dashes\xE2\x80\xA6",
                      "Curly \"quotes\" - and dashes...")
            .equal);
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

TEST_CASE("comparison of huge texts is bounded and loses nothing", "[verify][compare]") {
  // Far more tokens than the LCS table takes, and thousands of links: the middle is shown as
  // removed then added, every token kept.
  std::string a, o;
  std::vector<Link> links;
  auto letters = [](int i) {
    std::string w;
    for (int k = 0; k < 4; ++k, i /= 26) w.push_back(static_cast<char>('a' + i % 26));
    return w;
  };
  for (int i = 0; i < 6000; ++i) {
    a += "word" + letters(i) + " https://t.co/a" + std::to_string(i) + " ";
    o += "term" + letters(i) + " ";
    links.push_back({"https://t.co/a" + std::to_string(i), "https://t.co/a" + std::to_string(i)});
  }
  OriginalPost orig;
  orig.text = o;
  const auto c = compare_post_text(a, links, orig);
  CHECK(!c.equal);
  CHECK(c.diff.size() == 18000);
  CHECK(c.reasons == std::vector<std::string>{"text_changed"});
}
