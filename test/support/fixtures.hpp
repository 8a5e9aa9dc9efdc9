#pragma once
// Test helpers: fixture paths and file reading.
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "tweetcheck/scan.hpp"

#include "support/temp_dir.hpp"

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

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace tweetcheck::test {

/// Validates a JSON (or JSONL) document the CLI produced against the project's schema for its
/// kind ("scan", "resolve", "check"); returns the validator's messages (empty when valid).
inline std::string schema_errors(const std::string& kind, const std::string& document, bool lines = false) {
  const TempDir tmp("tweetcheck-validate");
  const std::string path = tmp / (kind + ".json");
  {
    std::ofstream f(path, std::ios::binary);
    f << document;
  }
  const std::string cmd = "/usr/bin/python3 '" + source_path("tools/validate_json.py") + "' '" +
                          source_path("schemas/" + kind + ".schema.json") + "' '" + path + "'" +
                          (lines ? " --lines" : "") + " 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  std::size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = p ? pclose(p) : -1;
  std::remove(path.c_str());
  return st == 0 ? std::string() : (out.empty() ? std::string("validator failed") : out);
}

/// The kind of JSON a tweetcheck command line prints, or "" when it prints none.
inline std::string json_kind(const std::string& args, bool* lines) {
  *lines = args.find("--format jsonl") != std::string::npos;
  const bool text =
      args.find("--format text") != std::string::npos || args.find("--format html") != std::string::npos ||
      args.find("--format sarif") != std::string::npos || args.find("--format junit") != std::string::npos ||
      args.find("--format csv") != std::string::npos || args.find("--format markdown") != std::string::npos ||
      args.find("--output ") != std::string::npos;
  if (text || (args.find("--format json") == std::string::npos && args.rfind("scan", 0) != 0 &&
               args.rfind("resolve", 0) != 0)) {
    return {};
  }
  if (args.rfind("scan", 0) == 0) return *lines ? std::string() : "scan";
  if (args.rfind("resolve", 0) == 0) return "resolve";
  if (args.rfind("check", 0) == 0) return "check";
  return {};
}

} // namespace tweetcheck::test
