// Audits: batches of documents scanned in parallel, verified through the shared cache (so each
// distinct post or link is fetched once per audit), results appended to JSONL and committed with
// the record of their documents in a SQLite state file, so a crashed audit resumes exactly where
// its last commit ended.
#include "tweetcheck/audit.hpp"
#include "audit/audit_internal.hpp"
#include "core/handles.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "core/json_util.hpp"
#include "core/text_util.hpp"
#include "report/escape.hpp"
#include "report/report_internal.hpp"
#include "report/report_json.hpp"
#include "store/atomic_file.hpp"
#include "tweetcheck/pipeline.hpp"
#include "tweetcheck/pool.hpp"
#include "tweetcheck/scan.hpp"

namespace tweetcheck {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Result<std::pair<unsigned, unsigned>> parse_shard(std::string_view spec) {
  const auto slash = spec.find('/');
  unsigned k = 0, n = 0;
  if (slash != std::string_view::npos) {
    k = static_cast<unsigned>(std::strtoul(std::string(spec.substr(0, slash)).c_str(), nullptr, 10));
    n = static_cast<unsigned>(std::strtoul(std::string(spec.substr(slash + 1)).c_str(), nullptr, 10));
  }
  if (k < 1 || n < 1 || k > n)
    return fail(Errc::usage, "--shard wants K/N with 1 <= K <= N, got '" + std::string(spec) + "'");
  return std::make_pair(k, n);
}

Result<std::pair<unsigned, unsigned>> shard_from_environment(unsigned count) {
  auto number = [](const char* name, long long& out) {
    const char* v = std::getenv(name);
    if (!v || !*v) return false;
    char* end = nullptr;
    out = std::strtoll(v, &end, 10);
    return end && !*end;
  };
  long long id = 0, n = 0, min = 1;
  std::string from;
  if (number("SLURM_ARRAY_TASK_ID", id)) {
    from = "SLURM_ARRAY_TASK_ID";
    if (!number("SLURM_ARRAY_TASK_COUNT", n)) n = count;
    if (!number("SLURM_ARRAY_TASK_MIN", min)) min = 1;
    id = id - min + 1;
  } else if (number("JOB_COMPLETION_INDEX", id) || number("AWS_BATCH_JOB_ARRAY_INDEX", id)) {
    from = std::getenv("JOB_COMPLETION_INDEX") ? "JOB_COMPLETION_INDEX" : "AWS_BATCH_JOB_ARRAY_INDEX";
    id += 1;
    n = count;
  } else {
    return fail(Errc::usage, "--shard auto: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or "
                             "AWS_BATCH_JOB_ARRAY_INDEX is set");
  }
  if (n < 1) return fail(Errc::usage, "--shard auto with " + from + " needs --shard-count N");
  if (id < 1 || id > n || n > 1000000) {
    return fail(Errc::usage, "--shard auto: " + from + " gives task " + std::to_string(id) + " of " +
                                 std::to_string(n) + ", not a shard");
  }
  return std::make_pair(static_cast<unsigned>(id), static_cast<unsigned>(n));
}

std::vector<std::string> inputs_of_shard(const std::vector<std::string>& inputs, unsigned k, unsigned n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (n <= 1 || i % n == k - 1) out.push_back(inputs[i]);
  }
  return out;
}

bool in_shard(std::string_view key, unsigned k, unsigned n) {
  std::uint64_t h = 1469598103934665603ULL; // FNV-1a: stable across machines and runs
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return n <= 1 || h % n == k - 1;
}

