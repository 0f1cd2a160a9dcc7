// Internal: one comm plugin's group (a handle from ember_process_group_backend_desc::create) and
// the state of each operation started on it. ProcessGroup holds one BackendGroup per device type
// it serves; Work holds a WorkState.
//
// Thread-safety: start is serialized per BackendGroup (operations must be started in the same
// order on every rank, and the sequence number counts them); everything else is thread-safe.
#pragma once

#include <atomic>
#include <exception>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "core/device.h"
#include "core/tensor.h"
#include "distributed/store.h"
#include "distributed/store_adapter.h"
#include "distributed/types.h"
#include "distributed/work.h"
#include "registry/backend_registry.h"
#include "registry/config.h"

namespace ember {
namespace distributed {
namespace detail {

// What an operation was, for messages and for comparing ranks.
struct OpInfo {
  std::string name;         // "all_reduce"
  std::string details;      // "(sum, 1024 x Float)"
  uint64_t sequence_number = 0;
  std::string group{};      // the group's name
  bool collective = true;   // send/recv are not
  // "all_reduce (sum, 1024 x Float)": equal on ranks that agree.
  std::string fingerprint() const { return name + " " + details; }
  // "all_reduce #5 (sum, 1024 x Float) on group 'default'".
  std::string describe() const;
};

// Turns a backend's failure into the exception users see: names a rank that died, or ranks that
// called different collectives; otherwise keeps the backend's code and message.
class FailureExplainer {
 public:
  virtual ~FailureExplainer() = default;
  virtual std::exception_ptr explain(const OpInfo& op, int32_t code, const std::string& message) = 0;
};

struct WorkState {
  const ember_process_group_backend_desc* desc = nullptr;
  ember_work handle = nullptr;
  std::vector<Tensor> inputs;   // kept alive until the operation finished
  std::vector<Tensor> outputs;
  Device device{DeviceTypeId(0)};
  bool host_device = true;
  OpInfo op;
  std::string description;
  std::shared_ptr<FailureExplainer> explainer;
  std::chrono::steady_clock::time_point deadline;  // the operation's, from its start

  std::mutex mutex;
  bool finished = false;        // the backend said so
  std::exception_ptr error;     // explained, once finished
  bool released = false;
  ~WorkState();
};

// The backend registered under name, loading the plugin of that name first when no loaded plugin
// registered it. nullptr (and *problem says why) when there is none.
const ProcessGroupBackendInfo* resolve_backend(const std::string& name, std::string* problem);

class BackendGroup {
 public:
  struct Spec {
    const ProcessGroupBackendInfo* backend = nullptr;
    DeviceTypeId device_type = kInvalidDeviceType;
    std::shared_ptr<Store> store;  // prefixed for this group and backend; may be null (world_info backends)
    int rank = 0;
    int world_size = 1;
    std::vector<int32_t> global_ranks;
    Milliseconds timeout{1800000};
    std::string name;
    std::vector<PluginOption> options;
    std::shared_ptr<FailureExplainer> explainer;
  };

  // Creates the backend's group (the rendezvous); throws what create returned.
  explicit BackendGroup(Spec spec);
  ~BackendGroup();
  BackendGroup(const BackendGroup&) = delete;
  BackendGroup& operator=(const BackendGroup&) = delete;

  // Starts an operation. desc's kind, reduce_op, root, peer, tag and tensors are filled by the
  // caller; timeout, sequence number and stream are filled here. inputs/outputs are the tensors
  // behind desc's views (kept alive by the Work).
  std::shared_ptr<Work> start(ember_collective_desc desc, std::vector<Tensor> inputs, std::vector<Tensor> outputs,
                              Device device, OpInfo op, Milliseconds timeout);
  // The sequence number the next collective will get.
  uint64_t next_sequence_number();
  void abort(const std::string& reason);

  const std::string& backend_name() const { return spec_.backend->name; }
  int rank() const { return spec_.rank; }
  int world_size() const { return spec_.world_size; }
  Milliseconds timeout() const { return spec_.timeout; }
  bool aborted() const { return aborted_.load(); }

 private:
  Spec spec_;
  std::unique_ptr<StoreAdapter> adapter_;
  ember_process_group handle_ = nullptr;
  std::mutex start_mutex_;
  uint64_t collectives_ = 0;
  std::atomic<bool> aborted_{false};
};

}  // namespace detail
}  // namespace distributed
}  // namespace ember
