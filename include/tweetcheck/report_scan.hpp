#pragma once
/// The scan report: posts as JSON, JSONL or text. Written to the stream given; the library never
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
