#pragma once
/// Library logging. The library logs through a logger the application sets; until then,
/// nothing is logged. The library never configures sinks.

#include <memory>

namespace spdlog {
class logger;
}

namespace tweetcheck {

/// Sets the logger the library writes to (nullptr: log nothing).
void set_logger(std::shared_ptr<spdlog::logger> logger);

} // namespace tweetcheck
