// JUnit XML, CSV and Markdown: the pipeline-facing formats.
#include <map>

#include "report/escape.hpp"
#include "report/report_internal.hpp"

namespace tweetcheck::detail {

namespace {

std::string reasons_joined(const CheckedPost& c, const char* sep) {
  std::string out;
  for (std::size_t k = 0; k < c.reasons.size(); ++k) out += (k ? sep : "") + c.reasons[k];
  return out;
}

std::string test_name(const CheckedPost& c) {
  return "line " + std::to_string(c.post.where.line) + ":" + std::to_string(c.post.where.column) +
         (c.post.handle ? " @" + *c.post.handle : std::string()) +
         (c.post.status_id ? " " + *c.post.status_id : std::string());
}

} // namespace

void write_junit(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  // One test suite per article, one test case per post.
  std::map<std::string, std::vector<const CheckedPost*>> by_file;
  std::vector<std::string> order;
  for (const auto& c : posts) {
    if (!by_file.count(c.post.where.file)) order.push_back(c.post.where.file);
    by_file[c.post.where.file].push_back(&c);
  }
  const Summary s = summarize(posts, o.fail_on);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tweetcheck\" tests=\"" << s.posts
      << "\" failures=\"" << s.failed << "\" errors=\"0\"";
  if (o.generated_at_ms > 0) out << " timestamp=\"" << iso_time(o.generated_at_ms) << '"';
  out << ">\n";
  for (const std::string& file : order) {
    const auto& list = by_file[file];
    std::size_t failures = 0, skipped = 0;
    for (const CheckedPost* c : list) {
      failures += fails(*c, o.fail_on) ? 1 : 0;
      skipped += c->ignored ? 1 : 0;
    }
    out << "  <testsuite name=\"" << html_escape(file) << "\" tests=\"" << list.size() << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
    for (const CheckedPost* c : list) {
      out << "    <testcase name=\"" << html_escape(test_name(*c)) << "\" classname=\"" << html_escape(file)
          << "\" file=\"" << html_escape(file) << "\" line=\"" << c->post.where.line << "\">\n";
      const std::string verdict(to_string(c->verdict));
      std::string detail_text = verdict + (c->reasons.empty() ? "" : " (" + reasons_joined(*c, ", ") + ")");
      for (const auto& r : c->reasons) detail_text += "\n" + std::string(reason_text(r));
      if (c->post.text) detail_text += "\narticle:  " + *c->post.text;
      if (c->original)
        detail_text += "\noriginal: " + detail::shown_text(*c->original) + "\nsource:   " + c->original->source + " " +
                       c->original->url;
      if (c->ignored) {
        out << "      <skipped message=\""
            << html_escape("ignored: " + (c->ignore_note.empty() ? verdict : c->ignore_note)) << "\"/>\n";
      } else if (fails(*c, o.fail_on)) {
        out << "      <failure message=\"" << html_escape(verdict + ": " + reasons_joined(*c, ", ")) << "\" type=\""
            << verdict << "\">" << html_escape(detail_text) << "</failure>\n";
      }
      out << "      <system-out>" << html_escape(detail_text) << "</system-out>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void write_csv(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  out << "file,line,column,platform,form,handle,display_name,status_id,date_text,date,verdict,reasons,notes,failed,"
         "ignored,source,original_url,live_url,article_text,original_text\r\n";
  for (const auto& c : posts) {
    const Post& p = c.post;
    std::string notes;
    for (std::size_t k = 0; k < c.notes.size(); ++k) notes += (k ? ";" : "") + c.notes[k];
    const std::string fields[] = {p.where.file,
                                  std::to_string(p.where.line),
                                  std::to_string(p.where.column),
                                  std::string(to_string(p.platform)),
                                  std::string(to_string(p.form)),
                                  p.handle.value_or(""),
                                  p.display_name.value_or(""),
                                  p.status_id.value_or(""),
                                  p.date_text.value_or(""),
                                  p.date.value_or(""),
                                  std::string(to_string(c.verdict)),
                                  reasons_joined(c, ";"),
                                  notes,
                                  fails(c, o.fail_on) ? "true" : "false",
                                  c.ignored ? "true" : "false",
                                  c.original ? c.original->source : "",
                                  c.original ? c.original->url : "",
                                  live_url(c),
                                  p.text.value_or(""),
                                  c.original ? detail::shown_text(*c.original) : ""};
    for (std::size_t k = 0; k < std::size(fields); ++k) out << (k ? "," : "") << csv_field(fields[k]);
    out << "\r\n";
  }
}

void write_markdown(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  const Summary s = summarize(posts, o.fail_on);
  out << "### tweetcheck: " << (s.failed ? "❌ " : "✅ ") << md_cell(summary_line(s)) << "\n\n";
  if (posts.empty()) return;
  out << "| | Verdict | Where | Post | Why |\n|---|---|---|---|---|\n";
  for (const auto& c : posts) {
    const char* mark = c.ignored ? "➖" : fails(c, o.fail_on) ? "❌" : c.verdict == Verdict::verified ? "✅" : "⚠️";
    std::string post = c.post.handle ? "@" + *c.post.handle : std::string();
    if (const std::string live = live_url(c);
        is_http_url(live) && live.find_first_of("()<>[]") == std::string::npos && c.post.status_id) {
      post += (post.empty() ? "" : " ") + std::string("[") + *c.post.status_id + "](" + live + ")";
    }
    std::string why;
    for (std::size_t k = 0; k < c.reasons.size(); ++k) why += (k ? " " : "") + std::string(reason_text(c.reasons[k]));
    if (c.ignored) why += " (ignored" + (c.ignore_note.empty() ? std::string() : ": " + c.ignore_note) + ")";
    out << "| " << mark << " | " << to_string(c.verdict) << " | "
        << md_code(c.post.where.file + ":" + std::to_string(c.post.where.line)) << " | " << md_cell(post) << " | "
        << md_cell(why) << " |\n";
  }
}

} // namespace tweetcheck::detail
