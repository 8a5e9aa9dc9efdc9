// Fuzz target: files a user or a crawler hands over — config (TOML), ignore file, local archive
// (JSONL / tweets.js) — written to a temporary file and read (the first byte chooses).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "tweetcheck/config.hpp"
#include "tweetcheck/ignore.hpp"
#include "tweetcheck/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  char path[] = "/tmp/tweetcheck-fuzz-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return 0;
  const std::size_t n = size - 1;
  if (::write(fd, data + 1, n) != static_cast<ssize_t>(n)) {
    ::close(fd);
    ::unlink(path);
    return 0;
  }
  ::close(fd);
  switch (data[0] % 3) {
  case 0: {
    tweetcheck::Settings s;
    (void)tweetcheck::load_config(path, s);
    break;
  }
  case 1: (void)tweetcheck::load_ignore_file(path, "2024-01-01", nullptr); break;
  default: (void)tweetcheck::load_archive(path); break;
  }
  ::unlink(path);
  return 0;
}
