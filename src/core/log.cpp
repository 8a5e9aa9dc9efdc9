// The library's logger: a null sink until the application sets one, so the library never prints.
#include "core/log.hpp"

#include <mutex>

#include <spdlog/sinks/null_sink.h>

#include "tweetcheck/log.hpp"

namespace tweetcheck {

namespace {
std::mutex g_mutex;
std::shared_ptr<spdlog::logger>& logger_slot() {
  static std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("tweetcheck", std::make_shared<spdlog::sinks::null_sink_mt>());
  return logger;
}
} // namespace

void set_logger(std::shared_ptr<spdlog::logger> logger) {
  std::lock_guard<std::mutex> lock(g_mutex);
  logger_slot() = logger
                      ? std::move(logger)
                      : std::make_shared<spdlog::logger>("tweetcheck", std::make_shared<spdlog::sinks::null_sink_mt>());
}

namespace detail {
spdlog::logger& log() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return *logger_slot();
}
} // namespace detail

} // namespace tweetcheck
