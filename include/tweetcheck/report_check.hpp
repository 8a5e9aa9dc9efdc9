#pragma once
/// The check report in every format (text, json, jsonl, html, sarif, junit, csv, markdown), and
/// whether a checked post fails the run.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tweetcheck/result.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// The formats of `check` reports.
enum class ReportFormat { text, json, jsonl, html, sarif, junit, csv, markdown };

/// "text", "json", "jsonl", "html", "sarif", "junit", "csv", "markdown"; fails (Errc::usage) otherwise.
Result<ReportFormat> parse_report_format(std::string_view name);

struct ReportOptions {
  std::vector<Verdict> fail_on{Verdict::altered, Verdict::misattributed, Verdict::missing};
  bool color = false;               ///< text: ANSI colours (the CLI sets it on a terminal without NO_COLOR)
  std::int64_t generated_at_ms = 0; ///< when the report was made (SOURCE_DATE_EPOCH makes it fixed)
  std::vector<std::string> inputs;  ///< what was checked, for the report's header
  /// SARIF: the folder input paths are written relative to (as `%SRCROOT%`); files outside it get
  /// `file://` URIs. Empty: the working directory. Relative paths are taken from the working directory.
  std::string sarif_base;
  /// HTML: links shown in the header as (label, href): a desk server's downloads of the same result.
  std::vector<std::pair<std::string, std::string>> html_downloads;
};

/// True when the post fails the run: its verdict is in `fail_on` and no ignore rule accepts it.
bool fails(const CheckedPost& post, const std::vector<Verdict>& fail_on);

/// Writes a `check` report:
/// - text: per post file:line:column, verdict, reasons, article vs original with a word diff
///   (`-`/`+` markers, colours when asked), source and link; a summary line;
/// - json: {"schema": "tweetcheck/check/1", "posts": [...], "summary": {...}} (schemas/check.schema.json);
/// - jsonl: one post object per line;
/// - html: one self-contained page (inline CSS, no script);
/// - sarif: SARIF 2.1.0, one rule per verdict/reason, results at the embed's line and column;
/// - junit: JUnit XML, one test case per post, failures for verdicts in `fail_on`;
/// - csv: one row per post; markdown: a compact table for pull requests and CI summaries.
void write_report(std::ostream& out, const std::vector<CheckedPost>& posts, ReportFormat format,
                  const ReportOptions& options);

/// What a reason code means, in words ("number_changed" → "A number differs from the original.").
std::string_view reason_text(std::string_view reason);

} // namespace tweetcheck
