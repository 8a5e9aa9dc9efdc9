// check reports: dispatch, the shared wording, and the JSON, JSONL and text writers.
#include <algorithm>
#include <ctime>
#include <map>

#include <nlohmann/json.hpp>

#include "report/escape.hpp"
#include "report/report_internal.hpp"
#include "report/report_json.hpp"
#include "tweetcheck/report_check.hpp"
#include "verify/reasons.hpp"

namespace tweetcheck {

using Json = nlohmann::ordered_json;

Result<ReportFormat> parse_report_format(std::string_view name) {
  static const std::pair<std::string_view, ReportFormat> k_names[] = {
      {"text", ReportFormat::text}, {"json", ReportFormat::json},        {"jsonl", ReportFormat::jsonl},
      {"html", ReportFormat::html}, {"sarif", ReportFormat::sarif},      {"junit", ReportFormat::junit},
      {"csv", ReportFormat::csv},   {"markdown", ReportFormat::markdown}};
  for (const auto& [n, f] : k_names) {
    if (n == name) return f;
  }
  return fail(Errc::usage,
              "unknown format '" + std::string(name) + "' (text, json, jsonl, html, sarif, junit, csv, markdown)");
}

bool fails(const CheckedPost& post, const std::vector<Verdict>& fail_on) {
  return !post.ignored && std::find(fail_on.begin(), fail_on.end(), post.verdict) != fail_on.end();
}

std::string_view reason_text(std::string_view r) {
  const auto id = find_reason(r);
  if (!id) return r;
  const ReasonInfo& row = info(*id);
  return row.use == ReasonUse::post && !row.words.empty() ? row.words : r;
}

namespace detail {

const std::string& shown_text(const OriginalPost& o) { return o.display_text.empty() ? o.text : o.display_text; }

std::string iso_time(std::int64_t ms) {
  if (ms <= 0) return {};
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Summary summarize(const std::vector<CheckedPost>& posts, const std::vector<Verdict>& fail_on) {
  Summary s;
  for (const auto& c : posts) {
    ++s.by_verdict[std::string(to_string(c.verdict))];
    s.failed += fails(c, fail_on) ? 1 : 0;
    s.ignored += c.ignored ? 1 : 0;
  }
  s.posts = posts.size();
  return s;
}

std::string summary_line(const Summary& s) {
  std::string out = std::to_string(s.posts) + (s.posts == 1 ? " post: " : " posts: ");
  for (Verdict v : k_all_verdicts) {
    const std::string name(to_string(v));
    auto it = s.by_verdict.find(name);
    out +=
        (v == k_all_verdicts[0] ? "" : ", ") + std::to_string(it == s.by_verdict.end() ? 0 : it->second) + " " + name;
  }
  if (s.ignored) out += ", " + std::to_string(s.ignored) + " ignored";
  out += "; " + std::to_string(s.failed) + " failing";
  return out;
}

std::string live_url(const CheckedPost& c) {
  if (c.post.status_url) return *c.post.status_url;
  if (c.post.status_id && c.post.platform == Platform::twitter) {
    return "https://twitter.com/" + c.post.handle.value_or("i/web") + "/status/" + *c.post.status_id;
  }
  return {};
}

namespace {

/// A diff as JSON: each word with its side's spelling; `original` where the original spells a
/// kept word otherwise; `joined` where no space stands before it.
Json diff_json(const std::vector<DiffWord>& diff) {
  Json out = Json::array();
  for (const DiffWord& d : diff) {
    Json w{{"op", d.op == DiffWord::Op::same    ? "same"
                  : d.op == DiffWord::Op::added ? "added"
                                                : "removed"},
           {"word", d.word}};
    if (!d.original.empty()) w["original"] = d.original;
    if (d.joined) w["joined"] = true;
    out.push_back(std::move(w));
  }
  return out;
}

Json original_json(const OriginalPost& o) {
  return Json{{"id", o.id},
              {"text", o.text},
              {"display_text", o.display_text.empty() ? o.text : o.display_text},
              {"handle", o.handle},
              {"display_name", o.display_name},
              {"created_at", o.created_at},
              {"source", o.source},
              {"url", o.url}};
}

} // namespace

Json check_json(const CheckedPost& c, const std::vector<Verdict>& fail_on) {
  Json j = post_json(c.post);
  j["verdict"] = std::string(to_string(c.verdict));
  j["failed"] = fails(c, fail_on);
  j["ignored"] = c.ignored;
  if (c.ignored) j["ignore_note"] = c.ignore_note;
  j["reasons"] = c.reasons;
  j["notes"] = c.notes;
  j["diff"] = diff_json(c.diff);
  if (c.original) {
    j["original"] = original_json(*c.original);
  } else {
    j["original"] = nullptr;
  }
  if (c.latest) {
    Json latest = original_json(*c.latest);
    latest["diff"] = diff_json(c.latest_diff);
    j["latest_version"] = latest;
  }
  Json ev = Json::array();
  for (const Evidence& e : c.evidence) {
    Json item{{"url", e.url},       {"status", e.status}, {"fetched_at", iso_time(e.fetched_at_ms)},
              {"sha256", e.sha256}, {"source", e.source}, {"from_cache", e.from_cache}};
    if (!e.detail.empty()) item["detail"] = e.detail;
    ev.push_back(std::move(item));
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

} // namespace detail

namespace {

std::string one_line(const std::string& s) {
  std::string out;
  for (char ch : s) out.push_back(ch == '\n' ? ' ' : ch);
  return out;
}

void write_json(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  Json all = Json::array();
  for (const auto& c : posts) all.push_back(detail::check_json(c, o.fail_on));
  const detail::Summary s = detail::summarize(posts, o.fail_on);
  Json fail_list = Json::array();
  for (Verdict v : o.fail_on) fail_list.push_back(std::string(to_string(v)));
  Json summary{{"posts", s.posts}};
  for (Verdict v : k_all_verdicts) {
    const std::string name(to_string(v));
    auto it = s.by_verdict.find(name);
    summary[name] = it == s.by_verdict.end() ? 0 : it->second;
  }
  summary["ignored"] = s.ignored;
  summary["failed"] = s.failed;
  summary["fail_on"] = fail_list;
  out << Json{{"schema", "tweetcheck/check/1"}, {"posts", all}, {"summary", summary}}.dump(
             2, ' ', false, Json::error_handler_t::replace)
      << '\n';
}

void write_text(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  // Everything an article, a source or a file name wrote goes through T: no control character
  // reaches the terminal but the colours written here.
  const auto T = [](std::string_view s) { return detail::terminal_text(s); };
  const char* reset = o.color ? "\033[0m" : "";
  auto verdict_color = [&](Verdict v) -> const char* {
    if (!o.color) return "";
    switch (v) {
    case Verdict::verified: return "\033[32m";
    case Verdict::unverifiable: return "\033[33m";
    default: return "\033[1;31m";
    }
  };
  for (const auto& c : posts) {
    const Post& p = c.post;
    out << T(p.where.file) << ':' << p.where.line << ':' << p.where.column << ": " << verdict_color(c.verdict)
        << to_string(c.verdict) << reset;
    if (!c.reasons.empty()) {
      out << " (";
      for (std::size_t i = 0; i < c.reasons.size(); ++i) out << (i ? ", " : "") << T(c.reasons[i]);
      out << ')';
    }
    if (c.ignored) out << " [ignored" << (c.ignore_note.empty() ? "" : ": " + T(c.ignore_note)) << ']';
    out << '\n';
    out << "  post:     "
        << (p.platform != Platform::twitter ? std::string(to_string(p.platform)) + " " : std::string())
        << (p.handle ? "@" + T(*p.handle) + " " : std::string()) << T(p.status_id.value_or("(no status ID)"))
        << (p.date_text ? "  " + T(*p.date_text) : std::string()) << '\n';
    if (p.text) out << "  article:  " << T(one_line(*p.text)) << '\n';
    if (c.original) out << "  original: " << T(one_line(detail::shown_text(*c.original))) << '\n';
    if (!c.diff.empty()) {
      // Words only in the original are marked '-', words only in the article '+'.
      out << "  diff:    ";
      for (const DiffWord& d : c.diff) {
        if (!d.joined || d.op != DiffWord::Op::same) out << ' ';
        if (d.op == DiffWord::Op::same)
          out << T(d.word);
        else if (d.op == DiffWord::Op::removed)
          out << (o.color ? "\033[31m" : "") << '-' << T(d.word) << reset;
        else
          out << (o.color ? "\033[32m" : "") << '+' << T(d.word) << reset;
      }
      out << '\n';
    }
    if (c.original)
      out << "  source:   " << T(c.original->source) << "  " << T(c.original->url) << '\n';
    else if (const std::string live = detail::live_url(c); !live.empty())
      out << "  link:     " << T(live) << '\n';
    for (const auto& n : c.notes) out << "  note:     " << T(n) << '\n';
    if (c.latest)
      out << "  latest:   " << T(c.latest->id) << "  " << T(one_line(detail::shown_text(*c.latest))) << '\n';
    out << '\n';
  }
  out << detail::summary_line(detail::summarize(posts, o.fail_on)) << '\n';
}

} // namespace

void write_report(std::ostream& out, const std::vector<CheckedPost>& posts, ReportFormat format,
                  const ReportOptions& options) {
  switch (format) {
  case ReportFormat::json: write_json(out, posts, options); break;
  case ReportFormat::jsonl:
    for (const auto& c : posts)
      out << detail::check_json(c, options.fail_on).dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    break;
  case ReportFormat::text: write_text(out, posts, options); break;
  case ReportFormat::html: detail::write_html(out, posts, options); break;
  case ReportFormat::sarif: detail::write_sarif(out, posts, options); break;
  case ReportFormat::junit: detail::write_junit(out, posts, options); break;
  case ReportFormat::csv: detail::write_csv(out, posts, options); break;
  case ReportFormat::markdown: detail::write_markdown(out, posts, options); break;
  }
  out.flush();
}

} // namespace tweetcheck
