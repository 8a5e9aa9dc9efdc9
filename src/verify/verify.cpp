// The verify stage: posts → status IDs (permalinks, short links, an archive search) → sources, in
// the configured order, in rounds over one HTTP client → a verdict per post.
#include "tweetcheck/verify.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>

#include "core/text_util.hpp"
#include "scan/post_url.hpp"
#include "tweetcheck/dates.hpp"
#include "verify/compare.hpp"
#include "verify/fetcher.hpp"
#include "verify/reasons.hpp"
#include "verify/sources.hpp"

namespace tweetcheck {

std::string_view to_string(Verdict v) {
  switch (v) {
  case Verdict::verified: return "verified";
  case Verdict::altered: return "altered";
  case Verdict::misattributed: return "misattributed";
  case Verdict::missing: return "missing";
  case Verdict::unverifiable: return "unverifiable";
  }
  return "unverifiable";
}

Result<std::vector<Verdict>> parse_verdicts(std::string_view list) {
  std::vector<Verdict> out;
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t j = list.find(',', i);
    if (j == std::string_view::npos) j = list.size();
    const std::string item = detail::trim_copy(list.substr(i, j - i));
    if (!item.empty()) {
      bool known = false;
      for (Verdict v : k_all_verdicts) {
        if (item == to_string(v)) {
          out.push_back(v);
          known = true;
        }
      }
      if (!known) return fail(Errc::usage, "unknown verdict '" + item + "' in --fail-on");
    }
    i = j + 1;
  }
  return out;
}

Result<std::map<std::string, OriginalPost>> load_archive(const std::string& path) {
  return sources::load_archive(path);
}

