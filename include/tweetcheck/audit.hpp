#pragma once
/// Bulk audits: the check pipeline over archives of many documents (folders, WARC, JSONL, feeds),
/// streaming with bounded memory, resumable, shardable.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// One article of an archive.
struct ArchiveDoc {
  std::string key;       ///< stable identity: path, "warc-path#record", "jsonl-path#id-or-line", "feed#guid"
  std::uint64_t seq = 0; ///< position among all articles of the inputs (shard-independent)
  std::string url;       ///< the article's URL when known (WARC, JSONL url field, feed link, canonical link)
  std::string date;      ///< publication or capture date (ISO) when known
  Document doc;
  bool fetch = false; ///< an article URL: its content is fetched when its batch runs
  /// Bytes of the inputs (as on disk: a .warc.gz compressed) read up to this article, counted
  /// over every input in order; for a progress against input_bytes().
  std::uint64_t bytes_read = 0;
};

struct ArchiveOptions {
  std::vector<std::string> include, exclude;               ///< shell globs on paths inside folders
  std::string text_field = "html";                         ///< JSONL: the article (HTML or text)
  std::string url_field = "url";                           ///< JSONL: the article's URL
  std::string id_field = "id";                             ///< JSONL: its identity (else the line number)
  std::string date_field = "date";                         ///< JSONL: its date
  std::size_t max_input_bytes = k_default_max_input_bytes; ///< larger files are refused (an error naming them)
  /// A file's name in the documents' keys and in messages instead of its path (a downloaded
  /// input is named by its URL, so that its keys do not depend on where it was saved).
  std::map<std::string, std::string> names;
};

/// Inputs may also be article URLs (http/https), given directly or in a list file; they are
/// handed on with `fetch` set and no content.
/// Reads every article of `inputs` in a stable order and hands each to `visit` (one at a time;
/// return false to stop). Folders are recursed (include/exclude globs), `.warc` and `.warc.gz`
/// are read with libarchive (each `response` record with an HTML body is an article), `.jsonl`
/// holds one article per line, RSS and Atom feeds one per item (content:encoded, content or
/// description). Unreadable inputs fail (Errc::io / Errc::parse) naming the file (and line).
Result<void> for_each_article(const std::vector<std::string>& inputs, const ArchiveOptions& options,
                              const std::function<bool(ArchiveDoc&&)>& visit);

/// The bytes on disk of the files for_each_article reads from `inputs` (folders listed as it lists
/// them; URLs and unreadable paths count 0).
std::uint64_t input_bytes(const std::vector<std::string>& inputs, const ArchiveOptions& options);

/// "K/N" → (K, N) with 1 <= K <= N; fails (Errc::usage) otherwise.
Result<std::pair<unsigned, unsigned>> parse_shard(std::string_view spec);
/// The shard of this task of a job array, from the launcher's environment: SLURM_ARRAY_TASK_ID
/// and SLURM_ARRAY_TASK_COUNT (less SLURM_ARRAY_TASK_MIN), JOB_COMPLETION_INDEX (Kubernetes
/// Indexed Jobs, 0-based) or AWS_BATCH_JOB_ARRAY_INDEX (0-based), the latter two with `count`
/// (--shard-count) as N. Fails (Errc::usage) when none is set or the numbers do not fit.
Result<std::pair<unsigned, unsigned>> shard_from_environment(unsigned count);
/// The inputs of shard K of N when sharding by file: every N-th input from the K-th.
std::vector<std::string> inputs_of_shard(const std::vector<std::string>& inputs, unsigned k, unsigned n);
/// Whether a document belongs to shard K of N (a stable hash of its key).
bool in_shard(std::string_view key, unsigned k, unsigned n);

/// Where an audit is: documents and posts done, verdicts so far, and the bytes of the inputs
/// read of all there are (bytes_total: input_bytes() of the inputs, 0 when only URLs).
struct AuditProgressReport {
  std::uint64_t documents = 0, posts = 0;
  const std::map<std::string, std::uint64_t>* verdicts = nullptr;
  std::uint64_t bytes_read = 0, bytes_total = 0;
};

struct AuditOptions {
  ArchiveOptions archive;
  VerifyOptions verify;
  std::string output; ///< JSONL results, appended as batches complete
  std::string state;  ///< resume state (SQLite); default: output + ".state"
  unsigned shard_k = 1, shard_n = 1;
  unsigned jobs = 0; ///< scan threads (0: one per core)
  std::size_t batch_docs = 500;
  std::size_t batch_bytes = 64u << 20;
  bool scan_only = false; ///< posts without verdicts (no network)
  /// Progress after each batch (see AuditProgressReport).
  std::function<void(const struct AuditProgressReport&)> progress;
  /// When set (by a signal handler, say), the audit stops before its next document or batch:
  /// nothing more is committed and it fails with Errc::cancelled (resumable as any stop is).
  const std::atomic<bool>* cancel = nullptr;
  /// Told about article URLs that could not be fetched (the audit goes on without them).
  std::function<void(const std::string& url, const std::string& why)> on_fetch_error;
};

struct AuditStats {
  std::uint64_t documents = 0, skipped_done = 0, other_shards = 0, posts = 0;
  std::uint64_t failed_fetches = 0; ///< article URLs that could not be fetched (reported, skipped)
};

/// Runs (or resumes) an audit. Every article is reported exactly once across crashes: result
/// lines of a batch are committed together with the record of its documents, and a restart
/// drops any lines written after the last commit. Fails on unreadable inputs, an unusable state
/// file or output, or a state that belongs to another audit (other inputs or shard).
Result<AuditStats> run_audit(const std::vector<std::string>& inputs, const AuditOptions& options, HttpClient* client,
                             Cache* cache);

/// Merges audit outputs (e.g. of shards) into one JSONL file in the order of the articles' `seq`.
Result<std::uint64_t> merge_audits(const std::vector<std::string>& inputs, const std::string& output);

/// Per site and per year of publication: posts and how many are verified / altered /
/// misattributed / missing / unverifiable, read from an audit's JSONL output; written as CSV and
/// as a self-contained HTML page with charts.
Result<void> write_audit_summary(const std::string& results_jsonl, const std::string& csv_path,
                                 const std::string& html_path);

} // namespace tweetcheck
