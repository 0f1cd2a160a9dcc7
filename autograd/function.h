// Custom autograd functions in C++, as libtorch's torch::autograd::Function<T>:
//
//   struct ScaledTanh : ember::autograd::Function<ScaledTanh> {
//     static Tensor forward(AutogradContext* ctx, Tensor x, double scale) {
//       ctx->saved_data["scale"] = scale;
//       Tensor y = x.tanh();
//       ctx->save_for_backward({y});
//       return y * scale;
//     }
//     static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
//       Tensor y = ctx->get_saved_variables()[0];
//       double scale = ctx->saved_data["scale"].toDouble();
//       return {grad_outputs[0] * scale * (1 - y * y), Tensor()};   // one per forward argument
//     }
//   };
//   Tensor out = ScaledTanh::apply(x, 2.0);
//
// forward runs with grad mode off; when grad mode is on and a tensor argument requires grad, the
// outputs get a node (named after T) whose backward is T::backward. backward returns one
// gradient per forward argument (undefined for non-tensor arguments or "no gradient"; extra
// trailing undefined ones are allowed). Tensor arguments count one each, Tensor lists one per
// element. AutogradContext: saved_data (IValues), save_for_backward / get_saved_variables
// (version-checked), mark_dirty (in-place outputs), mark_non_differentiable, needs_input_grad,
// set_materialize_grads (by default undefined output gradients arrive as zeros).
// Thread-safety: a node's backward runs under its own lock.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/saved_variable.h"
#include "core/ivalue.h"
#include "core/str.h"

namespace ember {
namespace autograd {

using Variable = Tensor;
using variable_list = std::vector<Tensor>;
using edge_list = std::vector<Edge>;
// A half-open range [first, second) of forward tensor-argument indices (libtorch's IndexRange).
using IndexRange = std::pair<size_t, size_t>;

// A new leaf over data's values (shared, not copied), with no history (libtorch's make_variable).
inline Variable make_variable(const Tensor& data, bool requires_grad = false) {
  Variable v = data.detach();
  if (requires_grad) v.requires_grad_(true);
  return v;
}

class EMBER_API AutogradContext {
 public:
  AutogradContext() = default;
  AutogradContext(const AutogradContext&) = delete;
  AutogradContext& operator=(const AutogradContext&) = delete;

  // Anything the backward needs besides tensors.
  std::unordered_map<std::string, IValue> saved_data;

  // Tensors for backward (inputs or outputs of forward); checked for in-place changes on use.
  void save_for_backward(variable_list to_save);
  // Inputs that forward modified in place (they become outputs of the node, versions bumped).
  void mark_dirty(const variable_list& inputs);
  // Outputs that are not differentiable (they will not require grad).
  void mark_non_differentiable(const variable_list& outputs);
  // false: undefined output gradients reach backward undefined instead of as zeros.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  variable_list get_saved_variables() const;
  // Whether forward argument variable #index (counting tensor arguments) needs a gradient.
  bool needs_input_grad(size_t index) const;
  // Whether any argument in the ranges needs a gradient.
  bool needs_input_grad(std::initializer_list<IndexRange> ranges) const;

  // Used by Function<T>::apply.
  const std::unordered_set<TensorImpl*>& get_and_bump_dirty() const;
  const std::unordered_set<TensorImpl*>& get_non_differentiable() const { return non_differentiable_; }
  bool materialize_grads() const { return materialize_grads_; }
  void save_variables(const std::shared_ptr<Node>& node, const variable_list& outputs);
  void set_grad_fn(const std::weak_ptr<Node>& node) { grad_fn_ = node; }
  void release_variables();

