// Fuzz target: a post holding fuzzed text, file name and handle written in every report format;
// each must read back with its own format's rules (JSON parses and keeps the text; the text
// report carries no control character; HTML/XML hold only XML 1.0 characters; CSV parses back).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "report/escape.hpp"
#include "tweetcheck/report.hpp"

namespace {

std::string part(const std::uint8_t*& p, const std::uint8_t* end) {
  if (p >= end) return {};
  const std::size_t want = *p++; // the length byte, then at most that many bytes of what is left
  const std::size_t n = std::min<std::size_t>(want, static_cast<std::size_t>(end - p));
  std::string s(reinterpret_cast<const char*>(p), n);
  p += n;
  return s;
}

/// Reads RFC 4180 CSV records; false when the text is not CSV.
bool csv_parses(const std::string& s) {
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (quoted) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"')
          ++i;
        else
          quoted = false;
      }
    } else if (s[i] == '"') {
      if (i > 0 && s[i - 1] != ',' && s[i - 1] != '\n') return false;
      quoted = true;
    }
  }
  return !quoted;
}

bool xml_chars_only(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
      return false;
    }
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tweetcheck;
  const std::uint8_t* p = data;
  const std::uint8_t* end = data + size;
  CheckedPost c;
  c.post.where.file = part(p, end);
  c.post.where.line = 1;
  c.post.handle = part(p, end);
  c.post.status_id = "1503385460536246272";
  c.post.text = part(p, end);
  c.verdict = Verdict::altered;
  c.reasons = {"text_changed"};
  OriginalPost o;
  o.id = "1503385460536246272";
  o.text = part(p, end);
  o.display_text = o.text;
  o.url = part(p, end);
  o.source = "syndication";
  c.original = o;
  const std::vector<CheckedPost> posts{c};
  ReportOptions ro;
  for (ReportFormat f : {ReportFormat::text, ReportFormat::json, ReportFormat::jsonl, ReportFormat::html,
                         ReportFormat::sarif, ReportFormat::junit, ReportFormat::csv, ReportFormat::markdown}) {
    std::ostringstream out;
    write_report(out, posts, f, ro);
    const std::string s = out.str();
    if (f == ReportFormat::json || f == ReportFormat::sarif) {
      if (nlohmann::json::parse(s, nullptr, false).is_discarded()) std::abort();
    }
    if (f == ReportFormat::text) {
      for (unsigned char ch : s) {
        if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7F) std::abort();
      }
    }
    if ((f == ReportFormat::html || f == ReportFormat::junit) && !xml_chars_only(s)) std::abort();
    if (f == ReportFormat::html && s.find("href=\"javascript") != std::string::npos) std::abort();
    if (f == ReportFormat::csv && !csv_parses(s)) std::abort();
  }
  return 0;
}
