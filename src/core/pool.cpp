// The one worker pool: long-lived threads fed from a queue; run_ordered keeps a window of items
// in flight and hands results back in input order on the calling thread.
#include "tweetcheck/pool.hpp"

#include <algorithm>

namespace tweetcheck {

WorkerPool::WorkerPool(unsigned threads) {
  size_ = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  if (size_ <= 1) return;
  threads_.reserve(size_);
  for (unsigned t = 0; t < size_; ++t) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return; // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void WorkerPool::run_ordered(std::size_t n, const std::function<void(std::size_t)>& work,
                             const std::function<void(std::size_t)>& emit) {
  if (threads_.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      work(i);
      emit(i);
    }
    return;
  }
  const std::size_t w = std::min(window(), n);
  // Per slot (item i uses slot i % w): done, and the exception its work threw.
  std::vector<char> done(w, 0);
  std::vector<std::exception_ptr> thrown(w);
  std::mutex m;
  std::condition_variable finished;
  std::size_t submitted = 0;
  auto submit = [&](std::size_t i) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.emplace_back([&, i] {
        std::exception_ptr e;
        try {
          work(i);
        } catch (...) {
          e = std::current_exception();
        }
        // Notified under the lock: once the caller sees `done` it may return, and the condition
        // variable on its stack goes with it.
        std::lock_guard<std::mutex> l(m);
        done[i % w] = 1;
        thrown[i % w] = e;
        finished.notify_all();
      });
    }
    wake_.notify_one();
  };
  // Waits for every submitted item, so no task refers to this frame once we return or throw.
  auto drain = [&](std::size_t from) {
    std::unique_lock<std::mutex> lock(m);
    for (std::size_t j = from; j < submitted; ++j) finished.wait(lock, [&] { return done[j % w] != 0; });
  };
  for (std::size_t i = 0; i < n; ++i) {
    while (submitted < n && submitted < i + w) submit(submitted++);
    std::exception_ptr e;
    {
      std::unique_lock<std::mutex> lock(m);
      finished.wait(lock, [&] { return done[i % w] != 0; });
      done[i % w] = 0;
      e = thrown[i % w];
      thrown[i % w] = nullptr;
    }
    if (e) {
      drain(i + 1);
      std::rethrow_exception(e);
    }
    try {
      emit(i);
    } catch (...) {
      drain(i + 1);
      throw;
    }
  }
}

} // namespace tweetcheck
