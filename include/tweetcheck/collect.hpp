#pragma once
/// The collect stage: turns command-line inputs into documents. All file I/O of the scan lives here.

#include <functional>
#include <string>
#include <vector>

#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck {

/// The largest input read by default (256 MiB): a document is held in memory whole while it is
/// scanned, so the bound on one input is the bound on the memory a scan needs.
inline constexpr std::size_t k_default_max_input_bytes = std::size_t{256} << 20;

/// One input to read: a file path, or "-" for standard input.
struct InputRef {
  std::string path;
  InputFormat format = InputFormat::auto_detect;
  std::size_t max_bytes = k_default_max_input_bytes; ///< larger inputs are refused, never cut
};

/// Expands files, directories (recursed, sorted, only files with a known article extension:
/// .html .htm .xhtml .shtml .txt .text .md .markdown .mdx, and feeds: .rss .atom .xml .json) and
/// "-" into a list of inputs.
/// Fails with Errc::io naming the path when an input does not exist or cannot be listed.
Result<std::vector<InputRef>> collect_inputs(const std::vector<std::string>& inputs, InputFormat format);

/// Reads one input. Fails with Errc::io naming the path when it cannot be read, or when it holds
/// more than `input.max_bytes` (then nothing of it is read: a cut page would lose its last posts).
Result<Document> read_document(const InputRef& input);

} // namespace tweetcheck