namespace {

/// The resume state: which documents are done and how long the output was at the last commit.
class State {
public:
  static Result<State> open(const std::string& path) {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
      sqlite3_close_v2(raw);
      return fail(Errc::database, "cannot open audit state '" + path + "': " + msg);
    }
    State s;
    s.m_db.reset(raw);
    sqlite3_busy_timeout(raw, 10000);
    if (!s.exec("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS done(key TEXT PRIMARY KEY);")) {
      return fail(Errc::database, "audit state '" + path + "' is unusable: " + sqlite3_errmsg(raw));
    }
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "SELECT 1 FROM done WHERE key = ?1", -1, &st, nullptr);
    s.m_is_done.reset(st);
    sqlite3_prepare_v2(raw, "INSERT OR IGNORE INTO done(key) VALUES(?1)", -1, &st, nullptr);
    s.m_mark.reset(st);
    return s;
  }
  bool exec(const char* sql) { return sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
  std::string get(const std::string& k) {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(m_db.get(), "SELECT v FROM meta WHERE k = ?1", -1, &raw, nullptr);
    detail::SqliteStmt st(raw);
    sqlite3_bind_text(raw, 1, k.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(raw) == SQLITE_ROW) return reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    return {};
  }
  bool set(const std::string& k, const std::string& v) {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(m_db.get(), "INSERT OR REPLACE INTO meta(k, v) VALUES(?1, ?2)", -1, &raw, nullptr);
    detail::SqliteStmt st(raw);
    sqlite3_bind_text(raw, 1, k.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(raw, 2, v.c_str(), -1, SQLITE_TRANSIENT);
    return sqlite3_step(raw) == SQLITE_DONE;
  }
  bool done(const std::string& key) {
    sqlite3_reset(m_is_done.get());
    sqlite3_bind_text(m_is_done.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
    return sqlite3_step(m_is_done.get()) == SQLITE_ROW;
  }
  /// Records a batch: its documents and the output length, in one transaction.
  bool commit(const std::vector<std::string>& keys, std::uint64_t output_bytes) {
    if (!exec("BEGIN IMMEDIATE")) return false;
    for (const auto& k : keys) {
      sqlite3_reset(m_mark.get());
      sqlite3_bind_text(m_mark.get(), 1, k.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(m_mark.get()) != SQLITE_DONE) {
        exec("ROLLBACK");
        return false;
      }
    }
    if (!set("output_bytes", std::to_string(output_bytes))) {
      exec("ROLLBACK");
      return false;
    }
    return exec("COMMIT");
  }
  std::string error() const { return sqlite3_errmsg(m_db.get()); }

private:
  detail::SqliteDb m_db;
  detail::SqliteStmt m_is_done, m_mark;
};

std::string site_of(const std::string& url, const std::string& key) {
  const auto s = url.find("://");
  if (s != std::string::npos) {
    std::string host = url.substr(s + 3, url.find_first_of("/?#:", s + 3) - s - 3);
    host = detail::ascii_lower(host);
    if (host.rfind("www.", 0) == 0) host = host.substr(4);
    if (!host.empty()) return host;
  }
  // No URL: the folder the article lies in (or, inside a WARC/JSONL/feed, that file's name).
  const std::string file = key.substr(0, key.find('#'));
  const fs::path p(file);
  if (key.find('#') != std::string::npos) return p.filename().string();
  const std::string parent = p.parent_path().filename().string();
  return parent.empty() ? std::string("local") : parent;
}

Json document_json(const ArchiveDoc& d) {
  return Json{{"key", d.key}, {"seq", d.seq}, {"url", d.url}, {"site", site_of(d.url, d.key)}, {"date", d.date}};
}

/// The SQLite state of one output file: the sink of `tweetcheck audit`.
class FileSink final : public detail::AuditSink {
public:
  FileSink(State& state, std::string state_path, std::string output, detail::UniqueFd fd, std::uint64_t written)
      : m_state(state), m_state_path(std::move(state_path)), m_output(std::move(output)), m_fd(std::move(fd)),
        m_written(written) {}
  bool done(const std::string& key) override { return m_state.done(key); }
  Result<void> commit(const std::vector<std::string>& keys, const std::vector<detail::AuditLine>& lines) override {
    std::string text;
    for (const auto& l : lines) text += l.json + "\n";
    // Results first, then the commit that makes them count.
    for (std::size_t off = 0; off < text.size();) {
      const ssize_t n = ::write(m_fd.get(), text.data() + off, text.size() - off);
      if (n <= 0) return fail(Errc::io, "cannot write '" + m_output + "': " + std::strerror(errno));
      off += static_cast<std::size_t>(n);
    }
    ::fsync(m_fd.get());
    m_written += text.size();
    if (!m_state.commit(keys, m_written)) {
      return fail(Errc::database, "cannot record progress in '" + m_state_path + "': " + m_state.error());
    }
    return {};
  }

private:
  State& m_state;
  std::string m_state_path, m_output;
  detail::UniqueFd m_fd;
  std::uint64_t m_written;
};

} // namespace

Result<AuditStats> run_audit(const std::vector<std::string>& inputs, const AuditOptions& o, HttpClient* client,
                             Cache* cache) {
  if (o.output.empty()) return fail(Errc::usage, "audit needs --output FILE");
  const std::string state_path = o.state.empty() ? o.output + ".state" : o.state;
  auto state = State::open(state_path);
  if (!state) return tl::unexpected(state.error());
  // The state belongs to one audit: the same inputs, shard and mode.
  std::string signature =
      "v1|" + std::to_string(o.shard_k) + "/" + std::to_string(o.shard_n) + (o.scan_only ? "|scan" : "|check");
  for (const auto& in : inputs) signature += "|" + in;
  const std::string previous = state->get("signature");
  if (!previous.empty() && previous != signature) {
    return fail(Errc::config, "audit state '" + state_path +
                                  "' belongs to another audit (other inputs, shard or mode); "
                                  "remove it or give another --state");
  }
  if (previous.empty()) state->set("signature", signature);
  // Drop whatever was written after the last commit (a crash mid-batch).
  const std::uint64_t committed = std::strtoull(state->get("output_bytes").c_str(), nullptr, 10);
  std::error_code ec;
  const bool exists = fs::exists(o.output, ec);
  const std::uint64_t size = exists ? fs::file_size(o.output, ec) : 0;
  if (size < committed) {
    return fail(Errc::io, "output '" + o.output + "' is shorter than its state says (" + std::to_string(size) + " < " +
                              std::to_string(committed) + " bytes): it was changed outside the audit");
  }
  if (exists && size > committed) fs::resize_file(o.output, committed, ec);
  if (ec) return fail(Errc::io, "cannot truncate '" + o.output + "': " + ec.message());
  detail::UniqueFd fd(::open(o.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd) return fail(Errc::io, "cannot write '" + o.output + "': " + std::strerror(errno));
  FileSink sink(*state, state_path, o.output, std::move(fd), committed);
  return detail::audit_into(inputs, o, client, cache, sink);
}

Result<AuditStats> detail::audit_into(const std::vector<std::string>& inputs, const AuditOptions& o, HttpClient* client,
                                      Cache* cache, AuditSink& sink) {
  AuditStats stats;
  std::map<std::string, std::uint64_t> verdicts;
  std::vector<ArchiveDoc> batch;
  std::size_t batch_bytes = 0;
  std::optional<Error> failure;
  // Progress in bytes of the inputs: how far the reader is, of the total (listed once here).
  const std::uint64_t bytes_total = o.progress ? input_bytes(inputs, o.archive) : 0;
  std::uint64_t bytes_read = 0;
  auto report = [&] {
    if (!o.progress) return;
    AuditProgressReport r;
    r.documents = stats.documents;
    r.posts = stats.posts;
    r.verdicts = &verdicts;
    r.bytes_read = std::min(bytes_read, bytes_total);
    r.bytes_total = bytes_total;
    o.progress(r);
  };
  WorkerPool pool(o.jobs); // long-lived: every batch is scanned on the same threads
  // Each distinct post or link once per audit: definitive answers through the cache, transient
  // ones through a memo that lives as long as this run.
  VerifyOptions verify_options = o.verify;
  if (!verify_options.memo) verify_options.memo = std::make_shared<ResponseMemo>();
  const std::vector<Verdict> fail_on{Verdict::altered, Verdict::misattributed, Verdict::missing};

  auto cancelled = [&] {
    if (!o.cancel || !o.cancel->load()) return false;
    if (!failure) failure = Error{Errc::cancelled, "stopped on request before the end of the inputs"};
    return true;
  };
  auto process = [&]() -> bool {
    if (batch.empty()) return true;
    if (cancelled()) return false;
    // Article URLs of the batch, fetched together.
    std::vector<std::size_t> to_fetch;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].fetch) to_fetch.push_back(i);
    }
    if (!to_fetch.empty()) {
      if (!client) {
        for (std::size_t i : to_fetch) {
          if (o.on_fetch_error) o.on_fetch_error(batch[i].url, "offline");
          ++stats.failed_fetches;
        }
      } else {
        std::vector<std::string> urls;
        for (std::size_t i : to_fetch) urls.push_back(batch[i].url);
        auto pages = fetch_articles(*client, urls);
        for (std::size_t k = 0; k < to_fetch.size(); ++k) {
          ArchiveDoc& d = batch[to_fetch[k]];
          if (pages[k]) {
            d.doc.content = std::move(*pages[k]);
          } else {
            if (o.on_fetch_error) o.on_fetch_error(d.url, pages[k].error().message);
            ++stats.failed_fetches;
          }
        }
      }
    }
    // Scan in parallel.
    std::vector<ScanResult> scans(batch.size());
    pool.run_ordered(
        batch.size(), [&](std::size_t i) { scans[i] = scan(batch[i].doc); }, [](std::size_t) {});
    std::vector<Post> posts;
    std::vector<std::size_t> owner;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      for (auto& p : scans[i].posts) {
        posts.push_back(std::move(p));
        owner.push_back(i);
      }
    }
    std::vector<detail::AuditLine> lines;
    if (o.scan_only) {
      for (std::size_t k = 0; k < posts.size(); ++k) {
        Json j = detail::post_json(posts[k]);
        j["document"] = document_json(batch[owner[k]]);
        lines.push_back({batch[owner[k]].seq, j.dump(-1, ' ', false, Json::error_handler_t::replace), {}});
      }
    } else {
      const auto checked = verify(posts, client, cache, verify_options);
      for (std::size_t k = 0; k < checked.size(); ++k) {
        Json j = detail::check_json(checked[k], fail_on);
        j["document"] = document_json(batch[owner[k]]);
        lines.push_back({batch[owner[k]].seq, j.dump(-1, ' ', false, Json::error_handler_t::replace),
                         std::string(to_string(checked[k].verdict))});
        ++verdicts[std::string(to_string(checked[k].verdict))];
      }
    }
    std::vector<std::string> keys;
    for (const auto& d : batch) keys.push_back(d.key);
    if (auto c = sink.commit(keys, lines); !c) {
      failure = c.error();
      return false;
    }
    stats.documents += batch.size();
    stats.posts += posts.size();
    batch.clear();
    batch_bytes = 0;
    report();
    return true;
  };

  auto read = for_each_article(inputs, o.archive, [&](ArchiveDoc&& d) {
    if (cancelled()) return false;
    bytes_read = d.bytes_read;
    if (!in_shard(d.key, o.shard_k, o.shard_n)) {
      ++stats.other_shards;
      return true;
    }
    if (sink.done(d.key)) {
      ++stats.skipped_done;
      return true;
    }
    batch_bytes += d.doc.content.size();
    batch.push_back(std::move(d));
    if (batch.size() >= o.batch_docs || batch_bytes >= o.batch_bytes) return process();
    return true;
  });
  if (read && !failure && process()) {
    bytes_read = bytes_total; // every input read to its end
    report();
  }
  if (!read) return tl::unexpected(read.error());
  if (failure) return tl::unexpected(*failure);
  return stats;
}

