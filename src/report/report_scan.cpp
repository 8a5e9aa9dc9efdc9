// The scan report: JSON, JSONL and text writers over posts as they are found.
#include <nlohmann/json.hpp>

#include "report/escape.hpp"
#include "report/report_json.hpp"
#include "tweetcheck/report_scan.hpp"

namespace tweetcheck {

namespace {

using Json = nlohmann::ordered_json;

Json opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

} // namespace

namespace detail {
nlohmann::ordered_json post_json(const Post& p) {
  Json links = Json::array();
  for (const Link& l : p.links) links.push_back(Json{{"url", l.url}, {"text", l.text}});
  return Json{
      {"file", p.where.file},
      {"line", p.where.line},
      {"column", p.where.column},
      {"platform", std::string(to_string(p.platform))},
      {"form", std::string(to_string(p.form))},
      {"handle", opt(p.handle)},
      {"display_name", opt(p.display_name)},
      {"date_text", opt(p.date_text)},
      {"date", opt(p.date)},
      {"status_id", opt(p.status_id)},
      {"status_url", opt(p.status_url)},
      {"text", opt(p.text)},
      {"links", links},
      {"hashtags", p.hashtags},
      {"mentions", p.mentions},
      {"cashtags", p.cashtags},
      {"content_hash", opt(p.content_hash)},
  };
}
} // namespace detail

namespace {

std::string one_line(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) out.push_back(c == '\n' ? ' ' : c);
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "…";
  }
  return out;
}

} // namespace

std::string post_to_json(const Post& post) {
  return detail::post_json(post).dump(-1, ' ', false, Json::error_handler_t::replace);
}

ScanWriter::ScanWriter(std::ostream& out, ScanFormat format) : m_out(out), m_format(format) {}

void ScanWriter::begin() {
  if (m_format == ScanFormat::json) m_out << "{\"schema\": \"tweetcheck/scan/1\", \"posts\": [";
}

void ScanWriter::post(const Post& p) {
  switch (m_format) {
  case ScanFormat::json: m_out << (m_count ? ",\n  " : "\n  ") << post_to_json(p); break;
  case ScanFormat::jsonl: m_out << post_to_json(p) << '\n'; break;
  case ScanFormat::text: {
    const auto T = [](std::string_view s) { return detail::terminal_text(s); }; // no control characters
    m_out << T(p.where.file) << ':' << p.where.line << ':' << p.where.column << ": " << to_string(p.platform) << ' '
          << to_string(p.form) << '\n';
    if (p.handle || p.display_name) {
      m_out << "  author: " << (p.display_name ? T(*p.display_name) + " " : std::string())
            << (p.handle ? "(@" + T(*p.handle) + ")" : std::string()) << '\n';
    }
    if (p.date_text)
      m_out << "  date:   " << T(*p.date_text) << (p.date ? " (" + T(*p.date) + ")" : std::string()) << '\n';
    if (p.status_id || p.status_url) {
      m_out << "  post:   " << T(p.status_url ? *p.status_url : *p.status_id) << '\n';
    }
    if (p.text) m_out << "  text:   " << T(one_line(*p.text, 160)) << '\n';
    for (const Link& l : p.links) m_out << "  link:   " << T(l.text) << " -> " << T(l.url) << '\n';
    m_out << '\n';
    break;
  }
  }
  ++m_count;
}

void ScanWriter::end() {
  if (m_format == ScanFormat::json) m_out << (m_count ? "\n]}\n" : "]}\n");
  if (m_format == ScanFormat::text) m_out << m_count << (m_count == 1 ? " post found\n" : " posts found\n");
  m_out.flush();
}

} // namespace tweetcheck
