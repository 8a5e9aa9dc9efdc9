#pragma once
// The verifier's sources (private): the table of sources, request URLs and what their answers mean.
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"
#include "tweetcheck/verify.hpp"
#include "verify/reasons.hpp"

namespace tweetcheck::sources {

/// What one source said about one post.
struct Answer {
  enum class Kind { found, missing, error };
  Kind kind = Kind::error;
  /// missing: a `missing` reason of the table (deleted, suspended, …); error: network_error,
  /// rate_limited, redirect_refused or one of the answer reasons (malformed_response, …).
  Reason reason = Reason::network_error;
  std::optional<OriginalPost> original;
  /// For the evidence: a tombstone's words that no row of the table knows, or why a redirect was
  /// not followed; empty otherwise.
  std::string detail;
};

/// Every source, in one table (source_table.cpp).
enum class SourceId {
  syndication,
  oembed,
  wayback,
  x_api,
  archive,
  bluesky,
  mastodon,
  // Meta's oEmbed endpoints (meta.cpp).
  threads_oembed,
  instagram_oembed,
  facebook_oembed,
};

/// How the verifier asks a source.
enum class Asking {
  local,   ///< the archive loaded with --archive: no request
  per_id,  ///< one request per status ID (`request_url`), its answer read by `parse`
  capture, ///< the Wayback Machine: a CDX query for the status page, then its newest capture
  round,   ///< its own round function (`round`): batched requests, several steps (Bluesky, Mastodon)
};

struct Lookup;
class Fetcher;

/// Whether a source needs the X API bearer token (and is skipped without one).
enum class NeedsToken { no, yes };

/// A row of the source table.
struct Source {
  SourceId id;
  std::string_view name; ///< as --sources, the evidence and `original.source` spell it
  Platform platform;     ///< whose posts it serves
  Asking asking;
  /// The service's hosts, requests going to the first; a redirect is followed only among them.
  /// Empty for a local source.
  std::array<std::string_view, 2> hosts;
  std::string (*request_url)(const std::string& id);                    ///< per_id sources; else null
  Answer (*parse)(const HttpResponse& response, const std::string& id); ///< per_id sources; else null
  NeedsToken token = NeedsToken::no;                                    ///< sent as `Authorization: Bearer …`
  /// Asking::round sources: asks about every pending lookup of the source's platform and records
  /// what it learnt in each (original, missing, errors, evidence, versions); else null.
  void (*round)(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options) = nullptr;
  /// A source without fixed hosts (every Mastodon instance is its own host): the path its requests
  /// start with. Its service is the one host asked, so a redirect is followed only on that host.
  std::string_view instance_path = {};
};

/// The rows, in the order --sources lists them in its error message.
std::span<const Source> source_table();
const Source& source(SourceId id);
/// The row of a name; null for a name the table does not have.
const Source* find_source(std::string_view name);
/// The source's name (`source(id).name`).
std::string name(SourceId id);
/// The host requests to the source go to (its first host).
std::string host(SourceId id);
/// Whether any source serves posts of the platform.
bool serves(Platform platform);
/// The key of a post's lookup on a platform other than Twitter's: the Bluesky at:// URI, or the
/// post's permalink; nullopt when the post has neither.
std::optional<std::string> lookup_key(const Post& post);

/// Percent-encoding of a query value (RFC 3986's unreserved characters kept).
std::string query_encode(std::string_view s);

std::string syndication_url(const std::string& id);
std::string oembed_url(const std::string& id);
std::string xapi_url(const std::string& id);
/// CDX query for captures of a status page (handle known) or of a user's statuses in a time range.
std::string wayback_cdx_url(const std::string& handle, const std::string& id);
std::string wayback_cdx_user_url(const std::string& handle, const std::string& from, const std::string& to);
std::string wayback_raw_url(const std::string& timestamp, const std::string& original);
/// The page a person opens for a capture.
std::string wayback_page_url(const std::string& timestamp, const std::string& original);

// --- Meta's oEmbed sources (meta.cpp): Threads, Instagram, Facebook ---

/// The oEmbed request for a post's permalink (no token: it goes in the Authorization header).
/// Facebook videos (/videos/, video.php, /watch, /reel/) go to oembed_video, other posts to
/// oembed_post.
std::string meta_oembed_url(SourceId id, const std::string& permalink);
/// What an oEmbed answer (or a Graph API error) says about the post at `permalink`; a Facebook
/// answer names the page several ways, and the article's handle (when it shows one) picks the
/// name to compare.
Answer parse_meta_oembed(SourceId id, const HttpResponse& r, const std::string& permalink,
                         const std::string& article_handle = {});
/// The sources' rounds: without VerifyOptions::meta_token every lookup gets needs_token.
void threads_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options);
void instagram_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options);
void facebook_oembed_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options);

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

