// data::detail::Queue<T>: the blocking FIFO between a DataLoader and its worker threads.
// push never blocks; pop waits for an element, up to an optional timeout (then RuntimeError
// "Timeout in DataLoader queue ..."). Thread-safe: any number of pushers and poppers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <queue>
#include <utility>

#include "core/error.h"

namespace ember {
namespace data {
namespace detail {

template <typename T>
class Queue {
 public:
  void push(T value) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push(std::move(value));
    }
    cv_.notify_one();
  }

  T pop(std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (timeout) {
      bool ready = cv_.wait_for(lock, *timeout, [this] { return !queue_.empty(); });
      EMBER_CHECK(ready, RuntimeError, "Timeout in DataLoader queue while waiting for next batch (timeout was ",
                  timeout->count(), " ms)");
    } else {
      cv_.wait(lock, [this] { return !queue_.empty(); });
    }
    T value = std::move(queue_.front());
    queue_.pop();
    return value;
  }

  // Drops every queued element and returns how many there were.
  size_t clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = queue_.size();
    queue_ = std::queue<T>();
    return n;
  }

 private:
  std::queue<T> queue_;
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace detail
}  // namespace data
}  // namespace ember
