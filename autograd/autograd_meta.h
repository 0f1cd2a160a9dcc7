// AutogradMeta: autograd's per-tensor state, owned by the TensorImpl (core only sees the
// AutogradMetaInterface pointer). And the helpers generated autograd kernels use to read and
// write it. Not synchronized: like the rest of a tensor's metadata, set up by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "autograd/node.h"

namespace ember {
namespace autograd {

struct AutogradMeta : AutogradMetaInterface {
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  // Leaves: their AccumulateGrad, created on first use and kept for the tensor's life (so that
  // every op on a parameter does not build a new one). It refers back to the tensor without
  // owning it; ~AutogradMeta detaches it.
  std::shared_ptr<Node> grad_accumulator;
  ~AutogradMeta() override;
  uint32_t output_nr = 0;
  bool requires_grad = false;  // leaves only; non-leaves require grad through grad_fn
  bool retains_grad = false;
  // Views returned by a custom op without a derivative (the not-implemented fallback): the op's
  // name; such a view may not be modified in place (autograd/view_tracking.h).
  std::string view_op_without_derivative;
  std::vector<TensorHook> hooks;  // leaves: run before accumulation
  std::vector<std::function<void(const Tensor&)>> post_accumulate_hooks;
};

// The tensor's meta, or null.
AutogradMeta* get_meta(const Tensor& t);
// The tensor's meta, created if missing.
AutogradMeta& materialize_meta(const Tensor& t);

EMBER_API bool requires_grad(const Tensor& t);
// Tensor-level inputs to a node: the edge a gradient for t must flow along (grad_fn, or the
// leaf's AccumulateGrad); an invalid edge when t does not require grad.
EMBER_API Edge gradient_edge(const Tensor& t);
EMBER_API std::vector<Edge> collect_next_edges(std::initializer_list<const Tensor*> tensors);
EMBER_API std::vector<Edge> collect_next_edges(TensorList tensors);
// Makes node the grad_fn of a forward output, at the next output index.
EMBER_API void set_history(const Tensor& output, const std::shared_ptr<Node>& node);
// For in-place ops: self's history moves to node (after the checks PyTorch makes); a view's base
// takes it through CopySlices (autograd/view_tracking.h).
EMBER_API void rebase_history(const Tensor& self, const std::shared_ptr<Node>& node, const char* op);
// For in-place view ops (transpose_), which change self's geometry, not its data: node (whose
// edge is self's previous history) becomes self's history, also when self is a view.
EMBER_API void rebase_history_of_inplace_view(const Tensor& self, const std::shared_ptr<Node>& node, const char* op);
// Checks made before an in-place op runs: a leaf that requires grad may not be modified in grad
// mode; when the op will be recorded (record), neither may a view that autograd cannot rebase
// (autograd/view_tracking.h).
EMBER_API void check_inplace(const Tensor& self, const char* op, bool record);
EMBER_API bool any_requires_grad(std::initializer_list<const Tensor*> tensors);
EMBER_API bool any_requires_grad(TensorList tensors);

}  // namespace autograd
}  // namespace ember
