// The tables of reasons, notes and sources: every row documented (README, schema), read the same
// way by the writers, the verifier and --sources.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "support/fixtures.hpp"
#include "tweetcheck/report.hpp"
#include "verify/reasons.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using tweetcheck::test::read_file;
using tweetcheck::test::source_path;

namespace {

/// The reason codes the check schema allows.
std::set<std::string> schema_reasons() {
  const auto schema = nlohmann::json::parse(read_file(source_path("schemas/check.schema.json")));
  std::set<std::string> out;
  for (const auto& v : schema["$defs"]["post"]["properties"]["reasons"]["items"]["enum"])
    out.insert(v.get<std::string>());
  return out;
}

bool in_readme(const std::string& readme, const std::string& code) {
  return readme.find("`" + code + "`") != std::string::npos;
}

} // namespace

TEST_CASE("every reason a post can carry is in the README and the schema, and no other", "[table][reasons]") {
  const std::string readme = read_file(source_path("README.md"));
  std::set<std::string> post_reasons;
  for (const ReasonInfo& r : reason_table()) {
    INFO(r.code);
    CHECK(find_reason(r.code) == r.id);
    CHECK(code(r.id) == r.code);
    CHECK(in_readme(readme, std::string(r.code)));
    if (r.use == ReasonUse::post) post_reasons.insert(std::string(r.code));
  }
  CHECK(post_reasons == schema_reasons());
  CHECK(!find_reason("bogus"));
}

TEST_CASE("every note is in the README, with its argument", "[table][notes]") {
  const std::string readme = read_file(source_path("README.md"));
  for (const NoteInfo& n : note_table()) {
    INFO(n.code);
    CHECK(!n.words.empty());
    CHECK((n.argument == NoteArgument::required) == !n.argument_name.empty());
    const std::string shown = n.argument == NoteArgument::required
                                  ? std::string(n.code) + ":" + std::string(n.argument_name)
                                  : std::string(n.code);
    CHECK(in_readme(readme, shown));
  }
  CHECK(note(Note::quotes, "1620346144158646272") == "quotes:1620346144158646272");
  CHECK(note(Note::edited_since) == "edited_since");
}

TEST_CASE("reports word a reason from the table; codes it does not have stay as they are", "[table][reasons]") {
  CHECK(reason_text("number_changed") == "A number differs from the original.");
  CHECK(reason_text(code(Reason::redirect_refused)) == info(Reason::redirect_refused).words);
  CHECK(reason_text("no_such_reason") == "no_such_reason");
  // A source's answer is never a post's reason: its code is shown as it is.
  CHECK(reason_text("malformed_response") == "malformed_response");
  for (const ReasonInfo& r : reason_table()) {
    INFO(r.code);
    // A SARIF rule is described by the words.
    if (!r.sarif_name.empty()) CHECK(!r.words.empty());
    if (r.use == ReasonUse::answer) CHECK(r.sarif_name.empty());
  }
  CHECK(sarif_rule_id(info(Reason::text_changed)) == "tweetcheck/altered/text_changed");
  CHECK(sarif_rule_id(info(Reason::account_gone)) == "tweetcheck/missing/account_gone");
}

TEST_CASE("every source is in the README; requests go to its first host, and its hosts name it", "[table][sources]") {
  const std::string readme = read_file(source_path("README.md"));
  for (const sources::Source& s : sources::source_table()) {
    INFO(s.name);
    CHECK(in_readme(readme, std::string(s.name)));
    CHECK(sources::find_source(s.name) == &s);
    CHECK(check_source_name(s.name).has_value());
    for (std::string_view h : s.hosts) {
      // A host two sources share (graph.facebook.com) names the first; its redirects stay among
      // the same hosts either way.
      if (h.empty()) continue;
      const sources::Source* owner = sources::find_source(sources::service_of("https://" + std::string(h) + "/x"));
      REQUIRE(owner);
      CHECK(std::find(owner->hosts.begin(), owner->hosts.end(), h) != owner->hosts.end());
      if (owner != &s) CHECK(owner->hosts == s.hosts);
    }
    if (s.request_url) {
      const std::string url = s.request_url("1420323141841846274");
      CHECK(url.rfind("https://" + std::string(s.hosts[0]) + "/", 0) == 0);
      CHECK(sources::service_of(url) == s.name);
    }
  }
  const auto defaults = default_sources();
  CHECK(defaults.size() == sources::source_table().size());
  for (const auto& name : defaults) CHECK(sources::find_source(name));
  CHECK(VerifyOptions{}.sources == defaults);
  CHECK(sources::service_of(sources::wayback_raw_url("20230101000000", "https://twitter.com/a/status/1")) ==
        sources::name(sources::SourceId::wayback));
}

TEST_CASE("--sources names are looked up in the table", "[table][sources]") {
  const auto bad = check_source_name("bogus");
  REQUIRE(!bad);
  CHECK(bad.error().code == Errc::usage);
  CHECK(bad.error().message == "unknown source 'bogus' (the sources: syndication, oembed, wayback, x-api, archive, "
                               "bluesky, mastodon, threads-oembed, instagram-oembed, facebook-oembed)");
  CHECK(!check_source_name(""));
  CHECK(!check_source_name("Syndication"));
}