 private:
  variable_list to_save_;
  std::vector<SavedVariable> saved_variables_;
  std::unordered_set<TensorImpl*> dirty_inputs_;
  std::unordered_set<TensorImpl*> non_differentiable_;
  std::weak_ptr<Node> grad_fn_;
  bool materialize_grads_ = true;
  bool has_freed_buffers_ = false;
};

namespace detail {
// Collects the tensor arguments of a call (one entry per argument: is it a variable).
struct ExtractVariables {
  std::vector<bool>& is_var;
  variable_list& list;
  void operator()(const Tensor& x) {
    is_var.push_back(true);
    list.push_back(x);
  }
  void operator()(const std::optional<Tensor>& x) {
    if (x && x->defined()) {
      is_var.push_back(true);
      list.push_back(*x);
    } else {
      is_var.push_back(false);
    }
  }
  void operator()(TensorList xs) {
    for (const Tensor& x : xs) {
      is_var.push_back(true);
      list.push_back(x);
    }
  }
  void operator()(const variable_list& xs) { (*this)(TensorList(xs)); }
  template <typename T>
  void operator()(const T&) {
    is_var.push_back(false);
  }
};

// The node-independent part of Function<T>::apply: gives the outputs their history (or detaches
// non-differentiable ones), honouring dirty and non-differentiable marks.
EMBER_API variable_list wrap_outputs(const variable_list& inputs, variable_list outputs, AutogradContext& ctx,
                                     const std::shared_ptr<Node>& node);
EMBER_API bool any_variable_requires_grad(const variable_list& inputs);
EMBER_API edge_list collect_edges(const variable_list& inputs);
// CppNode's backward bookkeeping: materializes undefined grads, checks the returned count.
EMBER_API variable_list prepare_backward_inputs(const variable_list& grads, const Node& node, bool materialize);
EMBER_API variable_list check_backward_outputs(variable_list outputs, const std::vector<bool>& is_variable_input,
                                               const std::string& name);
}  // namespace detail

// The node of one Function<T> call.
template <class T>
class CppNode : public Node {
 public:
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    variable_list inputs = detail::prepare_backward_inputs(grads, *this, ctx_.materialize_grads());
    std::lock_guard<std::mutex> lock(mutex_);
    variable_list outputs = T::backward(&ctx_, inputs);
    return detail::check_backward_outputs(std::move(outputs), is_variable_input_, name());
  }
  std::string name() const override { return demangle(typeid(T).name()); }
  void release_variables() override {
    std::lock_guard<std::mutex> lock(mutex_);
    ctx_.release_variables();
  }

  AutogradContext ctx_;
  std::vector<bool> is_variable_input_;

 private:
  std::mutex mutex_;
};

template <class T>
struct Function {
  template <typename X = T, typename... Args>
  static auto apply(Args&&... args) {
    auto node = std::make_shared<CppNode<T>>();
    variable_list input_vars;
    detail::ExtractVariables extract{node->is_variable_input_, input_vars};
    (extract(args), ...);
    const bool executable = GradMode::is_enabled() && detail::any_variable_requires_grad(input_vars);
    if (executable) node->set_next_edges(detail::collect_edges(input_vars));
    node->ctx_.set_grad_fn(node);
    using Result = decltype(X::forward(&node->ctx_, std::forward<Args>(args)...));
    Result outputs;
    {
      AutoGradMode grad_mode(false);
      outputs = X::forward(&node->ctx_, std::forward<Args>(args)...);
    }
    variable_list flat;
    if constexpr (std::is_same<std::decay_t<Result>, Tensor>::value) flat = {outputs};
    else flat = outputs;
    variable_list wrapped = detail::wrap_outputs(input_vars, std::move(flat), node->ctx_,
                                                 executable ? std::static_pointer_cast<Node>(node) : nullptr);
    if (executable) node->ctx_.save_variables(node, wrapped);
    if constexpr (std::is_same<std::decay_t<Result>, Tensor>::value) return wrapped[0];
    else return wrapped;
  }
};

// A node whose backward gives undefined gradients (tests of undefined-gradient handling, as
// libtorch's UndefinedGrad): apply(inputs) returns copies of inputs attached to it.
class EMBER_API UndefinedGrad {
 public:
  variable_list apply(const variable_list& inputs);
};

class EMBER_API UndefinedGradBackward : public Node {
 public:
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return "UndefinedGradBackward"; }
};

}  // namespace autograd
}  // namespace ember
