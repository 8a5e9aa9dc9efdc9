// The Mastodon source: every instance is its own host. A status permalink names the instance and
// the ID; the public API (GET /api/v1/statuses/ID, no token) gives the status, /history its
// earlier versions; an instance that cannot be reached falls back on the Wayback Machine.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "scan/scan_internal.hpp"
#include "tweetcheck/entities.hpp"
#include "verify/compare.hpp"
#include "verify/fetcher.hpp"
#include "verify/sources.hpp"

namespace tweetcheck::sources {

using nlohmann::json;

namespace {

/// `key` is absent, null or a string.
bool string_or_null(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() || it->is_string();
}

Answer answer(Answer::Kind kind, Reason reason) {
  Answer a;
  a.kind = kind;
  a.reason = reason;
  return a;
}

/// The instance's host without its port (for the handle).
std::string bare_host(const std::string& instance) { return instance.substr(0, instance.find(':')); }

/// The permalink of a status (the one the article links, else built from the answer).
std::string permalink_of(const MastodonStatus& s, const std::string& user) {
  return "https://" + s.instance + "/@" + user + "/" + s.id;
}

/// `account.acct` as a handle: a local account's acct has no '@', and gets "@INSTANCE".
std::string handle_of(const json& account, const MastodonStatus& s) {
  std::string acct = detail::string_field(account, "acct");
  if (!acct.empty() && acct.find('@') == std::string::npos) acct += "@" + bare_host(s.instance);
  return acct;
}

/// A status's (or a version's) content as the post shows it: the content warning first (which an
/// article may show or leave out), then the content's text read as the scanner reads embed HTML;
/// its links with their full URL and the shortened form Mastodon displays.
void read_content(OriginalPost& o, const std::string& content, const std::string& spoiler_text) {
  const detail::HtmlText t = detail::html_to_text(content);
  o.text = t.text;
  for (const auto& a : t.links) {
    // Only anchors that show a URL are links; @mentions and #hashtags are words.
    if (a.href.empty() || a.text.empty() || a.text[0] == '@' || a.text[0] == '#' || a.text[0] == '$') continue;
    const auto urls = extract_urls(a.text);
    if (urls.empty() || urls.front().start != 0) continue;
    o.links.push_back({a.text, a.shown == a.text ? std::string() : a.shown, a.href, PostLink::Kind::url});
  }
  const std::string warning = detail::trim_copy(spoiler_text);
  if (!warning.empty()) {
    // Shown before the text, as a reply's leading mentions are: the comparison takes it or not.
    o.reply_prefix = warning + "\n\n";
    o.text = o.reply_prefix + o.text;
  }
  finish_original(o);
}

/// The status object's fields have the documented types (an answer with any other is malformed).
bool status_shape_ok(const json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) return false;
  for (const char* f : {"content", "spoiler_text", "created_at", "edited_at", "url", "uri"}) {
    if (!string_or_null(j, f)) return false;
  }
  if (!j.contains("content") || !j["content"].is_string()) return false;
  if (!j.contains("account") || !j["account"].is_object()) return false;
  const json& a = j["account"];
  return a.contains("acct") && a["acct"].is_string() && string_or_null(a, "display_name") &&
         string_or_null(a, "username");
}

std::optional<OriginalPost> from_status(const json& j, const MastodonStatus& s, SourceId source) {
  if (!status_shape_ok(j) || detail::string_field(j, "id") != s.id) return std::nullopt;
  OriginalPost o;
  o.id = s.id;
  read_content(o, detail::string_field(j, "content"), detail::string_field(j, "spoiler_text"));
  o.handle = handle_of(j["account"], s);
  o.display_name = detail::string_field(j["account"], "display_name");
  o.created_at = detail::string_field(j, "created_at");
  o.source = name(source);
  o.url = detail::string_field(j, "url");
  if (o.url.empty()) o.url = permalink_of(s, detail::string_field(j["account"], "username"));
  return o;
}

bool edited(const HttpResponse& r) {
  const json j = detail::parse_json(r.body);
  return j.is_object() && !detail::string_field(j, "edited_at").empty();
}

bool wants_wayback(const VerifyOptions& o) {
  return std::find(o.sources.begin(), o.sources.end(), name(SourceId::wayback)) != o.sources.end();
}

/// The content of the `<meta>` whose property (or name) is `property`, entities decoded; any
/// attribute order (Mastodon writes content first).
std::string meta_content(const std::string& html, const std::string& property) {
  static const RE2 meta(R"re((?is)(<meta\b[^>]*>))re");
  static const RE2 content(R"re((?is)\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'))re");
  static const RE2 prop(R"re((?is)\b(?:property|name)\s*=\s*(?:"([^"]*)"|'([^']*)'))re");
  re2::StringPiece in(html);
  std::string tag;
  while (RE2::FindAndConsume(&in, meta, &tag)) {
    std::string p1, p2, c1, c2;
    if (!RE2::PartialMatch(tag, prop, &p1, &p2) || !detail::iequals(p1.empty() ? p2 : p1, property)) continue;
    if (RE2::PartialMatch(tag, content, &c1, &c2)) return decode_html_entities(c1.empty() ? c2 : c1);
  }
  return {};
}

/// Wayback for lookups whose instance did not answer (their original) or whose status is gone
/// (an archived copy): CDX for the permalink, then its newest capture.
void wayback(const std::vector<std::pair<Lookup*, MastodonStatus>>& which, Fetcher& fetcher, bool archive_copy) {
  const std::string source = name(SourceId::wayback);
  std::vector<HttpRequest> cdx;
  std::vector<std::pair<Lookup*, MastodonStatus>> asked;
  for (const auto& [l, s] : which) {
    if (l->wayback_tried) continue;
    l->wayback_tried = true;
    cdx.push_back({wayback_cdx_page_url(l->id), {}});
    asked.emplace_back(l, s);
  }
  if (cdx.empty()) return;
  auto cdx_answers = fetcher.fetch(cdx);
  std::vector<HttpRequest> captures;
  std::vector<std::tuple<Lookup*, MastodonStatus, std::string, std::string>> wanted; // raw, shown
  for (const auto& [l, s] : asked) {
    const auto& item = cdx_answers[wayback_cdx_page_url(l->id)];
    if (item.offline) {
      l->errors.insert(Reason::offline);
      continue;
    }
    add_evidence(l->evidence, item, source);
    if (!item.refused.empty()) {
      l->errors.insert(Reason::redirect_refused);
      continue;
    }
    if (auto t = transport_answer(item.response)) {
      l->errors.insert(t->reason);
      continue;
    }
    const auto rows = parse_cdx(item.response.body);
    if (rows.empty()) continue;
    const auto& [ts, original] = rows.back(); // the newest capture
    const std::string raw = wayback_raw_url(ts, original);
    captures.push_back({raw, {}});
    wanted.emplace_back(l, s, raw, wayback_page_url(ts, original));
  }
  auto got = fetcher.fetch(captures);
  for (const auto& [l, s, raw, shown] : wanted) {
    const auto& item = got[raw];
    if (item.offline) continue;
    add_evidence(l->evidence, item, source);
    const MastodonStatus& status = s; // (clang 14 cannot capture a structured binding)
    const std::string& page = shown;
    const Answer a = read_answer(item, [&](const HttpResponse& r) { return parse_mastodon_capture(r, status, page); });
    if (a.kind != Answer::Kind::found) {
      if (a.kind == Answer::Kind::error && a.reason != Reason::not_archived) l->errors.insert(a.reason);
      continue;
    }
    if (archive_copy)
      l->archived = a.original;
    else
      l->original = a.original;
  }
}

} // namespace

std::optional<MastodonStatus> mastodon_status(const std::string& permalink) {
  static const RE2 re(
      R"re((?i)^https?://([a-z0-9.-]+(?::[0-9]{1,5})?)/(?:@[a-z0-9_.-]+(?:@[a-z0-9.-]+)?|users/[a-z0-9_.-]+/statuses)/([0-9]{1,20})(?:/embed)?/?(?:[?#].*)?$)re");
  std::string host, id;
  if (!RE2::FullMatch(permalink, re, &host, &id)) return std::nullopt;
  return MastodonStatus{detail::ascii_lower(host), id};
}

std::string mastodon_status_url(const MastodonStatus& s) {
  return "https://" + s.instance + std::string(source(SourceId::mastodon).instance_path) + s.id;
}

std::string mastodon_history_url(const MastodonStatus& s) { return mastodon_status_url(s) + "/history"; }

Answer parse_mastodon_status(const HttpResponse& r, const MastodonStatus& s) {
  if (auto t = transport_answer(r)) return *t;
  if (r.status == 404) return answer(Answer::Kind::missing, Reason::deleted);
  // A private status, or an instance that requires authorised fetch.
  if (r.status == 401 || r.status == 403) return answer(Answer::Kind::error, Reason::instance_refused);
  if (r.status == 410) {
    // Gone: deleted, unless the error names the account's fate.
    const json j = detail::parse_json(r.body);
    const std::string words = j.is_object() ? detail::string_field(j, "error") : r.body.substr(0, 300);
    const TombstoneReading t = read_tombstone(words);
    static const RE2 account_gone(R"re((?i)\baccount\b.*\b(?:gone|deleted|no longer|removed)\b)re");
    if (t.known && t.reason != Reason::unavailable) return answer(Answer::Kind::missing, t.reason);
    if (RE2::PartialMatch(words, account_gone)) return answer(Answer::Kind::missing, Reason::account_gone);
    return answer(Answer::Kind::missing, Reason::deleted);
  }
  if (r.status != 200) return answer(Answer::Kind::error, Reason::network_error);
  const json j = detail::parse_json(r.body);
  auto o = from_status(j, s, SourceId::mastodon);
  if (!o) return answer(Answer::Kind::error, Reason::malformed_response);
  Answer a = answer(Answer::Kind::found, Reason::network_error);
  a.original = std::move(*o);
  return a;
}

std::vector<OriginalPost> parse_mastodon_history(const HttpResponse& r, const MastodonStatus& s) {
  std::vector<OriginalPost> out;
  if (r.failure != HttpFailure::none || r.status != 200) return out;
  const json j = detail::parse_json(r.body);
  if (!j.is_array()) return out;
  // Oldest first; the last one is the status as it is now.
  for (std::size_t i = 0; i + 1 < j.size(); ++i) {
    const json& v = j[i];
    if (!v.is_object() || !v.contains("content") || !v["content"].is_string() || !string_or_null(v, "spoiler_text") ||
        !string_or_null(v, "created_at")) {
      continue;
    }
    OriginalPost o;
    o.id = s.id;
    read_content(o, detail::string_field(v, "content"), detail::string_field(v, "spoiler_text"));
    if (v.contains("account") && v["account"].is_object()) {
      o.handle = handle_of(v["account"], s);
      o.display_name = detail::string_field(v["account"], "display_name");
    }
    o.created_at = detail::string_field(v, "created_at");
    o.source = name(SourceId::mastodon);
    out.push_back(std::move(o));
  }
  return out;
}

Answer parse_mastodon_capture(const HttpResponse& r, const MastodonStatus& s, const std::string& archived_url) {
  if (auto t = transport_answer(r)) return *t;
  if (r.status != 200) return answer(Answer::Kind::error, Reason::not_archived);
  const json j = detail::parse_json(r.body);
  std::optional<OriginalPost> o;
  if (!j.is_discarded()) {
    // An archived API answer.
    o = from_status(j, s, SourceId::wayback);
    if (!o) return answer(Answer::Kind::error, Reason::malformed_response);
  } else {
    // An archived status page: Mastodon writes the post into its og: tags (og:description is the
    // text, or "Content warning: …" alone; og:title "Name (@user@instance)").
    std::string text = meta_content(r.body, "og:description");
    if (text.empty() || text.rfind("Content warning: ", 0) == 0)
      return answer(Answer::Kind::error, Reason::not_archived);
    // "Attached: 1 image" comes first when the post has media.
    if (text.rfind("Attached: ", 0) == 0) {
      const auto para = text.find("\n\n");
      text = para == std::string::npos ? std::string() : text.substr(para + 2);
    }
    o.emplace();
    o->id = s.id;
    o->text = detail::trim_copy(text);
    const std::string title = meta_content(r.body, "og:title");
    static const RE2 credit(R"re((?s)^(.*?)\s*\(@([^()\s]+)\)\s*$)re");
    std::string who, acct;
    if (RE2::FullMatch(title, credit, &who, &acct)) {
      o->display_name = who;
      o->handle = acct.find('@') == std::string::npos ? acct + "@" + bare_host(s.instance) : acct;
    }
    o->created_at = meta_content(r.body, "og:published_time");
    finish_original(*o);
  }
  o->source = name(SourceId::wayback);
  o->url = archived_url;
  Answer a = answer(Answer::Kind::found, Reason::network_error);
  a.original = std::move(*o);
  return a;
}

void mastodon_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) {
  const std::string source = name(SourceId::mastodon);
  std::vector<HttpRequest> requests;
  std::vector<std::pair<Lookup*, MastodonStatus>> asked;
  std::map<std::string, MastodonStatus> status_of; // request URL -> status
  for (Lookup* l : todo) {
    auto s = mastodon_status(l->id);
    if (!s) continue;
    asked.emplace_back(l, *s);
    const std::string url = mastodon_status_url(*s);
    if (status_of.emplace(url, *s).second) requests.push_back({url, {}});
  }
  if (requests.empty()) return;
  // Only well-formed statuses are cached.
  auto accept = [status_of](const std::string& first, const HttpResponse& r) {
    auto it = status_of.find(first);
    if (it == status_of.end()) return true;
    const Answer a = parse_mastodon_status(r, it->second);
    return !(a.kind == Answer::Kind::error && a.reason == Reason::malformed_response);
  };
  auto answers = fetcher.fetch(requests, accept);
  std::vector<HttpRequest> history;
  std::vector<std::pair<Lookup*, MastodonStatus>> was_edited, unreachable, gone;
  for (const auto& [l, s] : asked) {
    const auto& item = answers[mastodon_status_url(s)];
    if (item.offline) {
      l->errors.insert(Reason::offline);
      continue;
    }
    add_evidence(l->evidence, item, source);
    const MastodonStatus& status = s; // (clang 14 cannot capture a structured binding)
    const Answer a = read_answer(item, [&](const HttpResponse& r) { return parse_mastodon_status(r, status); });
    apply(*l, a);
    if (a.kind == Answer::Kind::found && edited(item.response)) {
      history.push_back({mastodon_history_url(s), {}});
      was_edited.emplace_back(l, s);
    } else if (a.kind == Answer::Kind::missing) {
      gone.emplace_back(l, s);
    } else if (a.kind == Answer::Kind::error && network_trouble(*l)) {
      unreachable.emplace_back(l, s);
    }
  }
  // Edited statuses: the earlier versions, for an article that shows one of them.
  if (!history.empty()) {
    auto versions = fetcher.fetch(history);
    for (const auto& [l, s] : was_edited) {
      const auto& item = versions[mastodon_history_url(s)];
      if (item.offline) continue;
      add_evidence(l->evidence, item, source);
      if (!item.refused.empty()) continue;
      for (OriginalPost& v : parse_mastodon_history(item.response, s)) l->versions.push_back(std::move(v));
    }
  }
  // A gone instance: its archived copy stands for it, as for tweets; a deleted status: compared
  // with its archived copy.
  if (wants_wayback(options)) {
    wayback(unreachable, fetcher, false);
    wayback(gone, fetcher, true);
  }
}

} // namespace tweetcheck::sources
