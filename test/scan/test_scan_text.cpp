// Flattened text and Markdown: credit lines, post boundaries, shortcodes and what never renders.
#include <catch2/catch.hpp>

#include "support/fixtures.hpp"
#include "tweetcheck/scan.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

namespace {
ScanResult scan_article(const std::string& name) { return tweetcheck::test::scan_fixture("articles/" + name); }
} // namespace

TEST_CASE("credit lines with --, ― and &mdash; and localised dates; prose and handle-less quotes are not posts",
          "[scan][text]") {
  const auto r = scan_article("flattened_credit_variants.txt");
  REQUIRE(r.posts.size() == 3);
  // The post text is the block right above the credit line, not the article paragraph before it.
  CHECK(r.posts[0].where.line == 3);
  CHECK(*r.posts[0].text == "First line of the post\nsecond line with a link https://t.co/abcDEF1234");
  CHECK(*r.posts[0].handle == "doubledash");
  CHECK(*r.posts[0].date == "2018-08-17");
  REQUIRE(r.posts[0].links.size() == 1);
  CHECK(r.posts[0].links[0].url == "https://t.co/abcDEF1234");
  CHECK(*r.posts[1].text == "A post on one line pic.twitter.com/XyZ123abc");
  CHECK(*r.posts[1].date == "2018-03-17");
  CHECK(*r.posts[2].handle == "entitydash");
  CHECK(*r.posts[2].date == "2018-09-28");
}

TEST_CASE("shortcodes render unless inside code, comments or front matter", "[scan][markdown]") {
  const auto r = scan_article("markdown_code_and_comments.md");
  REQUIRE(r.posts.size() == 4);
  CHECK(r.posts[0].where.line == 20);
  CHECK(*r.posts[0].handle == "QuinnyPig");
  CHECK(*r.posts[0].status_id == "1136709168323104768");
  CHECK(*r.posts[1].status_id == "518821243320287232");
  CHECK(*r.posts[2].status_id == "847480671492866049");
  CHECK(*r.posts[3].status_id == "20");
  for (const auto& p : r.posts) CHECK(p.form == EmbedForm::shortcode);
}

TEST_CASE("Markdown quotes: the credit's [date](permalink) gives the status ID", "[scan][markdown]") {
  Document doc;
  doc.name = "q.md";
  doc.content = "Intro paragraph.\n\n> Post text here\n>\n> \xE2\x80\x94 Some One (@someone) [June 30, "
                "2014](https://twitter.com/someone/status/483426664676749312?ref_src=twsrc%5Etfw)\n";
  const auto r = scan(doc);
  REQUIRE(r.posts.size() == 1);
  CHECK(r.posts[0].where.line == 3);
  CHECK(r.posts[0].where.column == 3);
  CHECK(*r.posts[0].text == "Post text here");
  CHECK(*r.posts[0].status_id == "483426664676749312");
}

TEST_CASE("format detection by extension and content", "[scan]") {
  CHECK(detect_format("a.md", "") == InputFormat::markdown);
  CHECK(detect_format("a.TXT", "<html>") == InputFormat::text);
  CHECK(detect_format("-", "<!DOCTYPE html><html>") == InputFormat::html);
  CHECK(detect_format("-", "plain words") == InputFormat::text);
}
