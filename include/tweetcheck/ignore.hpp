#pragma once
/// Accepted findings: an ignore file (.tweetcheckignore or --ignore-file) lists posts that are
/// known and accepted. Ignored posts still appear in reports, marked ignored, and never fail a run.

#include <string>
#include <vector>

#include "tweetcheck/result.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// One line of an ignore file:
///   1503747848401846272                       every post with this status ID
///   articles/story.html                       every post in this file
///   articles/story.html 1503747848401846272   this post in this file
/// each optionally followed by `expires=YYYY-MM-DD` and a `# comment`.
struct IgnoreRule {
  std::string file;      ///< empty: any file
  std::string status_id; ///< empty: any post
  std::string expires;   ///< YYYY-MM-DD or empty
  std::string comment;
  unsigned line = 0;
};

/// Reads an ignore file. Rules whose `expires` date is before `today` (YYYY-MM-DD) are dropped with a
/// warning naming the file and line. Fails (Errc::io, Errc::parse) naming the file and line.
Result<std::vector<IgnoreRule>> load_ignore_file(const std::string& path, const std::string& today,
                                                 std::vector<std::string>* warnings);

/// Marks the posts the rules accept. A rule's file matches a post's file when equal, or when the
/// post's path ends with "/" + the rule's file.
void apply_ignores(std::vector<CheckedPost>& posts, const std::vector<IgnoreRule>& rules);

} // namespace tweetcheck
