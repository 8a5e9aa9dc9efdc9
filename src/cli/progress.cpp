// The progress display on stderr (see progress.hpp); reports never go here.
#include "progress.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "terminal.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck::cli {

bool progress_wanted(bool quiet) { return ::isatty(2) != 0 && !quiet && std::getenv("CI") == nullptr; }

namespace {

/// Columns a UTF-8 string takes (one per code point; escapes are never in it).
std::size_t columns(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// The longest prefix of `s` taking at most `width` columns (whole code points).
std::string_view cut(std::string_view s, std::size_t width) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (n++ == width) return s.substr(0, i);
  }
  return s;
}

} // namespace

void ProgressLine::configure(bool color, bool erase) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_color = color;
  m_erase = erase;
}

void ProgressLine::show(std::string_view label, std::string_view text, bool now) {
  std::lock_guard<std::mutex> lock(m_mutex);
  // A line as wide as the terminal would wrap, and "\r" would then erase only its last row.
  const std::size_t width = static_cast<std::size_t>(std::max(terminal_columns(2) - 1, 20));
  const std::string prefix = "tweetcheck: ";
  const std::string plain = std::string(cut(prefix + std::string(label) + " " + std::string(text), width));
  m_plain = plain;
  const std::size_t head = std::min(plain.size(), prefix.size() + label.size());
  m_styled =
      m_color ? prefix + "\033[36m" + plain.substr(prefix.size(), head - prefix.size()) + "\033[0m" + plain.substr(head)
              : plain;
  const auto t = std::chrono::steady_clock::now();
  if (!now && m_shown > 0 && t - m_last < std::chrono::milliseconds(100)) return;
  m_last = t;
  erase_locked();
  draw_locked();
}

void ProgressLine::clear() {
  std::lock_guard<std::mutex> lock(m_mutex);
  erase_locked();
  m_plain.clear();
  m_styled.clear();
}

void ProgressLine::around(const std::function<void()>& write) {
  std::lock_guard<std::mutex> lock(m_mutex);
  erase_locked();
  write();
  draw_locked();
}

void ProgressLine::erase_locked() {
  if (m_shown == 0) return;
  if (m_erase) {
    std::fputs("\r\033[K", stderr);
  } else {
    std::fprintf(stderr, "\r%*s\r", static_cast<int>(m_shown), "");
  }
  std::fflush(stderr);
  m_shown = 0;
}

void ProgressLine::draw_locked() {
  if (m_plain.empty()) return;
  std::fputs(m_styled.c_str(), stderr);
  std::fflush(stderr);
  m_shown = std::max<std::size_t>(columns(m_plain), 1);
}

ProgressLine& progress_line() {
  static ProgressLine line;
  return line;
}

namespace {

/// The stderr colour sink, with the progress line out of the way of each message.
class LogSink final : public spdlog::sinks::sink {
public:
  void log(const spdlog::details::log_msg& msg) override {
    progress_line().around([&] { m_inner.log(msg); });
  }
  void flush() override { m_inner.flush(); }
  void set_pattern(const std::string& pattern) override { m_inner.set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override { m_inner.set_formatter(std::move(f)); }
  void set_color(bool color) { m_inner.set_color_mode(color ? spdlog::color_mode::always : spdlog::color_mode::never); }

private:
  spdlog::sinks::stderr_color_sink_mt m_inner{spdlog::color_mode::never};
};

} // namespace

std::shared_ptr<spdlog::logger> make_logger() {
  auto sink = std::make_shared<LogSink>();
  auto log = std::make_shared<spdlog::logger>("tweetcheck", sink);
  spdlog::register_logger(log);
  return log;
}

void set_log_color(spdlog::logger& log, bool color) {
  for (auto& s : log.sinks()) {
    if (auto* sink = dynamic_cast<LogSink*>(s.get())) sink->set_color(color);
  }
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string format_duration(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

void CheckProgress::scanned(std::size_t posts) {
  m_posts = posts;
  progress_line().show("check", fmt::format("{} posts found", posts), true);
}

void CheckProgress::stage(std::string_view name, std::size_t items) {
  m_stage = name;
  m_stage_start = std::chrono::steady_clock::now();
  const std::string all = m_posts ? fmt::format(" ({} posts in all)", m_posts) : "";
  progress_line().show(m_stage, fmt::format("0/{}{}", items, all), true);
}

void CheckProgress::step(std::size_t done, std::size_t total) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_stage_start).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  std::string text = fmt::format("{}/{}", done, total);
  text += fmt::format(", {:.0f}/s", rate);
  if (rate > 0 && done < total) text += ", ETA " + format_duration(static_cast<double>(total - done) / rate);
  if (m_posts) text += fmt::format(" ({} posts in all)", m_posts);
  progress_line().show(m_stage, text, done == total);
}

AuditProgress::AuditProgress(spdlog::logger& log, bool tty, bool quiet)
    : log_(log), tty_(tty), quiet_(quiet), start_(std::chrono::steady_clock::now()), last_(start_) {}

void AuditProgress::operator()(const AuditProgressReport& r) {
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - start_).count();
  auto n = [&](Verdict k) {
    if (!r.verdicts) return std::uint64_t{0};
    auto it = r.verdicts->find(std::string(to_string(k)));
    return it == r.verdicts->end() ? std::uint64_t{0} : it->second;
  };
  std::string line;
  if (r.bytes_total > 0) {
    // The inputs' bytes are what is known in advance (not the documents): done/total, rate, ETA.
    // The rate counts from the first report, so that what a resumed run skips through quickly
    // (or the first batch's start-up) does not make the ETA too short.
    if (!first_) first_ = std::make_pair(now, r.bytes_read);
    const double since = std::chrono::duration<double>(now - first_->first).count();
    const double rate = since > 0 ? static_cast<double>(r.bytes_read - first_->second) / since : 0.0;
    line = fmt::format("{} of {} ({:.0f}%), ", format_bytes(r.bytes_read), format_bytes(r.bytes_total),
                       100.0 * static_cast<double>(r.bytes_read) / static_cast<double>(r.bytes_total));
    line += fmt::format("{}/s", format_bytes(static_cast<std::uint64_t>(rate)));
    if (rate > 0 && r.bytes_read < r.bytes_total) {
      line += ", ETA " + format_duration(static_cast<double>(r.bytes_total - r.bytes_read) / rate);
    }
    line += "; ";
  }
  line += fmt::format(
      "{} documents, {} posts ({} verified, {} altered, {} misattributed, {} missing, {} unverifiable), {:.0f} docs/s",
      r.documents, r.posts, n(Verdict::verified), n(Verdict::altered), n(Verdict::misattributed), n(Verdict::missing),
      n(Verdict::unverifiable), secs > 0 ? static_cast<double>(r.documents) / secs : 0.0);
  if (tty_) {
    progress_line().show("audit", line);
  } else if (!quiet_ && now - last_ >= std::chrono::seconds(10)) {
    log_.warn("progress: {}", line); // periodic plain lines when stderr is not a terminal
    last_ = now;
  }
}

void AuditProgress::finish() {
  if (tty_) progress_line().clear();
}

} // namespace tweetcheck::cli
