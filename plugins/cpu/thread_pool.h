// The CPU plugin's intra-op thread pool and parallel_for.
//
// parallel_for(begin, end, grain, fn) calls fn(chunk_begin, chunk_end) over disjoint chunks that
// cover [begin, end). It runs inline (one call, on the calling thread) when the range is at
// most `grain`, when the pool has one thread, when called from inside a pool task (no nested
// parallelism), or when another application thread is using the pool right now: a second
// caller never waits for the first, so concurrent callers can never deadlock, and the calling
// thread always works on its own job, so a job finishes even if no worker ever wakes up.
// Chunk boundaries depend on the thread count; kernels whose results must not depend on it
// (reductions) choose their own fixed-size blocks instead.
//
// Ownership: one process-wide pool, created by the plugin's init and stopped (threads joined)
// by its shutdown hook; it is deliberately never destroyed (plugins are never unloaded).
// Thread-safety: parallel_for may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ember_cpu {

// Elements below which elementwise work stays on the calling thread.
constexpr int64_t kGrainSize = 32768;

// A non-owning reference to a callable void(int64_t, int64_t), so parallel_for never allocates.
class RangeFunction {
 public:
  template <typename F>
  RangeFunction(const F& f)  // NOLINT: implicit on purpose
      : object_(&f), call_([](const void* o, int64_t b, int64_t e) { (*static_cast<const F*>(o))(b, e); }) {}
  void operator()(int64_t begin, int64_t end) const { call_(object_, begin, end); }

 private:
  const void* object_;
  void (*call_)(const void*, int64_t, int64_t);
};

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

// The plugin's pool; null before init (parallel_for then runs inline).
ThreadPool* global_pool();
// Creates the pool (threads <= 0: hardware concurrency). Called once, from init.
void create_global_pool(int threads);
void stop_global_pool();
int intra_op_threads();

template <typename F>
inline void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& fn) {
  if (end <= begin) return;
  ThreadPool* pool = global_pool();
  if (end - begin <= grain || pool == nullptr || pool->num_threads() <= 1 || ThreadPool::in_worker()) {
    fn(begin, end);
    return;
  }
  pool->run(begin, end, grain, RangeFunction(fn));
}

}  // namespace ember_cpu
