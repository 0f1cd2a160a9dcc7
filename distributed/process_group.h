// ProcessGroup: a set of ranks that run collectives together (c10d's ProcessGroup), over comm
// plugins. Every collective returns a Work at once; the group picks the backend by the device
// type of the tensors (`collectives: {cpu: gloo, cuda: nccl}` in the configuration), so one
// group serves CPU and GPU tensors.
//
//   auto& pg = ember::distributed::default_group();
//   pg.all_reduce(t)->wait();                                   // t summed over ranks, in place
//   pg.broadcast(t, {/*root_rank=*/1});
//   pg.all_gather(outputs, t);                                  // outputs[r] = rank r's t
//
// Tensors must be contiguous and, in one call, of one dtype and device; shapes must be as each
// collective needs (checked here, with a ValueError saying what is wrong). Collectives must be
// called in the same order on every rank of the group. When an operation fails, its error names
// the operation and group, and the rank that died or the ranks that disagree when that is known;
// a group whose peer died is aborted (later calls fail at once, naming the dead rank).
//
// Thread-safety: collectives may be called from several threads, but their order on the group
// must be the same on every rank; the group serializes starts.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "distributed/store.h"
#include "distributed/types.h"
#include "distributed/work.h"

namespace ember {
namespace distributed {

namespace detail {
class BackendGroup;
class GroupFailureExplainer;
}  // namespace detail

// How a group is made (filled by init_process_group and new_group).
struct GroupSettings {
  std::string name;                       // "default", "group 1"
  int rank = 0;                           // in this group
  int world_size = 1;
  std::vector<int32_t> global_ranks;      // members' ranks in the default group
  std::shared_ptr<Store> store;           // prefixed for this group; may be null for MPI-only jobs
  std::vector<std::pair<std::string, std::string>> backends;  // device type -> backend name
  Milliseconds timeout{1800000};
  DebugLevel debug = DebugLevel::Off;
};

class EMBER_API ProcessGroup {
 public:
  explicit ProcessGroup(GroupSettings settings);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return settings_.rank; }
  int size() const { return settings_.world_size; }
  const std::string& name() const { return settings_.name; }
  const std::vector<int32_t>& global_ranks() const { return settings_.global_ranks; }
  // The backend serving a device type ("gloo"); throws if none is configured.
  std::string backend_name(const std::string& device_type);

  std::shared_ptr<Work> all_reduce(Tensor& tensor, const AllreduceOptions& options = {});
  std::shared_ptr<Work> broadcast(Tensor& tensor, const BroadcastOptions& options = {});
  std::shared_ptr<Work> reduce(Tensor& tensor, const ReduceOptions& options = {});
  // outputs: size() tensors shaped as input.
  std::shared_ptr<Work> all_gather(std::vector<Tensor>& outputs, const Tensor& input,
                                   const AllgatherOptions& options = {});
  // outputs: size() tensors on the root, empty elsewhere.
  std::shared_ptr<Work> gather(std::vector<Tensor>& outputs, const Tensor& input, const GatherOptions& options = {});
  // inputs: size() tensors on the root, empty elsewhere.
  std::shared_ptr<Work> scatter(Tensor& output, const std::vector<Tensor>& inputs, const ScatterOptions& options = {});
  // inputs: size() tensors shaped as output; rank r gets the reduction of every rank's inputs[r].
  std::shared_ptr<Work> reduce_scatter(Tensor& output, const std::vector<Tensor>& inputs,
                                       const ReduceScatterOptions& options = {});
  // inputs[s] goes to rank s, outputs[r] comes from rank r (sizes may differ between pairs).
  std::shared_ptr<Work> all_to_all(std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                                   const AllToAllOptions& options = {});
  std::shared_ptr<Work> barrier(const BarrierOptions& options = {});
  std::shared_ptr<Work> send(const Tensor& tensor, int dst_rank, int tag = 0);
  std::shared_ptr<Work> recv(Tensor& tensor, int src_rank, int tag = 0);

  // Stops every backend group (after a peer died); later calls fail with the reason.
  void abort(const std::string& reason);

 private:
  struct Entry;
  detail::BackendGroup& backend_for(DeviceTypeId device_type, const char* op);
  detail::BackendGroup& cpu_backend(const char* op);
  void check_ranks(const char* op, int rank, const char* what) const;
  // Debug level Detail: all ranks compare the operation before it runs.
  void check_same_operation(const std::string& fingerprint, const char* op);

  GroupSettings settings_;
  std::shared_ptr<detail::GroupFailureExplainer> explainer_;
  std::mutex mutex_;  // entries_
  std::map<DeviceTypeId, std::unique_ptr<Entry>> entries_;
  std::unique_ptr<detail::BackendGroup> checker_;  // Detail mode: fingerprints exchanged here
  std::string abort_reason_;
};

}  // namespace distributed
}  // namespace ember
