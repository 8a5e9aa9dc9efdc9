#pragma once
// Atomic file output (private to the library, used by the command line too).

#include <string>
#include <string_view>

#include "core/handles.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck::detail {

/// Writes `content` to `path` atomically: into a new temporary file in the same folder, made
/// with mkstemp (an unpredictable name, O_CREAT|O_EXCL, so never an existing file nor a planted
/// symbolic link), flushed and closed, then renamed over `path`. A killed run never leaves half a
/// file; on any failure the temporary file is removed and the error names `path` (Errc::io,
/// "cannot write '…': reason").
Result<void> write_file_atomically(const std::string& path, std::string_view content);

/// The same, streamed: create() makes the temporary file, write() appends (buffered), commit()
/// flushes, closes and renames it. Destroyed without commit(), the temporary file is removed.
class AtomicFile {
public:
  static Result<AtomicFile> create(const std::string& path);
  AtomicFile(AtomicFile&& o) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  void write(std::string_view data);
  Result<void> commit();

private:
  AtomicFile(std::string path, std::string tmp, int fd) : m_path(std::move(path)), m_tmp(std::move(tmp)), m_fd(fd) {}
  bool flush();
  std::string m_path, m_tmp, m_buffer;
  UniqueFd m_fd;
  int m_errno = 0; ///< the first write error
};

} // namespace tweetcheck::detail
