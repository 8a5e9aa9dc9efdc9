// HTML shapes, decoys and encodings, one fixture each (fixtures/articles/).
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scan/scan_internal.hpp"
#include "support/fixtures.hpp"
#include "tweetcheck/scan.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

namespace {

ScanResult scan_article(const std::string& name) { return tweetcheck::test::scan_fixture("articles/" + name); }

ScanResult scan_string(const std::string& html, InputFormat format = InputFormat::html) {
  Document doc;
  doc.name = "inline.html";
  doc.format = format;
  doc.content = html;
  return scan(doc);
}

} // namespace

TEST_CASE("buttons, meta tags, CSS, scripts, templates, comments and plain quotes are not posts", "[scan][html]") {
  CHECK(scan_article("decoys_buttons_meta_css_script.html").posts.empty());
}

TEST_CASE("a rendered widget and its fallback are one post; the same post again is another", "[scan][html]") {
  const auto r = scan_article("rendered_iframe_with_fallback_and_duplicate.html");
  REQUIRE(r.posts.size() == 2);
  CHECK(r.posts[0].form == EmbedForm::rendered);
  CHECK(r.posts[0].where.line == 3);
  CHECK(*r.posts[0].status_id == "1647917989264519174");
  CHECK(*r.posts[0].text == "Hello world"); // taken from the fallback
  CHECK(r.posts[1].form == EmbedForm::blockquote);
  CHECK(r.posts[1].where.line == 6);
  CHECK(*r.posts[1].status_id == "1647917989264519174");
}

TEST_CASE("x.com, mobile and /statuses/ permalinks, twitter-video, data-tweetid, amp and WordPress URLs",
          "[scan][html]") {
  const auto r = scan_article("x_com_mobile_statuses_pic_x.html");
  REQUIRE(r.posts.size() == 6);
  CHECK(*r.posts[0].status_id == "1800000000000000000");
  CHECK(*r.posts[0].status_url == "https://x.com/someone/status/1800000000000000000");
  CHECK(*r.posts[0].date == "2024-08-04");
  CHECK(r.posts[0].links.at(0).text == "pic.x.com/YuKy2rcjyU");
  CHECK(*r.posts[0].display_name == "Some One");
  CHECK(*r.posts[1].status_id == "370525864523743232");
  CHECK(*r.posts[1].handle == "oldtimer");
  CHECK(*r.posts[2].text ==
        "Video \xE2\x80\x9Emit Text\xE2\x80\x9C\nzweite Zeile"); // entities decoded, <br> as newline
  CHECK(*r.posts[2].date == "2018-06-02");
  CHECK(*r.posts[3].status_id == "1311697819384844290");
  CHECK(!r.posts[3].handle);
  CHECK(!r.posts[3].text);
  CHECK(r.posts[4].form == EmbedForm::amp);
  CHECK(*r.posts[4].handle == "ampauthor");
  CHECK(r.posts[5].form == EmbedForm::url);
  CHECK(r.posts[5].where.line == 8);
  CHECK(*r.posts[5].status_id == "1006510213900488704");
}

TEST_CASE("Bluesky, Mastodon, Threads and Instagram embeds carry their identifiers", "[scan][html]") {
  const auto r = scan_article("other_platforms.html");
  REQUIRE(r.posts.size() == 4);
  CHECK(r.posts[0].platform == Platform::bluesky);
  CHECK(*r.posts[0].status_id == "at://did:plc:vjug55kidv6sye7ykr5faxxn/app.bsky.feed.post/3lbq7mxsiek2v");
  CHECK(*r.posts[0].content_hash == "bafyreie37qtk6ldmdof2ysxjokx5pirnlbdu7hdlivkkaeok2zndql2nwm");
  CHECK(*r.posts[0].handle == "emilyliu.me");
  CHECK(*r.posts[0].date == "2024-11-20");
  CHECK(r.posts[1].platform == Platform::mastodon);
  CHECK(*r.posts[1].status_id == "https://fosstodon.org/@Wivik/107645377769254953");
  CHECK(*r.posts[1].handle == "Wivik@fosstodon.org");
  CHECK(r.posts[2].platform == Platform::threads);
  CHECK(*r.posts[2].handle == "someuser");
  CHECK(r.posts[3].platform == Platform::instagram);
  CHECK(*r.posts[3].status_id == "https://www.instagram.com/p/fA9uwTtkSN/");
  CHECK(*r.posts[3].handle == "somebody");
}

