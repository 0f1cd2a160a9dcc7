// The MPI library as the mpi comm plugin uses it: initialized once (MPI_THREAD_SERIALIZED) and
// finalized at exit, a process-wide mutex that every MPI call runs under (PyTorch's
// ProcessGroupMPI does the same), one MPI datatype per ember dtype and one commutative MPI
// operation per ember reduce op (both evaluate ember's own reductions, so every dtype, Half and
// BFloat16 included, reduces as on gloo), and polling of requests against a deadline: MPI has
// no timeouts of its own, and a blocking call could never be abandoned.
//
// Thread-safety: every function may be called from any thread; they take the mutex themselves
// except where a name says otherwise.
#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace ember_mpi {

// Initializes MPI on first use (throws ember::sdk::Error when it cannot).
void ensure_initialized();
std::mutex& mpi_mutex();
int world_rank();
int world_size();

MPI_Datatype datatype_of(int32_t dtype);
// The operation for an ember reduce op (AVG reduces as SUM; the caller divides).
MPI_Op op_of(int32_t reduce_op);

// "MPI_ERR_TRUNCATE: message truncated" for an MPI error code.
std::string error_text(int code);
// Throws ember::sdk::Error(EMBER_ERROR_DISTRIBUTED) naming what failed when code != MPI_SUCCESS.
void check(int code, const std::string& what);

enum class PollResult { kDone, kTimedOut };
// Tests the request (under the mutex) until it completes or the deadline passes; sleeps between
// tests, briefly at first. MPI progresses its requests only inside calls, so the test also
// drives the transfer.
PollResult poll_until(MPI_Request* request, std::chrono::steady_clock::time_point deadline, const std::string& what);

}  // namespace ember_mpi
