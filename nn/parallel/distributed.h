// DistributedDataParallel: data-parallel training over a process group, as
// torch.nn.parallel.DistributedDataParallel. Every rank holds a replica of the module and trains
// on its own part of the batch; gradients are averaged over ranks while backward runs, so after
// backward every replica has the gradients of the whole batch and the optimizers stay in step.
//
//   ember::distributed::init_process_group();
//   ember::nn::parallel::DistributedDataParallel ddp(model);   // model: any module with Tensor forward(Tensor)
//   auto loss = loss_fn(ddp->forward(x_local), y_local);
//   loss.backward();                                           // all-reduces overlap the backward pass
//   optimizer.step();
//
//   { auto guard = ddp->no_sync(); loss2.backward(); }        // accumulate locally, no communication
//
// At construction every rank checks that the replicas have the same parameters (count, shapes,
// dtypes) and takes rank 0's parameters and buffers. Before each forward, buffers (batch-norm
// statistics) are broadcast from rank 0 unless broadcast_buffers is off. With
// find_unused_parameters, parameters that the forward's outputs do not depend on count as ready
// with zero gradients; without it such a parameter makes the next forward fail, naming it (as
// PyTorch's "Expected to have finished reduction in the prior iteration").
//
// A module whose forward is not Tensor -> Tensor: run module->forward yourself, then call
// prepare_for_backward(outputs) before backward.
//
// Thread-safety: as nn::Module; one forward/backward at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "distributed/process_group.h"
#include "nn/module.h"
#include "nn/module_holder.h"
#include "nn/modules/container.h"

namespace ember {
namespace nn {
namespace parallel {

namespace detail {
class Reducer;
}

struct DistributedDataParallelOptions {
  std::shared_ptr<distributed::ProcessGroup> process_group;  // null: the default group
  double bucket_cap_mb = 25;         // MiB per bucket after the first
  double first_bucket_mb = 1;        // MiB of the first bucket (starts the first all-reduce early)
  bool find_unused_parameters = false;
  bool broadcast_buffers = true;     // rank 0's buffers to every rank before each forward
  bool overlap = true;               // false: one all-reduce after backward (for measurements)
};

class EMBER_API DistributedDataParallelImpl : public Module {
 public:
  explicit DistributedDataParallelImpl(AnyModule module, DistributedDataParallelOptions options = {});
  ~DistributedDataParallelImpl() override;

  Tensor forward(const Tensor& input);
  void prepare_for_backward(const std::vector<Tensor>& outputs);

  // While the guard lives, backward accumulates gradients locally without communicating.
  class EMBER_API NoSyncGuard {
   public:
    explicit NoSyncGuard(detail::Reducer& reducer);
    ~NoSyncGuard();
    NoSyncGuard(const NoSyncGuard&) = delete;
    NoSyncGuard& operator=(const NoSyncGuard&) = delete;
    NoSyncGuard(NoSyncGuard&& other) noexcept;

   private:
    detail::Reducer* reducer_;
    bool previous_;
  };
  NoSyncGuard no_sync();

  std::shared_ptr<Module> module() const { return module_.ptr(); }
  distributed::ProcessGroup& process_group() const { return *group_; }
  // Parameter indices (into module()->parameters()) of each bucket, in launch order.
  std::vector<std::vector<size_t>> bucket_indices() const;
  // Per bucket of the last synchronized backward: gradients ready when its all-reduce started.
  std::vector<size_t> gradients_ready_at_launch() const;

 private:
  void broadcast_from_rank0(const std::vector<Tensor>& tensors);
  void check_replicas_match(const std::vector<Tensor>& params, const std::vector<std::string>& names);

  AnyModule module_;
  DistributedDataParallelOptions options_;
  std::shared_ptr<distributed::ProcessGroup> group_;
  std::shared_ptr<detail::Reducer> reducer_;
};

EMBER_MODULE(DistributedDataParallel);

}  // namespace parallel
}  // namespace nn
}  // namespace ember