Result<std::uint64_t> merge_audits(const std::vector<std::string>& inputs, const std::string& output) {
  // Each input is in `seq` order already (audits go through their inputs in order): a k-way
  // merge keeps one line per input in memory.
  struct Head {
    std::uint64_t seq = 0;
    std::string line;
  };
  std::vector<std::ifstream> files;
  std::vector<std::optional<Head>> heads;
  auto advance = [&](std::size_t i) -> Result<void> {
    heads[i].reset();
    std::string line;
    while (std::getline(files[i], line)) {
      if (detail::trim(line).empty()) continue;
      const auto j = detail::parse_json(line);
      if (j.is_discarded() || !j.is_object() || !j.contains("document") || !j["document"].is_object() ||
          (j["document"].contains("seq") && !j["document"]["seq"].is_number_unsigned())) {
        return fail(Errc::parse, "'" + inputs[i] + "': not an audit result line");
      }
      heads[i] = Head{j["document"].value("seq", std::uint64_t{0}), std::move(line)};
      return {};
    }
    return {};
  };
  for (const auto& in : inputs) {
    files.emplace_back(in, std::ios::binary);
    if (!files.back()) return fail(Errc::io, "cannot open '" + in + "'");
  }
  heads.resize(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (auto r = advance(i); !r) return tl::unexpected(r.error());
  }
  auto out = detail::AtomicFile::create(output);
  if (!out) return tl::unexpected(out.error());
  std::uint64_t n = 0;
  for (;;) {
    std::size_t best = heads.size();
    for (std::size_t i = 0; i < heads.size(); ++i) {
      if (heads[i] && (best == heads.size() || heads[i]->seq < heads[best]->seq)) best = i;
    }
    if (best == heads.size()) break;
    const std::uint64_t seq = heads[best]->seq;
    // Every line of that document from this input (a document's posts are contiguous).
    while (heads[best] && heads[best]->seq == seq) {
      out->write(heads[best]->line);
      out->write("\n");
      ++n;
      if (auto r = advance(best); !r) return tl::unexpected(r.error());
    }
  }
  if (auto c = out->commit(); !c) return tl::unexpected(c.error());
  return n;
}