TEST_CASE("legacy encodings are converted before parsing", "[scan][charset]") {
  const auto latin = scan_article("latin1_windows1252_declared.html");
  REQUIRE(latin.posts.size() == 1);
  CHECK(*latin.posts[0].text == "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x80\x94 d\xC3\xA9j\xC3\xA0 \xE2\x80\x9C"
                                "fini\xE2\x80\x9D");
  CHECK(*latin.posts[0].display_name == "Fran\xC3\xA7ois");
  const auto sjis = scan_article("shift_jis_declared.html");
  REQUIRE(sjis.posts.size() == 1);
  CHECK(*sjis.posts[0].text ==
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x84\xE3\x82\xA4\xE3\x83\xBC\xE3\x83\x88");
  CHECK(*sjis.posts[0].date == "2019-07-20");
}

TEST_CASE("a BOM decides the encoding and invalid UTF-8 becomes U+FFFD", "[scan][charset]") {
  const std::string post =
      "<blockquote class=\"twitter-tweet\"><p>caf\xC3\xA9 \xFF ok \xC3\xA9</p>&mdash; A (@a) "
      "<a href=\"https://twitter.com/a/status/1152416589146288128\">July 20, 2019</a></blockquote>";
  const auto r = scan_string("\xEF\xBB\xBF" + post);
  REQUIRE(r.posts.size() == 1);
  CHECK(*r.posts[0].text == "caf\xC3\xA9 \xEF\xBF\xBD ok \xC3\xA9");
  CHECK(r.posts[0].where.column == 1); // the BOM is not a column
  REQUIRE(r.diagnostics.size() == 1);
}

TEST_CASE("a malformed page still yields the posts it holds", "[scan][html]") {
  const auto r = scan_article("malformed_invalid_utf8_unclosed.html");
  REQUIRE(r.posts.size() == 2);
  CHECK(*r.posts[1].handle == "second");
  CHECK(*r.posts[1].status_id == "1152437873838137349");
}

TEST_CASE("columns count code points of the line", "[scan][html]") {
  const auto r = scan_string("<p>\xC3\xA9\xC3\xA9</p><blockquote class=\"twitter-tweet\"><a "
                             "href=\"https://twitter.com/a/status/20\">x</a></blockquote>");
  REQUIRE(r.posts.size() == 1);
  CHECK(r.posts[0].where.line == 1);
  CHECK(r.posts[0].where.column == 10); // <p>éé</p> is 9 code points
}

TEST_CASE("deep nesting and empty input do not break the scanner", "[scan][html]") {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep +=
      "<blockquote class=\"twitter-tweet\"><a href=\"https://twitter.com/a/status/20\">March 21, 2006</a></blockquote>";
  CHECK(scan_string(deep).posts.size() == 1);
  CHECK(scan_string("").posts.empty());
  CHECK(scan_string("", InputFormat::markdown).posts.empty());
  CHECK(scan_string("", InputFormat::text).posts.empty());
}

TEST_CASE("the pre-parse check passes every corpus page with embeds and no page without", "[scan][prefilter]") {
  // Safety: a page it rejected would lose its posts. Speed: a decoy it passed would be parsed.
  const auto labels = nlohmann::json::parse(read_file(fixture_path("corpus/LABELS.json")));
  std::size_t pages = 0;
  for (const auto& [rel, entry] : labels.items()) {
    if (rel.size() < 5 || rel.substr(rel.size() - 5) != ".html") continue;
    std::ifstream probe(fixture_path("corpus/" + rel));
    if (!probe) continue;
    ++pages;
    const std::string html = read_file(fixture_path("corpus/" + rel));
    std::string why;
    std::vector<detail::ParseSpan> spans;
    const bool candidate = detail::html_may_hold_embed(html, &why, &spans);
    INFO(rel << " (" << why << ")");
    CHECK(candidate == (entry["n"].get<int>() > 0));
    CHECK(candidate == !spans.empty());
    std::size_t end = 0;
    for (const detail::ParseSpan& span : spans) {
      CHECK(span.begin >= end); // in order and disjoint
      CHECK(span.begin < span.end);
      CHECK(span.end <= html.size());
      CHECK(!span.cut); // no real page comes near the bounds
      end = span.end;
    }
  }
  CHECK(pages >= 59);
}

TEST_CASE("a Twitter-named element is a wrapper only when it links exactly one post", "[scan][prefilter]") {
  const std::string sidebar = "<aside class=\"widget_twitter\"><ul class=\"tweets\">"
                              "<li><a href=\"https://twitter.com/a/statuses/11111111111\">1h</a></li>"
                              "<li><a href=\"https://twitter.com/a/statuses/22222222222\">2h</a></li></ul></aside>";
  CHECK(!detail::html_may_hold_embed(sidebar));
  CHECK(scan_string(sidebar).posts.empty());
  const std::string wrapper = "<div class=\"TwitterEmbedContainer\"><p>Twitter content: <a href=\"https://twitter.com/"
                              "a/status/532451193537445888\">view</a></p></div>";
  CHECK(detail::html_may_hold_embed(wrapper));
  CHECK(scan_string(wrapper).posts.size() == 1);
  // Embed classes on links (share buttons) and status URLs in prose are no embed.
  CHECK(!detail::html_may_hold_embed("<a class=\"twitter-tweet\" href=\"https://twitter.com/share\">Tweet</a>"));
  CHECK(!detail::html_may_hold_embed("<p>see twitter.com/i/web/status/1\xE2\x80\xA6 and more</p>"));
  CHECK(detail::html_may_hold_embed("<p>\nhttps://twitter.com/a/status/20\n</p>"));
  CHECK(!detail::html_may_hold_embed("<script>x='<blockquote class=\"twitter-tweet\">'</script>"));
  CHECK(!detail::html_may_hold_embed("<!-- <blockquote class=\"twitter-tweet\"> -->"));
}
