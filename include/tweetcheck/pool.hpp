#pragma once
/// One ordered worker pool for every stage that runs in parallel (scan, check, audit): long-lived
/// threads, a bounded number of items in flight, results handed on in input order.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace tweetcheck {

class WorkerPool {
public:
  /// `threads` workers (0: one per core). With one thread, work runs on the caller.
  explicit WorkerPool(unsigned threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned size() const { return size_; }
  /// Items in flight at most: results waiting to be handed on plus items being worked on.
  std::size_t window() const { return static_cast<std::size_t>(size_) * 4; }

  /// Calls `work(i)` for every i in [0, n) on the workers and `emit(i)` on the calling thread in
  /// order 0, 1, …, each after its `work(i)` returned; at most window() items are started and not
  /// yet emitted. An exception thrown by `work` is rethrown from here when its item's turn comes
  /// (the items already started finish first).
  void run_ordered(std::size_t n, const std::function<void(std::size_t)>& work,
                   const std::function<void(std::size_t)>& emit);

private:
  void loop();
  unsigned size_ = 1;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
};

/// `emit(i, work(i))` for every i in [0, n), in order, with the work done on `pool`. Holds at most
/// pool.window() results at once, so memory stays bounded however large n is.
template <class Out, class Work, class Emit>
void parallel_map(WorkerPool& pool, std::size_t n, Work&& work, Emit&& emit) {
  const std::size_t window = pool.window();
  std::vector<std::optional<Out>> slots(std::min(window, n));
  if (slots.empty()) return;
  pool.run_ordered(
      n, [&](std::size_t i) { slots[i % slots.size()].emplace(work(i)); },
      [&](std::size_t i) {
        auto& slot = slots[i % slots.size()];
        Out out = std::move(*slot);
        slot.reset();
        emit(i, std::move(out));
      });
}

} // namespace tweetcheck
