// Meta's oEmbed sources end to end: the real binary and libcurl client against the loopback test
// server playing graph.facebook.com (instagram_oembed, oembed_post, oembed_video) and
// graph.threads.net (oembed), replaying fixtures/http/meta.json (recorded answers where public
// repositories hold them, else built from Meta's documentation; provenance in each response).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::TestServer;

namespace {

const std::string k_token = "1234567890|s3cr3tAppSecretForTests";

std::string endpoints(const TestServer& server) {
  std::string out = tweetcheck::test::service_endpoints(server);
  for (const char* host : {"graph.facebook.com", "graph.threads.net", "graph.threads.com"})
    out += std::string(" --endpoint ") + host + "=" + server.base();
  return out;
}

/// `tweetcheck check ARGS check_meta.html` against the server; `env` prefixes the command (the
/// Meta token variable is unset unless `env` sets it). Standard error is kept apart in `err`.
struct Checked {
  Run run;
  std::string err;
};
Checked check(const TestServer& server, const std::string& args, const std::string& env = "") {
  const tweetcheck::test::TempDir dir("meta-err");
  const std::string err = dir / "stderr.log";
  const std::string cmd = "env -u TWEETCHECK_META_TOKEN " + env + tweetcheck::test::binary() + " check" +
                          endpoints(server) + " " + args + " '" + fixture_path("articles/check_meta.html") + "' 2>'" +
                          err + "'";
  Checked c{tweetcheck::test::shell(cmd), tweetcheck::test::read_file(err)};
  INFO(cmd);
  REQUIRE(!c.run.out.empty());
  return c;
}

/// The report's posts by their permalink, in order (a permalink shown twice gives two entries).
std::multimap<std::string, json> by_permalink(const json& report) {
  std::multimap<std::string, json> out;
  for (const auto& p : report["posts"]) out.emplace(p["status_url"].get<std::string>(), p);
  return out;
}

const json& first(const std::multimap<std::string, json>& posts, const std::string& url) {
  auto it = posts.find(url);
  REQUIRE(it != posts.end());
  return it->second;
}

std::vector<std::string> strings(const json& a) { return a.get<std::vector<std::string>>(); }

using V = std::vector<std::string>;

const std::string k_ig_verified = "https://www.instagram.com/p/B9bOM-6Ax_d/";
const std::string k_ig_reel = "https://www.instagram.com/reel/CIyNZQhH4DQ/";
const std::string k_ig_caption = "https://www.instagram.com/p/C4meTaQsT01/";
const std::string k_ig_gone = "https://www.instagram.com/p/C0gOnE00000/";
const std::string k_fb_post = "https://www.facebook.com/rubyonrailstogo/posts/3610333842332884";
const std::string k_fb_other_page = "https://www.facebook.com/railsfanpage/posts/3610333842332884";
const std::string k_fb_video = "https://www.facebook.com/Expo2020Dubai/videos/474308113397163/";
const std::string k_fb_limited = "https://www.facebook.com/cityhall/posts/pfbid02limit";
const std::string k_th_meta = "https://www.threads.net/@meta/post/DDzbnVKx57R";
const std::string k_th_other = "https://www.threads.net/@instagram/post/DDzbnVKx57R";
const std::string k_th_short = "https://www.threads.net/@threads/post/DVcNwt2jDZS";
const std::string k_th_token = "https://www.threads.net/@someone/post/C9tOkEn0001";
const std::string k_th_gone = "https://www.threads.net/@someone/post/C9gOnE00002";

} // namespace

