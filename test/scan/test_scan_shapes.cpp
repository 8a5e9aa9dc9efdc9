// The shapes of issue 10 (and the site-wrapper item of issue 9), each on a real page: the
// excerpts in fixtures/articles/ and the real pages of fixtures/corpus/ (provenance in their
// README and MANIFEST.tsv).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/text_util.hpp"
#include "scan/scan_internal.hpp"
#include "support/fixtures.hpp"
#include "tweetcheck/audit.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/scan.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;
using tweetcheck::test::scan_fixture;

namespace {

ScanResult scan_string(const std::string& content, const std::string& name = "inline.html") {
  Document doc;
  doc.name = name;
  doc.content = content;
  return scan(doc);
}

/// The text of `file` from (line, column) on, columns in code points as the scanner counts them.
std::string at_position(const std::string& file, std::uint32_t line, std::uint32_t column, std::size_t n) {
  std::size_t i = 0;
  for (std::uint32_t l = 1; l < line && i < file.size(); ++i) {
    if (file[i] == '\n') ++l;
  }
  for (std::uint32_t c = 1; c < column && i < file.size(); ++c) tweetcheck::detail::next_code_point(file, i);
  return file.substr(i, n);
}

} // namespace

TEST_CASE("ID-only placeholders: the TIME shape, a site's widget, and numbers that are no post ID", "[scan][shapes]") {
  // The shape of the TIME list article of issue 10 (its page is kept for independent checks).
  const auto time =
      scan_string("<p>Eleven tweets:</p>\n<div class=\"component embed-twitter js-embed-twitter social-embed\"\n"
                  "     data-embed-type=\"twitter\" data-embed-id=\"580932146874957824\"></div>\n");
  REQUIRE(time.posts.size() == 1);
  CHECK(time.posts[0].form == EmbedForm::rendered);
  CHECK(*time.posts[0].status_id == "580932146874957824");
  CHECK(time.posts[0].where.line == 2);
  CHECK(!time.posts[0].handle);

  const auto euronews = scan_fixture("articles/id_only_widget_tweet_placeholders.html");
  REQUIRE(euronews.posts.size() == 2);
  CHECK(*euronews.posts[0].status_id == "2007489108059533390");
  CHECK(euronews.posts[0].where.line == 9);
  CHECK(euronews.posts[1].where.line == 41);
  for (const Post& p : euronews.posts) CHECK(p.form == EmbedForm::rendered);

  // A number next to no Twitter-naming attribute, or outside the ID ranges, is not a post.
  CHECK(scan_string("<div class=\"gallery\" data-embed-id=\"580932146874957824\"></div>").posts.empty());
  CHECK(scan_string("<div class=\"embed-twitter\" data-embed-id=\"7\"></div>").posts.empty());
  CHECK(scan_string("<div class=\"embed-twitter\" data-embed-id=\"9999999999999999999\"></div>").posts.empty());
  CHECK(scan_string("<div class=\"tweet-count\" data-id=\"1234\"></div>").posts.empty());
  CHECK(scan_string("<div id=\"tweet-580932146874957824\"></div>").posts.size() == 1);
  CHECK(detail::is_post_id("20"));
  CHECK(detail::is_post_id("29700859246"));         // the last sequential IDs
  CHECK(detail::is_post_id("2083446291309138427")); // 2026
  CHECK(!detail::is_post_id("19"));
  CHECK(!detail::is_post_id("18446744073709551615"));
}

TEST_CASE("placeholders that carry the permalink: data attributes, amp-twitter URLs, lazy blockquotes",
          "[scan][shapes]") {
  const auto welt = scan_fixture("corpus/fundus/de__DieWelt_2024_08_27.html");
  REQUIRE(welt.posts.size() == 2);
  CHECK(welt.posts[0].form == EmbedForm::rendered);
  CHECK(*welt.posts[0].handle == "Freddy2805");
  const auto vanguardia = scan_fixture("corpus/fundus/es__LaVanguardia_2026_07_11.html");
  REQUIRE(vanguardia.posts.size() == 2);
  CHECK(vanguardia.posts[0].form == EmbedForm::amp);
  CHECK(*vanguardia.posts[0].status_id == "2075543942469238989"); // data-tweetid holds a whole URL
  CHECK(*vanguardia.posts[0].handle == "JuanMa_Moreno");
  const auto motorsport = scan_fixture("corpus/fundus/de__MotorSportMagazin_2024_04_24.html");
  REQUIRE(motorsport.posts.size() == 2); // blockquote data-twitter="twitter-tweet"
  CHECK(*motorsport.posts[1].status_id == "1783139544423973076");
}

