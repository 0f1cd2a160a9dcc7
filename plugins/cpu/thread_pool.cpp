// ThreadPool: n - 1 sleeping workers plus the calling thread share one job at a time.
// See thread_pool.h for the contract (inline fallback, no deadlock with concurrent callers).
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>

namespace ember_cpu {

namespace {
thread_local bool t_in_worker = false;
}

// One parallel_for call: chunks are claimed with an atomic counter by whoever gets there first.
struct ThreadPool::Job {
  RangeFunction fn;
  int64_t begin;
  int64_t end;
  int64_t chunk;
  int64_t num_chunks;
  std::atomic<int64_t> next_chunk{0};
  std::mutex error_mutex;
  std::exception_ptr error;

  Job(RangeFunction f, int64_t b, int64_t e, int64_t c)
      : fn(f), begin(b), end(e), chunk(c), num_chunks((e - b + c - 1) / c) {}

  void work() {
    for (;;) {
      int64_t c = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (c >= num_chunks) return;
      int64_t b = begin + c * chunk;
      int64_t e = std::min(end, b + chunk);
      try {
        fn(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  }
};

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(1, num_threads)) {
  workers_.reserve(num_threads_ - 1);
  for (int i = 1; i < num_threads_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

bool ThreadPool::in_worker() { return t_in_worker; }

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void ThreadPool::worker_loop() {
  t_in_worker = true;
  uint64_t seen_generation = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
    if (stopping_) return;
    seen_generation = generation_;
    Job* job = job_;
    if (job == nullptr) continue;  // woke after the caller finished the job by itself
    ++active_workers_;
    lock.unlock();
    job->work();
    lock.lock();
    if (--active_workers_ == 0) done_cv_.notify_all();
  }
}

void ThreadPool::run(int64_t begin, int64_t end, int64_t grain, RangeFunction fn) {
  // Another thread owns the pool: do the work here rather than queue behind it.
  if (busy_.exchange(true, std::memory_order_acquire)) {
    fn(begin, end);
    return;
  }
  int64_t n = end - begin;
  // Several chunks per thread, claimed dynamically: a worker that wakes late finds less left,
  // and one descheduled mid-chunk holds up only a small share.
  int64_t chunk = std::max(grain, (n + 4 * num_threads_ - 1) / (4 * num_threads_));
  Job job(fn, begin, end, chunk);
  bool published = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && job.num_chunks > 1) {
      job_ = &job;
      ++generation_;
      published = true;
    }
  }
  if (published) work_cv_.notify_all();
  // The caller always works too, so the job completes even if no worker wakes up in time.
  const auto region_start = std::chrono::steady_clock::now();
  t_in_worker = true;  // nested parallel_for calls from fn run inline
  job.work();
  t_in_worker = false;
  const auto caller_done = std::chrono::steady_clock::now();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    job_ = nullptr;  // late wakers see no job
    done_cv_.wait(lock, [&] { return active_workers_ == 0; });
  }
  // Waiting long for a worker that holds a chunk means it was descheduled (parallel.h).
  const auto waited = std::chrono::steady_clock::now() - caller_done;
  note_region_lag(std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count(),
                  std::chrono::duration_cast<std::chrono::nanoseconds>(caller_done - region_start + waited).count());
  busy_.store(false, std::memory_order_release);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace ember_cpu
