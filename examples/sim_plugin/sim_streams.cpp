// SimStream (see sim_streams.h).
#include "sim_streams.h"

#include <exception>

namespace sim {

SimStream::SimStream(int32_t device_index) : device_index_(device_index), worker_([this] { run(); }) {}

SimStream::~SimStream() { retire(); }

void SimStream::retire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (retired_) return;
    stopping_ = true;
  }
  work_ready_.notify_all();
  worker_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  retired_ = true;
}

uint64_t SimStream::enqueue(std::function<void()> job) {
  uint64_t sequence;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!retired_ && !stopping_) {
      queue_.push_back(std::move(job));
      sequence = ++enqueued_;
      work_ready_.notify_one();
      return sequence;
    }
  }
  // A retired stream has no worker: run the job here, in order (nothing else is queued).
  std::string failure;
  try {
    job();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown error in an asynchronous sim job";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!failure.empty() && error_.empty()) error_ = failure;
  sequence = ++enqueued_;
  ++completed_;
  job_done_.notify_all();
  return sequence;
}

uint64_t SimStream::last_enqueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return enqueued_;
}

void SimStream::wait_for(uint64_t sequence) {
  std::unique_lock<std::mutex> lock(mutex_);
  job_done_.wait(lock, [&] { return completed_ >= sequence; });
}

bool SimStream::has_completed(uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex_);
  return completed_ >= sequence;
}

std::string SimStream::take_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string e;
  e.swap(error_);
  return e;
}

void SimStream::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    std::string failure;
    try {
      job();
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown error in an asynchronous sim job";
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure.empty() && error_.empty()) error_ = failure;
      ++completed_;
    }
    job_done_.notify_all();
  }
}

}  // namespace sim
