// The Bluesky source end to end: the real binary and HTTP client against the test server playing
// the public AppView (public.api.bsky.app: resolveHandle, getPosts, getPostThread), replaying
// fixtures/http/bluesky.json (written by tools/make_bluesky_fixtures.py, with its provenance).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "support/fixtures.hpp"
#include "support/run.hpp"
#include "tweetcheck/scan.hpp"
#include "verify/compare.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;

namespace {

/// The AppView's host sent to `base`, short timeouts, no retries, no cache.
std::string appview(const std::string& base) {
  return " --no-cache --timeout 1 --retries 0 --endpoint public.api.bsky.app=" + base;
}

Run tweetcheck_run(const std::string& args) {
  const std::string cmd = tweetcheck::test::binary() + " " + args + " 2>/dev/null";
  INFO(cmd);
  return tweetcheck::test::shell(cmd);
}

/// `tweetcheck check --format json ARGS FIXTURE`, its JSON held to the schema.
json check(const std::string& args, const std::string& fixture) {
  const Run r = tweetcheck_run("check --format json" + args + " '" + fixture_path(fixture) + "'");
  REQUIRE(!r.out.empty());
  CHECK(tweetcheck::test::schema_errors("check", r.out).empty());
  return json::parse(r.out);
}

std::vector<std::string> reasons(const json& p) { return p["reasons"].get<std::vector<std::string>>(); }
std::vector<std::string> notes(const json& p) { return p["notes"].get<std::vector<std::string>>(); }

/// The evidence's URLs (path and query as the test server saw them) and statuses, in order.
std::vector<std::pair<std::string, long>> asked(const json& p, const std::string& base) {
  std::vector<std::pair<std::string, long>> out;
  for (const auto& e : p["evidence"]) {
    std::string url = e["url"];
    CHECK(e["source"] == "bluesky");
    if (url.rfind(base, 0) == 0) url = url.substr(base.size());
    if (url.rfind("https://public.api.bsky.app", 0) == 0) url = url.substr(27);
    out.emplace_back(url, e["status"].get<long>());
  }
  return out;
}

std::string encoded(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char k_hex[] = "0123456789ABCDEF";
      out += {'%', k_hex[c >> 4], k_hex[c & 15]};
    }
  }
  return out;
}

std::size_t count_of(const std::string& s, const std::string& part) {
  std::size_t n = 0;
  for (auto p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
  return n;
}

const std::string k_newsdesk = "did:plc:newsdeskipw5elszahov4dkr";

} // namespace

