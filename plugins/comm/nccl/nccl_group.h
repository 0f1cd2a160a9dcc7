// NcclGroup: one ember process group on NCCL, for CUDA tensors (c10d's ProcessGroupNCCL).
//
// A communicator per CUDA device is created on the group's first operation on that device:
// rank 0 makes the NCCL unique id and shares it through the group's store; communicators are
// non-blocking (ncclConfig_t::blocking = 0), so set-up and abort never hang past the deadline.
// Each operation waits (an event) for the work already queued on the caller's stream, runs on
// the communicator's own high-priority stream and records an end event; wait() with a stream
// makes that stream wait for the end event and returns at once (as c10d's Work::wait), without
// a stream it blocks. A watchdog thread finishes works as their end events complete, and when a
// deadline passes or NCCL reports an asynchronous error (a peer died) it aborts the
// communicators, so that queued kernels exit and every pending work fails with a message that
// names the operation.
//
// Send and recv: NCCL matches them in posting order per pair of ranks; tags are not used.
//
// Ownership: the group owns communicators, streams, events and the watchdog; works own their
// end event. Thread-safety: start is called by one thread at a time (the host serializes it);
// abort, the works and the watchdog synchronize on the group's mutex.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <ember/sdk/process_group.h>

namespace ember_nccl {

class NcclWork : public ember::sdk::Work {
 public:
  NcclWork(std::string what, int64_t timeout_ms, int device, cudaEvent_t end)
      : Work(std::move(what), timeout_ms), device_(device), end_(end) {}
  ~NcclWork() override;
  void wait(int64_t timeout_ms, ember_stream stream) override;
  int device() const { return device_; }
  cudaEvent_t end() const { return end_; }

 private:
  int device_;
  cudaEvent_t end_;
};

class NcclGroup : public ember::sdk::ProcessGroup {
 public:
  explicit NcclGroup(const ember::sdk::GroupSpec& spec);
  ~NcclGroup() override;

  std::shared_ptr<ember::sdk::Work> start(const ember_collective_desc& desc) override;

 protected:
  void on_abort(const std::string& reason) override;

 private:
  struct Comm {
    int device = 0;
    ncclComm_t comm = nullptr;
    cudaStream_t stream = nullptr;
    cudaEvent_t ready = nullptr;
    void* scratch = nullptr;  // 4 bytes: the barrier's all-reduce
  };
  struct Pending {
    std::shared_ptr<NcclWork> work;
    Comm* comm;
  };

  Comm& comm_for(int device, int64_t timeout_ms);
  void watch();
  // Aborts every communicator and fails every pending work with reason; the first failure is
  // kept for later starts. Caller holds mutex_.
  void fail_all_locked(const std::string& reason);

  ember::sdk::Store store_;
  std::map<int, std::unique_ptr<Comm>> comms_;  // by device index
  int comms_created_ = 0;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Pending> pending_;
  std::string failure_;
  bool stopping_ = false;
  std::thread watchdog_;
};

}  // namespace ember_nccl
