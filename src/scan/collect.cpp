// The collect stage: inputs (files, folders, -) to documents; all file reading of the scan is here.
#include "tweetcheck/collect.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/text_util.hpp"

namespace tweetcheck {

namespace fs = std::filesystem;

namespace {

bool is_article_extension(const fs::path& p) {
  static const char* const k_exts[] = {".html",     ".htm", ".xhtml", ".shtml", ".txt", ".text", ".md",
                                       ".markdown", ".mdx", ".rss",   ".atom",  ".xml", ".json"};
  const std::string ext = detail::ascii_lower(p.extension().string());
  return std::any_of(std::begin(k_exts), std::end(k_exts), [&](const char* e) { return ext == e; });
}

} // namespace

Result<std::vector<InputRef>> collect_inputs(const std::vector<std::string>& inputs, InputFormat format) {
  std::vector<InputRef> out;
  for (const auto& input : inputs) {
    if (input == "-") {
      out.push_back({input, format});
      continue;
    }
    std::error_code ec;
    const auto status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      return fail(Errc::io,
                  "cannot open '" + input + "': " + (ec ? ec.message() : std::string("No such file or directory")));
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        return fail(Errc::io, "cannot list '" + input + "': " + ec.message());
      }
      for (; it != end; it.increment(ec)) {
        if (ec) {
          return fail(Errc::io, "cannot list '" + input + "': " + ec.message());
        }
        std::error_code fec;
        if (it->is_regular_file(fec) && is_article_extension(it->path())) {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      for (auto& f : found) {
        out.push_back({std::move(f), format});
      }
      continue;
    }
    out.push_back({input, format});
  }
  return out;
}

namespace {

std::string mib(std::size_t bytes) {
  const std::size_t m = bytes >> 20;
  return m > 0 && (bytes & ((std::size_t{1} << 20) - 1)) == 0 ? std::to_string(m) + " MiB"
                                                              : std::to_string(bytes) + " bytes";
}

Error too_large(const std::string& what, std::size_t max) {
  return Error{Errc::io,
               "cannot read " + what + ": larger than " + mib(max) + ", the limit for one input (--max-input-size)"};
}

/// Reads `in` to its end into `out`, but never more than `max` bytes: false when there was more.
bool read_bounded(std::istream& in, std::size_t max, std::string& out) {
  char buf[1 << 16];
  for (;;) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) return true;
    if (out.size() + got > max) return false;
    out.append(buf, got);
  }
}

} // namespace

Result<Document> read_document(const InputRef& input) {
  Document doc;
  doc.name = input.path;
  doc.format = input.format;
  if (input.path == "-") {
    if (!read_bounded(std::cin, input.max_bytes, doc.content))
      return tl::unexpected(too_large("standard input", input.max_bytes));
    if (std::cin.bad()) {
      return fail(Errc::io, "cannot read standard input");
    }
    return doc;
  }
  std::ifstream in(input.path, std::ios::binary);
  if (!in) {
    return fail(Errc::io, "cannot open '" + input.path + "': " + std::strerror(errno));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0 && static_cast<std::uintmax_t>(size) > input.max_bytes) {
    return tl::unexpected(too_large("'" + input.path + "'", input.max_bytes));
  }
  if (size > 0) {
    doc.content.resize(static_cast<std::size_t>(size));
    in.read(doc.content.data(), size);
    doc.content.resize(static_cast<std::size_t>(in.gcount()));
  } else {
    // Not seekable (a pipe or device): read to the end.
    in.clear();
    if (!read_bounded(in, input.max_bytes, doc.content)) {
      return tl::unexpected(too_large("'" + input.path + "'", input.max_bytes));
    }
  }
  if (in.bad()) {
    return fail(Errc::io, "cannot read '" + input.path + "': " + std::strerror(errno));
  }
  return doc;
}

} // namespace tweetcheck
