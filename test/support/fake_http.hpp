#pragma once
// A fake HttpClient for unit tests of resolve, verify and pipeline logic in process: answers are
// looked up by URL (exactly, or by URL without its query string), everything else is a 404. The
// HTTP layer itself is tested against the real loopback server (test_http.cpp, test_sources.cpp).
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tweetcheck/http.hpp"

namespace tweetcheck::test {

class FakeHttpClient : public HttpClient {
public:
  /// Answers `url` (or any URL with that part before '?') with `status` and `body`.
  void answer(const std::string& url, long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    answers_[url] = std::move(r);
  }
  /// Makes `url` fail as a transfer would (timeout, refused, …).
  void fail(const std::string& url, HttpFailure failure, std::string error) {
    HttpResponse r;
    r.failure = failure;
    r.error = std::move(error);
    answers_[url] = std::move(r);
  }
  /// Every URL asked, in the order the requests were run.
  const std::vector<std::string>& asked() const { return asked_; }

  void submit(HttpRequest request, Callback done) override { queue_.emplace_back(std::move(request), std::move(done)); }
  void run() override {
    while (!queue_.empty()) {
      auto [request, done] = std::move(queue_.front());
      queue_.pop_front();
      asked_.push_back(request.url);
      ++stats_.requests;
      auto it = answers_.find(request.url);
      if (it == answers_.end()) it = answers_.find(request.url.substr(0, request.url.find('?')));
      HttpResponse r;
      if (it != answers_.end()) {
        r = it->second;
      } else {
        r.status = 404;
      }
      r.url = r.effective_url = request.url;
      r.attempts = 1;
      done(std::move(r)); // may submit more; they run in this loop
    }
  }
  HttpStats stats() const override { return stats_; }

private:
  std::map<std::string, HttpResponse> answers_;
  std::deque<std::pair<HttpRequest, Callback>> queue_;
  std::vector<std::string> asked_;
  HttpStats stats_;
};

} // namespace tweetcheck::test
