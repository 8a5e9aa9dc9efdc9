#pragma once
// The text of `tweetcheck --version`: the build's version and the libraries it runs with.

#include <string>

namespace tweetcheck::cli {

/// "tweetcheck VERSION" and one line per library: libcurl, Gumbo, SQLite, OpenSSL. The versions
/// of libcurl, SQLite and OpenSSL are those loaded at run time; Gumbo reports none, so its line is
/// the version pkg-config gave at build time.
std::string version_text();

} // namespace tweetcheck::cli
