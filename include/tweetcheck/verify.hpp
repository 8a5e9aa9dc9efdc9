#pragma once
/// The verify stage: fetches the original of each embedded post from real sources and compares
/// it with what the article shows.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/resolve.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck {

enum class Verdict { verified, altered, misattributed, missing, unverifiable };
/// Every verdict, in the order reports count them; its name is to_string(v).
inline constexpr Verdict k_all_verdicts[] = {Verdict::verified, Verdict::altered, Verdict::misattributed,
                                             Verdict::missing, Verdict::unverifiable};

/// A link in an original post, as the source's own structure describes it.
struct PostLink {
  enum class Kind {
    url,          ///< an ordinary link in the text
    media,        ///< the media link (pic.twitter.com/…), shown by embeds, hidden by renderers
    continuation, ///< the "show more" link of a long post's head (twitter.com/i/web/status/ID)
  };
  std::string url;          ///< as written in the text (usually t.co)
  std::string display_url;  ///< what the post shows for it ("example.com/pa…", "pic.twitter.com/…")
  std::string expanded_url; ///< where it leads, when the source says
  Kind kind = Kind::url;
};

/// The original post as a source gave it.
struct OriginalPost {
  std::string id;
  std::string text; ///< full text (note_tweet when given), HTML entities decoded once, t.co URLs as written
  std::string handle;
  std::string display_name;
  std::string created_at; ///< ISO 8601 (UTC)
  std::string source;     ///< the name of the source that gave it (default_sources())
  std::string url;        ///< where a person can see it (permalink or archived copy)
  /// What the post displays: t.co URLs as their display text, the continuation link dropped.
  std::string display_text;
  /// The links of the text (from the source's entities, or from the embed's anchors).
  std::vector<PostLink> links;
  /// Leading text that the article may show or leave out: a reply's @mentions the post does not
  /// display (outside display_text_range); a Mastodon post's content warning (`spoiler_text`).
  std::string reply_prefix;
  std::vector<std::string> edit_ids; ///< edit history, oldest first (when the source gives it)
  bool stale_edit = false;           ///< the source says a later version exists (isStaleEdit)
  std::optional<std::string> quoted_id;
  /// A long post of which the source gave only the first part (syndication's note_tweet).
  bool partial_text = false;
  /// The author's stable ID, which survives a change of handle (Bluesky: the DID); empty when the
  /// source gives none.
  std::string author_id;
  /// The hash of this version of the record (Bluesky: its CID), compared with the one the embed
  /// pins (Post::content_hash); empty when the source gives none.
  std::string content_hash;
  /// The source's answer carries no text (Meta's oEmbed for Threads, captionless embeds), or no
  /// author: that part is not compared (notes text_not_checked, author_not_checked).
  bool text_unknown = false;
  bool author_unknown = false;
};

/// One fetched URL behind a verdict.
struct Evidence {
  std::string url;
  long status = 0;
  std::int64_t fetched_at_ms = 0;
  std::string sha256;
  std::string source;
  bool from_cache = false;
  /// What the answer said that the verdict does not (an unknown tombstone wording, a redirect that
  /// was not followed), or why no answer came (the transport's error); empty otherwise.
  std::string detail;
};

/// A word of the word-level diff: kept, only in the article (`added`), or only in the original.
/// Scripts written without spaces (Chinese, Japanese, Thai, …) are diffed by grapheme.
struct DiffWord {
  enum class Op { same, added, removed };
  Op op = Op::same;
  std::string word;     ///< as its side shows it (the article's spelling for `same`)
  std::string original; ///< for `same`: the original's spelling when it differs from `word`
  bool joined = false;  ///< no space before it on its side (graphemes, punctuation glued to a word)
};

