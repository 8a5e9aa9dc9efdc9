// The verify stage's sources: request URLs and the parsers of their answers (syndication, oEmbed, X API, CDX, archive).
#include "verify/sources.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "scan/post_url.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/entities.hpp"
#include "tweetcheck/scan.hpp"
#include "verify/compare.hpp"

namespace tweetcheck::sources {

std::string query_encode(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

using nlohmann::json;

namespace {

/// "Wed Oct 10 20:19:24 +0000 2018" (the v1.1 and export format) → ISO 8601.
std::string iso_from_classic(const std::string& s) {
  if (s.size() >= 10 && s[4] == '-') return s; // already ISO
  static const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char mon[4] = {0}, wd[4] = {0};
  int d = 0, h = 0, mi = 0, se = 0, y = 0, off = 0;
  if (std::sscanf(s.c_str(), "%3s %3s %d %d:%d:%d %d %d", wd, mon, &d, &h, &mi, &se, &off, &y) != 8) return s;
  int m = 0;
  for (int k = 0; k < 12; ++k) {
    if (std::string(mon) == k_months[k]) m = k + 1;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, d, h, mi, se);
  return buf;
}

/// An array member, or an empty array (some answers give `{}` where a list is empty).
const json& list(const json& j, const char* key) {
  static const json k_empty = json::array();
  if (!j.is_object()) return k_empty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : k_empty;
}

/// The links a tweet object's entities describe (urls, media; v1.1, syndication and v2 shapes).
void add_links(OriginalPost& o, const json& list_of, PostLink::Kind kind) {
  for (const auto& u : list_of) {
    if (!u.is_object() || detail::string_field(u, "url").empty()) continue;
    const std::string url = detail::string_field(u, "url");
    if (std::any_of(o.links.begin(), o.links.end(), [&](const PostLink& l) { return l.url == url; })) continue;
    // v2 lists media links among its urls, with a media_key.
    const PostLink::Kind k = u.contains("media_key") ? PostLink::Kind::media : kind;
    o.links.push_back({url, detail::string_field(u, "display_url"), detail::string_field(u, "expanded_url"), k});
  }
}

/// The leading @mentions of a reply that the post does not display: the text before
/// display_text_range's start (UTF-16 units, as the API counts), when it is only mentions.
std::string reply_prefix(const std::string& text, const json& range) {
  if (!range.is_array() || range.empty() || !range[0].is_number_unsigned()) return {};
  const std::size_t start16 = range[0].get<std::size_t>();
  if (start16 == 0) return {};
  std::size_t i = 0, units = 0;
  while (i < text.size() && units < start16) units += detail::utf16_len(detail::next_code_point(text, i));
  const std::string prefix = text.substr(0, i);
  std::string rest = prefix;
  for (const Entity& m : extract_mentions(prefix)) rest.replace(rest.find("@" + m.value), m.value.size() + 1, "");
  return detail::trim(rest).empty() ? prefix : std::string();
}

/// Type checks of an answer's fields: a field that is present (and not null) must have the type
/// the sources document; an answer with any other is malformed (`"text": [...]`, `"user": "bob"`).
enum class Want { string, object, array, boolean, number, string_or_number };

bool has_type(const json& v, Want w) {
  switch (w) {
  case Want::string: return v.is_string();
  case Want::object: return v.is_object();
  case Want::array: return v.is_array() || (v.is_object() && v.empty()); // `{}` for an empty list, as list() reads it
  case Want::boolean: return v.is_boolean();
  case Want::number: return v.is_number();
  case Want::string_or_number: return v.is_string() || v.is_number();
  }
  return false;
}

/// True when `j` is not an object, or its `key` is absent, null or of the wanted type.
bool field_ok(const json& j, const char* key, Want w) {
  if (!j.is_object()) return true;
  auto it = j.find(key);
  return it == j.end() || it->is_null() || has_type(*it, w);
}

/// Every element of the array `j[key]` (when there is one) has type `w`.
bool elements_ok(const json& j, const char* key, Want w) {
  if (!j.is_object()) return true;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return true;
  return std::all_of(it->begin(), it->end(), [&](const json& e) { return has_type(e, w); });
}

/// An entity list: an array of objects whose url fields are strings.
bool entity_list_ok(const json& parent, const char* key) {
  if (!field_ok(parent, key, Want::array) || !elements_ok(parent, key, Want::object)) return false;
  if (!parent.is_object() || !parent.contains(key) || !parent[key].is_array()) return true;
  for (const auto& u : parent[key]) {
    for (const char* f : {"url", "display_url", "expanded_url", "media_key"}) {
      if (!field_ok(u, f, Want::string)) return false;
    }
  }
  return true;
}

bool syndication_shape_ok(const json& t) {
  if (!t.is_object()) return false;
  for (const char* f : {"id_str", "full_text", "text", "created_at", "__typename"}) {
    if (!field_ok(t, f, Want::string)) return false;
  }
  if (!field_ok(t, "id", Want::string_or_number)) return false;
  if (!field_ok(t, "user", Want::object) || !field_ok(t, "entities", Want::object) ||
      !field_ok(t, "extended_entities", Want::object) || !field_ok(t, "edit_control", Want::object) ||
      !field_ok(t, "note_tweet", Want::object) || !field_ok(t, "quoted_tweet", Want::object) ||
      !field_ok(t, "isStaleEdit", Want::boolean) || !field_ok(t, "display_text_range", Want::array) ||
      !elements_ok(t, "display_text_range", Want::string_or_number)) {
    return false;
  }
  if (t.contains("user") && t["user"].is_object()) {
    for (const char* f : {"screen_name", "name"}) {
      if (!field_ok(t["user"], f, Want::string)) return false;
    }
  }
  if (t.contains("entities") && !(entity_list_ok(t["entities"], "urls") && entity_list_ok(t["entities"], "media")))
    return false;
  if (t.contains("extended_entities") && !entity_list_ok(t["extended_entities"], "media")) return false;
  if (!entity_list_ok(t, "mediaDetails")) return false;
  if (t.contains("edit_control") && t["edit_control"].is_object()) {
    const json& ec = t["edit_control"];
    if (!field_ok(ec, "edit_control_initial", Want::object) || !field_ok(ec, "edit_tweet_ids", Want::array) ||
        !elements_ok(ec, "edit_tweet_ids", Want::string)) {
      return false;
    }
    if (ec.contains("edit_control_initial") && ec["edit_control_initial"].is_object()) {
      const json& ini = ec["edit_control_initial"];
      if (!field_ok(ini, "edit_tweet_ids", Want::array) || !elements_ok(ini, "edit_tweet_ids", Want::string))
        return false;
    }
  }
  if (t.contains("note_tweet") && t["note_tweet"].is_object()) {
    const json& nt = t["note_tweet"];
    if (!field_ok(nt, "note_tweet_results", Want::object)) return false;
    if (nt.contains("note_tweet_results") && nt["note_tweet_results"].is_object()) {
      const json& ntr = nt["note_tweet_results"];
      if (!field_ok(ntr, "result", Want::object)) return false;
      if (ntr.contains("result") && ntr["result"].is_object()) {
        const json& res = ntr["result"];
        if (!field_ok(res, "text", Want::string) || !field_ok(res, "entity_set", Want::object)) return false;
        if (res.contains("entity_set") && !entity_list_ok(res["entity_set"], "urls")) return false;
      }
    }
  }
  if (t.contains("quoted_tweet") && !field_ok(t["quoted_tweet"], "id_str", Want::string)) return false;
  return true;
}

bool v2_shape_ok(const json& t, const json& includes) {
  if (!t.is_object() || !includes.is_object()) return false;
  for (const char* f : {"id", "text", "created_at", "author_id"}) {
    if (!field_ok(t, f, Want::string)) return false;
  }
  if (!field_ok(t, "entities", Want::object) || !field_ok(t, "note_tweet", Want::object) ||
      !field_ok(t, "edit_history_tweet_ids", Want::array) || !elements_ok(t, "edit_history_tweet_ids", Want::string) ||
      !field_ok(t, "referenced_tweets", Want::array) || !elements_ok(t, "referenced_tweets", Want::object)) {
    return false;
  }
  if (t.contains("entities") && !entity_list_ok(t["entities"], "urls")) return false;
  if (t.contains("note_tweet") && t["note_tweet"].is_object()) {
    const json& nt = t["note_tweet"];
    if (!field_ok(nt, "text", Want::string) || !field_ok(nt, "entities", Want::object)) return false;
    if (nt.contains("entities") && !entity_list_ok(nt["entities"], "urls")) return false;
  }
  if (t.contains("referenced_tweets") && t["referenced_tweets"].is_array()) {
    for (const auto& r : t["referenced_tweets"]) {
      if (!field_ok(r, "type", Want::string) || !field_ok(r, "id", Want::string)) return false;
    }
  }
  if (!field_ok(includes, "users", Want::array) || !elements_ok(includes, "users", Want::object)) return false;
  if (includes.contains("users") && includes["users"].is_array()) {
    for (const auto& u : includes["users"]) {
      for (const char* f : {"id", "username", "name"}) {
        if (!field_ok(u, f, Want::string)) return false;
      }
    }
  }
  return true;
}

/// The `includes` of an API v2 answer (an empty object when absent; a wrong-typed one is kept
/// so that the shape check refuses it).
json includes_of(const json& j) {
  if (!j.is_object()) return json::object();
  auto it = j.find("includes");
  return it == j.end() || it->is_null() ? json::object() : *it;
}

/// A syndication / v1.1-shaped tweet object.
std::optional<OriginalPost> from_syndication_object(const json& t, SourceId source) {
  if (!syndication_shape_ok(t)) return std::nullopt;
  OriginalPost o;
  o.id = detail::string_field(t, "id_str");
  if (o.id.empty() && t.contains("id") && t["id"].is_string()) o.id = t["id"].get<std::string>();
  if (o.id.empty()) return std::nullopt;
  // Sources give the text HTML-escaped (&amp;): decoded here, once.
  std::string raw = detail::string_field(t, "full_text");
  if (raw.empty()) raw = detail::string_field(t, "text");
  o.text = decode_html_entities(raw);
  if (t.contains("user") && t["user"].is_object()) {
    o.handle = detail::string_field(t["user"], "screen_name");
    o.display_name = detail::string_field(t["user"], "name");
  }
  o.created_at = iso_from_classic(detail::string_field(t, "created_at"));
  o.source = name(source);
  if (!o.handle.empty()) o.url = "https://twitter.com/" + o.handle + "/status/" + o.id;
  if (t.contains("entities") && t["entities"].is_object()) {
    add_links(o, list(t["entities"], "urls"), PostLink::Kind::url);
    add_links(o, list(t["entities"], "media"), PostLink::Kind::media);
  }
  if (t.contains("extended_entities") && t["extended_entities"].is_object()) {
    add_links(o, list(t["extended_entities"], "media"), PostLink::Kind::media);
  }
  add_links(o, list(t, "mediaDetails"), PostLink::Kind::media);
  o.reply_prefix = reply_prefix(o.text, t.value("display_text_range", json()));
  // The edit history: on the first version, edit_control.edit_tweet_ids; on later ones,
  // edit_control.edit_control_initial.edit_tweet_ids.
  if (t.contains("edit_control") && t["edit_control"].is_object()) {
    const json& ec = t["edit_control"];
    const json& ids = ec.contains("edit_control_initial") && ec["edit_control_initial"].is_object()
                          ? list(ec["edit_control_initial"], "edit_tweet_ids")
                          : list(ec, "edit_tweet_ids");
    for (const auto& e : ids) {
      if (e.is_string()) o.edit_ids.push_back(e.get<std::string>());
    }
  }
  if (auto it = t.find("isStaleEdit"); it != t.end() && it->is_boolean()) o.stale_edit = it->get<bool>();
  // Long posts: syndication gives only the head of the text and a note_tweet reference.
  if (t.contains("note_tweet") && !t["note_tweet"].is_null()) {
    const json& nt = t["note_tweet"];
    // The API v1.1 shape carries the whole text: note_tweet.note_tweet_results.result.text.
    const json* full = nullptr;
    if (nt.is_object() && nt.contains("note_tweet_results") && nt["note_tweet_results"].is_object() &&
        nt["note_tweet_results"].contains("result") && nt["note_tweet_results"]["result"].is_object()) {
      full = &nt["note_tweet_results"]["result"];
    }
    if (full && !detail::string_field(*full, "text").empty()) {
      o.text = decode_html_entities(detail::string_field(*full, "text"));
      o.links.clear();
      if (full->contains("entity_set") && (*full)["entity_set"].is_object()) {
        add_links(o, list((*full)["entity_set"], "urls"), PostLink::Kind::url);
      }
    } else {
      o.partial_text = true;
    }
  }
  if (t.contains("quoted_tweet") && t["quoted_tweet"].is_object()) {
    const std::string q = detail::string_field(t["quoted_tweet"], "id_str");
    if (!q.empty()) o.quoted_id = q;
  }
  finish_original(o);
  return o;
}

/// An API v2 tweet object (with `includes.users` for the author).
std::optional<OriginalPost> from_v2_object(const json& t, const json& includes, SourceId source) {
  if (!v2_shape_ok(t, includes)) return std::nullopt;
  OriginalPost o;
  o.id = detail::string_field(t, "id");
  if (o.id.empty()) return std::nullopt;
  o.text = decode_html_entities(detail::string_field(t, "text"));
  const json* entities = t.contains("entities") && t["entities"].is_object() ? &t["entities"] : nullptr;
  if (t.contains("note_tweet") && t["note_tweet"].is_object() &&
      !detail::string_field(t["note_tweet"], "text").empty()) {
    o.text = decode_html_entities(detail::string_field(t["note_tweet"], "text")); // long posts: the full text
    if (t["note_tweet"].contains("entities") && t["note_tweet"]["entities"].is_object())
      entities = &t["note_tweet"]["entities"];
  }
  o.created_at = detail::string_field(t, "created_at");
  const std::string author = detail::string_field(t, "author_id");
  for (const auto& u : list(includes, "users")) {
    if (detail::string_field(u, "id") == author) {
      o.handle = detail::string_field(u, "username");
      o.display_name = detail::string_field(u, "name");
    }
  }
  if (entities) add_links(o, list(*entities, "urls"), PostLink::Kind::url);
  for (const auto& e : list(t, "edit_history_tweet_ids")) {
    if (e.is_string()) o.edit_ids.push_back(e.get<std::string>());
  }
  for (const auto& r : list(t, "referenced_tweets")) {
    if (detail::string_field(r, "type") == "quoted") o.quoted_id = detail::string_field(r, "id");
  }
  o.source = name(source);
  if (!o.handle.empty()) o.url = "https://twitter.com/" + o.handle + "/status/" + o.id;
  finish_original(o);
  return o;
}

Answer found(OriginalPost o) {
  Answer a;
  a.kind = Answer::Kind::found;
  a.original = std::move(o);
  return a;
}
Answer missing(Reason reason) {
  Answer a;
  a.kind = Answer::Kind::missing;
  a.reason = reason;
  return a;
}
Answer error(Reason reason) {
  Answer a;
  a.kind = Answer::Kind::error;
  a.reason = reason;
  return a;
}
/// A post the source will not show, for the reason its own words give; words the table does not
/// know stay `unavailable` and are kept (cut to a readable length) for the evidence.
Answer missing_from_text(const std::string& text) {
  const TombstoneReading t = read_tombstone(text);
  Answer a = missing(t.reason);
  if (!t.known) a.detail = detail::trim_copy(text.substr(0, 300));
  return a;
}

} // namespace

namespace {

/// Every wording X (and Twitter before it) uses for a post it will not show, and what it means.
/// Data, not a chain of ifs: the first row whose pattern matches (case-insensitive, curly
/// apostrophes read as straight ones) names the reason. Rows are ordered so that the more
/// specific wording wins ("Tweet is age restricted. Unauthorized…" is age-restricted, not
/// protected). Wordings seen in syndication tombstones, the X API's error details, the web
/// client's notices, and the one-word `TweetUnavailable.reason` codes.
struct TombstoneRow {
  const char* pattern;
  Reason reason;
};
constexpr TombstoneRow k_tombstones[] = {
    // "This Post was deleted by the Post author. Learn more" (older: "…Tweet…Tweet author")
    {R"(\bwas deleted by (?:the (?:post|tweet) author|its author)|\b(?:post|tweet) (?:has been|was) deleted)",
     Reason::deleted},
    // "This Post is from a suspended account. Learn more"; API: "User has been suspended: [ID]."
    {R"(\bfrom a suspended account|\baccount (?:is |has been )?suspended|\bhas been suspended|^suspended$)",
     Reason::suspended},
    // "This Post is from an account that no longer exists. Learn more" (a deactivated account)
    {R"(\bfrom an account that no longer exists|^deactivated$)", Reason::account_gone},
    // "This Post from @x has been withheld in Germany based on local law(s)."; "@x's account has
    // been withheld in Germany, France based on local law(s)."; "…withheld in response to a report
    // from the copyright holder."; "This post is unavailable in your location."
    {R"(\bhas been withheld\b|\bwithheld in (?:response|[a-z])|\bunavailable in your (?:location|country|region)|^withheld$)",
     Reason::withheld},
    // "Age-restricted adult content. This content might not be appropriate for people under 18
    // years old. To view this media, you'll need to log in to X. Learn more"; API 403: "Tweet is
    // age restricted."; TweetUnavailable "NsfwLoggedOut"
    {R"(\bage[- ]restricted\b|\badult content\b|\bsensitive content\b|might not be appropriate for|^nsfw)",
     Reason::age_restricted},
    // "This Post violated the X Rules. Learn more" (older: "This Tweet violated the Twitter Rules.")
    {R"(\bviolated the (?:x|twitter) rules\b|^bounce(?:d|deleted)?$)", Reason::removed},
    // "You're unable to view this Post because this account owner limits who can view their Posts.
    // Learn more"; "This post is from a protected account."; API: "Sorry, you are not authorized
    // to see the Tweet with ids: [ID]."
    {R"(\blimits who can view their\b|\bfrom a (?:protected|private) account|\b(?:posts|tweets) are protected\b|\bonly visible to\b|\bnot authorized to see\b|^protected$)",
     Reason::protected_},
    // "This Post is unavailable. Learn more" (older: "This Tweet is unavailable.")
    {R"(\b(?:post|tweet) is unavailable\b|^(?:unavailable|missing)$)", Reason::unavailable},
};

std::string fold_apostrophes(std::string s) {
  for (std::string_view curly : {"\u2019", "\u2018"}) {
    for (std::size_t p = s.find(curly); p != std::string::npos; p = s.find(curly, p + 1))
      s.replace(p, curly.size(), "'");
  }
  return s;
}

} // namespace

TombstoneReading read_tombstone(const std::string& text) {
  static const std::vector<std::unique_ptr<RE2>> k_compiled = [] {
    std::vector<std::unique_ptr<RE2>> out;
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    for (const TombstoneRow& row : k_tombstones) out.push_back(std::make_unique<RE2>(row.pattern, o));
    return out;
  }();
  const std::string t = detail::trim_copy(fold_apostrophes(text));
  for (std::size_t i = 0; i < k_compiled.size(); ++i) {
    if (k_compiled[i]->ok() && RE2::PartialMatch(t, *k_compiled[i])) return {k_tombstones[i].reason, true};
  }
  return {Reason::unavailable, false};
}

std::string syndication_url(const std::string& id) {
  return "https://" + host(SourceId::syndication) + "/tweet-result?id=" + id +
         "&lang=en&token=" + syndication_token(id);
}
std::string oembed_url(const std::string& id) {
  return "https://" + host(SourceId::oembed) + "/oembed?url=" + query_encode("https://twitter.com/i/status/" + id) +
         "&omit_script=true&dnt=true";
}
std::string xapi_url(const std::string& id) {
  return "https://" + host(SourceId::x_api) + "/2/tweets?ids=" + id +
         "&tweet.fields=created_at,author_id,entities,note_tweet,edit_history_tweet_ids,referenced_tweets"
         "&expansions=author_id&user.fields=username,name";
}
std::string wayback_cdx_url(const std::string& handle, const std::string& id) {
  return "https://" + host(SourceId::wayback) +
         "/cdx/search/cdx?url=" + query_encode("twitter.com/" + handle + "/status/" + id) +
         "&output=json&fl=timestamp,original,statuscode&filter=statuscode:200&limit=5";
}
std::string wayback_cdx_user_url(const std::string& handle, const std::string& from, const std::string& to) {
  if (from.empty()) {
    // No date: the account's newest 500 archived statuses.
    return "https://" + host(SourceId::wayback) +
           "/cdx/search/cdx?url=" + query_encode("twitter.com/" + handle + "/status/") +
           "&matchType=prefix&output=json&fl=timestamp,original,statuscode&filter=statuscode:200&collapse=urlkey&limit="
           "-500";
  }
  return "https://" + host(SourceId::wayback) +
         "/cdx/search/cdx?url=" + query_encode("twitter.com/" + handle + "/status/") +
         "&matchType=prefix&output=json&fl=timestamp,original,statuscode&filter=statuscode:200&collapse=urlkey"
         "&from=" +
         from + "&to=" + to + "&limit=500";
}
std::string wayback_cdx_page_url(const std::string& page) {
  const auto scheme = page.find("://");
  return "https://" + host(SourceId::wayback) +
         "/cdx/search/cdx?url=" + query_encode(scheme == std::string::npos ? page : page.substr(scheme + 3)) +
         "&output=json&fl=timestamp,original,statuscode&filter=statuscode:200&limit=5";
}
std::string wayback_raw_url(const std::string& timestamp, const std::string& original) {
  return "https://" + host(SourceId::wayback) + "/web/" + timestamp + "id_/" + original;
}
std::string wayback_page_url(const std::string& timestamp, const std::string& original) {
  return "https://" + host(SourceId::wayback) + "/web/" + timestamp + "/" + original;
}

std::optional<Answer> transport_answer(const HttpResponse& r) {
  switch (r.failure) {
  case HttpFailure::none: break;
  case HttpFailure::timeout:
  case HttpFailure::connect:
  case HttpFailure::tls:
  case HttpFailure::other:
  case HttpFailure::too_large:
  case HttpFailure::blocked: return error(Reason::network_error);
  }
  if (r.status == 429) return error(Reason::rate_limited);
  if (r.status >= 500) return error(Reason::network_error);
  return std::nullopt;
}

Answer parse_syndication(const HttpResponse& r, const std::string& id) {
  if (auto t = transport_answer(r)) return *t;
  // An embedded post that is not found was deleted.
  if (r.status == 404) return missing(Reason::deleted);
  if (r.status == 400 || r.status == 403) return missing_from_text(r.body);
  if (r.status != 200) return error(Reason::network_error);
  const json j = detail::parse_json(r.body);
  if (j.is_discarded() || !j.is_object()) return error(Reason::malformed_response);
  // `200 {}` is what tweet-result answers for some IDs that do not exist: not found, as its 404.
  if (j.empty()) return missing(Reason::deleted);
  json t = j;
  if (detail::string_field(t, "__typename") == "TweetWithVisibilityResults" && t.contains("tweet")) t = t["tweet"];
  const std::string type = detail::string_field(t, "__typename");
  if (type == "TweetTombstone") {
    std::string text;
    if (t.contains("tombstone") && t["tombstone"].is_object() && t["tombstone"].contains("text") &&
        t["tombstone"]["text"].is_object()) {
      text = detail::string_field(t["tombstone"]["text"], "text");
    }
    // An empty tombstone is what a live post in a restricted context (age-restricted) gets.
    return text.empty() ? missing(Reason::age_restricted) : missing_from_text(text);
  }
  if (type == "TweetUnavailable") return missing_from_text(detail::string_field(t, "reason"));
  if (t.empty()) return error(Reason::malformed_response);
  auto o = from_syndication_object(t, SourceId::syndication);
  if (!o || o->id != id) return error(Reason::malformed_response);
  if (!t.contains("user")) return missing(Reason::suspended); // the author's account is gone
  return found(std::move(*o));
}

Answer parse_oembed(const HttpResponse& r, const std::string& id) {
  if (auto t = transport_answer(r)) return *t;
  if (r.status == 404) return missing(Reason::deleted);
  if (r.status == 403) return missing_from_text(r.body);
  if (r.status != 200) return error(Reason::network_error);
  const json j = detail::parse_json(r.body);
  if (j.is_discarded() || !j.is_object() || detail::string_field(j, "html").empty())
    return error(Reason::malformed_response);
  for (const char* f : {"author_url", "author_name", "url", "provider_name", "type", "version"}) {
    if (!field_ok(j, f, Want::string)) return error(Reason::malformed_response);
  }
  // The html is the embed blockquote: read it with the scanner.
  Document doc;
  doc.name = name(SourceId::oembed);
  doc.format = InputFormat::html;
  doc.content = detail::string_field(j, "html");
  const ScanResult s = scan(doc);
  if (s.posts.empty()) return error(Reason::malformed_response);
  const Post& p = s.posts.front();
  OriginalPost o;
  o.id = p.status_id.value_or(id);
  if (o.id != id) return error(Reason::malformed_response);
  o.text = p.text.value_or("");
  o.handle = p.handle.value_or("");
  if (const std::string author = detail::string_field(j, "author_url"); !author.empty()) {
    if (auto slash = author.rfind('/'); slash != std::string::npos && slash + 1 < author.size())
      o.handle = author.substr(slash + 1);
  }
  o.display_name = detail::string_field(j, "author_name");
  if (o.display_name.empty()) o.display_name = p.display_name.value_or("");
  // oEmbed gives only the date shown; the ID gives the time.
  if (auto ms = snowflake_millis(id)) {
    if (auto d = snowflake_date(id)) o.created_at = *d;
  }
  for (const Link& l : p.links) {
    // The embed's anchors: links shown by their display text; @mentions and #hashtags are words.
    if (l.text.empty() || l.text[0] == '@' || l.text[0] == '#' || l.text[0] == '$') continue;
    o.links.push_back({l.url, l.text, {}, PostLink::Kind::url});
  }
  o.source = name(SourceId::oembed);
  o.url = detail::string_field(j, "url");
  finish_original(o);
  // A long post (possible from February 2023 on): oEmbed shows its head, cut with an ellipsis
  // before the media link, and nothing says so but the ellipsis.
  if (const auto d = snowflake_date(id); d && *d >= "2023-02-01") {
    std::string shown = o.display_text;
    for (const PostLink& l : o.links) {
      if (l.kind == PostLink::Kind::media && shown.size() >= l.display_url.size() &&
          shown.compare(shown.size() - l.display_url.size(), l.display_url.size(), l.display_url) == 0) {
        shown = detail::trim_copy(shown.substr(0, shown.size() - l.display_url.size()));
      }
    }
    if (shown.size() >= 3 && shown.compare(shown.size() - 3, 3, "\xE2\x80\xA6") == 0) o.partial_text = true;
  }
  return found(std::move(o));
}

Answer parse_xapi(const HttpResponse& r, const std::string& id) {
  if (auto t = transport_answer(r)) return *t;
  if (r.status == 401 || r.status == 403) return error(Reason::auth_error);
  if (r.status != 200) return error(Reason::network_error);
  const json j = detail::parse_json(r.body);
  if (j.is_discarded() || !j.is_object()) return error(Reason::malformed_response);
  // data and errors are arrays of objects, includes an object; anything else is malformed.
  if (!field_ok(j, "data", Want::array) || !elements_ok(j, "data", Want::object) ||
      !field_ok(j, "includes", Want::object) || !field_ok(j, "errors", Want::array) ||
      !elements_ok(j, "errors", Want::object)) {
    return error(Reason::malformed_response);
  }
  const json no_list = json::array();
  const json& data = j.contains("data") && j["data"].is_array() ? j["data"] : no_list;
  const json& errors = j.contains("errors") && j["errors"].is_array() ? j["errors"] : no_list;
  const json no_includes = json::object();
  const json& includes = j.contains("includes") && j["includes"].is_object() ? j["includes"] : no_includes;
  for (const auto& t : data) {
    if (!field_ok(t, "id", Want::string)) return error(Reason::malformed_response);
    if (detail::string_field(t, "id") == id) {
      if (auto o = from_v2_object(t, includes, SourceId::x_api)) return found(std::move(*o));
      return error(Reason::malformed_response);
    }
  }
  for (const auto& e : errors) {
    for (const char* f : {"type", "detail", "title"}) {
      if (!field_ok(e, f, Want::string)) return error(Reason::malformed_response);
    }
    const std::string type = detail::string_field(e, "type"), detail_text = detail::string_field(e, "detail");
    if (type.find("resource-not-found") != std::string::npos) return missing(Reason::deleted);
    if (type.find("not-authorized") != std::string::npos) return missing_from_text(detail_text);
    return missing_from_text(detail_text + " " + detail::string_field(e, "title"));
  }
  return error(Reason::malformed_response);
}

std::vector<std::pair<std::string, std::string>> parse_cdx(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> out;
  const json j = detail::parse_json(body);
  if (j.is_discarded() || !j.is_array()) return out;
  for (std::size_t i = 1; i < j.size(); ++i) { // row 0 is the header
    const auto& row = j[i];
    if (row.is_array() && row.size() >= 2 && row[0].is_string() && row[1].is_string()) {
      out.emplace_back(row[0].get<std::string>(), row[1].get<std::string>());
    }
  }
  return out;
}

Answer parse_wayback_capture(const HttpResponse& r, const std::string& id, const std::string& archived_url) {
  if (auto t = transport_answer(r)) return *t;
  if (r.status != 200) return error(Reason::not_archived);
  // An archived syndication / API response.
  const json j = detail::parse_json(r.body);
  if (!j.is_discarded() && j.is_object()) {
    std::optional<OriginalPost> o =
        j.contains("data") ? std::optional<OriginalPost>() : from_syndication_object(j, SourceId::wayback);
    if (!o && j.contains("data")) {
      const json& d = j["data"].is_array() && !j["data"].empty() ? j["data"][0] : j["data"];
      o = from_v2_object(d, includes_of(j), SourceId::wayback);
    }
    if (o && o->id == id) {
      o->url = archived_url;
      return found(std::move(*o));
    }
    return error(Reason::malformed_response);
  }
  // An archived status page: the text is in the page title or og:description.
  OriginalPost o;
  o.id = id;
  o.source = name(SourceId::wayback);
  o.url = archived_url;
  static const RE2 og(
      R"re((?is)<meta[^>]+property=["']og:description["'][^>]+content=["']\s*[“"]?(.*?)[”"]?\s*["']\s*/?>)re");
  static const RE2 title(
      R"re((?is)<title>\s*(.*?) on (?:Twitter|X)\s*:\s*[“"](.*?)[”"]\s*(?:/\s*(?:Twitter|X))?\s*</title>)re");
  std::string text, name;
  re2::StringPiece in(r.body);
  if (RE2::PartialMatch(in, og, &text)) {
  } else {
    RE2::PartialMatch(in, title, &name, &text);
  }
  if (text.empty()) return error(Reason::not_archived);
  Document doc;
  doc.format = InputFormat::text;
  o.text = decode_html_entities(text); // an attribute or title: entity-escaped in the page
  o.display_name = decode_html_entities(detail::trim_copy(name));
  finish_original(o);
  if (auto u = detail::find_status_url(r.effective_url.empty() ? archived_url : r.effective_url)) o.handle = u->handle;
  if (auto d = snowflake_date(id)) o.created_at = *d;
  return found(std::move(o));
}

Result<std::map<std::string, OriginalPost>> load_archive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open archive '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = std::move(ss).str();
  std::map<std::string, OriginalPost> out;
  // A data export's tweets.js: "window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]".
  const auto first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] != '{' && content[first] != '[') {
    const auto bracket = content.find('[');
    if (bracket == std::string::npos) return fail(Errc::parse, "archive '" + path + "': not JSONL nor tweets.js");
    detail::JsonRead why = detail::JsonRead::ok;
    const json j = detail::parse_json(std::string_view(content).substr(bracket), &why);
    if (why == detail::JsonRead::too_deep) {
      return fail(Errc::parse, "archive '" + path + "': JSON nested deeper than " +
                                   std::to_string(detail::k_max_json_depth) + " levels");
    }
    if (j.is_discarded() || !j.is_array())
      return fail(Errc::parse, "archive '" + path + "': tweets.js is not a JSON array");
    for (const auto& item : j) {
      const json& t = item.contains("tweet") ? item["tweet"] : item;
      if (auto o = from_syndication_object(t, SourceId::archive)) out[o->id] = std::move(*o);
    }
    return out;
  }
  std::istringstream lines(content);
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (detail::trim(line).empty()) continue;
    detail::JsonRead why = detail::JsonRead::ok;
    const json j = detail::parse_json(line, &why);
    if (why == detail::JsonRead::too_deep) {
      return fail(Errc::parse, "archive '" + path + "' line " + std::to_string(n) + ": JSON nested deeper than " +
                                   std::to_string(detail::k_max_json_depth) + " levels");
    }
    if (j.is_discarded() || !j.is_object()) {
      return fail(Errc::parse, "archive '" + path + "' line " + std::to_string(n) + ": not a JSON object");
    }
    std::optional<OriginalPost> o;
    if (j.contains("data")) {
      const json& d = j["data"].is_array() && !j["data"].empty() ? j["data"][0] : j["data"];
      o = from_v2_object(d, includes_of(j), SourceId::archive);
    } else if (j.contains("id_str")) {
      o = from_syndication_object(j, SourceId::archive);
    } else if (j.contains("id") && j.contains("text")) {
      o = from_v2_object(j, json::object(), SourceId::archive);
    }
    if (!o)
      return fail(Errc::parse,
                  "archive '" + path + "' line " + std::to_string(n) + ": no post ID, or a field of the wrong type");
    out[o->id] = std::move(*o);
  }
  return out;
}

} // namespace tweetcheck::sources
