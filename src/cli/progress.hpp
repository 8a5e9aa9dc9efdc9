#pragma once
// The progress display on stderr: a line redrawn in place on a terminal, periodic plain lines
// otherwise (audit), nothing when quiet or in CI.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace tweetcheck::cli {

/// Whether stderr is a terminal worth drawing on: not quiet, not in CI.
bool progress_wanted(bool quiet);

/// check: "tweetcheck: STAGE (N)" redrawn in place.
void draw_stage(std::string_view stage, std::size_t items);
/// Clears the line drawn in place.
void clear_progress_line();

/// audit: documents, posts and verdict counts so far with the rate; in place on a terminal, else a
/// log line every 10 seconds unless quiet.
class AuditProgress {
public:
  AuditProgress(spdlog::logger& log, bool tty, bool quiet);
  void operator()(std::uint64_t docs, std::uint64_t posts, const std::map<std::string, std::uint64_t>& verdicts);
  /// Ends the line drawn in place.
  void finish();

private:
  spdlog::logger& log_;
  bool tty_, quiet_;
  std::chrono::steady_clock::time_point start_, last_;
};

} // namespace tweetcheck::cli