// Bluesky (source_bluesky.cpp): the public AppView and handle resolution.
/// `com.atproto.identity.resolveHandle?handle=H`.
std::string bluesky_resolve_handle_url(const std::string& handle);
/// `app.bsky.feed.getPosts` for at most 25 at:// URIs (one `uris=` parameter each).
std::string bluesky_posts_url(const std::vector<std::string>& uris);
/// `app.bsky.feed.getPostThread?uri=U&depth=0&parentHeight=0`: the post alone, or why it is not shown.
std::string bluesky_thread_url(const std::string& uri);
/// One `app.bsky.feed.defs#postView` (JSON text) as an original: `record.text`, its link facets
/// (shown text → `uri`), author, `createdAt`, CID; nullopt when it is not one.
std::optional<OriginalPost> parse_bluesky_post_view(const std::string& json_text);
/// The round of the `bluesky` source: handles → DIDs, getPosts in batches of 25, getPostThread for
/// a URI not returned (deleted / blocked), takedown labels; fills each lookup.
void bluesky_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options);

/// A local archive: JSONL of syndication or API v2 objects, or a data export's tweets.js.
/// Fails (Errc::io / Errc::parse) naming the file and line.
Result<std::map<std::string, OriginalPost>> load_archive(const std::string& path);

/// What a tombstone or error text says: the `missing` reason its wording names (deleted,
/// suspended, account_gone, protected, withheld, age_restricted, removed, unavailable) and
/// whether the wording is a known one (an unknown one reads unavailable).
struct TombstoneReading {
  Reason reason = Reason::unavailable;
  bool known = false;
};
TombstoneReading read_tombstone(const std::string& text);

/// The name of the source whose hosts (the table's) `url` belongs to; "" when it is none of
/// them. A source follows a redirect only to a host of the same service. For a source without
/// fixed hosts, a URL on its `instance_path` names the source and the host ("mastodon
/// (mastodon.social)"): each instance is a service of its own.
std::string service_of(const std::string& url);

// ---- Mastodon (source_mastodon.cpp) ---------------------------------------------------------

/// A status permalink's instance and ID: https://INSTANCE/@user/ID (also /users/user/statuses/ID,
/// /@user@remote/ID, a trailing /embed).
struct MastodonStatus {
  std::string instance; ///< the host, lower case (with its port when the permalink has one)
  std::string id;
};
std::optional<MastodonStatus> mastodon_status(const std::string& permalink);
/// GET https://INSTANCE/api/v1/statuses/ID (public, no token) and its /history.
std::string mastodon_status_url(const MastodonStatus& s);
std::string mastodon_history_url(const MastodonStatus& s);
/// A status answer: 200 status JSON → found; 404 → missing deleted; 410 → missing (deleted, or
/// the account's reason when the body names it); 401/403 → error instance_refused.
Answer parse_mastodon_status(const HttpResponse& r, const MastodonStatus& s);
/// A history answer (StatusEdit objects, oldest first): the versions before the current one.
std::vector<OriginalPost> parse_mastodon_history(const HttpResponse& r, const MastodonStatus& s);
/// An archived status page (its og: meta tags) or archived status JSON.
Answer parse_mastodon_capture(const HttpResponse& r, const MastodonStatus& s, const std::string& archived_url);
/// CDX query for the captures of one page (any platform's permalink).
std::string wayback_cdx_page_url(const std::string& page);
/// The Mastodon source's round: statuses, their edit histories, and the Wayback Machine for
/// instances that cannot be reached (when --sources has wayback).
void mastodon_round(std::vector<Lookup*>& todo, Fetcher& fetcher, const VerifyOptions& options);

} // namespace tweetcheck::sources
