// Helpers shared by the benchmarks of bench/:
//   - ThreadTeam: a fixed set of threads that run one function together (machine limits);
//   - BusyCompetitor: a child process that keeps one core busy while it lives, for the rows that
//     measure ember and libtorch on a shared machine;
//   - run_memory_program: runs one of the peak-memory programs of rss/ (each links only one
//     library, as an application would) and reads back its peak resident memory.
// Ownership: each object owns what it starts (threads, child processes) and stops it when
// destroyed. Thread-safety: objects are used from one benchmark thread at a time.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ember_bench {

// run(f) calls f(index, count) on each of `count` threads (the caller is index 0) and returns
// when all are done.
class ThreadTeam {
 public:
  explicit ThreadTeam(int count);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;
  int size() const { return count_; }
  void run(const std::function<void(int, int)>& f);

 private:
  void loop(int index);
  int count_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int, int)>* job_ = nullptr;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

// A child process that spins on one core until this object is destroyed (killed, reaped).
class BusyCompetitor {
 public:
  BusyCompetitor();
  ~BusyCompetitor();
  BusyCompetitor(const BusyCompetitor&) = delete;
  BusyCompetitor& operator=(const BusyCompetitor&) = delete;

 private:
  pid_t pid_ = -1;
};

struct ChildMemory {
  double baseline_mb = 0;  // resident memory after start-up, before the model
  double peak_mb = 0;      // peak resident memory (VmHWM) of the whole program
};
// Runs a peak-memory program of rss/ (`program BATCH THREADS`) and reads back its figures.
// Throws std::runtime_error when it fails.
ChildMemory run_memory_program(const char* program, int64_t batch);

// The intra-op thread count both libraries use in every benchmark (ember's configured count).
int bench_threads();

}  // namespace ember_bench
