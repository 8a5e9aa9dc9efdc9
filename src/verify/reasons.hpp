#pragma once
// The vocabulary of verdicts (private): every reason and every note the verifier can give, each
// once, with its code, its verdict, its words for people and its SARIF rule. The verifier and every
// writer read the table (reasons.cpp); no code is spelt anywhere else.
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// Every reason. The table's rows are in this order, which is also the order of the SARIF rules
/// (a result's `ruleIndex`): a new reason goes at the end.
enum class Reason {
  text_changed,
  number_changed,
  negation_changed,
  truncated,
  text_added,
  handle_mismatch,
  date_mismatch,
  deleted,
  suspended,
  protected_, ///< code "protected"
  withheld,
  age_restricted,
  unavailable,
  network_error,
  rate_limited,
  no_status_id,
  offline,
  unsupported_platform,
  account_gone,
  removed,
  redirect_refused,
  text_removed,
  archived_match,
  archived_mismatch,
  malformed_response,
  auth_error,
  not_archived,
  // Bluesky
  blocked,
  taken_down,
  // Mastodon
  instance_refused,
  // Meta's oEmbed sources (Threads, Instagram, Facebook).
  needs_token,
};

/// Where a reason is given.
enum class ReasonUse {
  post,   ///< in a CheckedPost's `reasons`
  answer, ///< only in a source's answer: the verdict reads it as another reason or a note
};

/// A row of the reason table.
struct ReasonInfo {
  Reason id;
  std::string_view code; ///< as reports write it
  ReasonUse use;
  Verdict verdict;             ///< the verdict it explains (for `answer` reasons: unverifiable)
  std::string_view words;      ///< for people; empty: reports show the code
  std::string_view sarif_name; ///< the SARIF rule's name; empty: no rule (such a result is not reported)
};

/// Every note.
enum class Note {
  display_name_changed,
  edited_since,
  matches_version,
  quotes,
  long_post_head_only,
  punctuation_differs,
  excerpt,
  status_id_from_link_by,
  status_id_from_archive_search,
  malformed_response,
  // Bluesky
  handle_changed,
  record_changed,
  // Meta's oEmbed sources (Threads, Instagram, Facebook).
  text_not_checked,
  author_not_checked,
};

/// Whether a note carries an argument after a colon ("quotes:ID").
enum class NoteArgument { none, required };

/// A row of the note table.
struct NoteInfo {
  Note id;
  std::string_view code;
  NoteArgument argument;
  std::string_view argument_name; ///< what the argument is ("ID", "HANDLE"); empty without one
  std::string_view words;         ///< for people
};

/// The rows, in the order of the enums.
std::span<const ReasonInfo> reason_table();
std::span<const NoteInfo> note_table();

const ReasonInfo& info(Reason r);
const NoteInfo& info(Note n);

/// The reason's code, as a post's `reasons` carry it.
std::string code(Reason r);
/// The row of a code; nullopt for one the table does not have.
std::optional<Reason> find_reason(std::string_view code);

/// A note as reports write it: its code (for notes without an argument) …
std::string note(Note n);
/// … or "code:argument".
std::string note(Note n, std::string_view argument);

/// The SARIF rule ID of a reason: "tweetcheck/<verdict>/<code>".
std::string sarif_rule_id(const ReasonInfo& r);

/// A reason is equal to its code (for comparing with codes read back from reports).
bool operator==(Reason r, std::string_view code);
std::ostream& operator<<(std::ostream& out, Reason r);

} // namespace tweetcheck
