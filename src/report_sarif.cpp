// SARIF 2.1.0: one rule per verdict/reason; a result per post that is not verified, located at
// the embed's line and column, so code-scanning viewers annotate the article's source.
#include "report_internal.hpp"

namespace tweetcheck::detail {

namespace {

using Json = nlohmann::ordered_json;

struct Rule {
  const char* verdict;
  const char* reason;
  const char* name;
};

constexpr Rule k_rules[] = {
    {"altered", "text_changed", "AlteredText"},           {"altered", "number_changed", "AlteredNumber"},
    {"altered", "negation_changed", "AlteredNegation"},   {"altered", "truncated", "TruncatedText"},
    {"altered", "text_added", "AddedText"},               {"misattributed", "handle_mismatch", "WrongAuthor"},
    {"misattributed", "date_mismatch", "WrongDate"},      {"missing", "deleted", "DeletedPost"},
    {"missing", "suspended", "SuspendedAccount"},         {"missing", "protected", "ProtectedPost"},
    {"missing", "withheld", "WithheldPost"},              {"missing", "age_restricted", "AgeRestrictedPost"},
    {"missing", "unavailable", "UnavailablePost"},        {"unverifiable", "network_error", "SourcesUnreachable"},
    {"unverifiable", "rate_limited", "SourcesRateLimited"}, {"unverifiable", "no_status_id", "NoStatusId"},
    {"unverifiable", "offline", "CheckedOffline"},        {"unverifiable", "unsupported_platform", "UnsupportedPlatform"},
    {"missing", "account_gone", "AccountGone"},           {"missing", "removed", "RemovedPost"},
    {"unverifiable", "redirect_refused", "SourceRedirectRefused"},
};

std::string rule_id(const std::string& verdict, const std::string& reason) { return "tweetcheck/" + verdict + "/" + reason; }

} // namespace

void write_sarif(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  Json rules = Json::array();
  for (const Rule& r : k_rules) {
    Verdict v = Verdict::unverifiable;
    for (Verdict x : {Verdict::altered, Verdict::misattributed, Verdict::missing, Verdict::unverifiable}) {
      if (to_string(x) == r.verdict) v = x;
    }
    const bool failing = std::find(o.fail_on.begin(), o.fail_on.end(), v) != o.fail_on.end();
    rules.push_back(Json{{"id", rule_id(r.verdict, r.reason)},
                         {"name", r.name},
                         {"shortDescription", {{"text", std::string(r.verdict) + ": " + std::string(reason_text(r.reason))}}},
                         {"fullDescription", {{"text", std::string(reason_text(r.reason))}}},
                         {"defaultConfiguration", {{"level", failing ? "error" : "note"}}},
                         {"properties", {{"verdict", r.verdict}, {"reason", r.reason}}}});
  }
  Json results = Json::array();
  for (const CheckedPost& c : posts) {
    if (c.verdict == Verdict::verified) continue;
    const std::string verdict(to_string(c.verdict));
    const std::string reason = c.reasons.empty() ? "unavailable" : c.reasons.front();
    std::size_t index = 0;
    bool known = false;
    for (std::size_t k = 0; k < std::size(k_rules); ++k) {
      if (verdict == k_rules[k].verdict && reason == k_rules[k].reason) {
        index = k;
        known = true;
      }
    }
    if (!known) continue;
    std::string msg = verdict + ": ";
    for (std::size_t k = 0; k < c.reasons.size(); ++k) msg += (k ? " " : "") + std::string(reason_text(c.reasons[k]));
    if (c.post.handle) msg += " (@" + *c.post.handle;
    if (c.post.status_id) msg += std::string(c.post.handle ? ", " : " (") + "post " + *c.post.status_id;
    if (c.post.handle || c.post.status_id) msg += ")";
    Json region{{"startLine", std::max<std::uint32_t>(1, c.post.where.line)}};
    if (c.post.where.column > 0) region["startColumn"] = c.post.where.column;
    Json result{{"ruleId", rule_id(verdict, reason)},
                {"ruleIndex", index},
                {"level", fails(c, o.fail_on) ? "error" : (c.ignored ? "note" : "warning")},
                {"message", {{"text", msg}}},
                {"locations", Json::array({{{"physicalLocation",
                                              {{"artifactLocation", {{"uri", c.post.where.file}}}, {"region", region}}}}})},
                {"partialFingerprints", {{"tweetcheckPost/v1", c.post.where.file + "#" + c.post.status_id.value_or(std::to_string(c.post.where.line))}}},
                {"properties", {{"verdict", verdict}, {"reasons", c.reasons}, {"statusId", c.post.status_id.value_or("")},
                                {"handle", c.post.handle.value_or("")}, {"liveUrl", live_url(c)},
                                {"source", c.original ? c.original->source : ""},
                                {"originalUrl", c.original ? c.original->url : ""}}}};
    if (c.ignored) {
      result["suppressions"] = Json::array({{{"kind", "external"}, {"justification", c.ignore_note.empty() ? "accepted in the ignore file" : c.ignore_note}}});
    }
    results.push_back(std::move(result));
  }
  Json run{{"tool", {{"driver", {{"name", "tweetcheck"}, {"version", TWEETCHECK_VERSION}, {"semanticVersion", TWEETCHECK_VERSION},
                                 {"rules", rules}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", results}};
  if (o.generated_at_ms > 0) {
    run["invocations"] = Json::array({{{"executionSuccessful", true}, {"endTimeUtc", iso_time(o.generated_at_ms)}}});
  }
  out << Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", Json::array({run})}}
             .dump(2, ' ', false, Json::error_handler_t::replace)
      << '\n';
}

} // namespace tweetcheck::detail