TEST_CASE("bluesky: the AppView's answers give every verdict, note and missing reason", "[bluesky][e2e]") {
  TestServer server({"--routes", fixture_path("http/bluesky.json")});
  const json report = check(" --sources bluesky" + appview(server.base()), "articles/check_bluesky.html");
  const json& posts = report["posts"];
  REQUIRE(posts.size() == 11);
  using V = std::vector<std::string>;
  for (const auto& p : posts) CHECK(p["platform"] == "bluesky");

  // Verified: the link shown shortened is the facet's link; the card's placeholder is no word.
  const json& verified = posts[0];
  CHECK(verified["verdict"] == "verified");
  CHECK(reasons(verified).empty());
  CHECK(notes(verified).empty());
  CHECK(verified["text"] == "Polls close at 8pm tonight. Find your polling place: vote.example.org/find-your-po...");
  const json& o = verified["original"];
  CHECK(o["source"] == "bluesky");
  CHECK(o["id"] == "at://" + k_newsdesk + "/app.bsky.feed.post/3lad2uxlpmk2a");
  CHECK(o["handle"] == "newsdesk.example.com");
  CHECK(o["display_name"] == "Newsdesk");
  CHECK(o["created_at"] == "2024-11-05T14:03:11.250Z");
  CHECK(o["url"] == "https://bsky.app/profile/newsdesk.example.com/post/3lad2uxlpmk2a");
  CHECK(o["text"] == verified["text"]);
  // One getPosts request for the whole article, in the evidence with its hash.
  const auto ev = asked(verified, server.base());
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].first.rfind("/xrpc/app.bsky.feed.getPosts?uris=", 0) == 0);
  CHECK(ev[0].first.find("uris=" + encoded(verified["status_id"].get<std::string>())) != std::string::npos);
  CHECK(ev[0].second == 200);
  CHECK(verified["evidence"][0]["sha256"].get<std::string>().size() == 64);
  CHECK(!verified["evidence"][0]["fetched_at"].get<std::string>().empty());

  // Altered: a number changed.
  CHECK(posts[1]["verdict"] == "altered");
  CHECK(reasons(posts[1]) == V{"number_changed"});
  CHECK(!posts[1]["diff"].empty());

  // Misattributed: the handle the article credits resolves to another DID than the author's.
  const json& other = posts[2];
  CHECK(other["verdict"] == "misattributed");
  CHECK(reasons(other) == V{"handle_mismatch"});
  CHECK(other["original"]["handle"] == "bob.example.com");
  const auto other_ev = asked(other, server.base());
  REQUIRE(other_ev.size() == 2);
  CHECK(other_ev[1] ==
        std::pair<std::string, long>{"/xrpc/com.atproto.identity.resolveHandle?handle=alice.example.com", 200});

  // A handle that names no account any more, the DID the embed carries the author's: the handle
  // changed, the post is hers.
  const json& renamed = posts[3];
  CHECK(renamed["verdict"] == "verified");
  CHECK(reasons(renamed).empty());
  CHECK(notes(renamed) == V{"handle_changed"});
  CHECK(renamed["handle"] == "oldname.example.com");
  CHECK(renamed["original"]["handle"] == "carol.example.org");
  const auto renamed_ev = asked(renamed, server.base());
  REQUIRE(renamed_ev.size() == 2);
  CHECK(renamed_ev[1] ==
        std::pair<std::string, long>{"/xrpc/com.atproto.identity.resolveHandle?handle=oldname.example.com", 400});
  CHECK(renamed["evidence"][1]["detail"] == "InvalidRequest: Unable to resolve handle");
  CHECK(!renamed["evidence"][0].contains("detail"));

  // Another CID than the embed pins, the same text: verified, the record changed.
  CHECK(posts[4]["verdict"] == "verified");
  CHECK(notes(posts[4]) == V{"record_changed"});
  CHECK(posts[0]["content_hash"].is_string());

  // Not returned by getPosts: the thread says why.
  for (int i : {5, 6}) {
    INFO(i);
    CHECK(posts[i]["verdict"] == "missing");
    CHECK(reasons(posts[i]) == V{"deleted"});
    CHECK(posts[i]["original"].is_null());
    const auto e = asked(posts[i], server.base());
    REQUIRE(e.size() == 2);
    CHECK(e[1].first == "/xrpc/app.bsky.feed.getPostThread?uri=" +
                            encoded(*posts[i]["status_id"].get_ptr<const std::string*>()) + "&depth=0&parentHeight=0");
    CHECK(e[1].second == (i == 5 ? 400 : 200));
    if (i == 5)
      CHECK(posts[i]["evidence"][1]["detail"] ==
            "NotFound: Post not found: " + posts[i]["status_id"].get<std::string>());
  }
  CHECK(posts[7]["verdict"] == "missing");
  CHECK(reasons(posts[7]) == V{"blocked"});
  // A post the moderation service took down.
  CHECK(posts[8]["verdict"] == "missing");
  CHECK(reasons(posts[8]) == V{"taken_down"});
  CHECK(asked(posts[8], server.base()).size() == 1);

  // A permalink with a handle: resolved to its DID first.
  const json& permalink = posts[9];
  CHECK(permalink["status_id"] == "https://bsky.app/profile/dave.example.net/post/3lal3s9fw8q2j");
  CHECK(permalink["verdict"] == "verified");
  const auto perm_ev = asked(permalink, server.base());
  REQUIRE(perm_ev.size() == 2);
  CHECK(perm_ev[0] ==
        std::pair<std::string, long>{"/xrpc/com.atproto.identity.resolveHandle?handle=dave.example.net", 200});
  CHECK(perm_ev[1].first == ev[0].first); // the same getPosts batch
  // A permalink whose handle names no account: nothing to ask the AppView for.
  const json& gone = posts[10];
  CHECK(gone["verdict"] == "missing");
  CHECK(reasons(gone) == V{"account_gone"});
  CHECK(asked(gone, server.base()) == std::vector<std::pair<std::string, long>>{
                                          {"/xrpc/com.atproto.identity.resolveHandle?handle=erin.example.net", 400}});

  // Each URL asked once: one getPosts, three threads, four handles.
  const json stats = server.stats();
  CHECK(stats["total"] == 8);
  for (const auto& [path, n] : stats["requests"].items()) CHECK(n == 1);
  CHECK(report["summary"]["verified"] == 4);
  CHECK(report["summary"]["missing"] == 5);
}

