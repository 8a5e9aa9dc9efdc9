#pragma once
// The library's logger (private): a null logger until the application calls set_logger().
#include <spdlog/spdlog.h>

namespace tweetcheck::detail {
spdlog::logger& log();
}
