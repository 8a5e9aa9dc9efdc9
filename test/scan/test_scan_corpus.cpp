// Every labelled file of the corpus yields exactly the posts its labels list (LABELS.json,
// whose counting policy supersedes the MANIFEST's counts), with platform, form, line, handle,
// status ID and date.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/text_util.hpp"
#include "support/fixtures.hpp"
#include "tweetcheck/scan.hpp"

using namespace tweetcheck;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

namespace {

std::string str_or_null(const nlohmann::json& v) { return v.is_null() ? "null" : v.get<std::string>(); }
std::string opt_or_null(const std::optional<std::string>& v) { return v ? *v : "null"; }

ScanResult scan_fixture(const std::string& rel) { return tweetcheck::test::scan_fixture("corpus/" + rel); }

} // namespace

TEST_CASE("every corpus file yields the labelled posts", "[corpus]") {
  const auto labels = nlohmann::json::parse(read_file(fixture_path("corpus/LABELS.json")));
  std::size_t files = 0, posts = 0;
  for (const auto& [rel, entry] : labels.items()) {
    std::ifstream probe(fixture_path("corpus/" + rel));
    if (!probe) continue; // files removed from the corpus (LABELS.md, "Totals")
    ++files;
    DYNAMIC_SECTION(rel) {
      const ScanResult result = scan_fixture(rel);
      const auto& expected = entry["posts"];
      INFO("file " << rel);
      REQUIRE(result.posts.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i];
        const Post& got = result.posts[i];
        INFO("post " << i << " expected at line " << want["line"].get<int>());
        CHECK(std::string(to_string(got.platform)) == want["platform"].get<std::string>());
        CHECK(std::string(to_string(got.form)) == want["form"].get<std::string>());
        CHECK(got.where.line == want["line"].get<unsigned>());
        CHECK(opt_or_null(got.status_id) == str_or_null(want["status_id"]));
        CHECK(detail::ascii_lower(opt_or_null(got.handle)) == detail::ascii_lower(str_or_null(want["handle"])));
        CHECK(opt_or_null(got.date_text) == str_or_null(want["date_text"]));
        ++posts;
      }
    }
  }
  CHECK(files >= 230); // the first corpus and the second (issue 10), merged
}

TEST_CASE("the seed article yields its three flattened posts with links", "[corpus][seed]") {
  const ScanResult r = scan_fixture("seed/zerohedge-taliban-china-2021-07-29.txt");
  REQUIRE(r.posts.size() == 3);
  CHECK(*r.posts[0].handle == "theserenadong");
  CHECK(*r.posts[0].date == "2021-07-28");
  CHECK(*r.posts[0].text == "#Taliban leader visit in #China\nMore to come… pic.twitter.com/HJPx1XTDZR");
  REQUIRE(r.posts[0].links.size() == 1);
  CHECK(r.posts[0].links[0].text == "pic.twitter.com/HJPx1XTDZR");
  CHECK(r.posts[0].hashtags == std::vector<std::string>{"Taliban", "China"});
  CHECK(*r.posts[1].handle == "CarlZha");
  CHECK(r.posts[1].links.at(0).text == "pic.twitter.com/s0rS1wKInN");
  CHECK(*r.posts[2].handle == "KabirTaneja");
  CHECK(r.posts[2].links.at(0).url == "https://t.co/UCS4R6VScX");
  CHECK(r.posts[2].display_name == std::optional<std::string>("Kabir Taneja"));
  for (const Post& p : r.posts) {
    CHECK(p.form == EmbedForm::text);
    CHECK(!p.status_id);
  }
}

TEST_CASE("where the MANIFEST's count is wrong, LABELS.md says why", "[corpus]") {
  // The scanner is held to LABELS.json. The MANIFEST counted some files differently; each such
  // file must be explained in LABELS.md ("Files whose count differs from the MANIFEST"), so a
  // difference is a documented correction, never a silent one.
  const auto labels = nlohmann::json::parse(read_file(fixture_path("corpus/LABELS.json")));
  const std::string why = read_file(fixture_path("corpus/LABELS.md"));
  std::size_t corrected = 0;
  for (const auto& [rel, entry] : labels.items()) {
    if (entry["manifest_n"].is_null() || entry["manifest_n"] == entry["n"]) continue;
    std::ifstream probe(fixture_path("corpus/" + rel));
    if (!probe) continue;
    ++corrected;
    INFO(rel << ": MANIFEST " << entry["manifest_n"] << ", labels " << entry["n"]);
    CHECK(why.find(rel) != std::string::npos);
  }
  CHECK(corrected >= 6);
}
