#pragma once
// The verifier's sources (private): request URLs and what their answers mean.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck::sources {

/// What one source said about one post.
struct Answer {
  enum class Kind { found, missing, error };
  Kind kind = Kind::error;
  /// missing: deleted, suspended, account_gone, protected, withheld, age_restricted, removed,
  /// unavailable; error: network_error, rate_limited, malformed_response, auth_error,
  /// not_archived, redirect_refused.
  std::string reason;
  std::optional<OriginalPost> original;
  /// For the evidence: a tombstone's words that no row of the table knows, or why a redirect was
  /// not followed; empty otherwise.
  std::string detail;
};

std::string syndication_url(const std::string& id);
std::string oembed_url(const std::string& id);
std::string xapi_url(const std::string& id);
/// CDX query for captures of a status page (handle known) or of a user's statuses in a time range.
std::string wayback_cdx_url(const std::string& handle, const std::string& id);
std::string wayback_cdx_user_url(const std::string& handle, const std::string& from, const std::string& to);
std::string wayback_raw_url(const std::string& timestamp, const std::string& original);

/// Transport-level failures and rate limits, shared by every source; nullopt when the response
/// itself must be read.
std::optional<Answer> transport_answer(const HttpResponse& r);

Answer parse_syndication(const HttpResponse& r, const std::string& id);
Answer parse_oembed(const HttpResponse& r, const std::string& id);
Answer parse_xapi(const HttpResponse& r, const std::string& id);
/// CDX JSON rows: (timestamp, original URL) of 200 captures, oldest first.
std::vector<std::pair<std::string, std::string>> parse_cdx(const std::string& body);
/// An archived status page (or archived syndication / oEmbed JSON) of post `id`.
Answer parse_wayback_capture(const HttpResponse& r, const std::string& id, const std::string& archived_url);

/// A local archive: JSONL of syndication or API v2 objects, or a data export's tweets.js.
/// Fails (Errc::io / Errc::parse) naming the file and line.
Result<std::map<std::string, OriginalPost>> load_archive(const std::string& path);

/// What a tombstone or error text says: the missing-reason its wording names ("deleted",
/// "suspended", "account_gone", "protected", "withheld", "age_restricted", "removed",
/// "unavailable") and whether the wording is a known one (an unknown one reads "unavailable").
struct TombstoneReading {
  std::string reason;
  bool known = false;
};
TombstoneReading read_tombstone(const std::string& text);
/// read_tombstone(text).reason.
std::string reason_from_text(const std::string& text);

/// The hosts of the service `url` belongs to (oEmbed: publish.twitter.com and publish.x.com;
/// syndication: cdn.syndication.twimg.com; Wayback: web.archive.org and archive.org; X API:
/// api.x.com and api.twitter.com), by name; "" when it is none of them. A source follows a
/// redirect only to a host of the same service.
std::string service_of(const std::string& url);

} // namespace tweetcheck::sources
