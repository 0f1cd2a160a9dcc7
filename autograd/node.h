// The autograd graph: a Node is one backward function (AddBackward0, AccumulateGrad, ...);
// an Edge points at the node that receives a gradient and which of its inputs it is.
//
// Nodes are created as ops run (generated autograd kernels) and owned by shared_ptr: outputs own
// their grad_fn, and each node owns the nodes of its inputs through next_edges, so a graph lives
// exactly as long as some tensor can still reach it. A node runs on one thread at a time (the
// engine's); building graphs concurrently on different threads is safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace autograd {

class Node;
struct AnomalyMetadata;

struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool valid() const { return function != nullptr; }
};

// What a gradient flowing into a node's input must look like (the forward output it belongs to).
struct InputMetadata {
  DimVector sizes;
  ScalarType dtype = ScalarType::Undefined;
  Device device{DeviceTypeId(0)};
  bool defined = false;
};

using TensorHook = std::function<Tensor(const Tensor&)>;  // may return an undefined tensor (no change)

namespace detail {
// Whether the backward pass running on this thread needs gradients flowing into next (always
// true outside grad() and backward(inputs=...), and outside any pass). Defined by the engine.
EMBER_API bool pass_needs(const Node* next);
// Within its scope every gradient counts as needed (for a node run outside the pass's graph, as
// CopySlices runs the backward of an in-place op on a view). Defined by the engine.
class EMBER_API UnrestrictedPassGuard {
 public:
  UnrestrictedPassGuard();
  ~UnrestrictedPassGuard();
  UnrestrictedPassGuard(const UnrestrictedPassGuard&) = delete;
  UnrestrictedPassGuard& operator=(const UnrestrictedPassGuard&) = delete;

 private:
  const void* saved_;
};
}  // namespace detail

class EMBER_API Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // grads[i] is the gradient for the forward op's output i (undefined when none flowed);
  // returns one gradient per next edge.
  virtual std::vector<Tensor> apply(std::vector<Tensor>&& grads) = 0;
  virtual std::string name() const = 0;
  // Frees saved tensors after a backward pass without retain_graph.
  virtual void release_variables() {}

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  void set_next_edges(std::vector<Edge> edges) { next_edges_ = std::move(edges); }
  void add_next_edge(Edge e) { next_edges_.push_back(std::move(e)); }
  // Records the geometry of forward output `t` and returns its index (its output_nr).
  uint32_t add_input_metadata(const Tensor& t);
  const std::vector<InputMetadata>& input_metadata() const { return input_metadata_; }
  size_t num_inputs() const { return input_metadata_.size(); }
  size_t num_outputs() const { return next_edges_.size(); }
  // Whether next edge i leads anywhere (forward-time kernels save only what such edges need).
  bool should_compute_output(size_t i) const { return i < next_edges_.size() && next_edges_[i].valid(); }
  // In apply: whether the running backward pass needs gradient i (grad() and backward(inputs=...)
  // need only the paths to their inputs), so that backward code skips the others.
  bool task_should_compute_output(size_t i) const {
    return should_compute_output(i) && detail::pass_needs(next_edges_[i].function.get());
  }
  uint64_t sequence_nr() const { return sequence_nr_; }
  // Where the node was created, when anomaly mode was on then (autograd/anomaly_mode.h); else null.
  const std::shared_ptr<AnomalyMetadata>& anomaly_metadata() const { return anomaly_; }

  // Hooks on the gradient of forward output `output_nr`, run before apply (Tensor::register_hook
  // on a non-leaf tensor).
  void add_pre_hook(uint32_t output_nr, TensorHook hook);
  // Removes hook pos of output output_nr (it stays as an empty slot, so later positions keep
  // their meaning); false when there is no such hook.
  bool remove_pre_hook(size_t pos, uint32_t output_nr);
  const std::vector<std::pair<uint32_t, TensorHook>>& pre_hooks() const { return pre_hooks_; }

  // Tensor::retain_grad on a non-leaf output: the node keeps that output's gradient (summed over
  // backward passes), which avoids a reference cycle between the tensor and its grad_fn.
  void retain_grad(uint32_t output_nr);
  const Tensor& retained_grad(uint32_t output_nr) const;
  void store_retained_grads(const std::vector<Tensor>& grads);

 private:
  std::vector<Edge> next_edges_;
  std::vector<InputMetadata> input_metadata_;
  std::vector<std::pair<uint32_t, TensorHook>> pre_hooks_;
  std::vector<std::pair<uint32_t, Tensor>> retained_grads_;
  uint64_t sequence_nr_;
  std::shared_ptr<AnomalyMetadata> anomaly_;
};

// The sink of a leaf tensor's gradient: accumulates into tensor.grad(), runs the leaf's hooks and
// post-accumulate-grad hooks.
// It does not own the leaf (the leaf owns it, see AutogradMeta::grad_accumulator): when the
// leaf dies first, gradients arriving later have nowhere to go and are dropped.
class EMBER_API AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(const Tensor& variable);
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return "AccumulateGrad"; }
  // The leaf, or an undefined tensor once it died.
  Tensor variable() const;
  void detach_variable() { variable_ = nullptr; }

 private:
  TensorImpl* variable_;
};

// Raises the error PyTorch raises for a derivative that ember does not implement.
class EMBER_API NotImplementedBackward : public Node {
 public:
  explicit NotImplementedBackward(std::string op) : op_(std::move(op)) {}
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return "NotImplemented"; }

 private:
  std::string op_;
};

}  // namespace autograd
}  // namespace ember
