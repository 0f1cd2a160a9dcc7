// Reducer: DistributedDataParallel's gradient synchronization (PyTorch's c10d::Reducer).
//
// Parameters are assigned to buckets in reverse order of parameters() (gradients arrive roughly
// in that order during backward), one kind of (dtype, device) per bucket; a bucket closes when it
// reaches its byte limit: the first at first_bucket_bytes (1 MiB), later ones at bucket_bytes
// (25 MiB), so the first all-reduce starts early. Each parameter's post-accumulate-grad hook
// copies its gradient into its bucket's flat tensor; when a bucket has every gradient, it is
// divided by the world size and its all-reduce starts, while backward goes on. Buckets start
// strictly in index order (every rank must start the same collectives in the same order). The
// hook of the last gradient waits for all buckets and writes the averaged gradients back.
//
// Ownership: the DDP module owns the Reducer; the hooks hold it weakly, so they do nothing once
// the module is gone. Thread-safety: one backward at a time (hooks run on the backward thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "distributed/process_group.h"

namespace ember {
namespace nn {
namespace parallel {
namespace detail {

struct ReducerOptions {
  size_t first_bucket_bytes = 1 << 20;
  size_t bucket_bytes = 25 << 20;
  bool find_unused_parameters = false;
  bool overlap = true;  // false: one bucket, reduced once backward produced every gradient
};

class Reducer : public std::enable_shared_from_this<Reducer> {
 public:
  Reducer(std::vector<Tensor> params, std::vector<std::string> names,
          std::shared_ptr<distributed::ProcessGroup> group, ReducerOptions options);
  // Registers the post-accumulate-grad hooks (after construction: they hold a weak_ptr).
  void install_hooks();

  // Called after forward with its outputs: checks that the previous iteration finished, and with
  // find_unused_parameters marks the parameters the outputs do not depend on as ready.
  void prepare_for_backward(const std::vector<Tensor>& outputs);
  void set_require_sync(bool on) { require_sync_ = on; }
  bool require_sync() const { return require_sync_; }

  // Parameter indices of each bucket, in launch order (for tests and the INFO log).
  std::vector<std::vector<size_t>> bucket_indices() const;
  // For each bucket of the last synchronized backward, how many gradients were ready when its
  // all-reduce started (fewer than all: it overlapped the rest of backward).
  std::vector<size_t> gradients_ready_at_launch() const { return ready_at_launch_; }

 private:
  struct Bucket {
    std::vector<size_t> params;
    std::vector<int64_t> offsets;  // element offset of each parameter in flat
    Tensor flat;
    size_t pending = 0;
    std::shared_ptr<distributed::Work> work;
  };

  void build_buckets();
  void start_iteration();
  void mark_ready(size_t index, bool used);
  void launch_ready_buckets();
  void finalize();
  std::string unready_parameters() const;

  std::vector<Tensor> params_;
  std::vector<std::string> names_;
  std::shared_ptr<distributed::ProcessGroup> group_;
  ReducerOptions options_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_;     // per parameter
  std::vector<size_t> slot_in_bucket_;
  bool require_sync_ = true;

  // One iteration's state.
  bool in_iteration_ = false;
  std::vector<bool> marked_;
  std::vector<int32_t> locally_used_;
  size_t next_bucket_ = 0;
  size_t marked_count_ = 0;
  std::vector<size_t> ready_at_launch_;
};

}  // namespace detail
}  // namespace parallel
}  // namespace nn
}  // namespace ember