TEST_CASE("bluesky: more than 25 posts are asked in batches of 25", "[bluesky][e2e]") {
  TestServer server({"--routes", fixture_path("http/bluesky.json")});
  const json report = check(" --sources bluesky" + appview(server.base()), "articles/check_bluesky_batch.html");
  REQUIRE(report["posts"].size() == 30);
  for (const auto& p : report["posts"]) {
    INFO(p["status_id"]);
    CHECK(p["verdict"] == "verified");
    CHECK(p["original"]["id"] == p["status_id"]);
  }
  const json stats = server.stats();
  std::size_t requests = 0, uris = 0;
  for (const auto& [path, n] : stats["requests"].items()) {
    CHECK(path.rfind("/xrpc/app.bsky.feed.getPosts?uris=", 0) == 0);
    CHECK(n == 1);
    const std::size_t in_request = count_of(path, "uris=");
    CHECK(in_request <= 25);
    uris += in_request;
    ++requests;
  }
  CHECK(requests == 2);
  CHECK(uris == 30);
}

TEST_CASE("bluesky: an AppView that cannot be reached leaves the posts unverifiable", "[bluesky][e2e]") {
  // Port 1 on the loopback: nothing listens, the connection is refused.
  const json report = check(" --sources bluesky" + appview("http://127.0.0.1:1"), "articles/check_bluesky.html");
  REQUIRE(report["posts"].size() == 11);
  for (const auto& p : report["posts"]) {
    INFO(p["status_id"]);
    CHECK(p["verdict"] == "unverifiable");
    CHECK(reasons(p) == std::vector<std::string>{"network_error"});
    REQUIRE(!p["evidence"].empty());
    CHECK(p["evidence"][0]["status"] == 0);
  }
}

