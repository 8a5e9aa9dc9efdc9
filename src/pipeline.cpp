#include "tweetcheck/pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "tweetcheck/scan.hpp"

namespace tweetcheck {

void scan_inputs(const std::vector<InputRef>& inputs, unsigned jobs,
                 const std::function<void(const InputRef&, Result<ScanResult>)>& on_result) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(inputs.size(), 1)));
  auto work = [&](std::size_t i) -> Result<ScanResult> {
    auto doc = read_document(inputs[i]);
    if (!doc) return tl::unexpected(doc.error());
    return scan(*doc);
  };
  if (jobs <= 1) {
    for (std::size_t i = 0; i < inputs.size(); ++i) on_result(inputs[i], work(i));
    return;
  }
  // A window of slots: workers fill slot i % window; the caller drains them in order.
  const std::size_t window = jobs * 4;
  std::vector<std::optional<Result<ScanResult>>> slots(window);
  std::mutex mutex;
  std::condition_variable filled, drained;
  std::size_t next = 0, emitted = 0;
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock<std::mutex> lock(mutex);
        drained.wait(lock, [&] { return next >= inputs.size() || next < emitted + window; });
        if (next >= inputs.size()) return;
        i = next++;
      }
      auto r = work(i);
      {
        std::lock_guard<std::mutex> lock(mutex);
        slots[i % window] = std::move(r);
      }
      filled.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Result<ScanResult> r;
    {
      std::unique_lock<std::mutex> lock(mutex);
      filled.wait(lock, [&] { return slots[i % window].has_value(); });
      r = std::move(*slots[i % window]);
      slots[i % window].reset();
      emitted = i + 1;
    }
    drained.notify_all();
    on_result(inputs[i], std::move(r));
  }
  for (auto& t : threads) t.join();
}

} // namespace tweetcheck
