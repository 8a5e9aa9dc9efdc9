#pragma once
/// Writers for scan results. They write to the stream they are given; the library never
/// touches stdout itself.

#include <ostream>
#include <string>
#include <vector>

#include "tweetcheck/types.hpp"

namespace tweetcheck {

enum class ScanFormat { json, jsonl, text };

/// The JSON object of one post, as a compact string (IDs are JSON strings).
std::string post_to_json(const Post& post);

/// Streams scan results: begin(), then post() for each post in order, then end().
/// json: {"schema": "tweetcheck/scan/1", "posts": [...]}; jsonl: one post object per line;
/// text: one block per post headed by file:line:column.
class ScanWriter {
public:
  ScanWriter(std::ostream& out, ScanFormat format);
  void begin();
  void post(const Post& p);
  void end();

private:
  std::ostream& m_out;
  ScanFormat m_format;
  std::size_t m_count = 0;
};

} // namespace tweetcheck

#include "tweetcheck/resolve.hpp"

namespace tweetcheck {

enum class ResolveFormat { json, text };

/// {"schema": "tweetcheck/resolve/1", "results": [{url, final_url, chain, status_id, handle,
/// status, reason, from_cache}]} or, for people, one block per URL.
void write_resolutions(std::ostream& out, const std::vector<Resolution>& results, ResolveFormat format);

} // namespace tweetcheck

#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// The formats of `check` reports.
enum class ReportFormat { text, json, jsonl, html, sarif, junit, csv, markdown };

/// "text", "json", "jsonl", "html", "sarif", "junit", "csv", "markdown"; fails (Errc::usage) otherwise.
Result<ReportFormat> parse_report_format(std::string_view name);

struct ReportOptions {
  std::vector<Verdict> fail_on{Verdict::altered, Verdict::misattributed, Verdict::missing};
  bool color = false;            ///< text: ANSI colours (the CLI sets it on a terminal without NO_COLOR)
  std::int64_t generated_at_ms = 0; ///< when the report was made (SOURCE_DATE_EPOCH makes it fixed)
  std::vector<std::string> inputs;  ///< what was checked, for the report's header
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
