// SARIF 2.1.0: one rule per verdict/reason; a result per post that is not verified, located at
// the embed's line and column, so code-scanning viewers annotate the article's source.
#include <algorithm>
#include <optional>
#include <vector>

#include "report/report_internal.hpp"
#include "verify/reasons.hpp"

namespace tweetcheck::detail {

namespace {

using Json = nlohmann::ordered_json;

/// The rows of the reason table that are SARIF rules, in its order (their ruleIndex).
std::vector<const ReasonInfo*> sarif_rules() {
  std::vector<const ReasonInfo*> out;
  for (const ReasonInfo& r : reason_table()) {
    if (!r.sarif_name.empty()) out.push_back(&r);
  }
  return out;
}

} // namespace

void write_sarif(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  const std::vector<const ReasonInfo*> rule_rows = sarif_rules();
  Json rules = Json::array();
  for (const ReasonInfo* r : rule_rows) {
    const std::string verdict(to_string(r->verdict));
    const bool failing = std::find(o.fail_on.begin(), o.fail_on.end(), r->verdict) != o.fail_on.end();
    rules.push_back(Json{{"id", sarif_rule_id(*r)},
                         {"name", std::string(r->sarif_name)},
                         {"shortDescription", {{"text", verdict + ": " + std::string(r->words)}}},
                         {"fullDescription", {{"text", std::string(r->words)}}},
                         {"defaultConfiguration", {{"level", failing ? "error" : "note"}}},
                         {"properties", {{"verdict", verdict}, {"reason", std::string(r->code)}}}});
  }
  Json results = Json::array();
  for (const CheckedPost& c : posts) {
    if (c.verdict == Verdict::verified) continue;
    const std::string verdict(to_string(c.verdict));
    // The rule of the first reason, when it explains this verdict (a post without reasons reads
    // as unavailable).
    const std::optional<Reason> reason =
        c.reasons.empty() ? std::optional<Reason>(Reason::unavailable) : find_reason(c.reasons.front());
    const auto rule = std::find_if(rule_rows.begin(), rule_rows.end(), [&](const ReasonInfo* r) {
      return reason && r->id == *reason && r->verdict == c.verdict;
    });
    if (rule == rule_rows.end()) continue;
    const std::size_t index = static_cast<std::size_t>(rule - rule_rows.begin());
    std::string msg = verdict + ": ";
    for (std::size_t k = 0; k < c.reasons.size(); ++k) msg += (k ? " " : "") + std::string(reason_text(c.reasons[k]));
    if (c.post.handle) msg += " (@" + *c.post.handle;
    if (c.post.status_id) msg += std::string(c.post.handle ? ", " : " (") + "post " + *c.post.status_id;
    if (c.post.handle || c.post.status_id) msg += ")";
    Json region{{"startLine", std::max<std::uint32_t>(1, c.post.where.line)}};
    if (c.post.where.column > 0) region["startColumn"] = c.post.where.column;
    Json result{
        {"ruleId", sarif_rule_id(**rule)},
        {"ruleIndex", index},
        {"level", fails(c, o.fail_on) ? "error" : (c.ignored ? "note" : "warning")},
        {"message", {{"text", msg}}},
        {"locations", Json::array({{{"physicalLocation",
                                     {{"artifactLocation", {{"uri", c.post.where.file}}}, {"region", region}}}}})},
        {"partialFingerprints",
         {{"tweetcheckPost/v1",
           c.post.where.file + "#" + c.post.status_id.value_or(std::to_string(c.post.where.line))}}},
        {"properties",
         {{"verdict", verdict},
          {"platform", std::string(to_string(c.post.platform))},
          {"reasons", c.reasons},
          {"statusId", c.post.status_id.value_or("")},
          {"handle", c.post.handle.value_or("")},
          {"liveUrl", live_url(c)},
          {"source", c.original ? c.original->source : ""},
          {"originalUrl", c.original ? c.original->url : ""}}}};
    if (c.ignored) {
      result["suppressions"] =
          Json::array({{{"kind", "external"},
                        {"justification", c.ignore_note.empty() ? "accepted in the ignore file" : c.ignore_note}}});
    }
    results.push_back(std::move(result));
  }
  Json run{{"tool",
            {{"driver",
              {{"name", "tweetcheck"},
               {"version", TWEETCHECK_VERSION},
               {"semanticVersion", TWEETCHECK_VERSION},
               {"rules", rules}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", results}};
  if (o.generated_at_ms > 0) {
    run["invocations"] = Json::array({{{"executionSuccessful", true}, {"endTimeUtc", iso_time(o.generated_at_ms)}}});
  }
  out << Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({run})}}
             .dump(2, ' ', false, Json::error_handler_t::replace)
      << '\n';
}

} // namespace tweetcheck::detail
