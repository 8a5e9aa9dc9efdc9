// Reading archives for audits: folders, WARC (libarchive), JSONL and feeds (RSS, Atom, JSON Feed).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fnmatch.h>
#include <fstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/handles.hpp"
#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "scan/feed.hpp"
#include "tweetcheck/audit.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/scan.hpp"

namespace tweetcheck {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && detail::iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool glob_match(const std::vector<std::string>& globs, const std::string& rel) {
  const std::string base = fs::path(rel).filename().string();
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
    return fnmatch(g.c_str(), rel.c_str(), 0) == 0 || fnmatch(g.c_str(), base.c_str(), 0) == 0;
  });
}

std::string iso_date(time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// The article's own URL from its markup (WARC records keep only the path of the target URI).
std::string canonical_url(std::string_view html) {
  static const RE2 canon(R"re((?is)<link\b[^>]*rel=["']?canonical["']?[^>]*href=["']([^"']+)["'])re");
  static const RE2 canon2(R"re((?is)<link\b[^>]*href=["']([^"']+)["'][^>]*rel=["']?canonical)re");
  static const RE2 og(R"re((?is)<meta\b[^>]*property=["']og:url["'][^>]*content=["']([^"']+)["'])re");
  const std::string_view head = html.substr(0, 200000);
  std::string url;
  re2::StringPiece in(head.data(), head.size());
  if (RE2::PartialMatch(in, canon, &url) || RE2::PartialMatch(in, canon2, &url) || RE2::PartialMatch(in, og, &url)) {
    if (url.rfind("http", 0) == 0) return url;
  }
  return {};
}

/// An HTTP response message → (content type, body); chunked transfer coding undone.
bool http_body(std::string_view msg, std::string& type, std::string& body) {
  if (msg.rfind("HTTP/", 0) != 0) return false;
  const auto end = msg.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  const std::string head = detail::ascii_lower(msg.substr(0, end));
  std::string_view rest = msg.substr(end + 4);
  if (const auto p = head.find("\ncontent-type:"); p != std::string::npos) {
    type = detail::trim_copy(std::string_view(head).substr(p + 14, head.find('\n', p + 1) - p - 14));
  }
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    body.clear();
    while (!rest.empty()) {
      const auto nl = rest.find("\r\n");
      if (nl == std::string_view::npos) break;
      const std::size_t n = std::strtoul(std::string(rest.substr(0, nl)).c_str(), nullptr, 16);
      if (n == 0 || nl + 2 + n > rest.size()) break;
      body.append(rest.substr(nl + 2, n));
      rest.remove_prefix(std::min(rest.size(), nl + 2 + n + 2));
    }
  } else {
    body.assign(rest);
  }
  return true;
}

bool known_extension(const std::string& p) {
  return ends_with(p, ".html") || ends_with(p, ".htm") || ends_with(p, ".xhtml") || ends_with(p, ".txt") ||
         ends_with(p, ".md") || ends_with(p, ".markdown") || ends_with(p, ".warc") || ends_with(p, ".warc.gz") ||
         ends_with(p, ".jsonl") || ends_with(p, ".rss") || ends_with(p, ".atom") || ends_with(p, ".xml") ||
         ends_with(p, ".json");
}

