// The text of `tweetcheck --version`: the version from `git describe` (generated header) and the
// versions of the C libraries, asked at run time where the library can tell.
#include "version.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "version.h"

namespace tweetcheck::cli {

std::string version_text() {
  std::string out = std::string("tweetcheck ") + TWEETCHECK_VCS_VERSION + "\n";
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  out += std::string("libcurl ") + (curl != nullptr && curl->version != nullptr ? curl->version : "unknown");
  if (curl != nullptr && curl->ssl_version != nullptr) out += std::string(" (") + curl->ssl_version + ")";
  out += "\n";
  out += std::string("Gumbo ") + TWEETCHECK_GUMBO_VERSION + " (at build time)\n";
  out += std::string("SQLite ") + sqlite3_libversion() + "\n";
  out += std::string("OpenSSL ") + OpenSSL_version(OPENSSL_VERSION_STRING);
  return out;
}

} // namespace tweetcheck::cli
