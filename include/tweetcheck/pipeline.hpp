#pragma once
/// The pipelines over many inputs: scan_inputs (collect → scan) and run_check (collect → fetch
/// article URLs → scan → resolve → verify → ignore), both on one ordered worker pool. The CLI's
/// `scan` and `check` are these functions plus option parsing and report writers; `run_audit`
/// (audit.hpp) uses the same steps in batches.

#include <functional>
#include <string>
#include <vector>

#include "tweetcheck/cache.hpp"
#include "tweetcheck/collect.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/ignore.hpp"
#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

/// Reads and scans `inputs` on `jobs` worker threads (0: one per core) and hands each outcome
/// to `on_result` on the calling thread, in input order. At most a few documents per worker are
/// held at once, so memory stays bounded however many inputs there are. A read failure is
/// passed on as an Error for that input; the others go on.
void scan_inputs(const std::vector<InputRef>& inputs, unsigned jobs,
                 const std::function<void(const InputRef&, Result<ScanResult>)>& on_result);

/// Whether an input names an article to fetch (http:// or https://) rather than a file.
bool is_article_url(std::string_view input);

/// Fetches article pages with `client`, all at once: one entry per URL, in order, the body of a
/// 200 answer or an Error (Errc::http) saying why not ("HTTP 404", the transfer's error).
/// Redirects (301, 302, 303, 307, 308) are followed, at most 10, each to an http(s) URL.
std::vector<Result<std::string>> fetch_articles(HttpClient& client, const std::vector<std::string>& urls);

struct CheckOptions {
  VerifyOptions verify;
  InputFormat input_format = InputFormat::auto_detect;
  std::vector<IgnoreRule> ignores; ///< accepted findings, applied before each document is handed on
  unsigned jobs = 0;               ///< scan threads (0: one per core)
  std::size_t max_input_bytes = k_default_max_input_bytes; ///< larger files are refused (on_error)
  /// true: each document is verified and handed on as soon as it is scanned (reports that stream);
  /// false: every post of the run is verified together (one batch of requests), then each
  /// document is handed on. Either way distinct posts are asked once (cache and memo).
  bool stream = false;
  /// Told how many posts the scan found, before they are verified (non-streaming runs); may be empty.
  std::function<void(std::size_t posts)> on_scanned;
  /// Set: each post is handed here (after the ignore rules, on the calling thread) as soon as its
  /// verdict is known, before its document goes to `on_document`. The posts are then verified one
  /// at a time as they are scanned (a desk watching them arrive), not in one batch; distinct posts
  /// are still asked once when `verify.memo` and the cache are given.
  std::function<void(const CheckedPost&)> on_post;
};

/// One checked document.
struct CheckedDocument {
  std::string name; ///< path, "-" or the article URL
  std::vector<CheckedPost> posts;
  std::vector<Diagnostic> diagnostics;
};

struct CheckSummary {
  std::size_t documents = 0, posts = 0;
  /// Inputs that could not be read, listed or fetched; each was told to `on_error`.
  std::size_t failed_inputs = 0;
};

/// Checks every post of `inputs` (files, folders, "-", article URLs; in the order given). Each
/// document goes to `on_document` on the calling thread, in input order; an input that cannot be
/// read, listed or fetched goes to `on_error` (the others go on). `client` may be null (offline:
/// article URLs then fail); `cache` may be null. Never throws.
CheckSummary run_check(const std::vector<std::string>& inputs, const CheckOptions& options, HttpClient* client,
                       Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                       const std::function<void(const Error&)>& on_error);

/// The same check of documents held in memory (a pasted page: its name, content and format;
/// InputFormat::auto_detect detects it as files are). Documents larger than
/// `options.max_input_bytes` are refused (on_error). Never throws.
CheckSummary run_check_documents(std::vector<Document> documents, const CheckOptions& options, HttpClient* client,
                                 Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                                 const std::function<void(const Error&)>& on_error);

} // namespace tweetcheck