Result<void> write_audit_summary(const std::string& results, const std::string& csv_path,
                                 const std::string& html_path) {
  std::ifstream in(results, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open '" + results + "'");
  struct Row {
    std::uint64_t posts = 0;
    std::map<std::string, std::uint64_t> v;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;
  std::map<std::string, Row> by_year, by_site;
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (detail::trim(line).empty()) continue;
    const auto j = detail::parse_json(line);
    if (j.is_discarded() || !j.is_object())
      return fail(Errc::parse, "'" + results + "' line " + std::to_string(n) + ": not JSON");
    auto text_of = [](const nlohmann::json& o, const char* key, const char* otherwise) {
      auto it = o.is_object() ? o.find(key) : o.end();
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string(otherwise);
    };
    const auto doc = j.contains("document") ? j["document"] : nlohmann::json::object();
    const std::string site = text_of(doc, "site", "unknown");
    std::string date = text_of(doc, "date", "");
    if (date.size() < 4 && j.contains("date") && j["date"].is_string()) date = j["date"].get<std::string>();
    const std::string year =
        date.size() >= 4 && std::isdigit(static_cast<unsigned char>(date[0])) ? date.substr(0, 4) : "unknown";
    const std::string verdict = text_of(j, "verdict", to_string(Verdict::unverifiable).data());
    for (Row* r : {&rows[{site, year}], &by_year[year], &by_site[site]}) {
      ++r->posts;
      ++r->v[verdict];
    }
  }
  auto missing_share = [](const Row& r) {
    return r.posts ? static_cast<double>(r.v.count("missing") ? r.v.at("missing") : 0) / static_cast<double>(r.posts)
                   : 0.0;
  };
  auto count = [](const Row& r, Verdict v) {
    auto it = r.v.find(std::string(to_string(v)));
    return it == r.v.end() ? std::uint64_t{0} : it->second;
  };
  if (!csv_path.empty()) {
    std::ostringstream csv;
    csv << "site,year,posts";
    for (Verdict v : k_all_verdicts) csv << ',' << to_string(v);
    csv << ",missing_share\r\n";
    for (const auto& [key, r] : rows) {
      csv << detail::csv_field(key.first) << ',' << key.second << ',' << r.posts;
      for (Verdict v : k_all_verdicts) csv << ',' << count(r, v);
      char share[32];
      std::snprintf(share, sizeof share, "%.4f", missing_share(r));
      csv << ',' << share << "\r\n";
    }
    if (auto w = detail::write_file_atomically(csv_path, csv.str()); !w) return w;
  }
  if (!html_path.empty()) {
    std::ostringstream h;
    auto chart = [&](const std::string& title, const std::map<std::string, Row>& data) {
      // An inline SVG bar chart of the missing share: no script, no fetch.
      const std::size_t bars = std::min<std::size_t>(data.size(), 40);
      const int width = 720, bar_h = 22, label_w = 200, height = static_cast<int>(bars) * bar_h + 30;
      h << "<h2>" << detail::html_escape(title) << "</h2>\n<svg role=\"img\" aria-label=\""
        << detail::html_escape(title) << "\" width=\"" << width << "\" height=\"" << height
        << "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"12\">\n";
      int y = 10;
      std::size_t shown = 0;
      for (const auto& [label, r] : data) {
        if (shown++ >= bars) break;
        const double share = missing_share(r);
        const int w = static_cast<int>(share * (width - label_w - 80));
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.1f%%", share * 100);
        h << "<text x=\"0\" y=\"" << y + 15 << "\">" << detail::html_escape(label) << "</text><rect x=\"" << label_w
          << "\" y=\"" << y + 3 << "\" width=\"" << std::max(w, 1) << "\" height=\"" << bar_h - 6
          << "\" fill=\"#8250df\"/><text x=\"" << label_w + w + 6 << "\" y=\"" << y + 15 << "\">" << pct << " of "
          << r.posts << "</text>\n";
        y += bar_h;
      }
      h << "</svg>\n";
    };
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tweetcheck audit "
         "summary</title><style>"
         "body{font:15px/1.5 system-ui,\"DejaVu Sans\",sans-serif;max-width:1000px;margin:24px auto;padding:0 "
         "16px;color:#1b1f24}"
         "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde3;padding:4px 8px;text-align:right}"
         "th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{background:#eef1f4}"
         "</style></head><body>\n<h1>tweetcheck audit summary</h1>\n<p>"
      << n << " result lines from <code>" << detail::html_escape(results) << "</code>.</p>\n";
    chart("Missing share by year of publication", by_year);
    chart("Missing share by site", by_site);
    h << "<h2>By site and year</h2>\n<table><tr><th>Site</th><th>Year</th><th>Posts</th>";
    for (Verdict v : k_all_verdicts) h << "<th>" << to_string(v) << "</th>";
    h << "<th>Missing share</th></tr>\n";
    for (const auto& [key, r] : rows) {
      h << "<tr><td>" << detail::html_escape(key.first) << "</td><td>" << key.second << "</td><td>" << r.posts
        << "</td>";
      for (Verdict v : k_all_verdicts) h << "<td>" << count(r, v) << "</td>";
      char share[32];
      std::snprintf(share, sizeof share, "%.1f%%", missing_share(r) * 100);
      h << "<td>" << share << "</td></tr>\n";
    }
    h << "</table>\n</body></html>\n";
    if (auto w = detail::write_file_atomically(html_path, h.str()); !w) return w;
  }
  return {};
}

} // namespace tweetcheck