namespace {

using nlohmann::json;
using sources::add_evidence;
using sources::Answer;
using sources::apply;
using sources::evidence_of;
using sources::Fetcher;
using sources::Lookup;
using sources::network_trouble;
using sources::pending;
using sources::read_answer;
using sources::SourceId;
using sources::well_formed;

/// Whether the run asks the source.
bool wants(const VerifyOptions& options, SourceId id) {
  return std::find(options.sources.begin(), options.sources.end(), sources::name(id)) != options.sources.end();
}

/// The page a person opens for a raw capture: ".../web/TSid_/URL" → ".../web/TS/URL".
std::string archived_capture_url(const std::string& raw) {
  const auto web = raw.find("/web/");
  if (web == std::string::npos) return raw;
  const auto id = raw.find("id_/", web + 5);
  if (id == std::string::npos || raw.find('/', web + 5) < id) return raw;
  return raw.substr(0, id) + raw.substr(id + 3);
}

/// Wayback: CDX for the status page, then its raw capture. Used to find a post whose live
/// sources failed, and an archived copy of a post that is gone.
void wayback_round(std::vector<Lookup*> lookups, Fetcher& fetcher, bool for_archive_copy) {
  std::vector<HttpRequest> cdx;
  std::vector<Lookup*> asked;
  for (Lookup* l : lookups) {
    if (l->handle.empty() || l->wayback_tried) continue;
    l->wayback_tried = true;
    cdx.push_back({sources::wayback_cdx_url(l->handle, l->id), {}});
    asked.push_back(l);
  }
  if (cdx.empty()) return;
  auto cdx_answers = fetcher.fetch(cdx);
  std::vector<HttpRequest> captures;
  std::map<std::string, std::pair<Lookup*, std::string>> capture_of; // raw URL -> (lookup, archived URL)
  for (Lookup* l : asked) {
    const auto& item = cdx_answers[sources::wayback_cdx_url(l->handle, l->id)];
    if (item.offline) {
      l->errors.insert(Reason::offline);
      continue;
    }
    add_evidence(l->evidence, item, sources::name(SourceId::wayback));
    if (!item.refused.empty()) {
      l->errors.insert(Reason::redirect_refused);
      continue;
    }
    if (auto t = sources::transport_answer(item.response)) {
      l->errors.insert(t->reason);
      continue;
    }
    const auto rows = sources::parse_cdx(item.response.body);
    if (rows.empty()) continue;
    const auto& [ts, original] = rows.back(); // the newest capture
    const std::string raw = sources::wayback_raw_url(ts, original);
    captures.push_back({raw, {}});
    capture_of[raw] = {l, sources::wayback_page_url(ts, original)};
  }
  std::map<std::string, std::string> capture_ids;
  for (const auto& [raw, target] : capture_of) capture_ids[raw] = target.first->id;
  auto capture_answers =
      fetcher.fetch(captures, well_formed(std::move(capture_ids), [](const HttpResponse& r, const std::string& id) {
                      return sources::parse_wayback_capture(r, id, r.url);
                    }));
  for (auto& [raw, target] : capture_of) {
    auto& [l, archived_url] = target;
    const auto& item = capture_answers[raw];
    if (item.offline) continue;
    add_evidence(l->evidence, item, sources::name(SourceId::wayback));
    // Wayback redirects to the nearest capture: show the one that answered.
    const std::string shown = item.hops.empty() ? archived_url : archived_capture_url(item.response.url);
    const std::string& id = l->id; // (clang 14 cannot capture a structured binding)
    Answer a = read_answer(item, [&](const HttpResponse& r) { return sources::parse_wayback_capture(r, id, shown); });
    if (a.kind != Answer::Kind::found) {
      if (a.kind == Answer::Kind::error && a.reason != Reason::not_archived) l->errors.insert(a.reason);
      continue;
    }
    if (for_archive_copy)
      l->archived = a.original;
    else
      l->original = a.original;
  }
}

/// The short links of a post that may lead to its status: t.co, pic.twitter.com, pic.x.com.
std::vector<std::string> short_links(const Post& p) {
  std::vector<std::string> out;
  auto consider = [&](const std::string& u) {
    const std::string n = normalize_short_url(u);
    if (detail::starts_with_icase(n, "https://t.co/") && std::find(out.begin(), out.end(), u) == out.end())
      out.push_back(u);
  };
  for (const Link& l : p.links) {
    consider(l.url);
    if (l.text.find("pic.twitter.com/") != std::string::npos || l.text.find("pic.x.com/") != std::string::npos)
      consider(l.text);
  }
  return out;
}

/// Days since 1970-01-01 of an ISO date.
long day_number(const std::string& iso) {
  int y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str());
  const int d = std::atoi(iso.substr(8, 2).c_str());
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// A post with neither permalink nor short links: search the archive of the account's statuses
/// around the shown date (Snowflake IDs bound the day) and take the capture whose text matches.
std::optional<std::string> find_by_archive_search(const Post& p, Fetcher& fetcher, std::vector<Evidence>& evidence) {
  // A quote in prose shows no date: the account's newest archived statuses are searched instead.
  const bool quote = p.form == EmbedForm::quote;
  if (!p.handle || !p.text || (!p.date && !quote)) return std::nullopt;
  const std::string day = p.date ? p.date->substr(0, 4) + p.date->substr(5, 2) + p.date->substr(8, 2) : std::string();
  const std::string url = sources::wayback_cdx_user_url(*p.handle, day, day);
  auto answers = fetcher.fetch({{url, {}}});
  const auto& item = answers[url];
  add_evidence(evidence, item, sources::name(SourceId::wayback));
  if (!item.refused.empty() || sources::transport_answer(item.response)) return std::nullopt;
  std::vector<HttpRequest> captures;
  std::map<std::string, std::pair<std::string, std::string>> id_of; // raw URL -> (id, archived URL)
  auto rows = sources::parse_cdx(item.response.body);
  if (!p.date) std::reverse(rows.begin(), rows.end()); // newest first
  for (const auto& [ts, original] : rows) {
    auto u = detail::find_status_url(original);
    if (!u) continue;
    // Snowflake IDs carry their day: keep the candidates posted within a day of the shown date
    // (the shown date may be the embedder's local day).
    const auto d = snowflake_date(u->status_id);
    if (p.date && (!d || std::abs(day_number(*d) - day_number(*p.date)) > 1)) continue;
    const std::string raw = sources::wayback_raw_url(ts, original);
    if (id_of.count(raw) || captures.size() >= 20) continue;
    captures.push_back({raw, {}});
    id_of[raw] = {u->status_id, sources::wayback_page_url(ts, original)};
  }
  std::map<std::string, std::string> capture_ids;
  for (const auto& [raw, target] : id_of) capture_ids[raw] = target.first;
  auto got =
      fetcher.fetch(captures, well_formed(std::move(capture_ids), [](const HttpResponse& r, const std::string& id) {
                      return sources::parse_wayback_capture(r, id, r.url);
                    }));
  for (auto& [raw, target] : id_of) {
    const auto& cap = got[raw];
    const std::string shown = cap.hops.empty() ? target.second : archived_capture_url(cap.response.url);
    const std::string& id = target.first; // (clang 14 cannot capture a structured binding)
    const Answer a =
        read_answer(cap, [&](const HttpResponse& r) { return sources::parse_wayback_capture(r, id, shown); });
    if (a.kind != Answer::Kind::found) continue;
    if (compare_post_text(*p.text, p.links, *a.original,
                          quote ? ExcerptPolicy::excerpt_allowed : ExcerptPolicy::whole_post)
            .equal) {
      add_evidence(evidence, cap, sources::name(SourceId::wayback));
      return target.first;
    }
  }
  return std::nullopt;
}

/// The UTC calendar date of an ISO 8601 time ("2023-09-17T15:52:15.000Z" → "2023-09-17").
std::optional<std::string> utc_date(const std::string& created_at) {
  if (created_at.size() >= 10 && created_at[4] == '-' && created_at[7] == '-') return created_at.substr(0, 10);
  return std::nullopt;
}

void decide(CheckedPost& c, Lookup* l, const VerifyOptions& options) {
  const Post& p = c.post;
  // A quote in prose may give only a part of the post (note `excerpt`).
  const ExcerptPolicy policy = p.form == EmbedForm::quote ? ExcerptPolicy::excerpt_allowed : ExcerptPolicy::whole_post;
  // Codes come from the table: a Reason, or the comparison's reasons (written from it).
  auto add_code = [&](const std::string& r) {
    if (std::find(c.reasons.begin(), c.reasons.end(), r) == c.reasons.end()) c.reasons.push_back(r);
  };
  auto add = [&](Reason r) { add_code(code(r)); };
  // The shown date against the ID's own time: checked offline, whatever the sources say.
  bool date_mismatch = false;
  if (p.date && p.status_id && p.platform == Platform::twitter) {
    if (auto d = snowflake_date(*p.status_id)) date_mismatch = *d != *p.date;
  }
  if (!l) {
    c.verdict = Verdict::unverifiable;
    add(Reason::no_status_id);
    if (options.offline) add(Reason::offline);
    return;
  }
  c.evidence = l->evidence;
  if (l->original) {
    const OriginalPost& o = *l->original;
    c.original = o;
    if (o.quoted_id) c.notes.push_back(note(Note::quotes, *o.quoted_id));
    bool altered = false;
    // A source whose answer lacks the text or the author (Meta's oEmbed) checks only the rest.
    if (o.text_unknown) c.notes.push_back(note(Note::text_not_checked));
    if (o.author_unknown) c.notes.push_back(note(Note::author_not_checked));
    if (p.text && !o.text_unknown) {
      TextComparison t = compare_post_text(*p.text, p.links, o, policy);
      // The edit history: the latest version, and the earlier ones the article may show.
      const OriginalPost* latest = nullptr;
      if (!o.edit_ids.empty() && o.edit_ids.back() != o.id) {
        for (const OriginalPost& v : l->versions) {
          if (v.id == o.edit_ids.back()) latest = &v;
        }
      }
      if (!t.equal) {
        for (const OriginalPost& v : l->versions) {
          TextComparison tv = compare_post_text(*p.text, p.links, v, policy);
          if (!tv.equal) continue;
          // The article shows an earlier version of the post it links.
          c.notes.push_back(note(Note::edited_since));
          c.notes.push_back(note(Note::matches_version, v.id));
          c.latest = o;
          c.latest_diff = std::move(t.diff);
          c.original = v;
          t = std::move(tv);
          break;
        }
      } else if (latest || (o.stale_edit && !o.edit_ids.empty() && o.edit_ids.back() != o.id)) {
        // The article shows this version, and the post was edited after it.
        c.notes.push_back(note(Note::edited_since));
        if (latest) {
          c.latest = *latest;
          TextComparison tl = compare_post_text(*p.text, p.links, *latest, policy);
          c.latest_diff = tl.equal ? std::vector<DiffWord>{} : std::move(tl.diff);
        }
      }
      if (t.punctuation_differs) c.notes.push_back(note(Note::punctuation_differs));
      if (t.head_only) c.notes.push_back(note(Note::long_post_head_only));
      if (t.excerpt) c.notes.push_back(note(Note::excerpt));
      if (!t.equal) {
        altered = true;
        c.diff = std::move(t.diff);
        for (const auto& r : t.reasons) add_code(r);
      }
    }
    bool handle_mismatch = p.handle && !o.handle.empty() && !detail::iequals(*p.handle, o.handle);
    // Another handle of the same account: the article's names the author's stable ID (Bluesky's DID).
    if (handle_mismatch && !o.author_id.empty() && o.author_id == l->author_id) {
      handle_mismatch = false;
      c.notes.push_back(note(Note::handle_changed));
    }
    // Another version of the record than the one the embed pins (Bluesky's CID): texts compared as usual.
    if (p.content_hash && !o.content_hash.empty() && *p.content_hash != o.content_hash) {
      c.notes.push_back(note(Note::record_changed));
    }
    if (p.date) {
      const auto original_date = !o.created_at.empty()             ? utc_date(o.created_at)
                                 : p.platform == Platform::twitter ? snowflake_date(o.id)
                                                                   : std::nullopt;
      if (original_date && *original_date != *p.date) date_mismatch = true;
    }
    if (handle_mismatch) add(Reason::handle_mismatch);
    if (date_mismatch) add(Reason::date_mismatch);
    if (p.display_name && !o.display_name.empty() &&
        normalise_for_compare(*p.display_name) != normalise_for_compare(o.display_name)) {
      c.notes.push_back(note(Note::display_name_changed));
    }
    c.verdict = altered                              ? Verdict::altered
                : (handle_mismatch || date_mismatch) ? Verdict::misattributed
                                                     : Verdict::verified;
    return;
  }
  if (l->missing) {
    c.verdict = Verdict::missing;
    add(*l->missing);
    if (l->archived) {
      c.original = l->archived;
      if (p.text) {
        TextComparison t = compare_post_text(*p.text, p.links, *l->archived, policy);
        add(t.equal ? Reason::archived_match : Reason::archived_mismatch);
        if (!t.equal) c.diff = std::move(t.diff);
      } else {
        add(Reason::archived_match);
      }
    }
    return;
  }
  c.verdict = date_mismatch ? Verdict::misattributed : Verdict::unverifiable;
  if (date_mismatch) add(Reason::date_mismatch);
  // Meta's oEmbed sources: not asked without a token, or the token refused.
  if (l->errors.count(Reason::needs_token)) add(Reason::needs_token);
  if (l->errors.count(Reason::auth_error)) add(Reason::auth_error);
  if (l->errors.count(Reason::rate_limited)) add(Reason::rate_limited);
  if (l->errors.count(Reason::instance_refused)) add(Reason::instance_refused); // Mastodon: 401/403
  if (network_trouble(*l)) add(Reason::network_error);
  if (l->errors.count(Reason::offline) || options.offline) add(Reason::offline);
  if (l->errors.count(Reason::malformed_response)) c.notes.push_back(note(Note::malformed_response));
  if (c.reasons.empty() || (c.reasons.size() == 1 && date_mismatch))
    add(options.offline ? Reason::offline : Reason::network_error);
}

} // namespace

