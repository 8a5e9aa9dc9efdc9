#pragma once
// The one temporary-folder fixture of the tests: a fresh folder under the system's temporary
// folder (mkdtemp), removed with everything in it when the object goes.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <stdlib.h>

namespace tweetcheck::test {

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "tweetcheck") {
    std::string t = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(t.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder " + t);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The path of `name` inside the folder (not created).
  std::string at(const std::string& name) const { return (std::filesystem::path(path) / name).string(); }
  std::string operator/(const std::string& name) const { return at(name); }
  /// Writes `content` to `name` inside the folder; returns its path.
  std::string file(const std::string& name, const std::string& content) const {
    const auto p = std::filesystem::path(path) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
};

} // namespace tweetcheck::test
