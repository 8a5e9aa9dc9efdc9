// The one table of reasons and notes: codes, verdicts, words for people, SARIF rules.
#include "verify/reasons.hpp"

#include <algorithm>

namespace tweetcheck {

namespace {

using enum ReasonUse;

constexpr ReasonInfo k_reasons[] = {
    {Reason::text_changed, "text_changed", post, Verdict::altered, "The words differ from the original.",
     "AlteredText"},
    {Reason::number_changed, "number_changed", post, Verdict::altered, "A number differs from the original.",
     "AlteredNumber"},
    {Reason::negation_changed, "negation_changed", post, Verdict::altered, "A negation was added or removed.",
     "AlteredNegation"},
    {Reason::truncated, "truncated", post, Verdict::altered, "The article shows only the beginning of the post.",
     "TruncatedText"},
    {Reason::text_added, "text_added", post, Verdict::altered, "The article adds words the post does not have.",
     "AddedText"},
    {Reason::handle_mismatch, "handle_mismatch", post, Verdict::misattributed,
     "The article credits another account than the post's author.", "WrongAuthor"},
    {Reason::date_mismatch, "date_mismatch", post, Verdict::misattributed,
     "The article shows another date than the post's.", "WrongDate"},
    {Reason::deleted, "deleted", post, Verdict::missing, "The post has been deleted.", "DeletedPost"},
    {Reason::suspended, "suspended", post, Verdict::missing, "The author's account is suspended.", "SuspendedAccount"},
    {Reason::protected_, "protected", post, Verdict::missing,
     "The post is protected: only its author's followers can see it.", "ProtectedPost"},
    {Reason::withheld, "withheld", post, Verdict::missing, "The post is withheld in some countries.", "WithheldPost"},
    {Reason::age_restricted, "age_restricted", post, Verdict::missing,
     "The post is age-restricted: it cannot be seen without logging in.", "AgeRestrictedPost"},
    {Reason::unavailable, "unavailable", post, Verdict::missing, "The post is unavailable.", "UnavailablePost"},
    {Reason::network_error, "network_error", post, Verdict::unverifiable,
     "No source could be reached or gave a usable answer.", "SourcesUnreachable"},
    {Reason::rate_limited, "rate_limited", post, Verdict::unverifiable,
     "The sources refused more requests for now (rate limit).", "SourcesRateLimited"},
    {Reason::no_status_id, "no_status_id", post, Verdict::unverifiable,
     "The article does not show which post it quotes.", "NoStatusId"},
    {Reason::offline, "offline", post, Verdict::unverifiable, "Checked offline: no source was asked.",
     "CheckedOffline"},
    {Reason::unsupported_platform, "unsupported_platform", post, Verdict::unverifiable,
     "Posts on this platform cannot be checked yet.", "UnsupportedPlatform"},
    {Reason::account_gone, "account_gone", post, Verdict::missing, "The author's account no longer exists.",
     "AccountGone"},
    {Reason::removed, "removed", post, Verdict::missing, "The post was removed for breaking the platform's rules.",
     "RemovedPost"},
    {Reason::redirect_refused, "redirect_refused", post, Verdict::unverifiable,
     "A source redirected to a host outside its own service; the redirect was not followed.", "SourceRedirectRefused"},
    // No words and no SARIF rule yet: reports show the code, SARIF leaves such a post out.
    {Reason::text_removed, "text_removed", post, Verdict::altered, {}, {}},
    // With a missing post's reason, never first: no SARIF rule of their own.
    {Reason::archived_match,
     "archived_match",
     post,
     Verdict::missing,
     "An archived copy matches what the article shows.",
     {}},
    {Reason::archived_mismatch,
     "archived_mismatch",
     post,
     Verdict::missing,
     "An archived copy differs from what the article shows.",
     {}},
    // A source's answers: a post gets network_error (and the note malformed_response), or nothing.
    {Reason::malformed_response,
     "malformed_response",
     answer,
     Verdict::unverifiable,
     "A source answered something it could not read.",
     {}},
    // A post's reason since Meta's sources (their only source refusing the token says it all).
    {Reason::auth_error, "auth_error", post, Verdict::unverifiable,
     "A source refused the access token (the X API's bearer token, the Meta token).", "SourceTokenRefused"},
    {Reason::not_archived,
     "not_archived",
     answer,
     Verdict::unverifiable,
     "The Wayback Machine has no readable capture.",
     {}},
    // Bluesky
    {Reason::blocked, "blocked", post, Verdict::missing,
     "The service hides the post behind a block between accounts (Bluesky's blockedPost).", "BlockedPost"},
    {Reason::taken_down, "taken_down", post, Verdict::missing, "The post or its author was taken down by the service.",
     "TakenDownPost"},
    // Mastodon: 401/403 from the instance (a private post, or an instance that requires authorised fetch).
    {Reason::instance_refused, "instance_refused", post, Verdict::unverifiable,
     "The Mastodon instance refused to show the post (a private post, or an instance that requires authorised fetch).",
     "InstanceRefused"},
    // Meta's oEmbed sources (Threads, Instagram, Facebook).
    {Reason::needs_token, "needs_token", post, Verdict::unverifiable,
     "Meta's oEmbed endpoints were not asked: they need an access token (--meta-token or TWEETCHECK_META_TOKEN).",
     "NeedsMetaToken"},
};

using enum NoteArgument;

constexpr NoteInfo k_notes[] = {
    {Note::display_name_changed,
     "display_name_changed",
     none,
     {},
     "The author's display name differs from the article's."},
    {Note::edited_since, "edited_since", none, {}, "The post was edited after the version the article shows."},
    {Note::matches_version, "matches_version", required, "ID", "The article shows this earlier version of the post."},
    {Note::quotes, "quotes", required, "ID", "The post quotes this other post."},
    {Note::long_post_head_only,
     "long_post_head_only",
     none,
     {},
     "The source gave only the head of a long post, and the article shows at least that head."},
    {Note::punctuation_differs, "punctuation_differs", none, {}, "Only punctuation differs."},
    {Note::excerpt, "excerpt", none, {}, "A quote in prose shows a contiguous part of the post."},
    {Note::status_id_from_link_by, "status_id_from_link_by", required, "HANDLE",
     "The status ID was learnt from a short link that leads to this other account's post."},
    {Note::status_id_from_archive_search,
     "status_id_from_archive_search",
     none,
     {},
     "The status ID was found in the Wayback Machine's index of the account's statuses, by the text."},
    {Note::malformed_response,
     "malformed_response",
     none,
     {},
     "A source answered something it could not read; the next one was asked."},
    // Bluesky
    {Note::handle_changed,
     "handle_changed",
     none,
     {},
     "The author's handle changed since; the account (its DID) is the one the article names."},
    {Note::record_changed,
     "record_changed",
     none,
     {},
     "The post's record is another version (CID) than the one the article embedded."},
    // Meta's oEmbed sources (Threads, Instagram, Facebook).
    {Note::text_not_checked,
     "text_not_checked",
     none,
     {},
     "The source's answer does not carry the post's text: only the author was compared."},
    {Note::author_not_checked,
     "author_not_checked",
     none,
     {},
     "The source's answer does not name the post's author: only that the post exists was checked."},
};

// Each row sits at its enum's index, so that info() is an index.
constexpr bool rows_in_order() {
  for (std::size_t i = 0; i < std::size(k_reasons); ++i) {
    if (static_cast<std::size_t>(k_reasons[i].id) != i) return false;
  }
  for (std::size_t i = 0; i < std::size(k_notes); ++i) {
    if (static_cast<std::size_t>(k_notes[i].id) != i) return false;
  }
  return true;
}
static_assert(rows_in_order(), "a row of the reason or note table is out of its enum's order");
static_assert(std::size(k_reasons) == static_cast<std::size_t>(Reason::needs_token) + 1, "a reason has no row");
static_assert(std::size(k_notes) == static_cast<std::size_t>(Note::author_not_checked) + 1, "a note has no row");

} // namespace

std::span<const ReasonInfo> reason_table() { return k_reasons; }
std::span<const NoteInfo> note_table() { return k_notes; }

const ReasonInfo& info(Reason r) { return k_reasons[static_cast<std::size_t>(r)]; }
const NoteInfo& info(Note n) { return k_notes[static_cast<std::size_t>(n)]; }

std::string code(Reason r) { return std::string(info(r).code); }

std::optional<Reason> find_reason(std::string_view code) {
  const auto it =
      std::find_if(std::begin(k_reasons), std::end(k_reasons), [&](const ReasonInfo& r) { return r.code == code; });
  if (it == std::end(k_reasons)) return std::nullopt;
  return it->id;
}

std::string note(Note n) { return std::string(info(n).code); }

std::string note(Note n, std::string_view argument) {
  std::string out(info(n).code);
  out += ':';
  out += argument;
  return out;
}

std::string sarif_rule_id(const ReasonInfo& r) {
  return "tweetcheck/" + std::string(to_string(r.verdict)) + "/" + std::string(r.code);
}

bool operator==(Reason r, std::string_view code) { return info(r).code == code; }

std::ostream& operator<<(std::ostream& out, Reason r) { return out << info(r).code; }

} // namespace tweetcheck
