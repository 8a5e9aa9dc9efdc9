// The pipelines over many inputs (scan_inputs, run_check) and the article fetch audit shares:
// the steps the CLI's scan and check commands are made of, kept here so every caller gets them.
#include "tweetcheck/pipeline.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <variant>

#include "tweetcheck/pool.hpp"
#include "tweetcheck/resolve.hpp"
#include "tweetcheck/scan.hpp"

namespace tweetcheck {

namespace {

/// Workers for `items` pieces of work: `jobs` (0: one per core), never more than there are items.
unsigned pool_size(unsigned jobs, std::size_t items) {
  const unsigned wanted = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(wanted, std::max<std::size_t>(items, 1)));
}

} // namespace

void scan_inputs(const std::vector<InputRef>& inputs, unsigned jobs,
                 const std::function<void(const InputRef&, Result<ScanResult>)>& on_result) {
  WorkerPool pool(pool_size(jobs, inputs.size()));
  parallel_map<Result<ScanResult>>(
      pool, inputs.size(),
      [&](std::size_t i) -> Result<ScanResult> {
        auto doc = read_document(inputs[i]);
        if (!doc) return tl::unexpected(doc.error());
        return scan(*doc);
      },
      [&](std::size_t i, Result<ScanResult>&& r) { on_result(inputs[i], std::move(r)); });
}