std::vector<CheckedPost> verify(const std::vector<Post>& posts, HttpClient* client, Cache* cache,
                                const VerifyOptions& options) {
  std::vector<CheckedPost> out(posts.size());
  Fetcher fetcher(client, cache, options);
  // 1. Status IDs: permalinks first, then short links (one resolver batch for the whole run).
  std::vector<std::optional<std::string>> ids(posts.size());
  std::vector<std::string> links;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    out[i].post = posts[i];
    // Other platforms: the post's own key (an at:// URI, a permalink), when a source serves them.
    if (posts[i].platform != Platform::twitter) {
      if (sources::serves(posts[i].platform)) ids[i] = sources::lookup_key(posts[i]);
      continue;
    }
    ids[i] = posts[i].status_id;
    if (!ids[i]) {
      for (const auto& u : short_links(posts[i])) links.push_back(u);
    }
  }
  std::map<std::string, Resolution> resolved;
  auto progress = [&](std::string_view stage, std::size_t n) {
    if (options.progress && n > 0) options.progress(stage, n);
  };
  progress("resolving short links", links.size());
  if (!links.empty()) {
    ResolveOptions ro;
    ro.offline = options.offline || !client;
    ro.memo = options.memo;
    ro.live_ttl = options.resolved_ttl;
    ro.dead_ttl = options.dead_ttl;
    for (auto& r : resolve(links, options.offline ? nullptr : client, cache, ro)) resolved[r.url] = std::move(r);
  }
  for (std::size_t i = 0; i < posts.size(); ++i) {
    if (ids[i] || posts[i].platform != Platform::twitter) continue;
    const Resolution* pick = nullptr;
    for (const auto& u : short_links(posts[i])) {
      const Resolution& r = resolved[u];
      if (!r.status_id) continue;
      // Reused media may lead to another account's post: prefer the article's author.
      const bool same_author = posts[i].handle && r.handle && detail::iequals(*posts[i].handle, *r.handle);
      if (!pick ||
          (same_author && !(pick->handle && posts[i].handle && detail::iequals(*pick->handle, *posts[i].handle)))) {
        pick = &r;
      }
    }
    if (pick) {
      ids[i] = pick->status_id;
      out[i].resolution = *pick;
      out[i].post.status_id = pick->status_id;
      if (posts[i].handle && pick->handle && !detail::iequals(*posts[i].handle, *pick->handle)) {
        out[i].notes.push_back(note(Note::status_id_from_link_by, *pick->handle));
      }
    }
  }
  // 2. Still no ID: search the account's archived statuses around the shown date.
  for (std::size_t i = 0; i < posts.size(); ++i) {
    if (ids[i] || posts[i].platform != Platform::twitter) continue;
    if (!wants(options, SourceId::wayback)) continue;
    std::vector<Evidence> ev;
    if (auto id = find_by_archive_search(posts[i], fetcher, ev)) {
      ids[i] = id;
      out[i].post.status_id = id;
      out[i].notes.push_back(note(Note::status_id_from_archive_search));
    }
    out[i].evidence.insert(out[i].evidence.end(), ev.begin(), ev.end());
  }
  // 3. One lookup per distinct ID, source by source.
  std::map<std::string, Lookup> lookups;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    if (!ids[i]) continue;
    Lookup& l = lookups[*ids[i]];
    l.id = *ids[i];
    l.platform = posts[i].platform;
    if (l.handle.empty() && posts[i].handle) l.handle = *posts[i].handle;
  }
  for (const std::string& name : options.sources) {
    std::vector<Lookup*> todo;
    const sources::Source* source = sources::find_source(name);
    if (!source) continue;
    for (auto& [id, l] : lookups) {
      if (pending(l) && l.platform == source->platform) todo.push_back(&l);
    }
    if (todo.empty()) continue;
    progress(name, todo.size());
    if (source->asking == sources::Asking::local) {
      for (Lookup* l : todo) {
        auto it = options.archive.find(l->id);
        if (it != options.archive.end()) l->original = it->second;
      }
      continue;
    }
    if (source->asking == sources::Asking::capture) {
      wayback_round(todo, fetcher, false);
      continue;
    }
    if (source->asking == sources::Asking::round) {
      source->round(todo, fetcher, options);
      continue;
    }
    const bool token = source->token == sources::NeedsToken::yes;
    if (token && options.bearer_token.empty()) continue;
    std::vector<HttpRequest> requests;
    std::map<std::string, std::string> asked;
    for (Lookup* l : todo) {
      HttpRequest req;
      req.url = source->request_url(l->id);
      if (token) req.headers.emplace_back("Authorization", "Bearer " + options.bearer_token);
      asked[req.url] = l->id;
      requests.push_back(std::move(req));
    }
    const auto parse = source->parse;
    auto answers = fetcher.fetch(requests, well_formed(std::move(asked), parse));
    for (Lookup* l : todo) {
      auto it = answers.find(source->request_url(l->id));
      if (it == answers.end()) continue;
      if (it->second.offline) {
        l->errors.insert(Reason::offline);
        continue;
      }
      add_evidence(l->evidence, it->second, std::string(source->name));
      const Answer a = read_answer(it->second, [&](const HttpResponse& r) { return parse(r, l->id); });
      // A tombstone's words no row knows (the redirect's refusal is there already).
      if (!a.detail.empty() && l->evidence.back().detail.empty()) l->evidence.back().detail = a.detail;
      apply(*l, a);
    }
  }
  // 4. Posts that are gone: compare with an archived copy when there is one.
  if (wants(options, SourceId::wayback)) {
    std::vector<Lookup*> gone;
    for (auto& [id, l] : lookups) {
      if (l.missing && l.platform == Platform::twitter) gone.push_back(&l);
    }
    wayback_round(gone, fetcher, true);
  }
  // 5. Edited posts: fetch the earlier versions once (syndication lists them by ID).
  {
    std::vector<HttpRequest> requests;
    std::vector<std::pair<Lookup*, std::string>> wanted;
    for (auto& [id, l] : lookups) {
      // Other platforms' rounds fill `versions` themselves (Mastodon's /history).
      if (!l.original || l.platform != Platform::twitter) continue;
      for (const auto& e : l.original->edit_ids) {
        if (e == l.id) continue;
        requests.push_back({sources::source(SourceId::syndication).request_url(e), {}});
        wanted.emplace_back(&l, e);
      }
    }
    if (!requests.empty()) {
      const sources::Source& versions = sources::source(SourceId::syndication);
      std::map<std::string, std::string> asked;
      for (const auto& [l, e] : wanted) asked[versions.request_url(e)] = e;
      auto answers = fetcher.fetch(requests, well_formed(std::move(asked), versions.parse));
      for (auto& [l, e] : wanted) {
        const auto& item = answers[versions.request_url(e)];
        const Answer a = versions.parse(item.response, e);
        if (a.kind == Answer::Kind::found) {
          l->versions.push_back(*a.original);
          l->evidence.push_back(evidence_of(item.response, item.from_cache, std::string(versions.name)));
        }
      }
    }
  }
  // 6. Verdicts.
  for (std::size_t i = 0; i < posts.size(); ++i) {
    CheckedPost& c = out[i];
    if (!sources::serves(posts[i].platform)) {
      c.verdict = Verdict::unverifiable;
      c.reasons.push_back(code(Reason::unsupported_platform));
      continue;
    }
    std::vector<Evidence> before = std::move(c.evidence);
    Lookup* l = ids[i] ? &lookups[*ids[i]] : nullptr;
    decide(c, l, options);
    c.evidence.insert(c.evidence.begin(), before.begin(), before.end());
    // A source that redirected outside its own hosts: say so rather than network_error when
    // nothing else went wrong on the network.
    if (l && c.verdict == Verdict::unverifiable && l->errors.count(Reason::redirect_refused)) {
      if (!network_trouble(*l))
        c.reasons.erase(std::remove(c.reasons.begin(), c.reasons.end(), code(Reason::network_error)), c.reasons.end());
      if (std::find(c.reasons.begin(), c.reasons.end(), code(Reason::redirect_refused)) == c.reasons.end()) {
        c.reasons.push_back(code(Reason::redirect_refused));
      }
    }
  }
  return out;
}

} // namespace tweetcheck
