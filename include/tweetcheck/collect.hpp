#pragma once
/// The collect stage: turns command-line inputs into documents. All file I/O of the scan lives here.

#include <functional>
#include <string>
#include <vector>

#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck {

/// One input to read: a file path, or "-" for standard input.
struct InputRef {
  std::string path;
  InputFormat format = InputFormat::auto_detect;
};

/// Expands files, directories (recursed, sorted, only files with a known article extension:
/// .html .htm .xhtml .shtml .txt .text .md .markdown .mdx, and feeds: .rss .atom .xml .json) and
/// "-" into a list of inputs.
/// Fails with Errc::io naming the path when an input does not exist or cannot be listed.
Result<std::vector<InputRef>> collect_inputs(const std::vector<std::string>& inputs,
                                             InputFormat format);

/// Reads one input. Fails with Errc::io naming the path when it cannot be read.
Result<Document> read_document(const InputRef& input);

} // namespace tweetcheck