TEST_CASE("meta: with a token, Threads, Instagram and Facebook posts get their verdicts from oEmbed",
          "[meta][sources][e2e]") {
  TestServer server({"--routes", fixture_path("http/meta.json")});
  const Checked c = check(server, "--format json --no-cache --meta-token '" + k_token + "'");
  const json report = json::parse(c.run.out);
  CHECK(tweetcheck::test::schema_errors("check", c.run.out).empty());
  REQUIRE(report["posts"].size() == 15);
  const auto posts = by_permalink(report);

  // Instagram: the recorded answers (author_name is the username; no caption in their html).
  const json& ig = first(posts, k_ig_verified);
  CHECK(ig["platform"] == "instagram");
  CHECK(ig["verdict"] == "verified");
  CHECK(ig["original"]["source"] == "instagram-oembed");
  CHECK(ig["original"]["handle"] == "ruby_eloquent");
  CHECK(strings(ig["notes"]) == V{"text_not_checked"});
  REQUIRE(ig["evidence"].size() == 1);
  CHECK(ig["evidence"][0]["url"] ==
        "https://graph.facebook.com/v26.0/instagram_oembed?url=https%3A%2F%2Fwww.instagram.com%2Fp%2FB9bOM-6Ax_d%2F"
        "&omitscript=true");
  CHECK(ig["evidence"][0]["status"] == 200);
  CHECK(ig["evidence"][0]["source"] == "instagram-oembed");
  CHECK(ig["evidence"][0]["sha256"].get<std::string>().size() == 64);
  const json& reel = first(posts, k_ig_reel);
  CHECK(reel["verdict"] == "misattributed");
  CHECK(strings(reel["reasons"]) == V{"handle_mismatch"});
  CHECK(reel["original"]["handle"] == "travellomatic");
  // The current answer shape: the author and the caption from the embed html.
  auto caption = posts.equal_range(k_ig_caption);
  REQUIRE(std::distance(caption.first, caption.second) == 2);
  const json& same = caption.first->second;
  const json& changed = std::next(caption.first)->second;
  CHECK(same["verdict"] == "verified");
  CHECK(same["original"]["handle"] == "harbourwatch");
  CHECK(same["original"]["display_name"] == "Harbour Watch");
  CHECK(strings(same["notes"]).empty());
  CHECK(changed["verdict"] == "altered");
  CHECK(strings(changed["reasons"]) == V{"number_changed"});
  const json& gone = first(posts, k_ig_gone);
  CHECK(gone["verdict"] == "missing");
  CHECK(strings(gone["reasons"]) == V{"deleted"});
  CHECK(gone["evidence"][0]["status"] == 400);

  // Facebook: the recorded oembed_post answer (text "Nice Article", page rubyonrailstogo).
  auto fb = posts.equal_range(k_fb_post);
  REQUIRE(std::distance(fb.first, fb.second) == 2);
  CHECK(fb.first->second["verdict"] == "verified");
  CHECK(fb.first->second["original"]["source"] == "facebook-oembed");
  CHECK(fb.first->second["original"]["text"] == "Nice Article");
  CHECK(fb.first->second["original"]["display_name"] == "Ruby on Rails");
  CHECK(std::next(fb.first)->second["verdict"] == "altered");
  CHECK(strings(std::next(fb.first)->second["reasons"]) == V{"text_changed"});
  const json& other_page = first(posts, k_fb_other_page);
  CHECK(other_page["platform"] == "facebook");
  CHECK(other_page["verdict"] == "misattributed");
  CHECK(strings(other_page["reasons"]) == V{"handle_mismatch"});
  CHECK(other_page["original"]["handle"] == "rubyonrailstogo");
  // A video goes to oembed_video; its answer names the page by number and by name.
  const json& video = first(posts, k_fb_video);
  CHECK(video["verdict"] == "verified");
  CHECK(video["original"]["handle"] == "Expo2020Dubai");
  CHECK(video["evidence"][0]["url"].get<std::string>().rfind("https://graph.facebook.com/v26.0/oembed_video?url=", 0) ==
        0);
  const json& limited = first(posts, k_fb_limited);
  CHECK(limited["verdict"] == "unverifiable");
  CHECK(strings(limited["reasons"]) == V{"rate_limited"});

  // Threads: the answer carries no text; its permalink names the author, or (/t/CODE) nobody.
  const json& th = first(posts, k_th_meta);
  CHECK(th["platform"] == "threads");
  CHECK(th["verdict"] == "verified");
  CHECK(th["original"]["source"] == "threads-oembed");
  CHECK(th["original"]["handle"] == "meta");
  CHECK(strings(th["notes"]) == V{"text_not_checked"});
  CHECK(th["evidence"][0]["url"] ==
        "https://graph.threads.net/v1.0/oembed?url=https%3A%2F%2Fwww.threads.net%2F%40meta%2Fpost%2FDDzbnVKx57R");
  const json& th_other = first(posts, k_th_other);
  CHECK(th_other["verdict"] == "misattributed");
  CHECK(strings(th_other["reasons"]) == V{"handle_mismatch"});
  const json& th_short = first(posts, k_th_short);
  CHECK(th_short["verdict"] == "verified");
  CHECK(strings(th_short["notes"]) == V{"text_not_checked", "author_not_checked"});
  const json& refused = first(posts, k_th_token);
  CHECK(refused["verdict"] == "unverifiable");
  CHECK(strings(refused["reasons"]) == V{"auth_error"});
  // Graph's message quotes the token it refused: the evidence keeps the words, not the token.
  const std::string why = refused["evidence"][0]["detail"];
  CHECK(why.find("Invalid OAuth access token") != std::string::npos);
  CHECK(why.find("REDACTED") != std::string::npos);
  CHECK(why.find("s3cr3t") == std::string::npos);
  CHECK(why.find("1234567890") == std::string::npos);
  const json& th_gone = first(posts, k_th_gone);
  CHECK(th_gone["verdict"] == "missing");
  CHECK(strings(th_gone["reasons"]) == V{"deleted"});

  // The token went in the Authorization header, never in a URL; one request per permalink.
  const json stats = server.stats();
  for (const auto& [path, n] : stats["requests"].items()) {
    INFO(path);
    CHECK(path.find("access_token") == std::string::npos);
    CHECK(n == 1);
    CHECK(stats["authorization"][path] == "Bearer " + k_token);
  }
  CHECK(stats["total"] == 13);
}