TEST_CASE("bluesky: the default sources ask the AppView; text, JSON and SARIF reports show it",
          "[bluesky][e2e][report]") {
  TestServer server({"--routes", fixture_path("http/bluesky.json")});
  const std::string article = " '" + fixture_path("articles/check_bluesky.html") + "'";
  // No --sources: bluesky is among the defaults (the Twitter sources have nothing to ask).
  const json report = check(appview(server.base()), "articles/check_bluesky.html");
  REQUIRE(report["posts"].size() == 11);
  CHECK(report["posts"][0]["verdict"] == "verified");
  CHECK(report["posts"][0]["original"]["source"] == "bluesky");

  const Run text = tweetcheck_run("check --format text" + appview(server.base()) + article);
  CHECK(text.status == 1); // altered, misattributed and missing posts fail
  CHECK(text.out.find("post:     bluesky @newsdesk.example.com at://" + k_newsdesk +
                      "/app.bsky.feed.post/3lad2uxlpmk2a") != std::string::npos);
  CHECK(text.out.find("original: Turnout reached 61% by noon, officials said.") != std::string::npos);
  CHECK(text.out.find("source:   bluesky  https://bsky.app/profile/newsdesk.example.com/post/3lad2uxlpmk2a") !=
        std::string::npos);
  CHECK(text.out.find("note:     handle_changed") != std::string::npos);
  CHECK(text.out.find("missing (taken_down)") != std::string::npos);
  CHECK(text.out.find("11 posts: 4 verified, 1 altered, 1 misattributed, 5 missing, 0 unverifiable") !=
        std::string::npos);

  const Run sarif = tweetcheck_run("check --format sarif" + appview(server.base()) + article);
  const json s = json::parse(sarif.out);
  const json& results = s["runs"][0]["results"];
  REQUIRE(results.size() == 7); // every post but the verified ones
  std::set<std::string> rules;
  for (const auto& r : results) {
    rules.insert(r["ruleId"].get<std::string>());
    CHECK(r["properties"]["platform"] == "bluesky");
  }
  CHECK(rules.count("tweetcheck/missing/blocked"));
  CHECK(rules.count("tweetcheck/missing/taken_down"));
  CHECK(rules.count("tweetcheck/misattributed/handle_mismatch"));
  const json& altered = results[0];
  CHECK(altered["ruleId"] == "tweetcheck/altered/number_changed");
  CHECK(altered["properties"]["source"] == "bluesky");
  CHECK(altered["properties"]["originalUrl"] == "https://bsky.app/profile/newsdesk.example.com/post/3lad3bq2cws2b");
  bool described = false;
  for (const auto& rule : s["runs"][0]["tool"]["driver"]["rules"]) {
    if (rule["id"] == "tweetcheck/missing/taken_down") described = rule["name"] == "TakenDownPost";
  }
  CHECK(described);
}

