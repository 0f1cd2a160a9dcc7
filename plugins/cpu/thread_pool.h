// ThreadPool: the plugin's own intra-op pool (the "native" backend of parallel_for, see
// parallel.h).
//
// run(begin, end, grain, fn) calls fn(chunk_begin, chunk_end) over disjoint chunks covering
// [begin, end). When another application thread is using the pool right now, the caller runs
// the whole range inline instead of waiting: concurrent callers can never deadlock, and the
// calling thread always works on its own job, so a job finishes even if no worker wakes up.
// Workers sleep on a condition variable between jobs (they never spin).
//
// Ownership: created by the plugin's init (start_intra_op), stopped at shutdown, never
// destroyed (plugins are never unloaded).
// Thread-safety: run() may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "parallel.h"

namespace ember_cpu {

class ThreadPool {
 public:
  // num_threads counts the calling thread: a pool of n starts n - 1 workers.
  explicit ThreadPool(int num_threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() { stop(); }

  int num_threads() const { return num_threads_; }
  // Joins the workers; later calls run inline.
  void stop();
  void run(int64_t begin, int64_t end, int64_t grain, RangeFunction fn);

  // True on a pool worker thread, or on a caller while it runs a job: parallel_for inside a
  // task runs inline.
  static bool in_worker();

 private:
  struct Job;
  void worker_loop();

  int num_threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  Job* job_ = nullptr;         // guarded by mutex_
  uint64_t generation_ = 0;    // guarded by mutex_; bumped per published job
  int active_workers_ = 0;     // guarded by mutex_; workers inside job_->work()
  bool stopping_ = false;      // guarded by mutex_
  std::atomic<bool> busy_{false};  // set by the one caller that owns the pool right now
};

}  // namespace ember_cpu