bool is_article_url(std::string_view s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

std::vector<Result<std::string>> fetch_articles(HttpClient& client, const std::vector<std::string>& urls) {
  std::vector<Result<std::string>> pages(urls.size(), fail(Errc::http, "not fetched"));
  // Redirects are followed hop by hop (an http link upgraded to https, a shortened or AMP link),
  // each hop a request of its own, so that every connection is checked as the first was.
  constexpr int k_max_hops = 10;
  std::function<void(std::size_t, const std::string&, int)> get = [&](std::size_t i, const std::string& url,
                                                                       int hops) {
    client.submit({url, {}}, [&, i, url, hops](HttpResponse r) {
      const bool redirect = r.failure == HttpFailure::none &&
                            (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308);
      if (redirect) {
        const std::string location = r.header("location");
        const std::string next = location.empty() ? std::string() : resolve_reference(url, location);
        if (next.empty()) {
          pages[i] = fail(Errc::http, "HTTP " + std::to_string(r.status) + " without a readable Location");
        } else if (!is_article_url(next)) {
          pages[i] = fail(Errc::http, "redirect to " + next.substr(0, 200) + " refused: not http or https");
        } else if (hops + 1 > k_max_hops) {
          pages[i] = fail(Errc::http, "more than " + std::to_string(k_max_hops) + " redirects");
        } else {
          get(i, next, hops + 1);
        }
      } else if (r.failure == HttpFailure::none && r.status == 200) {
        pages[i] = std::move(r.body);
      } else {
        pages[i] = fail(Errc::http, r.failure != HttpFailure::none ? r.error : "HTTP " + std::to_string(r.status));
      }
    });
  };
  for (std::size_t i = 0; i < urls.size(); ++i) get(i, urls[i], 0);
  client.run();
  return pages;
}

namespace {

/// One document to scan: a file to read, or a fetched article page.
struct Item {
  std::variant<InputRef, Document> what;
};

CheckSummary check_items(std::vector<Item>& items, CheckSummary summary, const CheckOptions& options,
                         HttpClient* client, Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                         const std::function<void(const Error&)>& on_error);

} // namespace

CheckSummary run_check(const std::vector<std::string>& inputs, const CheckOptions& options, HttpClient* client,
                       Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                       const std::function<void(const Error&)>& on_error) {
  CheckSummary summary;
  // Article URLs are fetched together first (one batch of requests), with the same client.
  std::vector<std::string> urls;
  for (const std::string& input : inputs) {
    // Each URL once, however often it is given; every mention still becomes a document.
    if (is_article_url(input) && std::find(urls.begin(), urls.end(), input) == urls.end()) urls.push_back(input);
  }
  std::map<std::string, Result<std::string>> pages;
  if (!urls.empty()) {
    if (!client) {
      for (const auto& u : urls) pages.emplace(u, fail(Errc::http, "--offline"));
    } else {
      auto got = fetch_articles(*client, urls);
      for (std::size_t i = 0; i < urls.size(); ++i) pages.emplace(urls[i], std::move(got[i]));
    }
  }
  // Every input in the order given: folders expanded, failures told as they come.
  std::vector<Item> items;
  for (const std::string& input : inputs) {
    if (is_article_url(input)) {
      auto& page = pages.at(input);
      if (!page) {
        on_error(Error{page.error().code, "cannot fetch article '" + input + "': " + page.error().message});
        ++summary.failed_inputs;
        continue;
      }
      Document doc;
      doc.name = input;
      doc.format = options.input_format;
      doc.content = *page; // a copy: the same URL may be given again
      items.push_back({std::move(doc)});
      continue;
    }
    auto refs = collect_inputs({input}, options.input_format);
    if (!refs) {
      on_error(refs.error());
      ++summary.failed_inputs;
      continue;
    }
    for (InputRef& ref : *refs) {
      ref.max_bytes = options.max_input_bytes;
      items.push_back({std::move(ref)});
    }
  }
  pages.clear();
  return check_items(items, summary, options, client, cache, on_document, on_error);
}

CheckSummary run_check_documents(std::vector<Document> documents, const CheckOptions& options, HttpClient* client,
                                 Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                                 const std::function<void(const Error&)>& on_error) {
  CheckSummary summary;
  std::vector<Item> items;
  for (Document& doc : documents) {
    if (doc.content.size() > options.max_input_bytes) {
      on_error(
          Error{Errc::io, "'" + doc.name + "' is larger than " + std::to_string(options.max_input_bytes) + " bytes"});
      ++summary.failed_inputs;
      continue;
    }
    items.push_back({std::move(doc)});
  }
  return check_items(items, summary, options, client, cache, on_document, on_error);
}

namespace {

CheckSummary check_items(std::vector<Item>& items, CheckSummary summary, const CheckOptions& options,
                         HttpClient* client, Cache* cache, const std::function<void(CheckedDocument&&)>& on_document,
                         const std::function<void(const Error&)>& on_error) {
  // Scan in parallel, in input order; each document verified at once (stream) or all together.
  struct Scanned {
    std::string name;
    Result<ScanResult> result;
  };
  std::vector<CheckedDocument> held;
  std::vector<std::size_t> held_counts; // how many of held_posts each held document has
  std::vector<Post> held_posts;
  auto finish = [&](CheckedDocument&& doc) {
    apply_ignores(doc.posts, options.ignores);
    ++summary.documents;
    summary.posts += doc.posts.size();
    on_document(std::move(doc));
  };
  WorkerPool pool(pool_size(options.jobs, items.size()));
  parallel_map<Scanned>(
      pool, items.size(),
      [&](std::size_t i) -> Scanned {
        if (auto* doc = std::get_if<Document>(&items[i].what)) {
          Scanned s{doc->name, scan(*doc)};
          doc->content = std::string(); // the page is no longer needed
          return s;
        }
        const auto& ref = std::get<InputRef>(items[i].what);
        auto doc = read_document(ref);
        if (!doc) return {ref.path, tl::unexpected(doc.error())};
        return {ref.path, scan(*doc)};
      },
      [&](std::size_t, Scanned&& s) {
        if (!s.result) {
          on_error(s.result.error());
          ++summary.failed_inputs;
          return;
        }
        CheckedDocument doc;
        doc.name = std::move(s.name);
        doc.diagnostics = std::move(s.result->diagnostics);
        if (options.on_post) {
          // One post at a time, each handed on as soon as it is settled.
          for (const Post& p : s.result->posts) {
            auto one = verify({p}, client, cache, options.verify);
            apply_ignores(one, options.ignores);
            options.on_post(one.front());
            doc.posts.push_back(std::move(one.front()));
          }
          ++summary.documents;
          summary.posts += doc.posts.size();
          on_document(std::move(doc));
          return;
        }
        if (options.stream) {
          if (!s.result->posts.empty()) doc.posts = verify(s.result->posts, client, cache, options.verify);
          finish(std::move(doc));
          return;
        }
        // Held until every document is scanned; the posts wait in one list for one verify call.
        held_counts.push_back(s.result->posts.size());
        held_posts.insert(held_posts.end(), std::make_move_iterator(s.result->posts.begin()),
                          std::make_move_iterator(s.result->posts.end()));
        held.push_back(std::move(doc));
      });
  if (options.stream || options.on_post) return summary;
  if (options.on_scanned) options.on_scanned(held_posts.size());
  std::vector<CheckedPost> checked;
  if (!held_posts.empty()) checked = verify(held_posts, client, cache, options.verify);
  std::size_t at = 0;
  for (std::size_t d = 0; d < held.size(); ++d) {
    CheckedDocument& doc = held[d];
    doc.posts.reserve(held_counts[d]);
    for (std::size_t k = 0; k < held_counts[d]; ++k) doc.posts.push_back(std::move(checked[at++]));
    finish(std::move(doc));
  }
  return summary;
}

} // namespace

} // namespace tweetcheck
