// Reports and state written whole or not at all: a mkstemp file in the target folder, renamed over it.
#include "store/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace tweetcheck::detail {

namespace {

/// The process's umask, read without changing it (umask(2) would, for a moment, for every
/// thread): Linux shows it in /proc/self/status; 022 when it cannot be read.
mode_t current_umask() {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned mask = 022;
    while (std::fgets(line, sizeof line, f)) {
      if (std::sscanf(line, "Umask: %o", &mask) == 1) break;
    }
    std::fclose(f);
    return static_cast<mode_t>(mask & 0777);
  }
  return 022;
}

} // namespace

Result<AtomicFile> AtomicFile::create(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data()); // O_CREAT|O_EXCL: never an existing file nor a link
  if (fd < 0) return fail(Errc::io, "cannot write '" + path + "': " + std::strerror(errno));
  // mkstemp makes the file 0600; a report is as readable as any file the user writes.
  if (::fchmod(fd, 0666 & ~current_umask()) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(Errc::io, "cannot write '" + path + "': " + reason);
  }
  return AtomicFile(path, std::move(tmp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : m_path(std::move(o.m_path)), m_tmp(std::move(o.m_tmp)), m_buffer(std::move(o.m_buffer)), m_fd(std::move(o.m_fd)),
      m_errno(o.m_errno) {
  o.m_tmp.clear();
}

AtomicFile::~AtomicFile() {
  m_fd.close();
  if (!m_tmp.empty()) ::unlink(m_tmp.c_str());
}

bool AtomicFile::flush() {
  std::size_t done = 0;
  while (m_errno == 0 && done < m_buffer.size()) {
    const ssize_t n = ::write(m_fd.get(), m_buffer.data() + done, m_buffer.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      m_errno = n == 0 ? EIO : errno;
    else
      done += static_cast<std::size_t>(n);
  }
  m_buffer.clear();
  return m_errno == 0;
}

void AtomicFile::write(std::string_view data) {
  if (!m_fd || m_errno) return;
  m_buffer.append(data);
  if (m_buffer.size() >= (1u << 16)) flush();
}

Result<void> AtomicFile::commit() {
  auto failed = [&](int err) {
    m_fd.close();
    ::unlink(m_tmp.c_str());
    m_tmp.clear();
    return fail(Errc::io, "cannot write '" + m_path + "': " + std::strerror(err));
  };
  if (!m_fd) return fail(Errc::io, "cannot write '" + m_path + "'");
  if (!flush()) return failed(m_errno);
  if (::fsync(m_fd.get()) != 0 && errno != EINVAL && errno != EROFS) return failed(errno);
  if (!m_fd.close()) return failed(errno);
  if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) return failed(errno);
  m_tmp.clear();
  return {};
}

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  auto f = AtomicFile::create(path);
  if (!f) return tl::unexpected(f.error());
  f->write(content);
  return f->commit();
}

} // namespace tweetcheck::detail