TEST_CASE("a widget and its own fallback are one post; the same post embedded again is another", "[scan][shapes]") {
  // Raw Story: five rendered widgets, each followed by its fallback blockquote; three of the
  // posts are also quoted in the prose above: a quote and an embed are two presentations.
  const auto r = scan_fixture("corpus/omnivore/raw-story__source.html");
  REQUIRE(r.posts.size() == 8);
  for (std::size_t i = 3; i < 8; ++i) {
    CHECK(r.posts[i].form == EmbedForm::rendered);
    CHECK(r.posts[i].date_text == std::optional<std::string>("August 13, 2024")); // from the fallback
  }
  CHECK(*r.posts[3].status_id == *r.posts[0].status_id);
  CHECK(r.posts[0].form == EmbedForm::quote);
  // Text between the widget and a blockquote of the same post: not its fallback, two posts.
  const std::string widget =
      "<div class=\"twitter-tweet twitter-tweet-rendered\"><iframe src=\"https://platform.twitter.com/"
      "embed/Tweet.html?id=1823152883115909193\"></iframe></div>";
  const std::string quote =
      "<blockquote class=\"twitter-tweet\"><p>BREAKING: Twitter.</p>&mdash; Harris Wins (@harris_wins) "
      "<a href=\"https://twitter.com/harris_wins/status/1823152883115909193\">August 13, 2024</a></blockquote>";
  CHECK(scan_string(widget + quote).posts.size() == 1);
  CHECK(scan_string(widget + "<p>And again:</p>" + quote).posts.size() == 2);
  CHECK(scan_string(widget + "<noscript>" + quote + "</noscript>").posts.size() == 1);
  // A fragment with no root element: the copy after the widget is still its fallback.
  for (const std::string& page : {widget + "<noscript>" + quote + "</noscript>",
                                  "<p>Before.</p>" + widget + "<noscript>" + quote + "</noscript><p>After.</p>"}) {
    const auto got = scan_string(page);
    REQUIRE(got.posts.size() == 1);
    CHECK(got.posts[0].handle == std::optional<std::string>("harris_wins"));
    CHECK(got.posts[0].date_text == std::optional<std::string>("August 13, 2024"));
  }
}

TEST_CASE("Facebook plugin iframes decode their href; fb-post divs; in a feed too", "[scan][shapes]") {
  const auto r = scan_fixture("corpus/metascraper/postplanner__input.html");
  REQUIRE(r.posts.size() == 2);
  CHECK(r.posts[0].platform == Platform::facebook);
  CHECK(r.posts[0].form == EmbedForm::rendered);
  CHECK(*r.posts[0].status_id == "https://www.facebook.com/postplanner/posts/1379025608839420");
  const auto feed = scan_fixture("corpus/feeder/rss_cyklistbloggen.xml");
  REQUIRE(feed.posts.size() == 2);
  CHECK(*feed.posts[1].status_id == "https://www.facebook.com/polisen.sodermalm/posts/1583692794977522:0");
  const auto video =
      scan_string("<iframe src=\"https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com"
                  "%2Ffacebook%2Fvideos%2F10153231379946729%2F&show_text=0\"></iframe>");
  REQUIRE(video.posts.size() == 1);
  CHECK(*video.posts[0].status_id == "https://www.facebook.com/facebook/videos/10153231379946729/");
  const auto fb = scan_fixture("corpus/ciberninjas/2020-02-14-que-diferencia-existe-entre-ai-ml-dl.md");
  CHECK(fb.posts.size() == 3);
}