/// The files of folder `path` that are read, in the order they are read.
Result<std::vector<std::string>> folder_files(const std::string& path, const ArchiveOptions& options) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
       it != end && !ec; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string p = it->path().string();
    const std::string rel = fs::relative(it->path(), path, ec).string();
    if (!options.include.empty() ? !glob_match(options.include, rel) : !known_extension(p)) continue;
    if (glob_match(options.exclude, rel)) continue;
    files.push_back(p);
  }
  if (ec) return fail(Errc::io, "cannot list '" + path + "': " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::uint64_t size_of(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

struct Reader {
  const ArchiveOptions& options;
  const std::function<bool(ArchiveDoc&&)>& visit;
  std::uint64_t seq = 0;
  bool stopped = false;
  std::uint64_t done_bytes = 0; ///< the sizes of the files read to the end
  std::uint64_t at = 0;         ///< how far into the current file (its bytes on disk)

  bool emit(ArchiveDoc&& d) {
    d.seq = seq++;
    d.bytes_read = done_bytes + at;
    if (!visit(std::move(d))) stopped = true;
    return !stopped;
  }

  /// libarchive 3.6's WARC reader needs each whole record inside its read-ahead window, which a
  /// decompression filter cannot give for large records. So .warc.gz is first decompressed (by
  /// libarchive, as raw data) to a temporary file, and WARC files are read from a memory mapping
  /// whose pages are released as the reader moves on (bounded memory however large the file).
  Result<void> warc(const std::string& path, const std::string& name) {
    std::string plain = path;
    std::string temp;
    if (ends_with(path, ".gz")) {
      auto t = gunzip_to_temp(path, name);
      if (!t) return tl::unexpected(t.error());
      temp = plain = *t;
    }
    auto r = warc_plain(name, plain, size_of(path));
    if (!temp.empty()) std::remove(temp.c_str());
    return r;
  }

  static Result<std::string> gunzip_to_temp(const std::string& path, const std::string& name) {
    detail::ArchiveReader a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_raw(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return fail(Errc::io, "cannot read WARC '" + name + "': " + archive_error_string(a.get()));
    }
    archive_entry* e = nullptr;
    if (archive_read_next_header(a.get(), &e) != ARCHIVE_OK) {
      return fail(Errc::parse, "cannot read WARC '" + name + "': " + archive_error_string(a.get()));
    }
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/tweetcheck-warc-XXXXXX";
    detail::UniqueFd fd(mkstemp(tmpl.data()));
    if (!fd) return fail(Errc::io, "cannot create a temporary file for '" + name + "'");
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
      if (::write(fd.get(), buf, static_cast<std::size_t>(n)) != n) {
        fd.close();
        std::remove(tmpl.c_str());
        return fail(Errc::io, "cannot write a temporary file for '" + name + "'");
      }
    }
    fd.close();
    if (n < 0) {
      std::remove(tmpl.c_str());
      return fail(Errc::parse, "WARC '" + name + "': " + archive_error_string(a.get()));
    }
    return tmpl;
  }

  /// The largest WARC record read (its HTTP headers and body, after decompression).
  static constexpr std::size_t k_max_warc_record = std::size_t{64} << 20;

  /// `input_size`: the bytes on disk of the input (compressed or not), for the progress.
  Result<void> warc_plain(const std::string& name, const std::string& path, std::uint64_t input_size) {
    detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail(Errc::io, "cannot read WARC '" + name + "': " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd.get(), &st);
    const std::size_t size = static_cast<std::size_t>(st.st_size);
    if (size == 0) return {};
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    fd.close();
    if (map == MAP_FAILED) return fail(Errc::io, "cannot map WARC '" + name + "': " + std::strerror(errno));
    struct Unmap {
      void* p;
      std::size_t n;
      ~Unmap() { ::munmap(p, n); }
    } unmap{map, size};
    detail::ArchiveReader a(archive_read_new());
    archive_read_support_format_warc(a.get());
    if (archive_read_open_memory(a.get(), map, size) != ARCHIVE_OK) {
      return fail(Errc::parse, "cannot read WARC '" + name + "': " + archive_error_string(a.get()));
    }
    const long page = ::sysconf(_SC_PAGESIZE);
    archive_entry* e = nullptr;
    std::uint64_t record = 0;
    int r;
    std::string data;
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
      ++record;
      // Release the pages the reader has passed.
      const auto pos = archive_read_header_position(a.get());
      if (pos > page) ::madvise(map, static_cast<std::size_t>(pos / page * page), MADV_DONTNEED);
      data.clear();
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
        // A record larger than the bound is refused, never cut: a post at its end would be lost.
        if (data.size() + static_cast<std::size_t>(n) > k_max_warc_record) {
          return fail(Errc::parse, "WARC '" + name + "' record " + std::to_string(record) + ": larger than " +
                                       std::to_string(k_max_warc_record >> 20) +
                                       " MiB, not read (the limit of one article)");
        }
        data.append(buf, static_cast<std::size_t>(n));
      }
      if (n < 0)
        return fail(Errc::parse,
                    "WARC '" + name + "' record " + std::to_string(record) + ": " + archive_error_string(a.get()));
      // How far the reader has gone in the file (its read-ahead included), as input bytes.
      const auto consumed = std::min<std::uint64_t>(static_cast<std::uint64_t>(archive_filter_bytes(a.get(), -1)), size);
      at = static_cast<std::uint64_t>(static_cast<double>(input_size) * static_cast<double>(consumed) /
                                      static_cast<double>(size));
      if (data.size() >= 4 && data.compare(data.size() - 4, 4, "\r\n\r\n") == 0) data.resize(data.size() - 4);
      std::string type, body;
      if (!http_body(data, type, body)) continue;                            // not an HTTP response record
      if (!type.empty() && type.find("html") == std::string::npos) continue; // images, scripts, ...
      ArchiveDoc d;
      d.key = name + "#" + std::to_string(record);
      const char* entry_name = archive_entry_pathname(e);
      d.url = canonical_url(body);
      if (d.url.empty() && entry_name) d.url = entry_name;
      d.date = iso_date(archive_entry_mtime(e));
      d.doc.name = d.url.empty() ? d.key : d.url;
      d.doc.format = InputFormat::html;
      d.doc.content = std::move(body);
      if (!emit(std::move(d))) return {};
    }
    if (r != ARCHIVE_EOF) {
      return fail(Errc::parse,
                  "WARC '" + name + "' after record " + std::to_string(record) + ": " + archive_error_string(a.get()));
    }
    return {};
  }

  Result<void> jsonl(const std::string& path_on_disk, const std::string& path) {
    std::ifstream in(path_on_disk, std::ios::binary);
    if (!in) return fail(Errc::io, "cannot open '" + path + "'");
    std::string line;
    std::uint64_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (const auto pos = in.tellg(); pos > 0) at = static_cast<std::uint64_t>(pos);
      if (detail::trim(line).empty()) continue;
      detail::JsonRead why = detail::JsonRead::ok;
      const auto j = detail::parse_json(line, &why);
      if (why == detail::JsonRead::too_deep) {
        return fail(Errc::parse, "'" + path + "' line " + std::to_string(n) + ": JSON nested deeper than " +
                                     std::to_string(detail::k_max_json_depth) + " levels");
      }
      if (j.is_discarded() || !j.is_object())
        return fail(Errc::parse, "'" + path + "' line " + std::to_string(n) + ": not a JSON object");
      auto str = [&](const std::string& field) {
        auto it = j.find(field);
        if (it == j.end()) return std::string();
        return it->is_string() ? it->get<std::string>() : it->dump();
      };
      ArchiveDoc d;
      const std::string id = str(options.id_field);
      d.key = path + "#" + (id.empty() ? std::to_string(n) : id);
      d.url = str(options.url_field);
      d.date = str(options.date_field);
      d.doc.name = d.url.empty() ? d.key : d.url;
      d.doc.content = str(options.text_field);
      d.doc.format = detect_format("", d.doc.content);
      if (!emit(std::move(d))) return {};
    }
    return {};
  }

  /// One article per item, read by the same feed reader as `scan` (libxml2, JSON Feed).
  Result<void> feed(const std::string& path, const std::string& content) {
    auto items = detail::read_feed(path, content);
    if (!items) return tl::unexpected(items.error());
    std::uint64_t n = 0;
    const std::uint64_t size = content.size();
    for (detail::FeedItem& item : *items) {
      ++n;
      at = size * n / items->size();
      ArchiveDoc d;
      d.url = item.link;
      d.key = path + "#" + (item.id.empty() ? std::to_string(n) : item.id);
      d.date = item.date;
      d.doc.name = d.url.empty() ? d.key : d.url;
      d.doc.format = item.format;
      d.doc.content = std::move(item.content);
      if (!emit(std::move(d))) return {};
    }
    return {};
  }

  Result<void> file(const std::string& path) {
    at = 0;
    auto r = file_content(path);
    done_bytes += size_of(path);
    at = 0;
    return r;
  }

  Result<void> file_content(const std::string& path) {
    const auto named = options.names.find(path);
    const std::string& name = named == options.names.end() ? path : named->second;
    if (ends_with(path, ".warc") || ends_with(path, ".warc.gz")) return warc(path, name);
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return jsonl(path, name);
    auto doc = read_document({path, InputFormat::auto_detect, options.max_input_bytes});
    if (!doc) {
      Error e = doc.error();
      if (name != path) e.message = name + ": " + e.message;
      return tl::unexpected(e);
    }
    if (detail::looks_like_feed(path, doc->content) && detect_format(path, doc->content) == InputFormat::feed) {
      return feed(name, doc->content);
    }
    doc->name = name;
    ArchiveDoc d;
    d.key = name;
    at = size_of(path);
    if (detect_format(path, doc->content) == InputFormat::html) d.url = canonical_url(doc->content);
    d.doc = std::move(*doc);
    emit(std::move(d));
    return {};
  }

  Result<void> input(const std::string& path) {
    if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) {
      ArchiveDoc d;
      d.key = path;
      d.url = path;
      d.doc.name = path;
      d.fetch = true;
      emit(std::move(d));
      return {};
    }
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      if (!fs::exists(path, ec)) return fail(Errc::io, "cannot open '" + path + "': No such file or directory");
      return file(path);
    }
    auto files = folder_files(path, options);
    if (!files) return tl::unexpected(files.error());
    for (const auto& f : *files) {
      if (auto r = file(f); !r) return r;
      if (stopped) break;
    }
    return {};
  }
};

} // namespace

std::uint64_t input_bytes(const std::vector<std::string>& inputs, const ArchiveOptions& options) {
  std::uint64_t total = 0;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (in.rfind("http://", 0) == 0 || in.rfind("https://", 0) == 0) continue;
    if (!fs::is_directory(in, ec)) {
      total += size_of(in);
    } else if (auto files = folder_files(in, options)) {
      for (const auto& f : *files) total += size_of(f);
    }
  }
  return total;
}

Result<void> for_each_article(const std::vector<std::string>& inputs, const ArchiveOptions& options,
                              const std::function<bool(ArchiveDoc&&)>& visit) {
  Reader reader{options, visit};
  for (const auto& in : inputs) {
    if (auto r = reader.input(in); !r) return r;
    if (reader.stopped) break;
  }
  return {};
}

} // namespace tweetcheck
