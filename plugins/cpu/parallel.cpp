// parallel_for backends: one OpenMP region per call, or the plugin's ThreadPool. See parallel.h.
#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "thread_pool.h"

namespace ember_cpu {

namespace {

std::atomic<int> g_threads{1};
std::atomic<ParallelBackend> g_backend{ParallelBackend::Native};
std::atomic<ThreadPool*> g_pool{nullptr};
// Set while some application thread runs a multi-threaded region (ours or oneDNN's).
std::atomic<bool> g_team_busy{false};
// While steady_clock is below this, regions run on one thread (a peer was descheduled).
std::atomic<int64_t> g_contended_until_ns{0};

// A peer that starts or finishes this much later than the caller was not running.
constexpr int64_t kLagThresholdNs = 300000;
constexpr int64_t kContentionCooldownNs = 250000000;  // 250 ms between probes

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int team_threads() {
  const int threads = g_threads.load(std::memory_order_relaxed);
  if (threads <= 1) return threads;
  const int64_t until = g_contended_until_ns.load(std::memory_order_relaxed);
  return until != 0 && now_ns() < until ? 1 : threads;
}

void note_region_lag(int64_t lag_ns, int64_t region_ns) {
  // Imbalance between equal chunks stays a fraction of the region; a descheduled thread shows
  // up as a lag of scheduler time slices.
  if (lag_ns > kLagThresholdNs && lag_ns * 2 > region_ns)
    g_contended_until_ns.store(now_ns() + kContentionCooldownNs, std::memory_order_relaxed);
}

TeamClaim::TeamClaim() : owned_(!g_team_busy.exchange(true, std::memory_order_acquire)) {}
TeamClaim::~TeamClaim() {
  if (owned_) g_team_busy.store(false, std::memory_order_release);
}

namespace {

#ifdef _OPENMP
void run_openmp(int64_t begin, int64_t end, int64_t grain, RangeFunction fn) {
  TeamClaim claim;
  if (!claim.owned()) {
    // Another application thread has the team: one OpenMP team per caller would put
    // callers x threads runnable threads on the cores, so this call stays on its own thread.
    fn(begin, end);
    return;
  }
  const int64_t n = end - begin;
  const int64_t max_chunks = (n + grain - 1) / grain;
  const int threads = static_cast<int>(std::min<int64_t>(g_threads.load(std::memory_order_relaxed), max_chunks));
  std::exception_ptr error;
  std::mutex error_mutex;
  constexpr int kMaxTimed = 64;
  int64_t started[kMaxTimed] = {}, finished[kMaxTimed] = {};
  const int64_t region_start = now_ns();
  int team_size = 1;
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num();
    const int64_t team = omp_get_num_threads();
    if (me < kMaxTimed) started[me] = now_ns();
    const int64_t chunk = (n + team - 1) / team;
    const int64_t b = begin + me * chunk;
    const int64_t e = std::min(end, b + chunk);
    if (b < e) {
      try {
        fn(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
    if (me < kMaxTimed) finished[me] = now_ns();
    if (me == 0) team_size = static_cast<int>(team);
  }
  // How late did each worker start and finish against the calling thread?
  const int64_t region_end = now_ns();
  int64_t lag = 0;
  for (int t = 1; t < std::min(team_size, kMaxTimed); ++t)
    lag = std::max({lag, started[t] - region_start, finished[t] - finished[0]});
  note_region_lag(lag, region_end - region_start);
  if (error) std::rethrow_exception(error);
}
#endif

}  // namespace

bool openmp_available() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

void start_intra_op(int threads, ParallelBackend backend) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!openmp_available()) backend = ParallelBackend::Native;
  g_threads.store(threads, std::memory_order_relaxed);
  g_backend.store(backend, std::memory_order_relaxed);
  if (backend == ParallelBackend::Native && threads > 1) {
    // Leaked on purpose: the plugin is never unloaded and kernels may run until process exit.
    ThreadPool* old = g_pool.exchange(new ThreadPool(threads), std::memory_order_acq_rel);
    if (old) old->stop();
  }
}

void stop_intra_op() {
  if (ThreadPool* pool = g_pool.load(std::memory_order_acquire)) pool->stop();
}

int intra_op_threads() { return g_threads.load(std::memory_order_relaxed); }

ParallelBackend parallel_backend() { return g_backend.load(std::memory_order_relaxed); }

bool in_parallel_region() {
#ifdef _OPENMP
  if (omp_in_parallel()) return true;
#endif
  return ThreadPool::in_worker();
}

void run_parallel(int64_t begin, int64_t end, int64_t grain, RangeFunction fn) {
#ifdef _OPENMP
  if (g_backend.load(std::memory_order_relaxed) == ParallelBackend::OpenMP) {
    run_openmp(begin, end, grain, fn);
    return;
  }
#endif
  ThreadPool* pool = g_pool.load(std::memory_order_acquire);
  if (pool == nullptr) {
    fn(begin, end);
    return;
  }
  pool->run(begin, end, grain, fn);
}

}  // namespace ember_cpu
