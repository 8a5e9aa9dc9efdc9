// What the commands share: the exit status of an error, positions, the input options.
#include "cli.hpp"

namespace tweetcheck::cli {

int exit_status(Errc code) {
  switch (code) {
  // Every failure of the run is the one documented status: a CI script tells "a post failed" (1)
  // from "the check failed" (2), and the kind of failure is in the message. The library's Errc
  // still tells callers that must answer differently apart (the desk server: usage → 400, …).
  case Errc::io:
  case Errc::parse:
  case Errc::http:
  case Errc::database:
  case Errc::config:
  case Errc::usage:
  case Errc::internal:
  case Errc::cancelled: return k_exit_failed;
  }
  return k_exit_failed;
}

int failed(spdlog::logger& log, const Error& e) {
  log.error("{}", e.message);
  return exit_status(e.code);
}

InputFormat parse_input_format(const std::string& name) {
  return name == "html"       ? InputFormat::html
         : name == "text"     ? InputFormat::text
         : name == "markdown" ? InputFormat::markdown
                              : InputFormat::auto_detect;
}

std::string where(const Diagnostic& d) {
  if (d.where.line == 0) return d.where.file;
  return d.where.file + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
}

void add_max_input_size(CLI::App* sub, std::size_t& mib, const char* what) {
  sub->add_option("--max-input-size", mib,
                  std::string("MiB read at most from one ") + what + "; larger ones are refused")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
}

} // namespace tweetcheck::cli
