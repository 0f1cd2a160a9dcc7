// Node bookkeeping, AccumulateGrad and the not-implemented backward.
#include "autograd/node.h"

#include "autograd/anomaly_mode.h"
#include "autograd/autograd_meta.h"
#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"

namespace ember {
namespace autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
}

Node::Node() : sequence_nr_(g_next_sequence_nr.fetch_add(1, std::memory_order_relaxed)) {
  if (EMBER_UNLIKELY(AnomalyMode::is_enabled())) anomaly_ = detail::capture_anomaly_metadata();
}

uint32_t Node::add_input_metadata(const Tensor& t) {
  InputMetadata m;
  if (t.defined()) {
    m.sizes = DimVector(t.sizes());
    m.dtype = t.scalar_type();
    m.device = t.device();
    m.defined = true;
  }
  input_metadata_.push_back(std::move(m));
  return static_cast<uint32_t>(input_metadata_.size() - 1);
}

void Node::retain_grad(uint32_t output_nr) {
  for (const auto& r : retained_grads_)
    if (r.first == output_nr) return;
  retained_grads_.emplace_back(output_nr, Tensor());
}

const Tensor& Node::retained_grad(uint32_t output_nr) const {
  static const Tensor undefined;
  for (const auto& r : retained_grads_)
    if (r.first == output_nr) return r.second;
  return undefined;
}

void Node::store_retained_grads(const std::vector<Tensor>& grads) {
  for (auto& r : retained_grads_) {
    if (r.first >= grads.size() || !grads[r.first].defined()) continue;
    const Tensor& g = grads[r.first];
    r.second = r.second.defined() ? r.second + g : g.clone();
  }
}

void Node::add_pre_hook(uint32_t output_nr, TensorHook hook) { pre_hooks_.emplace_back(output_nr, std::move(hook)); }

bool Node::remove_pre_hook(size_t pos, uint32_t output_nr) {
  if (pos >= pre_hooks_.size() || pre_hooks_[pos].first != output_nr || !pre_hooks_[pos].second) return false;
  pre_hooks_[pos].second = nullptr;
  return true;
}

AccumulateGrad::AccumulateGrad(const Tensor& variable) : variable_(variable.impl()) { add_input_metadata(variable); }

Tensor AccumulateGrad::variable() const {
  return variable_ ? Tensor(IntrusivePtr<TensorImpl>(variable_)) : Tensor();
}

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>&& grads) {
  Tensor new_grad = std::move(grads[0]);
  Tensor variable = this->variable();
  if (!new_grad.defined() || !variable.defined()) return {};
  AutogradMeta& meta = materialize_meta(variable);
  for (const TensorHook& hook : meta.hooks) {
    if (!hook) continue;  // removed
    Tensor r = hook(new_grad);
    if (r.defined()) new_grad = r;
  }
  if (!meta.grad.defined()) {
    // Steal the buffer when nobody else holds it (the common case), as PyTorch does.
    if (GradMode::is_enabled() || new_grad.use_count() > 1 || !new_grad.is_contiguous()) {
      meta.grad = GradMode::is_enabled() ? new_grad : new_grad.clone();
    } else {
      meta.grad = new_grad;
    }
  } else if (GradMode::is_enabled()) {
    meta.grad = meta.grad + new_grad;  // create_graph: keep the accumulation differentiable
  } else {
    meta.grad.add_(new_grad);
  }
  for (const auto& hook : meta.post_accumulate_hooks) hook(variable);
  return {};
}

std::vector<Tensor> NotImplementedBackward::apply(std::vector<Tensor>&&) {
  EMBER_FAIL(NotImplementedError, "the derivative for '", op_, "' is not implemented.");
}

}  // namespace autograd
}  // namespace ember
