#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "report_json.hpp"
#include "tweetcheck/report.hpp"

namespace tweetcheck {

namespace {

using Json = nlohmann::ordered_json;

std::string iso_time(std::int64_t ms) {
  if (ms <= 0) return {};
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool in(const std::vector<Verdict>& list, Verdict v) { return std::find(list.begin(), list.end(), v) != list.end(); }

Json check_json(const CheckedPost& c, bool failed) {
  Json j = detail::post_json(c.post);
  j["verdict"] = std::string(to_string(c.verdict));
  j["failed"] = failed;
  j["reasons"] = c.reasons;
  j["notes"] = c.notes;
  Json diff = Json::array();
  for (const DiffWord& d : c.diff) {
    diff.push_back(Json{{"op", d.op == DiffWord::Op::same ? "same" : d.op == DiffWord::Op::added ? "added" : "removed"},
                        {"word", d.word}});
  }
  j["diff"] = diff;
  if (c.original) {
    const OriginalPost& o = *c.original;
    j["original"] = Json{{"id", o.id},           {"text", o.text},     {"handle", o.handle},
                         {"display_name", o.display_name}, {"created_at", o.created_at}, {"source", o.source},
                         {"url", o.url}};
  } else {
    j["original"] = nullptr;
  }
  Json ev = Json::array();
  for (const Evidence& e : c.evidence) {
    ev.push_back(Json{{"url", e.url}, {"status", e.status}, {"fetched_at", iso_time(e.fetched_at_ms)},
                      {"sha256", e.sha256}, {"source", e.source}, {"from_cache", e.from_cache}});
  }
  j["evidence"] = ev;
  if (c.resolution) {
    Json chain = Json::array();
    for (const Hop& h : c.resolution->chain) chain.push_back(Json{{"url", h.url}, {"status", h.status}});
    j["resolution"] = Json{{"url", c.resolution->url}, {"final_url", c.resolution->final_url}, {"chain", chain}};
  } else {
    j["resolution"] = nullptr;
  }
  return j;
}

std::string one_line(const std::string& s) {
  std::string out;
  for (char ch : s) out.push_back(ch == '\n' ? ' ' : ch);
  return out;
}

} // namespace

void write_check(std::ostream& out, const std::vector<CheckedPost>& posts, const std::vector<Verdict>& fail_on,
                 CheckFormat format) {
  std::map<std::string, int> counts{{"verified", 0}, {"altered", 0}, {"misattributed", 0}, {"missing", 0}, {"unverifiable", 0}};
  int failed = 0;
  for (const auto& c : posts) {
    ++counts[std::string(to_string(c.verdict))];
    failed += in(fail_on, c.verdict) ? 1 : 0;
  }
  if (format == CheckFormat::json) {
    Json all = Json::array();
    for (const auto& c : posts) all.push_back(check_json(c, in(fail_on, c.verdict)));
    Json fail_list = Json::array();
    for (Verdict v : fail_on) fail_list.push_back(std::string(to_string(v)));
    Json summary{{"posts", posts.size()}};
    for (const auto& [k, v] : counts) summary[k] = v;
    summary["failed"] = failed;
    summary["fail_on"] = fail_list;
    out << Json{{"schema", "tweetcheck/check/1"}, {"posts", all}, {"summary", summary}}.dump(2, ' ', false,
                                                                                         Json::error_handler_t::replace)
        << '\n';
    return;
  }
  for (const auto& c : posts) {
    const Post& p = c.post;
    out << p.where.file << ':' << p.where.line << ':' << p.where.column << ": " << to_string(c.verdict);
    if (!c.reasons.empty()) {
      out << " (";
      for (std::size_t i = 0; i < c.reasons.size(); ++i) out << (i ? ", " : "") << c.reasons[i];
      out << ')';
    }
    out << '\n';
    out << "  post:     " << (p.handle ? "@" + *p.handle + " " : std::string()) << p.status_id.value_or("(no status ID)")
        << (p.date_text ? "  " + *p.date_text : std::string()) << '\n';
    if (p.text) out << "  article:  " << one_line(*p.text) << '\n';
    if (c.original) {
      out << "  original: " << one_line(c.original->text) << '\n';
      out << "  source:   " << c.original->source << "  " << c.original->url << '\n';
    }
    if (!c.diff.empty()) {
      out << "  diff:     ";
      for (const DiffWord& d : c.diff) {
        if (d.op == DiffWord::Op::same) out << d.word << ' ';
        else if (d.op == DiffWord::Op::removed) out << "[-" << d.word << "-] ";
        else out << "{+" << d.word << "+} ";
      }
      out << '\n';
    }
    for (const auto& n : c.notes) out << "  note:     " << n << '\n';
    out << '\n';
  }
  out << posts.size() << " posts: " << counts["verified"] << " verified, " << counts["altered"] << " altered, "
      << counts["misattributed"] << " misattributed, " << counts["missing"] << " missing, " << counts["unverifiable"]
      << " unverifiable\n";
}

} // namespace tweetcheck