TEST_CASE("meta: without a token every such post is unverifiable (needs_token) and nothing is asked",
          "[meta][sources][e2e]") {
  TestServer server({"--routes", fixture_path("http/meta.json")});
  const Checked c = check(server, "--format json --no-cache");
  const json report = json::parse(c.run.out);
  CHECK(tweetcheck::test::schema_errors("check", c.run.out).empty());
  REQUIRE(report["posts"].size() == 15);
  for (const auto& p : report["posts"]) {
    INFO(p["status_url"]);
    CHECK(p["verdict"] == "unverifiable");
    CHECK(strings(p["reasons"]) == V{"needs_token"});
    CHECK(p["evidence"].empty());
  }
  CHECK(server.stats()["total"] == 0);
  // The reports that word reasons say why.
  const Checked words = check(server, "--format markdown --no-cache");
  CHECK(words.run.out.find("they need an access token (--meta-token or TWEETCHECK_META_TOKEN)") != std::string::npos);
}

TEST_CASE("meta: the token is in no report, log or cache; TWEETCHECK_META_TOKEN gives it too",
          "[meta][sources][e2e][cli]") {
  TestServer server({"--routes", fixture_path("http/meta.json")});
  tweetcheck::test::TempDir dir("meta-cache");
  const std::string cache = dir / "cache.sqlite";
  // Every report format and a verbose log, the first run filling the cache.
  std::map<std::string, std::string> outputs;
  for (const char* format : {"json", "text", "sarif", "html", "csv", "markdown", "junit", "jsonl"}) {
    const Checked c =
        check(server, std::string("-v --format ") + format + " --cache '" + cache + "' --meta-token '" + k_token + "'");
    outputs[format] = c.run.out;
    outputs[std::string(format) + " log"] = c.err;
  }
  const std::string secret = "s3cr3tAppSecretForTests";
  for (const auto& [name, text] : outputs) {
    INFO(name);
    CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("access_token") == std::string::npos);
  }
  CHECK(outputs["text"].find("misattributed") != std::string::npos);
  const std::string cached = tweetcheck::test::read_file(cache);
  CHECK(!cached.empty());
  CHECK(cached.find(secret) == std::string::npos);
  CHECK(cached.find("instagram_oembed?url=") != std::string::npos); // the answers are cached, by URL
  // The environment variable: the same verdicts, from the cache (no new request for a cached answer).
  const long before = server.stats()["total"];
  const Checked env =
      check(server, "--format json --cache '" + cache + "'", "TWEETCHECK_META_TOKEN='" + k_token + "' ");
  const auto posts = by_permalink(json::parse(env.run.out));
  CHECK(first(posts, k_ig_verified)["verdict"] == "verified");
  CHECK(first(posts, k_ig_verified)["evidence"][0]["from_cache"] == true);
  CHECK(first(posts, k_th_token)["verdict"] == "unverifiable"); // a refused token is never cached
  CHECK(strings(first(posts, k_th_token)["reasons"]) == V{"auth_error"});
  const json stats = server.stats();
  CHECK(stats["total"].get<long>() > before);
  CHECK(stats["authorization"]["/v1.0/oembed?url=https%3A%2F%2Fwww.threads.net%2F%40someone%2Fpost%2FC9tOkEn0001"] ==
        "Bearer " + k_token);
  CHECK(env.run.out.find(secret) == std::string::npos);
  // --meta-token wins over the environment.
  const Checked both =
      check(server, "--format json --no-cache --meta-token '" + k_token + "'", "TWEETCHECK_META_TOKEN=other-token ");
  CHECK(first(by_permalink(json::parse(both.run.out)), k_ig_verified)["verdict"] == "verified");
  CHECK(server.stats()
            ["authorization"]
            ["/v26.0/instagram_oembed?url=https%3A%2F%2Fwww.instagram.com%2Fp%2FB9bOM-6Ax_d%2F&omitscript=true"] ==
        "Bearer " + k_token);
}

