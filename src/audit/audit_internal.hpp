#pragma once
// The audit pipeline's seam (private): run_audit streams batches into a sink that knows what is
// done and commits a batch's result lines together with the record of its documents. The SQLite
// state of `tweetcheck audit` is one sink, a fleet unit leased from PostgreSQL is another.
#include <cstdint>
#include <string>
#include <vector>

#include "tweetcheck/audit.hpp"

namespace tweetcheck::detail {

/// One result line of a batch: the JSON of a post (no newline) and its document's `seq`.
struct AuditLine {
  std::uint64_t seq = 0;
  std::string json;
  std::string verdict; ///< "" for --scan-only
};

class AuditSink {
public:
  virtual ~AuditSink() = default;
  /// Whether the document `key` was committed already (it is skipped).
  virtual bool done(const std::string& key) = 0;
  /// Commits the batch's lines (in order) with the keys of its documents, all or nothing. An error
  /// stops the audit with it.
  virtual Result<void> commit(const std::vector<std::string>& keys, const std::vector<AuditLine>& lines) = 0;
};

/// The pipeline of run_audit (read, fetch article URLs, scan, verify, JSON lines) over `inputs`,
/// each batch committed to `sink`. `o.output` and `o.state` are not used.
Result<AuditStats> audit_into(const std::vector<std::string>& inputs, const AuditOptions& o, HttpClient* client,
                              Cache* cache, AuditSink& sink);

} // namespace tweetcheck::detail