/// What tweetcheck says about one embedded post.
struct CheckedPost {
  Post post;
  Verdict verdict = Verdict::unverifiable;
  std::vector<std::string> reasons; ///< codes of the reason table (text_changed, deleted, network_error, …)
  std::vector<std::string> notes;   ///< codes of the note table, some with an argument (edited_since, quotes:ID, …)
  std::vector<DiffWord> diff;       ///< article vs original, for altered texts
  std::optional<OriginalPost> original;
  /// An edited post: the latest version, when the article shows an earlier one, and what changed.
  std::optional<OriginalPost> latest;
  std::vector<DiffWord> latest_diff; ///< the article's text vs the latest version
  std::vector<Evidence> evidence;
  std::optional<Resolution> resolution; ///< how the status ID was learnt from a short link
  bool ignored = false;                 ///< accepted by an ignore rule: reported, never failing the run
  std::string ignore_note;              ///< the rule's comment
};

/// The names of the sources there are, in the order they are tried by default (archive,
/// syndication, oembed, x-api, bluesky, wayback).
std::vector<std::string> default_sources();
/// Succeeds when `name` is a source; fails (Errc::usage), naming the sources there are, when not.
Result<void> check_source_name(std::string_view name);

struct VerifyOptions {
  /// Sources in the order tried; a name that is not a source (check_source_name) is skipped.
  std::vector<std::string> sources = default_sources();
  std::map<std::string, OriginalPost> archive; ///< a local archive (load_archive), by status ID
  std::string bearer_token;                    ///< X API v2; empty: the x-api source is skipped
  /// Meta app access token (APP_ID|APP_SECRET) for the threads-oembed, instagram-oembed and
  /// facebook-oembed sources, sent as `Authorization: Bearer` (never in a URL); empty: those posts
  /// are unverifiable (needs_token).
  std::string meta_token;
  /// Remembers transient answers across calls (one audit); may be null.
  std::shared_ptr<ResponseMemo> memo;
  bool offline = false;
  /// Called as the stages advance ("resolving short links", then each source's name) with counts;
  /// may be empty.
  std::function<void(std::string_view stage, std::size_t items)> progress;
  /// Called as the requests of a stage are answered (from the cache too): `done` of `total`; may be
  /// empty. A source asking one request per post counts its posts.
  std::function<void(std::size_t done, std::size_t total)> progress_step;
  std::chrono::seconds found_ttl = std::chrono::hours(24 * 7);
  std::chrono::seconds gone_ttl = std::chrono::hours(24);
  /// The short-link resolver's TTLs (ResolveOptions::live_ttl, dead_ttl) for the links in posts.
  std::chrono::seconds resolved_ttl = ResolveOptions{}.live_ttl;
  std::chrono::seconds dead_ttl = ResolveOptions{}.dead_ttl;
};

/// Reads a local archive: JSONL of syndication or API v2 objects, or a Twitter data export's
/// tweets.js. Fails (Errc::io, Errc::parse) naming the file and line.
Result<std::map<std::string, OriginalPost>> load_archive(const std::string& path);

/// Checks every post (every post in, one result out, in order). `client` may be null (offline);
/// `cache` may be null. Never fails: a source that cannot answer makes a post `unverifiable`.
std::vector<CheckedPost> verify(const std::vector<Post>& posts, HttpClient* client, Cache* cache,
                                const VerifyOptions& options);

/// The syndication endpoint's token for a status ID (float(id) / 1e15 * pi in base 36 as
/// JavaScript prints it, every '0' and '.' removed).
std::string syndication_token(const std::string& status_id);
/// JavaScript's Number.prototype.toString(radix) for finite doubles (V8's algorithm).
std::string js_number_to_string(double value, int radix);

/// Both texts normalised the same way (NFC, entities, quotes, dashes, ellipses, variation
/// selectors, white space), split into words.
std::vector<std::string> comparable_words(const std::string& text);

/// The word-level diff between the article's words and the original's (LCS).
std::vector<DiffWord> word_diff(const std::vector<std::string>& article, const std::vector<std::string>& original);

std::string_view to_string(Verdict v);
/// Parses a --fail-on list ("altered,missing"); fails (Errc::usage) on an unknown verdict.
Result<std::vector<Verdict>> parse_verdicts(std::string_view list);

} // namespace tweetcheck
