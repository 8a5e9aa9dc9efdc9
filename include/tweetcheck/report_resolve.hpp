#pragma once
/// The resolve report: where each short link leads, as JSON or text.

#include <ostream>
#include <vector>

#include "tweetcheck/resolve.hpp"

namespace tweetcheck {

enum class ResolveFormat { json, text };

/// {"schema": "tweetcheck/resolve/1", "results": [{url, final_url, chain, status_id, handle,
/// status, reason, from_cache}]} or, for people, one block per URL.
void write_resolutions(std::ostream& out, const std::vector<Resolution>& results, ResolveFormat format);

} // namespace tweetcheck
