#pragma once
// The one place C library handles get their owners: move-only RAII types for curl, sqlite,
// libpq, libarchive, libxml2, Gumbo, iconv and file descriptors, so no file frees a handle by hand.

#include <memory>
#include <utility>

#include <archive.h>
#include <curl/curl.h>
#include <gumbo.h>
#include <iconv.h>
#include <libpq-fe.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>
#include <unistd.h>

namespace tweetcheck::detail {

/// A deleter calling `Free` (any C function taking the pointer).
template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using CurlEasy = std::unique_ptr<CURL, FreeWith<curl_easy_cleanup>>;
using CurlMulti = std::unique_ptr<CURLM, FreeWith<curl_multi_cleanup>>;
using CurlUrl = std::unique_ptr<CURLU, FreeWith<curl_url_cleanup>>;
using CurlHeaders = std::unique_ptr<curl_slist, FreeWith<curl_slist_free_all>>;
/// A string curl allocated (curl_url_get and friends).
using CurlString = std::unique_ptr<char, FreeWith<curl_free>>;

using SqliteDb = std::unique_ptr<sqlite3, FreeWith<sqlite3_close_v2>>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, FreeWith<sqlite3_finalize>>;

/// A PostgreSQL connection and a query's result (libpq).
using PgConn = std::unique_ptr<PGconn, FreeWith<PQfinish>>;
using PgResult = std::unique_ptr<PGresult, FreeWith<PQclear>>;

using ArchiveReader = std::unique_ptr<archive, FreeWith<archive_read_free>>;

using XmlDoc = std::unique_ptr<xmlDoc, FreeWith<xmlFreeDoc>>;
using XmlParser = std::unique_ptr<xmlParserCtxt, FreeWith<xmlFreeParserCtxt>>;
/// A string libxml2 allocated (xmlNodeGetContent, xmlGetProp, …).
struct XmlFree {
  void operator()(xmlChar* p) const noexcept { xmlFree(p); }
};
using XmlString = std::unique_ptr<xmlChar, XmlFree>;

/// A Gumbo parse tree (parsed with the default options).
struct GumboFree {
  void operator()(GumboOutput* out) const noexcept { gumbo_destroy_output(&kGumboDefaultOptions, out); }
};
using GumboTree = std::unique_ptr<GumboOutput, GumboFree>;

/// An iconv conversion; invalid (iconv_open failed) when !valid().
class Iconv {
public:
  Iconv(const char* to, const char* from) : m_cd(iconv_open(to, from)) {}
  ~Iconv() {
    if (valid()) iconv_close(m_cd);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool valid() const { return m_cd != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return m_cd; }

private:
  iconv_t m_cd;
};

/// A file descriptor, closed with the object unless released; -1 when none.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      m_fd = std::exchange(o.m_fd, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  /// Closes now; false (errno set) when close(2) reports an error, e.g. a failed write-back.
  bool close() {
    const int fd = std::exchange(m_fd, -1);
    return fd < 0 || ::close(fd) == 0;
  }
  int release() { return std::exchange(m_fd, -1); }

private:
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  int m_fd = -1;
};

} // namespace tweetcheck::detail
