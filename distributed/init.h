// Starting and stopping distributed work, as torch.distributed: init_process_group joins this
// process to the job (the default group), new_group makes subgroups, and the free functions run
// collectives on a group (the default one when none is given).
//
//   ember::distributed::init_process_group();       // env://: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE
//   ember::distributed::all_reduce(t);              // blocking; pass async_op = true for a Work
//   auto evens = ember::distributed::new_group({0, 2});
//   ember::distributed::destroy_process_group();
//
// Backends come from the configuration per device type (`collectives: {cpu: gloo, cuda: nccl}`)
// or from InitOptions::backend ("gloo", "mpi", "nccl", or "cpu:gloo,cuda:nccl"); a backend no
// loaded plugin registered is loaded as plugin libember_<backend>.so on first use. Deadlines come
// from InitOptions::timeout or the configuration's distributed.timeout (default 1800 s). The debug
// level (EMBER_DISTRIBUTED_DEBUG=OFF|INFO|DETAIL, or distributed.debug) DETAIL checks before each
// collective that every rank calls the same one with the same sizes.
//
// Under `ember launch` the launcher hosts the store; otherwise rank 0 does and waits, when it
// shuts down, until the other ranks have said goodbye. MPI programs started by mpirun need no
// environment: the mpi backend knows the ranks.
//
// Thread-safety: init/destroy/new_group must not race with each other; the rest is thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "distributed/process_group.h"
#include "distributed/store.h"
#include "distributed/types.h"

namespace ember {
namespace distributed {

struct InitOptions {
  std::string backend;                  // "" = the configuration's collectives
  std::string init_method = "env://";   // env://, tcp://HOST:PORT, file:///PATH
  int rank = -1;                        // -1: from the environment (RANK) or the backend (MPI)
  int world_size = -1;                  // -1: from the environment (WORLD_SIZE) or the backend
  std::shared_ptr<Store> store;         // overrides init_method
  Milliseconds timeout = kDefaultTimeout;
  std::optional<DebugLevel> debug;      // else $EMBER_DISTRIBUTED_DEBUG, else the configuration
};

EMBER_API void init_process_group(const InitOptions& options = {});
// Destroys every group this module made and closes the store (rank 0 first waits for the others).
EMBER_API void destroy_process_group();
EMBER_API bool is_initialized();
EMBER_API int get_rank();
EMBER_API int get_world_size();
EMBER_API ProcessGroup& default_group();
// The default group as a shared pointer (keeps it alive past destroy_process_group).
EMBER_API std::shared_ptr<ProcessGroup> default_group_ptr();
// The root store of the job (shared by every group; groups use prefixes inside it).
EMBER_API std::shared_ptr<Store> default_store();
EMBER_API DebugLevel debug_level();

// Every rank of the default group must call new_group with the same ranks (sorted, unique);
// ranks outside it get nullptr. An empty list means every rank. backend as InitOptions::backend.
EMBER_API std::shared_ptr<ProcessGroup> new_group(std::vector<int> ranks = {}, Milliseconds timeout = kDefaultTimeout,
                                                  const std::string& backend = "");

// torch.distributed-style calls: blocking unless async_op, on group (default: the default group).
EMBER_API std::shared_ptr<Work> all_reduce(Tensor& tensor, ReduceOp op = ReduceOp::SUM, ProcessGroup* group = nullptr,
                                           bool async_op = false);
EMBER_API std::shared_ptr<Work> broadcast(Tensor& tensor, int src, ProcessGroup* group = nullptr, bool async_op = false);
EMBER_API std::shared_ptr<Work> all_gather(std::vector<Tensor>& outputs, const Tensor& input,
                                           ProcessGroup* group = nullptr, bool async_op = false);
EMBER_API void barrier(ProcessGroup* group = nullptr);

EMBER_API DebugLevel parse_debug_level(const std::string& text);  // off | info | detail, any case

}  // namespace distributed
}  // namespace ember
