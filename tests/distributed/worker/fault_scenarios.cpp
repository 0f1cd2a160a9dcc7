// Fault scenarios: a rank killed (SIGKILL) during an all-reduce, a rank that never joins, and
// ranks that call different collectives or sizes. Surviving ranks check that their error names
// the dead or disagreeing rank and the operation, and that it came within the timeout + 2 s; they
// print the time it took ("detected after S s") for the trial script to collect.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "worker.h"

namespace dist_worker {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

double timeout_seconds() {
  const char* t = std::getenv("EMBER_TEST_TIMEOUT_MS");
  return t ? std::atof(t) / 1000.0 : 1800.0;
}

// ARGS: the rank to kill (default 1). Every rank all-reduces 4 MiB in a loop; the victim starts
// its third all-reduce, records the time in the store and kills itself. CLOCK_MONOTONIC is
// shared by the processes of one machine, so survivors measure from the kill.
Register kill_in_all_reduce("kill_in_all_reduce", [](const std::vector<std::string>& args) {
  init();
  const int victim = args.empty() ? 1 : std::atoi(args[0].c_str());
  const int rank = ed::get_rank();
  auto& pg = ed::default_group();
  ember::Tensor t = ember::ones({1 << 20}).to(test_device());
  for (int i = 0;; ++i) {
    try {
      auto work = pg.all_reduce(t);
      if (rank == victim && i == 2) {
        ed::default_store()->set("killed_at", std::to_string(now_ns()));
        ::kill(::getpid(), SIGKILL);
      }
      work->wait();
    } catch (const ember::DistributedError& e) {
      const std::string m = e.what();
      const double after = (now_ns() - std::stoll(ed::default_store()->get_string("killed_at"))) / 1e9;
      WORKER_CHECK(m.find("rank " + std::to_string(victim)) != std::string::npos, "the dead rank is not named: " << m);
      WORKER_CHECK(m.find("all_reduce") != std::string::npos, "the operation is not named: " << m);
      WORKER_CHECK(after <= timeout_seconds() + 2.0, "detected after " << after << " s: " << m);
      WORKER_SAY("rank " << rank << ": detected after " << after << " s: " << m);
      return;
    }
    WORKER_CHECK(i < 1000, "the victim's death was never noticed");
  }
});

// Rank 1 skips the all-reduce (it sleeps past the timeout, then leaves): rank 0 times out within
// the timeout + 2 s with an error that says rank 1 never reached it.
Register absent_rank("absent_rank", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank();
  auto& pg = ed::default_group();
  pg.barrier()->wait();
  if (rank == 1) {
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_seconds() + 3.0));
    WORKER_SAY("rank 1: stayed away");
    return;
  }
  ember::Tensor t = ember::ones({16});
  auto start = Clock::now();
  try {
    pg.all_reduce(t)->wait();
  } catch (const ember::TimeoutError& e) {
    const std::string m = e.what();
    const double after = std::chrono::duration<double>(Clock::now() - start).count();
    WORKER_CHECK(m.find("rank 1 has not reached collective #2") != std::string::npos, m);
    WORKER_CHECK(after <= timeout_seconds() + 2.0, "timed out after " << after << " s: " << m);
    WORKER_SAY("rank 0: timed out after " << after << " s: " << m);
    return;
  }
  throw std::runtime_error("the all_reduce finished without rank 1");
});

// ARGS: "size" (rank 1 all-reduces 5 elements, the others 4) or "kind" (rank 1 broadcasts).
// Without the detail debug level the mismatch times out and the error lists what each rank
// called; with it (EMBER_DISTRIBUTED_DEBUG=DETAIL) it fails at once, before any data moves.
Register mismatch("mismatch", [](const std::vector<std::string>& args) {
  init();
  const bool by_kind = !args.empty() && args[0] == "kind";
  const int rank = ed::get_rank();
  auto& pg = ed::default_group();
  ember::Tensor t = ember::ones({rank == 1 && !by_kind ? 5 : 4});
  auto start = Clock::now();
  try {
    if (rank == 1 && by_kind) pg.broadcast(t)->wait();
    else pg.all_reduce(t)->wait();
  } catch (const ember::Error& e) {
    const std::string m = e.what();
    const double after = std::chrono::duration<double>(Clock::now() - start).count();
    WORKER_CHECK(m.find("different collectives") != std::string::npos, m);
    WORKER_CHECK(m.find(by_kind ? "broadcast" : "Float[5]") != std::string::npos, m);
    WORKER_CHECK(m.find("all_reduce") != std::string::npos && m.find("Float[4]") != std::string::npos, m);
    WORKER_CHECK(after <= timeout_seconds() + 2.0, "failed after " << after << " s: " << m);
    WORKER_SAY("rank " << rank << ": failed after " << after << " s: " << m);
    return;
  }
  throw std::runtime_error("mismatched collectives succeeded");
});

}  // namespace
}  // namespace dist_worker

namespace dist_worker {
namespace {

// MPI (no store, no lifelines): rank 1 joins the all-reduce only after rank 0's deadline, so
// rank 0 times out by timeout + 2 s; rank 1's late call then completes the stale request, so
// that MPI_Finalize at exit has nothing outstanding.
Register mpi_mismatch("mpi_mismatch", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank();
  auto& pg = ed::default_group();
  ember::Tensor t = ember::ones({16});
  if (rank == 1) {
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_seconds() + 1.0));
    pg.all_reduce(t)->wait();
    WORKER_SAY("rank 1: joined late");
    return;
  }
  auto start = Clock::now();
  try {
    pg.all_reduce(t)->wait();
  } catch (const ember::TimeoutError& e) {
    const std::string m = e.what();
    const double after = std::chrono::duration<double>(Clock::now() - start).count();
    WORKER_CHECK(m.find("all_reduce #1") != std::string::npos && m.find("deadline") != std::string::npos, m);
    WORKER_CHECK(after <= timeout_seconds() + 2.0, "timed out after " << after << " s: " << m);
    WORKER_SAY("rank 0: timed out after " << after << " s: " << m);
    return;
  }
  throw std::runtime_error("the all_reduce finished without rank 1");
});

}  // namespace
}  // namespace dist_worker
