// The HTML report: one self-contained page for a fact-checker (inline CSS, no script, no fetch).
#include <algorithm>
#include <iterator>

#include "core/text_util.hpp"
#include "report/escape.hpp"
#include "report/report_internal.hpp"

namespace tweetcheck::detail {

namespace {

const char* k_style = R"css(
body{font:16px/1.5 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header,main,footer{max-width:1100px;margin:0 auto;padding:16px 24px}
header{background:#fff;border-bottom:1px solid #d8dde3;max-width:none}
h1{margin:0 0 4px;font-size:24px}h2{font-size:18px;margin:0 0 8px}h3{font-size:14px;margin:0 0 6px;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d8dde3;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-size:14px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.v-verified{background:#1a7f37}.v-altered{background:#cf222e}.v-misattributed{background:#bc4c00}.v-missing{background:#8250df}.v-unverifiable{background:#6e7781}
.post{background:#fff;border:1px solid #d8dde3;border-left:6px solid #6e7781;border-radius:6px;margin:20px 0;padding:16px}
.post.verified{border-left-color:#1a7f37}.post.altered{border-left-color:#cf222e}.post.misattributed{border-left-color:#bc4c00}.post.missing{border-left-color:#8250df}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin:12px 0}
.side{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:6px;padding:10px;white-space:pre-wrap;word-wrap:break-word}
.added{background:#d1f7d6;text-decoration:none;border-bottom:2px solid #1a7f37}
.removed{background:#ffd8d3;border-bottom:2px solid #cf222e}
.reasons li{margin:2px 0}.meta{color:#57606a;font-size:14px}.ignored{color:#57606a;font-style:italic}
.evidence td{font-size:13px}.evidence code{word-break:break-all}
a{color:#0969da}
@media (max-width:720px){.compare{grid-template-columns:1fr}}
)css";

} // namespace

const char* report_style() { return k_style; }

namespace {

std::string label(Verdict v) {
  switch (v) {
  case Verdict::verified: return "Verified";
  case Verdict::altered: return "Altered";
  case Verdict::misattributed: return "Misattributed";
  case Verdict::missing: return "Missing";
  case Verdict::unverifiable: return "Unverifiable";
  }
  return "";
}

std::string host_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const std::size_t h = scheme + 3;
  std::size_t e = url.find_first_of("/?#\\", h);
  if (e == std::string::npos) e = url.size();
  std::string host = url.substr(h, e - h);
  if (host.find('@') != std::string::npos) return {}; // user info: not a link
  host = ascii_lower(host.substr(0, host.find(':')));
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

/// An http(s) URL whose host is the Wayback Machine's (`archive`) or Twitter's / X's.
bool link_ok(const std::string& url, bool archive) {
  if (!is_http_url(url)) return false;
  const std::string host = host_of(url);
  static const char* const k_archive[] = {"web.archive.org", "archive.org"};
  static const char* const k_live[] = {"twitter.com", "www.twitter.com", "mobile.twitter.com",
                                       "x.com",       "www.x.com",       "mobile.x.com"};
  if (archive) return std::any_of(std::begin(k_archive), std::end(k_archive), [&](const char* h) { return host == h; });
  if (std::any_of(std::begin(k_live), std::end(k_live), [&](const char* h) { return host == h; })) return true;
  return false;
}

/// The words of one side, with those only on this side marked.
std::string side_html(const std::vector<DiffWord>& diff, bool article, const std::string& fallback) {
  if (diff.empty()) return html_escape(fallback);
  // Each side in its own spelling: a kept word as the original writes it on the original's side.
  std::string out;
  for (const DiffWord& d : diff) {
    const bool shown =
        d.op == DiffWord::Op::same || (article ? d.op == DiffWord::Op::added : d.op == DiffWord::Op::removed);
    if (!shown) continue;
    if (!out.empty() && !d.joined) out += ' ';
    if (d.op == DiffWord::Op::same) {
      out += html_escape(!article && !d.original.empty() ? d.original : d.word);
    } else if (article) {
      out += "<ins class=\"added\" title=\"only in the article\">" + html_escape(d.word) + "</ins>";
    } else {
      out += "<del class=\"removed\" title=\"only in the original\">" + html_escape(d.word) + "</del>";
    }
  }
  return out;
}

} // namespace

void write_html(std::ostream& out, const std::vector<CheckedPost>& posts, const ReportOptions& o) {
  const Summary s = summarize(posts, o.fail_on);
  // No script, no fetch, no frame: whatever a post or a source wrote cannot run or load anything.
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>tweetcheck report</title><style>" << k_style << "</style></head><body>\n";
  out << "<header><h1>tweetcheck report</h1><p class=\"meta\">" << html_escape(summary_line(s));
  if (o.generated_at_ms > 0) out << " &middot; generated " << iso_time(o.generated_at_ms);
  out << " &middot; tweetcheck " << TWEETCHECK_VERSION << "</p>";
  if (!o.html_downloads.empty()) {
    out << "<nav class=\"downloads\" aria-label=\"Downloads\"><p class=\"meta\">Download:";
    for (const auto& [text, href] : o.html_downloads)
      out << " <a href=\"" << html_escape(href) << "&amp;download=1\" download>" << html_escape(text) << "</a>";
    out << "</p></nav>";
  }
  out << "</header>\n<main>\n";
  // Summary table.
  out << "<h2>Summary</h2>\n<table class=\"summary\"><tr><th>Verdict</th><th>Posts</th></tr>\n";
  for (Verdict v :
       {Verdict::verified, Verdict::altered, Verdict::misattributed, Verdict::missing, Verdict::unverifiable}) {
    auto it = s.by_verdict.find(std::string(to_string(v)));
    out << "<tr><td><span class=\"badge v-" << to_string(v) << "\">" << label(v) << "</span></td><td>"
        << (it == s.by_verdict.end() ? 0 : it->second) << "</td></tr>\n";
  }
  out << "</table>\n<h2 style=\"margin-top:20px\">Posts</h2>\n<table "
         "class=\"index\"><tr><th>#</th><th>Verdict</th><th>Where</th>"
      << "<th>Post</th><th>Why</th></tr>\n";
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const CheckedPost& c = posts[i];
    out << "<tr><td><a href=\"#post-" << i + 1 << "\">" << i + 1 << "</a></td><td><span class=\"badge v-"
        << to_string(c.verdict) << "\">" << label(c.verdict) << "</span>"
        << (c.ignored ? " <span class=\"ignored\">ignored</span>" : "") << "</td><td>" << html_escape(c.post.where.file)
        << ':' << c.post.where.line << "</td><td>"
        << html_escape(c.post.handle ? "@" + *c.post.handle : std::string("")) << "</td><td>";
    for (std::size_t k = 0; k < c.reasons.size(); ++k) out << (k ? " " : "") << html_escape(reason_text(c.reasons[k]));
    out << "</td></tr>\n";
  }
  out << "</table>\n";
  // One card per post.
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const CheckedPost& c = posts[i];
    const Post& p = c.post;
    out << "<article class=\"post " << to_string(c.verdict) << "\" id=\"post-" << i + 1 << "\" data-verdict=\""
        << to_string(c.verdict) << "\" data-status-id=\"" << html_escape(p.status_id.value_or(""))
        << "\">\n<h2><span class=\"badge v-" << to_string(c.verdict) << "\">" << label(c.verdict) << "</span> "
        << html_escape(p.where.file) << ':' << p.where.line << ':' << p.where.column << "</h2>\n<p class=\"meta\">"
        << html_escape(p.display_name.value_or("")) << (p.handle ? " @" + html_escape(*p.handle) : std::string(""))
        << (p.date_text ? " &middot; " + html_escape(*p.date_text) : std::string(""))
        << (p.status_id ? " &middot; post " + html_escape(*p.status_id) : std::string("")) << "</p>\n";
    if (c.ignored)
      out << "<p class=\"ignored\">Accepted in the ignore file"
          << (c.ignore_note.empty() ? "" : ": " + html_escape(c.ignore_note)) << "</p>\n";
    if (!c.reasons.empty()) {
      out << "<ul class=\"reasons\">";
      for (const auto& r : c.reasons)
        out << "<li>" << html_escape(reason_text(r)) << " <code>" << html_escape(r) << "</code></li>";
      out << "</ul>\n";
    }
    if (p.text || c.original) {
      out << "<div class=\"compare\"><div><h3>As the article shows it</h3><div class=\"side article\">"
          << side_html(c.diff, true, p.text.value_or("(no text shown)")) << "</div></div><div><h3>The original"
          << (c.original ? " (" + html_escape(c.original->source) + ")" : std::string(""))
          << "</h3><div class=\"side original\">"
          << side_html(c.diff, false, c.original ? shown_text(*c.original) : std::string("(no source could show it)"))
          << "</div></div></div>\n";
    }
    out << "<p class=\"links\">";
    // Links only to http(s) URLs of the hosts they name: a post on its platform, a copy on the
    // Wayback Machine. Any other URL (javascript:, a look-alike host) is shown as text.
    // (Other platforms' permalinks, on any Mastodon instance, were recognised by the scanner.)
    if (const std::string live = live_url(c);
        p.platform == Platform::twitter ? link_ok(live, false) : is_http_url(live)) {
      out << "<a href=\"" << html_escape(live) << "\">Live post</a> ";
    } else if (!live.empty()) {
      out << "Live post: <code>" << html_escape(live) << "</code> ";
    }
    if (c.original && link_ok(c.original->url, true)) {
      out << "&middot; <a href=\"" << html_escape(c.original->url) << "\">Archived copy</a> ";
    } else if (p.status_id && p.handle) {
      out << "&middot; <a href=\"https://web.archive.org/web/*/twitter.com/" << html_escape(*p.handle) << "/status/"
          << html_escape(*p.status_id) << "\">Archived copies</a>";
    }
    out << "</p>\n";
    for (const auto& n : c.notes) out << "<p class=\"meta\">Note: " << html_escape(n) << "</p>\n";
    if (!c.evidence.empty()) {
      out << "<table "
             "class=\"evidence\"><tr><th>Source</th><th>URL</th><th>Status</th><th>Fetched</th><th>SHA-256</th></tr>\n";
      for (const Evidence& e : c.evidence) {
        out << "<tr><td>" << html_escape(e.source) << (e.from_cache ? " (cache)" : "") << "</td><td><code>"
            << html_escape(e.url) << "</code></td><td>" << e.status;
        if (!e.detail.empty()) out << "<br><span class=\"meta\">" << html_escape(e.detail) << "</span>";
        out << "</td><td>" << iso_time(e.fetched_at_ms) << "</td><td><code>" << html_escape(e.sha256)
            << "</code></td></tr>\n";
      }
      out << "</table>\n";
    }
    out << "</article>\n";
  }
  out << "</main>\n<footer class=\"meta\">Checked by tweetcheck against the sources named on each post. "
      << "The SHA-256 of every answer lets anyone confirm what a source said.</footer>\n</body></html>\n";
}

} // namespace tweetcheck::detail
