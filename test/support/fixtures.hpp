#pragma once
// Test helpers: fixture paths and file reading.
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "tweetcheck/scan.hpp"

namespace tweetcheck::test {

inline std::string source_path(const std::string& rel) { return std::string(TWEETCHECK_SOURCE_DIR) + "/" + rel; }
inline std::string fixture_path(const std::string& rel) { return source_path("fixtures/" + rel); }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Scans a fixture file (path relative to fixtures/), named as given.
inline ScanResult scan_fixture(const std::string& rel) {
  Document doc;
  doc.name = rel;
  doc.content = read_file(fixture_path(rel));
  return scan(doc);
}

} // namespace tweetcheck::test
