// Reducer (see reducer.h).
#include "nn/parallel/reducer.h"

#include <map>
#include <unordered_set>

#include "autograd/autograd_meta.h"
#include "autograd/grad_mode.h"
#include "core/error.h"
#include "generated/functions.h"
#include "ops/creation.h"

namespace ember {
namespace nn {
namespace parallel {
namespace detail {

Reducer::Reducer(std::vector<Tensor> params, std::vector<std::string> names,
                 std::shared_ptr<distributed::ProcessGroup> group, ReducerOptions options)
    : params_(std::move(params)), names_(std::move(names)), group_(std::move(group)), options_(options) {
  EMBER_CHECK(group_ != nullptr, ValueError, "[DistributedDataParallel] no process group");
  for (const auto& p : params_)
    EMBER_CHECK(p.requires_grad() && p.is_leaf(), ValueError,
                "[DistributedDataParallel] parameters must be leaf tensors that require grad");
  build_buckets();
  marked_.assign(params_.size(), false);
  locally_used_.assign(params_.size(), 0);
}

void Reducer::build_buckets() {
  bucket_of_.assign(params_.size(), 0);
  slot_in_bucket_.assign(params_.size(), 0);
  // Open buckets by (dtype, device): parameters walk in reverse, as gradients arrive.
  std::map<std::pair<int, std::pair<int, int>>, Bucket> open;
  std::map<std::pair<int, std::pair<int, int>>, size_t> open_bytes;
  std::vector<Bucket> closed;
  auto close = [&](Bucket&& b) { closed.push_back(std::move(b)); };
  for (size_t k = params_.size(); k-- > 0;) {
    const Tensor& p = params_[k];
    auto key = std::make_pair(static_cast<int>(p.scalar_type()),
                              std::make_pair(static_cast<int>(p.device().type()), static_cast<int>(p.device().index())));
    Bucket& b = open[key];
    b.params.push_back(k);
    open_bytes[key] += p.nbytes();
    const size_t limit = closed.empty() ? options_.first_bucket_bytes : options_.bucket_bytes;
    if (options_.overlap && open_bytes[key] >= limit) {
      close(std::move(b));
      open.erase(key);
      open_bytes.erase(key);
    }
  }
  for (auto& [key, b] : open) close(std::move(b));
  buckets_ = std::move(closed);
  for (size_t bi = 0; bi < buckets_.size(); ++bi) {
    Bucket& b = buckets_[bi];
    int64_t offset = 0;
    for (size_t s = 0; s < b.params.size(); ++s) {
      const Tensor& p = params_[b.params[s]];
      b.offsets.push_back(offset);
      offset += p.numel();
      bucket_of_[b.params[s]] = bi;
      slot_in_bucket_[b.params[s]] = s;
    }
    const Tensor& first = params_[b.params[0]];
    b.flat = zeros({offset}, first.options());
  }
}

void Reducer::install_hooks() {
  std::weak_ptr<Reducer> weak = shared_from_this();
  for (size_t i = 0; i < params_.size(); ++i) {
    params_[i].register_post_accumulate_grad_hook([weak, i](const Tensor&) {
      if (auto self = weak.lock()) self->mark_ready(i, /*used=*/true);
    });
  }
}

std::vector<std::vector<size_t>> Reducer::bucket_indices() const {
  std::vector<std::vector<size_t>> out;
  for (const auto& b : buckets_) out.push_back(b.params);
  return out;
}

std::string Reducer::unready_parameters() const {
  std::string list;
  for (size_t i = 0; i < params_.size(); ++i)
    if (!marked_[i]) list += (list.empty() ? "" : ", ") + std::to_string(i) + " (" + names_[i] + ")";
  return list;
}

void Reducer::start_iteration() {
  in_iteration_ = true;
  next_bucket_ = 0;
  marked_count_ = 0;
  ready_at_launch_.clear();
  marked_.assign(params_.size(), false);
  locally_used_.assign(params_.size(), 0);
  for (auto& b : buckets_) {
    b.pending = b.params.size();
    b.work.reset();
  }
}

void Reducer::prepare_for_backward(const std::vector<Tensor>& outputs) {
  if (in_iteration_) {
    std::string missing = unready_parameters();
    in_iteration_ = false;  // the next iteration starts afresh
    EMBER_FAIL(RuntimeError,
               "[DistributedDataParallel] Expected to have finished reduction in the prior iteration before starting "
               "a new one. This error indicates that your module has parameters that were not used in producing "
               "loss. Enable find_unused_parameters, or make sure every parameter takes part in the loss. "
               "Parameters that did not receive a gradient on rank ",
               group_->rank(), ": ", missing);
  }
  if (!require_sync_) return;
  start_iteration();
  if (!options_.find_unused_parameters) return;
  // Walk the graph from the outputs: a parameter whose AccumulateGrad is not reached gets no
  // gradient in this backward, so it is ready now (with zeros).
  std::unordered_set<const autograd::Node*> seen;
  std::vector<std::shared_ptr<autograd::Node>> stack;
  for (const auto& out : outputs)
    if (out.defined() && out.grad_fn()) stack.push_back(out.grad_fn());
  while (!stack.empty()) {
    auto node = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(node.get()).second) continue;
    for (const auto& e : node->next_edges())
      if (e.function && !seen.count(e.function.get())) stack.push_back(e.function);
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    autograd::Edge edge = autograd::gradient_edge(params_[i]);
    if (!seen.count(edge.function.get())) mark_ready(i, /*used=*/false);
  }
}

void Reducer::mark_ready(size_t index, bool used) {
  if (!require_sync_) return;  // no_sync: gradients accumulate locally
  if (!in_iteration_) start_iteration();  // backward without DDP's forward: still synchronize
  EMBER_CHECK(!marked_[index], RuntimeError,
              "[DistributedDataParallel] Expected to mark a variable ready only once. Parameter ", index, " (",
              names_[index], ") received a gradient twice in one iteration: it is shared between modules, used in "
              "a reentrant backward, or backward ran twice without a forward through DistributedDataParallel");
  marked_[index] = true;
  ++marked_count_;
  locally_used_[index] = used ? 1 : 0;
  Bucket& b = buckets_[bucket_of_[index]];
  const Tensor& p = params_[index];
  Tensor slot = b.flat.narrow(0, b.offsets[slot_in_bucket_[index]], p.numel());
  {
    NoGradGuard no_grad;
    if (used && p.grad().defined()) slot.copy_(p.grad().reshape({-1}));
    else slot.zero_();
  }
  if (--b.pending == 0) launch_ready_buckets();
}

void Reducer::launch_ready_buckets() {
  NoGradGuard no_grad;
  while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].pending == 0) {
    Bucket& b = buckets_[next_bucket_++];
    // Average: each rank contributes its gradient / world size, and the all-reduce sums them.
    if (group_->size() > 1) b.flat.mul_(1.0 / group_->size());
    b.work = group_->all_reduce(b.flat);
    ready_at_launch_.push_back(marked_count_);
  }
  if (next_bucket_ == buckets_.size()) finalize();
}

void Reducer::finalize() {
  NoGradGuard no_grad;
  in_iteration_ = false;
  for (auto& b : buckets_) b.work->wait();
  // With find_unused_parameters, a parameter no rank used keeps its gradient as it was.
  std::vector<int32_t> globally_used(params_.size(), 1);
  if (options_.find_unused_parameters) {
    std::vector<double> used(locally_used_.begin(), locally_used_.end());
    Tensor flags = tensor_from_doubles(used, {static_cast<int64_t>(used.size())}, kInt32);
    group_->all_reduce(flags)->wait();
    const int32_t* f = flags.data_ptr<int32_t>();
    for (size_t i = 0; i < params_.size(); ++i) globally_used[i] = f[i];
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!globally_used[i]) continue;
    const Bucket& b = buckets_[bucket_of_[i]];
    Tensor& p = params_[i];
    Tensor averaged = b.flat.narrow(0, b.offsets[slot_in_bucket_[i]], p.numel()).view(p.sizes());
    if (p.grad().defined()) p.mutable_grad().copy_(averaged);
    else p.set_grad(averaged.clone());
  }
}

}  // namespace detail
}  // namespace parallel
}  // namespace nn
}  // namespace ember
