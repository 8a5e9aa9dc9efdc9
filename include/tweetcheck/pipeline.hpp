#pragma once
/// Glue shared by the CLI and tests: running stages over many inputs.

#include <functional>
#include <vector>

#include "tweetcheck/collect.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck {

/// Reads and scans `inputs` on `jobs` worker threads (0: one per core) and hands each outcome
/// to `on_result` on the calling thread, in input order. At most a few documents per worker are
/// held at once, so memory stays bounded however many inputs there are. A read failure is
/// passed on as an Error for that input; the others go on.
void scan_inputs(const std::vector<InputRef>& inputs, unsigned jobs,
                 const std::function<void(const InputRef&, Result<ScanResult>)>& on_result);

} // namespace tweetcheck