TEST_CASE("bluesky: a post view's facets give its links by byte slice", "[bluesky][facets]") {
  // "é" and the emoji are 2 and 4 bytes: the slice is in bytes of the UTF-8 text.
  const std::string text = "Caf\xC3\xA9 \xF0\x9F\x93\xB0 news: example.org/a-long-pa... and more";
  const std::size_t start = text.find("example.org");
  const std::size_t end = text.find(" and more");
  const json view{{"uri", "at://did:plc:x/app.bsky.feed.post/3k"},
                  {"cid", "bafyreiabc"},
                  {"author", {{"did", "did:plc:x"}, {"handle", "x.example.com"}, {"displayName", "X"}}},
                  {"record",
                   {{"text", text},
                    {"createdAt", "2024-01-02T03:04:05.000Z"},
                    {"facets", json::array({{{"index", {{"byteStart", start}, {"byteEnd", end}}},
                                             {"features", json::array({{{"$type", "app.bsky.richtext.facet#link"},
                                                                        {"uri", "https://example.org/a-long-path"}}})}},
                                            // a slice inside a code point, and one past the end: ignored
                                            {{"index", {{"byteStart", 4}, {"byteEnd", 6}}},
                                             {"features", json::array({{{"$type", "app.bsky.richtext.facet#link"},
                                                                        {"uri", "https://bad.example"}}})}},
                                            {{"index", {{"byteStart", 0}, {"byteEnd", 999}}},
                                             {"features", json::array({{{"$type", "app.bsky.richtext.facet#link"},
                                                                        {"uri", "https://bad.example"}}})}}})}}}};
  const auto o = sources::parse_bluesky_post_view(view.dump());
  REQUIRE(o);
  CHECK(o->id == "at://did:plc:x/app.bsky.feed.post/3k");
  CHECK(o->author_id == "did:plc:x");
  CHECK(o->content_hash == "bafyreiabc");
  CHECK(o->url == "https://bsky.app/profile/x.example.com/post/3k");
  REQUIRE(o->links.size() == 1);
  CHECK(o->links[0].url == "example.org/a-long-pa...");
  CHECK(o->links[0].display_url == "example.org/a-long-pa...");
  CHECK(o->links[0].expanded_url == "https://example.org/a-long-path");
  // The link shown shortened, in full, or as the post shows it: the same link.
  for (const std::string shown :
       {"example.org/a-long-pa...", "https://example.org/a-long-path", "example.org/a-long-pa\xE2\x80\xA6"}) {
    INFO(shown);
    CHECK(compare_post_text("Caf\xC3\xA9 \xF0\x9F\x93\xB0 news: " + shown + " and more", {}, *o).equal);
  }
  CHECK(!compare_post_text("Caf\xC3\xA9 \xF0\x9F\x93\xB0 news: https://example.org/another and more", {}, *o).equal);
  // Not a post view: no original.
  CHECK(!sources::parse_bluesky_post_view(R"({"uri":"at://did:plc:x/app.bsky.feed.post/3k"})"));
  CHECK(!sources::parse_bluesky_post_view("[]"));
}

TEST_CASE("bluesky: request URLs repeat uris= and encode the at:// URI", "[bluesky][facets]") {
  const std::string u = "at://did:plc:x/app.bsky.feed.post/3k";
  CHECK(
      sources::bluesky_posts_url({u, u + "2"}) ==
      "https://public.api.bsky.app/xrpc/app.bsky.feed.getPosts?uris=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3k"
      "&uris=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3k2");
  CHECK(sources::bluesky_thread_url(u) == "https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%"
                                          "2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3k&depth=0&parentHeight=0");
  CHECK(sources::bluesky_resolve_handle_url("alice.example.com") ==
        "https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle?handle=alice.example.com");
  CHECK(sources::service_of(sources::bluesky_posts_url({u})) == "bluesky");
}

TEST_CASE("bluesky: the embed's \"[image or embed]\" placeholder is not the post's text", "[bluesky][scan]") {
  const ScanResult r = tweetcheck::test::scan_fixture("articles/other_platforms.html");
  const Post* sky = nullptr;
  for (const Post& p : r.posts) {
    if (p.platform == Platform::bluesky) sky = &p;
  }
  REQUIRE(sky);
  REQUIRE(sky->text);
  CHECK(*sky->text == "Bluesky text");
  for (const Link& l : sky->links) CHECK(l.text != "[image or embed]");
  CHECK(*sky->content_hash == "bafyreie37qtk6ldmdof2ysxjokx5pirnlbdu7hdlivkkaeok2zndql2nwm");
}

TEST_CASE("bluesky: a post view that is not one is refused, never half read", "[bluesky][hostile]") {
  // Garbage in place of a post view: no original, so the post is not compared with it.
  for (const char* body :
       {"", "not json", "[]", "null", "{\"uri\": 7}", "{\"record\": \"text\"}",
        R"({"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"handle":"a"},"record":{"text":5}})",
        R"({"uri":"at://did:plc:a/app.bsky.feed.post/1","author":[],"record":{"text":"hi"}})"}) {
    INFO(body);
    CHECK_FALSE(sources::parse_bluesky_post_view(body).has_value());
  }
  // Nesting deeper than the bound is refused before it is parsed.
  CHECK_FALSE(sources::parse_bluesky_post_view(std::string(100000, '[') + std::string(100000, ']')).has_value());
}

TEST_CASE("bluesky: an AppView slower than --timeout leaves the posts unverifiable, never hangs",
          "[bluesky][e2e][hang]") {
  // Every answer comes 2.5 s late; the client gives up after 1 s (no retries).
  TestServer server({"--routes", fixture_path("http/bluesky.json"), "--delay-ms", "2500"});
  const json report = check(" --sources bluesky" + appview(server.base()), "articles/check_bluesky.html");
  REQUIRE(report["posts"].size() == 11);
  for (const auto& p : report["posts"]) {
    INFO(p["status_id"]);
    CHECK(p["verdict"] == "unverifiable");
    CHECK(reasons(p) == std::vector<std::string>{"network_error"});
    REQUIRE(!p["evidence"].empty());
    CHECK(p["evidence"][0]["status"] == 0);
    // Sent and timed out (not queued behind another request until the time ran out).
    CHECK_THAT(p["evidence"][0]["detail"].get<std::string>(),
               Catch::Equals("timeout: no complete answer within 1000 ms (0 bytes received)"));
  }
  CHECK(server.stats()["total"] >= 1);
}
