// The progress display on stderr (see progress.hpp); reports never go here.
#include "progress.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "tweetcheck/verify.hpp"

namespace tweetcheck::cli {

bool progress_wanted(bool quiet) { return ::isatty(2) != 0 && !quiet && std::getenv("CI") == nullptr; }

void draw_stage(std::string_view stage, std::size_t items) {
  std::fprintf(stderr, "\r\033[Ktweetcheck: %.*s (%zu)", static_cast<int>(stage.size()), stage.data(), items);
  std::fflush(stderr);
}

void clear_progress_line() { std::fprintf(stderr, "\r\033[K"); }

AuditProgress::AuditProgress(spdlog::logger& log, bool tty, bool quiet)
    : log_(log), tty_(tty), quiet_(quiet), start_(std::chrono::steady_clock::now()), last_(start_) {}

void AuditProgress::operator()(std::uint64_t docs, std::uint64_t posts, const std::map<std::string, std::uint64_t>& v) {
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - start_).count();
  auto n = [&](Verdict k) {
    auto it = v.find(std::string(to_string(k)));
    return it == v.end() ? std::uint64_t{0} : it->second;
  };
  const std::string line = fmt::format(
      "{} documents, {} posts ({} verified, {} altered, {} misattributed, {} missing, {} unverifiable), {:.0f} docs/s",
      docs, posts, n(Verdict::verified), n(Verdict::altered), n(Verdict::misattributed), n(Verdict::missing),
      n(Verdict::unverifiable), secs > 0 ? static_cast<double>(docs) / secs : 0.0);
  if (tty_) {
    std::fprintf(stderr, "\r\033[Ktweetcheck audit: %s", line.c_str());
    std::fflush(stderr);
  } else if (!quiet_ && now - last_ >= std::chrono::seconds(10)) {
    log_.warn("progress: {}", line); // periodic plain lines when stderr is not a terminal
    last_ = now;
  }
}

void AuditProgress::finish() {
  if (tty_) std::fprintf(stderr, "\n");
}

} // namespace tweetcheck::cli
