#pragma once
// The progress display on stderr: one line redrawn in place on a terminal, periodic plain lines
// otherwise (audit), nothing when quiet or in CI. The line never shares a line with anything
// else: log lines (the sink of make_logger) and reports on stdout (ProgressLine::around) erase it
// first and draw it again below themselves.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "tweetcheck/audit.hpp"

namespace tweetcheck::cli {

/// Whether stderr is a terminal worth drawing on: not quiet, not in CI.
bool progress_wanted(bool quiet);

/// The line drawn in place on stderr (one per process: progress_line()).
class ProgressLine {
public:
  /// `color`: the label in colour; `erase`: the terminal erases lines ("\r\033[K"), else the
  /// line is overwritten with spaces (TERM=dumb).
  void configure(bool color, bool erase);
  /// Shows "tweetcheck: LABEL TEXT", cut to the terminal's width; redrawn at most ten times a
  /// second unless `now`.
  void show(std::string_view label, std::string_view text, bool now = false);
  /// Erases the line and forgets it (drawn again only by the next show()).
  void clear();
  /// Runs `write` (which writes whole lines to stdout or stderr) with the line erased, then draws
  /// it again below what was written.
  void around(const std::function<void()>& write);

private:
  void erase_locked();
  void draw_locked();
  std::mutex m_mutex;
  bool m_color = false, m_erase = true;
  std::string m_plain, m_styled; ///< what is shown (m_styled with the label's colour)
  std::size_t m_shown = 0;       ///< columns taken on the terminal now; 0: nothing shown
  std::chrono::steady_clock::time_point m_last{};
};
ProgressLine& progress_line();

/// The "tweetcheck" logger: stderr, "tweetcheck: LEVEL: message", erasing the progress line
/// before each message and drawing it again after.
std::shared_ptr<spdlog::logger> make_logger();
/// Colour in the log lines or not (the logger of make_logger).
void set_log_color(spdlog::logger& log, bool color);

/// "1:05" / "1:02:05".
std::string format_duration(double seconds);
/// "512 bytes" / "12.5 KiB" / "3.0 GiB".
std::string format_bytes(std::uint64_t bytes);

/// check: the posts found, then each stage with done/total, the rate and an ETA.
class CheckProgress {
public:
  void scanned(std::size_t posts);
  void stage(std::string_view name, std::size_t items);
  void step(std::size_t done, std::size_t total);

private:
  std::size_t m_posts = 0;
  std::string m_stage;
  std::chrono::steady_clock::time_point m_stage_start{};
};

/// audit: documents, posts and verdict counts so far with the rate; in place on a terminal, else a
/// log line every 10 seconds unless quiet.
class AuditProgress {
public:
  AuditProgress(spdlog::logger& log, bool tty, bool quiet);
  /// With the inputs' total bytes known: how much is read, the rate and an ETA.
  void operator()(const AuditProgressReport& report);
  /// Ends the line drawn in place.
  void finish();

private:
  spdlog::logger& log_;
  bool tty_, quiet_;
  std::chrono::steady_clock::time_point start_, last_;
  std::optional<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> first_; ///< time, bytes
};

} // namespace tweetcheck::cli
