// One collective on an MPI communicator, described without pointers into the host's arguments
// (the group's worker runs it after start returned). Runs on the calling thread; throws
// ember::sdk::Error (EMBER_ERROR_TIMEOUT when the deadline passed, EMBER_ERROR_DISTRIBUTED for
// an MPI error).
#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>

namespace ember_mpi {

struct Buffer {
  void* data;
  size_t nbytes;
};

struct OpArgs {
  int32_t kind = 0;
  int32_t reduce_op = 0;
  int32_t root = 0;
  int32_t dtype = 0;
  size_t element_size = 1;
  std::chrono::steady_clock::time_point deadline;
  std::string what;  // "all_reduce #3 (sum, 1024 x Float)" for messages
  std::vector<Buffer> inputs;
  std::vector<Buffer> outputs;
};

OpArgs make_op_args(const ember_collective_desc& desc, const std::string& what);

// Runs a collective kind (not send/recv) on comm, whose size and this process's rank in it are
// world and rank.
void run_collective(MPI_Comm comm, int rank, int world, const OpArgs& args);

}  // namespace ember_mpi
