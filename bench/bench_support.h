// Helpers shared by the benchmarks of bench/:
//   - ThreadTeam: a fixed set of threads that run one function together (machine limits);
//   - BusyCompetitor: a child process that keeps one core busy while it lives, for the rows that
//     measure ember and libtorch on a shared machine;
//   - child workloads: a benchmark can run a registered workload in a fresh process of this
//     binary (`ember_bench --ember_bench_child=NAME`) and read back its peak resident memory.
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

// A workload run in a child process; returns normally when done.
using ChildWorkload = std::function<void()>;
// Registers `name` (from a static initializer). Returns true so it can initialize a variable.
bool register_child_workload(const std::string& name, ChildWorkload workload);

struct ChildMemory {
  double baseline_mb = 0;  // resident memory after start-up, before the workload
  double peak_mb = 0;      // peak resident memory of the whole child process
};
// Runs the named workload in a fresh process of this binary and returns its memory figures.
// Throws std::runtime_error when the child fails.
ChildMemory run_child_workload(const std::string& name);

// Called first in main: when argv asks for a child workload, runs it, prints its memory figures
// for the parent, sets *exit_code and returns true.
bool run_child_if_requested(int argc, char** argv, int* exit_code);

// The intra-op thread count both libraries use in every benchmark (ember's configured count).
int bench_threads();

}  // namespace ember_bench
