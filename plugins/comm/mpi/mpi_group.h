// MpiGroup: one ember process group on an MPI communicator (a duplicate of MPI_COMM_WORLD for
// the default group, MPI_Comm_create_group over the members for a subgroup).
//
// Collectives run in start order on one worker thread per group, as non-blocking MPI calls
// tested until they finish or their deadline passes (MPI has no timeouts; see mpi_runtime.h).
// Send and recv are posted at start and completed by whoever waits or queries. MPI cannot cancel
// a collective, so after a timeout (or an abort) the group refuses later operations; a rank that
// dies takes the whole job down under mpirun, which is how MPI reports that failure.
//
// Ownership: the group owns the communicator and the worker; running tasks share the State.
// Thread-safety: start is called by one thread at a time (the host serializes it); abort and the
// works may be used from any thread.
#pragma once

#include <mpi.h>

#include <memory>
#include <mutex>
#include <string>

#include <ember/sdk/process_group.h>

namespace ember_mpi {

class MpiGroup : public ember::sdk::ProcessGroup {
 public:
  explicit MpiGroup(const ember::sdk::GroupSpec& spec);
  ~MpiGroup() override;

  std::shared_ptr<ember::sdk::Work> start(const ember_collective_desc& desc) override;

  struct State {
    MPI_Comm comm = MPI_COMM_NULL;
    std::mutex mutex;
    std::string failure;  // set by the first timeout or abort: the group is unusable after it
    void fail(const std::string& why);
    std::string failure_text();
  };

 protected:
  void on_abort(const std::string& reason) override;

 private:
  std::shared_ptr<ember::sdk::Work> start_p2p(const ember_collective_desc& desc, const std::string& what);
  std::shared_ptr<State> state_;
  std::unique_ptr<ember::sdk::WorkQueue> queue_;
};

}  // namespace ember_mpi