TEST_CASE("meta: Graph API errors mean what their codes say", "[meta][sources]") {
  using sources::Answer;
  using sources::SourceId;
  auto graph = [](long status, const std::string& body) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    return sources::parse_meta_oembed(SourceId::instagram_oembed, r, "https://www.instagram.com/p/X/");
  };
  auto error = [&](long code, long sub = 0) {
    json e{{"message", "m"}, {"type", "OAuthException"}, {"code", code}};
    if (sub) e["error_subcode"] = sub;
    return graph(400, json{{"error", e}}.dump());
  };
  for (long code : {4L, 17L, 32L, 613L, 80001L}) {
    INFO(code);
    CHECK(error(code).kind == Answer::Kind::error);
    CHECK(error(code).reason == Reason::rate_limited);
  }
  for (long code : {190L, 102L, 10L, 200L}) {
    INFO(code);
    CHECK(error(code).reason == Reason::auth_error);
  }
  CHECK(error(100, 33).kind == Answer::Kind::missing);
  CHECK(error(100, 33).reason == Reason::deleted);
  CHECK(error(100).reason == Reason::unavailable); // a parameter refused, no word of a removal
  CHECK(error(1).reason == Reason::network_error);
  CHECK(graph(404, "not json").reason == Reason::deleted);
  CHECK(graph(429, "").reason == Reason::rate_limited);
  CHECK(graph(200, R"({"version":"1.0","provider_name":"Instagram"})").reason == Reason::malformed_response);
  CHECK(graph(200, R"({"html":["not","a","string"]})").reason == Reason::malformed_response);
  // An answer about another post than the one asked is not read as this one's.
  CHECK(graph(200, json{{"html", "<blockquote class=\"instagram-media\" data-instgrm-permalink="
                                 "\"https://www.instagram.com/p/OTHER/\"><p>A post shared by A (@a)</p></blockquote>"}}
                       .dump())
            .reason == Reason::malformed_response);
  HttpResponse other_video;
  other_video.status = 200;
  other_video.body = json{{"html", "<div class=\"fb-video\" data-href=\"https://www.facebook.com/x/videos/222/\">"
                                   "<blockquote cite=\"https://www.facebook.com/x/videos/222/\"></blockquote></div>"}}
                         .dump();
  CHECK(sources::parse_meta_oembed(SourceId::facebook_oembed, other_video, "https://www.facebook.com/x/videos/111/")
            .reason == Reason::malformed_response);
  CHECK(sources::parse_meta_oembed(SourceId::facebook_oembed, other_video, "https://www.facebook.com/x/videos/222/")
            .kind == Answer::Kind::found);
  // A video permalink goes to oembed_video, a post to oembed_post.
  CHECK(sources::meta_oembed_url(SourceId::facebook_oembed, "https://www.facebook.com/x/videos/1/")
            .find("/oembed_video?url=") != std::string::npos);
  CHECK(sources::meta_oembed_url(SourceId::facebook_oembed, "https://www.facebook.com/x/posts/1")
            .find("/oembed_post?url=") != std::string::npos);
}
