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

enum class CheckFormat { json, text };

/// {"schema": "tweetcheck/check/1", "posts": [...], "summary": {...}}: each post carries the scan
/// fields plus verdict, reasons, notes, diff, original, evidence, resolution and `failed` (its
/// verdict is in `fail_on`). Text: one block per post for people, then a summary line.
void write_check(std::ostream& out, const std::vector<CheckedPost>& posts, const std::vector<Verdict>& fail_on,
                 CheckFormat format);

} // namespace tweetcheck
