// parallel_for over the CPU plugin's intra-op threads.
//
// parallel_for(begin, end, grain, fn) calls fn(chunk_begin, chunk_end) over disjoint chunks that
// cover [begin, end), possibly on several threads. It runs inline (one call on the calling
// thread) when the range is at most `grain`, when there is one intra-op thread, or when called
// from inside another parallel_for (no nested parallelism). Chunk boundaries depend on the
// thread count; kernels whose results must not depend on it (reductions) cut their work into
// fixed-size blocks themselves.
//
// Two backends run the chunks:
//   openmp  one OpenMP parallel region per call, i.e. the same thread team oneDNN uses (its
//           CPU runtime is OpenMP). This is the default when the plugin is built with OpenMP:
//           with two separate pools, oneDNN's OpenMP threads keep spinning after each
//           primitive while the plugin's own threads run, and elementwise kernels between
//           convolutions slow down several times over (measured on 16 cores: matmul 256^3
//           then exp over 4M floats took 8.1 ms with the native pool, 2.4 ms with openmp).
//           One application thread at a time gets the team (TeamClaim); others run inline.
//   native  the plugin's ThreadPool (thread_pool.h): sleeping workers, and a second
//           application thread that finds the pool busy runs inline instead of waiting.
// Either way concurrent callers from many application threads never deadlock.
//
// A shared machine: when a multi-threaded region finds one of its threads started or finished
// late (it was descheduled: another process holds its core), the plugin runs single-threaded
// for a cooldown period (kContentionCooldown), so that no thread waits on a peer the scheduler
// put aside; the next region after the cooldown probes again. team_threads() is the thread
// count to use now (1 while contended); oneDNN's team sizes follow it too.
//
// Ownership: init calls start_intra_op once; the shutdown hook stops the native pool.
// Thread-safety: parallel_for may be called from any number of threads at once.
#pragma once

#include <cstdint>

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

enum class ParallelBackend { OpenMP, Native };

bool openmp_available();
// threads <= 0 means hardware concurrency. Called once, from init.
void start_intra_op(int threads, ParallelBackend backend);
void stop_intra_op();
int intra_op_threads();
// intra_op_threads(), or 1 while the machine was found contended (see above).
int team_threads();
// Records that a region's thread ran late by `lag_ns` against a region of `region_ns`; starts
// the cooldown when it looks like descheduling rather than imbalance.
void note_region_lag(int64_t lag_ns, int64_t region_ns);
ParallelBackend parallel_backend();
// True inside a parallel_for chunk running on more than one thread.
bool in_parallel_region();

void run_parallel(int64_t begin, int64_t end, int64_t grain, RangeFunction fn);

// Claims the process-wide right to run a multi-threaded OpenMP region (parallel_for's or a
// oneDNN primitive's) for its lifetime. A caller that does not get it runs single-threaded:
// concurrent application threads then share the cores instead of each starting a full team.
class TeamClaim {
 public:
  TeamClaim();
  ~TeamClaim();
  TeamClaim(const TeamClaim&) = delete;
  TeamClaim& operator=(const TeamClaim&) = delete;
  bool owned() const { return owned_; }

 private:
  bool owned_;
};

template <typename F>
inline void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& fn) {
  if (end <= begin) return;
  if (end - begin <= grain || intra_op_threads() <= 1 || in_parallel_region() || team_threads() <= 1) {
    fn(begin, end);
    return;
  }
  run_parallel(begin, end, grain, RangeFunction(fn));
}

}  // namespace ember_cpu