TEST_CASE("Instagram: the caption as text, the author from the credit, the date from <time>", "[scan][shapes]") {
  const auto r = scan_fixture("articles/instagram_v7_caption_credit_time.html");
  REQUIRE(r.posts.size() == 1);
  const Post& p = r.posts[0];
  CHECK(p.platform == Platform::instagram);
  CHECK(*p.text == "What working at SKEP feels like... #skep #ikigai #diversity #inclusion");
  CHECK(*p.handle == "skep.association"); // "Ein Beitrag geteilt von SKEP (@skep.association)"
  CHECK(*p.date_text == "23. Okt 2017 um 0:31 Uhr");
  CHECK(*p.date == "2017-10-23"); // from datetime="2017-10-23T07:31:37+00:00"
  CHECK(p.hashtags.size() == 4);
  // A mention in the caption never names the author: here the credit's profile link does.
  std::string html = read_file(fixture_path("articles/instagram_v7_caption_credit_time.html"));
  const std::string caption = "What working at SKEP feels like...";
  html.replace(html.find(caption), caption.size(), "Drawn by @chie.tamada (@chie.tamada)");
  const std::string credit = "(@skep.association)";
  html.replace(html.find(credit), credit.size(), "<a href=\"https://www.instagram.com/skep.association/\">SKEP</a>");
  const auto m = scan_string(html);
  REQUIRE(m.posts.size() == 1);
  CHECK(*m.posts[0].handle == "skep.association");
  CHECK(*m.posts[0].display_name == "SKEP");
}

TEST_CASE("feeds: embeds in escaped and CDATA content, positions in the feed file", "[scan][shapes][feed]") {
  // Atom, entity-escaped content (node-feedparser's test feed).
  const std::string atom = read_file(fixture_path("corpus/node-feedparser/tpm.atom"));
  const auto a = scan_fixture("corpus/node-feedparser/tpm.atom");
  REQUIRE(a.posts.size() == 13);
  CHECK(a.posts[0].where.line == 121);
  CHECK(at_position(atom, a.posts[0].where.line, a.posts[0].where.column, 25) == "&lt;blockquote class=\"twi");
  CHECK(*a.posts[0].handle == "joshtpm");
  CHECK(a.posts[0].text->rfind("Harrowing, bracing moment", 0) == 0);
  // RSS with the whole channel on one line: the column finds the embed.
  const std::string rss = read_file(fixture_path("corpus/feeder/rss_cornucopia.xml"));
  const auto r = scan_fixture("corpus/feeder/rss_cornucopia.xml");
  REQUIRE(r.posts.size() == 1);
  CHECK(r.posts[0].where.column > 100000);
  CHECK(at_position(rss, r.posts[0].where.line, r.posts[0].where.column, 27) == "&lt;blockquote class=&quot;");
  // CDATA content maps byte for byte.
  const std::string cdata =
      "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n<item><title>x</title>"
      "<description><![CDATA[<p>Intro</p>\n  " +
      at_position(read_file(fixture_path("articles/blackbird_pie_2012.md")), 22, 1, 700) +
      "]]></description></item></channel></rss>\n";
  const auto c = scan_string(cdata, "feed.rss");
  REQUIRE(c.posts.size() == 1);
  CHECK(c.posts[0].where.line == 4); // the line after "<p>Intro</p>"
  CHECK(c.posts[0].where.column == 3);
  CHECK(*c.posts[0].handle == "DrBunsen");
}

