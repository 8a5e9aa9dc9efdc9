#pragma once
// Shared by the check report writers (private).
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tweetcheck/report_check.hpp"

namespace tweetcheck::detail {

struct Summary {
  std::size_t posts = 0, failed = 0, ignored = 0;
  std::map<std::string, std::size_t> by_verdict;
};
Summary summarize(const std::vector<CheckedPost>& posts, const std::vector<Verdict>& fail_on);
std::string summary_line(const Summary& s);
/// What the original displays (its display text, else its text).
const std::string& shown_text(const OriginalPost& o);
std::string iso_time(std::int64_t ms);
/// The post's live permalink, when known.
std::string live_url(const CheckedPost& c);
nlohmann::ordered_json check_json(const CheckedPost& c, const std::vector<Verdict>& fail_on);

/// The HTML report's style sheet: verdict badges and colours, post cards, the side-by-side
/// comparison (the desk server's page uses it too, so both show a verdict alike).
const char* report_style();

void write_html(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o);
void write_sarif(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o);
void write_junit(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o);
void write_csv(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o);
void write_markdown(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o);

} // namespace tweetcheck::detail
