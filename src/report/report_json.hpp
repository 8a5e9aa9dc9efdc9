#pragma once
// The JSON object of a post, shared by the scan and check writers (private).
#include <nlohmann/json.hpp>

#include "tweetcheck/types.hpp"

namespace tweetcheck::detail {
nlohmann::ordered_json post_json(const Post& p);
}