TEST_CASE("JSON Feed: JSON-escaped content_html, positions in the file; malformed feeds name the place",
          "[scan][shapes][feed]") {
  // A JSON Feed built around the real TPM embed markup (a real blog's JSON Feed is tested below).
  const std::string atom = read_file(fixture_path("corpus/node-feedparser/tpm.atom"));
  const std::size_t b = atom.find("&lt;blockquote");
  const std::size_t e = atom.find("&lt;/blockquote&gt;", b) + 19;
  std::string markup = atom.substr(b, e - b);
  for (auto [from, to] : {std::pair<std::string, std::string>{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (std::size_t p = markup.find(from); p != std::string::npos; p = markup.find(from, p + to.size()))
      markup.replace(p, from.size(), to);
  }
  nlohmann::json feed = {
      {"version", "https://jsonfeed.org/version/1.1"},
      {"title", "t"},
      {"items", {{{"id", "1"}, {"url", "https://example.org/a"}, {"content_html", "<p>Intro \u00e9</p>\n" + markup}}}}};
  const std::string text = feed.dump(2);
  const auto r = scan_string(text, "feed.json");
  REQUIRE(r.posts.size() == 1);
  CHECK(*r.posts[0].handle == "joshtpm");
  CHECK(at_position(text, r.posts[0].where.line, r.posts[0].where.column, 20) == "<blockquote class=\\\"");
  // Not a feed: a .json file without a JSON Feed version is read as text.
  CHECK(detect_format("x.json", "{\"a\": 1}") == InputFormat::text);
  CHECK(detect_format("x.json", text) == InputFormat::feed);
  CHECK(detect_format("feed.xml", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"></rss>") == InputFormat::feed);
  // Malformed: the diagnostic names the file, line and column.
  const auto bad =
      scan_string("<?xml version=\"1.0\"?>\n<rss><channel>\n<item><title>a</titl></item></channel></rss>", "bad.rss");
  CHECK(bad.posts.empty());
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(bad.diagnostics[0].message.find("feed 'bad.rss' line 3, column") != std::string::npos);
  const auto bad_json =
      scan_string("{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [\n{\"id\": }]}", "bad.json");
  REQUIRE(bad_json.diagnostics.size() == 1);
  CHECK(bad_json.diagnostics[0].message.find("feed 'bad.json' line 2") != std::string::npos);
}

TEST_CASE("JSON Feed of a real blog: nine embeds in content_html, each at its place in the file",
          "[scan][shapes][feed]") {
  // Swiftjective-C's feed.json as Jekyll built it (provenance in fixtures/corpus/MANIFEST.tsv).
  const std::string rel = "corpus/swiftjective-c/_site__feed.json";
  const std::string text = read_file(fixture_path(rel));
  CHECK(detect_format("feed.json", text) == InputFormat::feed);
  const auto r = scan_fixture(rel);
  REQUIRE(r.posts.size() == 9);
  const std::vector<std::uint32_t> lines{36, 36, 36, 68, 68, 68, 68, 68, 79};
  const std::vector<std::string> ids{"1266114101547347968", "1266372003084161027", "1265663472425205762",
                                     "1269629494052237316", "1252292541720014848", "1220514774880071680",
                                     "1265663472425205762", "1269647593614827525", "1260670081048199168"};
  for (std::size_t i = 0; i < r.posts.size(); ++i) {
    const Post& p = r.posts[i];
    INFO("post " << i);
    CHECK(p.form == EmbedForm::blockquote);
    CHECK(p.where.line == lines[i]);
    CHECK(*p.status_id == ids[i]);
    CHECK(*p.handle == "JordanMorgan10");
    // line and column point at the JSON-escaped markup inside the content_html string
    CHECK(at_position(text, p.where.line, p.where.column, 36) == "<blockquote class=\\\"twitter-tweet\\\">");
  }
  CHECK(r.posts[0].where.column < r.posts[1].where.column);
  CHECK(*r.posts[1].date_text == "May 29, 2020");
  CHECK(r.posts[1].text->rfind("Hmmmmm it's almost like @SpendStackApp users", 0) == 0); // &#39; decoded
  CHECK(r.posts[5].text->find("Combine + Diffable Data Source") != std::string::npos);
  // The same post in two items is two posts; the inline status links of the prose are none.
  CHECK(*r.posts[2].date_text == *r.posts[6].date_text);
}

TEST_CASE("ID-only placeholders on a real page: an extractor's tweet-placeholder divs", "[scan][shapes]") {
  // Omnivore's output for the Gary Marcus Substack page: each tweet became
  // <div data-tweet-id="ID" class="tweet-placeholder"></div>, which its reader fills in.
  const auto r = scan_fixture("corpus/omnivore/garymarcus__expected.html");
  const auto source = scan_fixture("corpus/omnivore/garymarcus__source.html");
  REQUIRE(r.posts.size() == 9);
  REQUIRE(source.posts.size() == 9);
  const std::vector<std::uint32_t> lines{7, 8, 20, 24, 25, 27, 32, 39, 48};
  for (std::size_t i = 0; i < r.posts.size(); ++i) {
    const Post& p = r.posts[i];
    INFO("post " << i);
    CHECK(p.platform == Platform::twitter);
    CHECK(p.form == EmbedForm::rendered);
    CHECK(p.where.line == lines[i]);
    CHECK(p.status_id == source.posts[i].status_id); // the page's own posts, in the same order
    CHECK(!p.handle);
    CHECK(!p.date_text);
    CHECK((!p.text || p.text->empty()));
  }
  CHECK(*r.posts[0].status_id == "1535944902433026048");
  // The same placeholder class next to a number that is no post ID is nothing.
  CHECK(scan_string("<div data-tweet-id=\"12\" class=\"tweet-placeholder\"></div>").posts.empty());
}

TEST_CASE(
    "flattened posts inside HTML on real extractor outputs: the quotation bounds the text, the date link gives the ID",
    "[scan][shapes]") {
  // Readability.php dropped the embed class of the page's blockquote:
  // <blockquote><p>TEXT pic.twitter.com/CODE</p><p>— Name (@handle) <a href=status>Date</a></p></blockquote>
  const auto php = scan_fixture("corpus/readability-php/fortressofsolitude__expected.html");
  REQUIRE(php.posts.size() == 1);
  CHECK(php.posts[0].form == EmbedForm::text);
  CHECK(php.posts[0].where.line == 1);
  CHECK(*php.posts[0].handle == "VancityReynolds");
  CHECK(*php.posts[0].display_name == "Ryan Reynolds");
  CHECK(*php.posts[0].date_text == "May 3, 2018");
  CHECK(*php.posts[0].status_id == "992018849225695242");
  CHECK(*php.posts[0].text == "Showtime, Mama. #EffortMaximal #Deadpool2 pic.twitter.com/ZKLrucXJO4");
  // The page it came from shows the same post as an embed.
  const auto page = scan_fixture("corpus/readability-php/fortressofsolitude__source.html");
  REQUIRE(page.posts.size() == 1);
  CHECK(page.posts[0].form == EmbedForm::blockquote);
  CHECK(page.posts[0].status_id == php.posts[0].status_id);
  CHECK(page.posts[0].text == php.posts[0].text);
  // go-readability: "<p>TEXT<br/>…</p>— Name (@handle) <a href=…/statuses/ID>Date</a>" in a bare
  // <blockquote>; the short paragraph before the quotation is the article's, not the post's.
  const auto go = scan_fixture("corpus/go-readability/001__expected.html");
  REQUIRE(go.posts.size() == 1);
  CHECK(go.posts[0].form == EmbedForm::text);
  CHECK(go.posts[0].where.line == 18);
  CHECK(*go.posts[0].status_id == "370525864523743232");
  CHECK(*go.posts[0].handle == "ironshay");
  CHECK(go.posts[0].text->rfind("Drinking game for web devs:\n(1) Think of a noun", 0) == 0);
  CHECK(go.posts[0].text->find("Mocha") == std::string::npos);
  // The rules on their own: a quotation bounds the text, a paragraph does not.
  const std::string credit =
      "\xE2\x80\x94 Ann (@ann) <a href=\"https://twitter.com/ann/status/1256300000000000000\">May 1, 2020</a>";
  const auto quoted = scan_string("<p>Short intro.</p><blockquote><p>Post text</p>" + credit + "</blockquote>");
  REQUIRE(quoted.posts.size() == 1);
  CHECK(*quoted.posts[0].text == "Post text");
  CHECK(*quoted.posts[0].status_id == "1256300000000000000");
  const auto plain = scan_string("<p>Short intro.</p><p>Post text</p><p>" + credit + "</p>");
  REQUIRE(plain.posts.size() == 1);
  CHECK(*plain.posts[0].text == "Short intro.\n\nPost text");
  // Only a status link in the credit line gives the ID, not one in the post's text.
  const auto linked = scan_string("<p>See <a href=\"https://twitter.com/bo/status/1256300000000000001\">this</a></p>"
                                  "<p>\xE2\x80\x94 Ann (@ann) May 1, 2020</p>");
  REQUIRE(linked.posts.size() == 1);
  CHECK(!linked.posts[0].status_id);
}

TEST_CASE("flattened posts inside HTML follow the plain-text block rules", "[scan][shapes]") {
  // The seed article's first post (fixtures/corpus/seed), as CMS imports leave it in HTML.
  const std::string two_p =
      "<html><body><p>An article paragraph that introduces it:</p>\n"
      "<p>#Taliban leader visit in #China<br>More to come\xE2\x80\xA6 pic.twitter.com/HJPx1XTDZR</p>\n"
      "<p>\xE2\x80\x94 Serena Dong (@theserenadong) July 28, 2021</p></body></html>";
  const auto a = scan_string(two_p);
  REQUIRE(a.posts.size() == 1);
  CHECK(a.posts[0].form == EmbedForm::text);
  CHECK(a.posts[0].where.line == 2);
  CHECK(*a.posts[0].handle == "theserenadong");
  CHECK(*a.posts[0].date == "2021-07-28");
  CHECK(*a.posts[0].text == "#Taliban leader visit in #China\nMore to come\xE2\x80\xA6 pic.twitter.com/HJPx1XTDZR");
  const auto b = scan_string(
      "<div>#Taliban leader visit in #China<br>\xE2\x80\x94 Serena Dong (@theserenadong) July 28, 2021</div>");
  REQUIRE(b.posts.size() == 1);
  CHECK(*b.posts[0].text == "#Taliban leader visit in #China");
  // An attribution without a date is prose.
  CHECK(scan_string("<p>Nice.</p><p>\xE2\x80\x94 Serena Dong (@theserenadong) said so</p>").posts.empty());
}

TEST_CASE("old renders: Blackbird Pie and twitter.com markup pasted into a post", "[scan][shapes]") {
  const auto r = scan_fixture("articles/blackbird_pie_2012.md");
  REQUIRE(r.posts.size() == 3);
  CHECK(*r.posts[0].text == "Sparrow => Mutt");
  CHECK(*r.posts[0].handle == "DrBunsen");
  CHECK(*r.posts[0].display_name == "Seth Brown");
  CHECK(*r.posts[0].date_text == "Sat Jul 21 2012 5:41 PM CDT");
  CHECK(*r.posts[1].status_id == "226818888988491776");
  // id="t<ID>" alone, without a link to that post, is nothing.
  CHECK(scan_string("<div class=\"bbpBox\" id=\"t226809065844662272\"><blockquote>Sparrow</blockquote></div>")
            .posts.empty());
  const auto pasted = scan_fixture("corpus/dltj/2009-07-19-clinical-reader-background.markdown");
  REQUIRE(pasted.posts.size() == 35);
  CHECK(*pasted.posts[0].date_text == "11:34 AM Jul 13th"); // the permalink survives only in title=
}

TEST_CASE("a site wrapper without a permalink: the credit line gives handle, name and date", "[scan][shapes]") {
  // issue 9: div[data-provider=Twitter] > blockquote[data-tweetid] with the credit line inside.
  const auto r =
      scan_string("<div data-provider=\"Twitter\"><blockquote data-tweetid=\"1254834028248735744\">"
                  "<p>Rent strike now!</p>\xE2\x80\x94 Autonomous Tenants Union (@AutonomousUnion) April 27, 2020"
                  "</blockquote></div>");
  REQUIRE(r.posts.size() == 1);
  CHECK(*r.posts[0].text == "Rent strike now!");
  CHECK(*r.posts[0].handle == "AutonomousUnion");
  CHECK(*r.posts[0].display_name == "Autonomous Tenants Union");
  CHECK(*r.posts[0].date_text == "April 27, 2020");
  CHECK(*r.posts[0].date == "2020-04-27");
  CHECK(*r.posts[0].status_id == "1254834028248735744");
}

TEST_CASE("quotes in prose: tied to one post by a link and a word saying it is a post", "[scan][shapes][quote]") {
  const auto slashdot = scan_fixture("corpus/feeder/slashdot.html");
  REQUIRE(slashdot.posts.size() == 1);
  CHECK(slashdot.posts[0].form == EmbedForm::quote);
  CHECK(*slashdot.posts[0].text == "I have officially written 5000 songs in 5000 days");
  CHECK(*slashdot.posts[0].status_id == "1568240969501351936");
  const auto raw = scan_fixture("corpus/omnivore/raw-story__source.html");
  CHECK(*raw.posts[0].text == "BREAKING: Twitter");
  CHECK(raw.posts[1].text->rfind("so the guy who makes cars", 0) == 0); // the link holds the closing mark
  const auto md = scan_fixture("corpus/dltj/2022-12-19-backing-away-from-twitter.md");
  REQUIRE(md.posts.size() == 1);
  CHECK(*md.posts[0].text == "free promotion of certain social media platforms...");
  CHECK(*md.posts[0].handle == "TwitterSupport"); // from the status URL inside the archive link
  const auto hexo = scan_fixture("corpus/hexo-theme-unit-test/tag-plugins.md");
  REQUIRE(hexo.posts.size() == 1);
  CHECK(*hexo.posts[0].text == "NEW: DevDocs now comes with syntax highlighting. http://devdocs.io");
  // The examples, and what is not a quote.
  const auto q =
      scan_string("<p><q>\xE2\x80\x9CWe are in close contact with local law enforcement\xE2\x80\xA6,\xE2\x80\x9D the "
                  "<a href=\"https://twitter.com/GavinNewsom/status/1397575220521623553\">tweet</a> reads.</q></p>");
  REQUIRE(q.posts.size() == 1);
  CHECK(*q.posts[0].text == "We are in close contact with local law enforcement\xE2\x80\xA6");
  CHECK(*q.posts[0].handle == "GavinNewsom");
  const auto profile = scan_string("<blockquote>\xE2\x80\x9CWe will rebuild, together,\xE2\x80\x9D the "
                                   "<a href=\"https://twitter.com/sliccardo\">tweet</a> said.</blockquote>");
  REQUIRE(profile.posts.size() == 1);
  CHECK(*profile.posts[0].handle == "sliccardo");
  CHECK(!profile.posts[0].status_id);
  CHECK(scan_string("<p>He <a href=\"https://twitter.com/a/status/1397575220521623553\">tweeted</a> about it.</p>")
            .posts.empty());
  CHECK(scan_string(
            "<p>He <a href=\"https://twitter.com/a/status/1397575220521623553\">tweeted</a> that \xE2\x80\x9Cthis is "
            "not over yet\xE2\x80\x9D.</p>")
            .posts.empty()); // the link before the quotation
  CHECK(scan_string("<p>\xE2\x80\x9CThis is not over yet,\xE2\x80\x9D quipped "
                    "<a href=\"https://twitter.com/a/status/1397575220521623553\">Al</a>.</p>")
            .posts.empty());
  CHECK(scan_string("<p>\xE2\x80\x9CThis is not over yet,\xE2\x80\x9D he wrote, linking "
                    "<a href=\"https://twitter.com/a/status/1397575220521623553\">one</a> and "
                    "<a href=\"https://twitter.com/b/status/1397575220521623554\">another</a>.</p>")
            .posts.empty());
}

TEST_CASE("feeds are inputs of scan, check and audit alike", "[scan][shapes][feed]") {
  // Directories: feeds are collected beside articles.
  const auto inputs = collect_inputs({fixture_path("corpus/node-feedparser")}, InputFormat::auto_detect);
  REQUIRE(inputs);
  REQUIRE(inputs->size() == 2);
  CHECK(inputs->at(1).path.substr(inputs->at(1).path.size() - 8) == "tpm.atom");
  // audit reads the same items with the same reader: one article per item, its link and guid.
  std::vector<ArchiveDoc> docs;
  const auto r =
      for_each_article({fixture_path("corpus/node-feedparser/tpm.atom")}, ArchiveOptions{}, [&](ArchiveDoc&& d) {
        docs.push_back(std::move(d));
        return true;
      });
  REQUIRE(r);
  REQUIRE(!docs.empty());
  std::size_t posts = 0;
  for (const ArchiveDoc& d : docs) posts += scan(d.doc).posts.size();
  CHECK(posts == scan_fixture("corpus/node-feedparser/tpm.atom").posts.size());
  CHECK(docs[0].url == "/livewire/hannity-announces-fox-hired-sebastian-gorka-national-security-strategist");
  CHECK(docs[0].key.find("#tag:talkingpointsmemo.com,2005:ArticleDecorator/270060") != std::string::npos);
}
