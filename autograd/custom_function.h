// Gradients for operators defined at run time (the researcher's custom op):
//
//   ember::Library lib("myops");
//   lib.def("scaled_tanh(Tensor x, float scale) -> Tensor");
//   lib.impl("scaled_tanh", "cpu", [](const Tensor& x, double s) { return ember::tanh(x) * s; });
//   ember::autograd::register_backward("myops::scaled_tanh",
//       [](const BackwardContext& ctx, const std::vector<Tensor>& grads) -> std::vector<Tensor> {
//         double s = ctx.argument(1).to_double();
//         Tensor y = ctx.output(0);                       // tanh(x) * s
//         return {grads[0] * (s - y * y / s)};            // one gradient per tensor argument
//       });
//
// register_backward puts a boxed kernel at the op's Autograd key. When grad mode is on and a
// tensor argument requires grad, it records a node (named like ScaledTanhBackward0), saves the
// tensor arguments and the outputs (version-checked: modifying them in place before backward is
// an error, as for built-in ops), runs the op below Autograd, and gives its floating outputs the
// node as grad_fn. In backward, the function receives one gradient per output (zeros for outputs
// that received none) and returns either one gradient per tensor argument or one per argument
// (entries for non-tensor arguments are ignored); an undefined tensor means "no gradient".
// Kernels run with autograd excluded, so ember ops inside them record nothing.
//
// An op whose only kernel is Composite (lib.impl(name, "Composite", ...)) needs none of this: it
// is differentiable through the ops it calls. Ops without either raise "the derivative for
// 'myops::f' is not implemented." in backward.
//
// Supported: Tensor and Tensor? arguments, Tensor returns; not in-place / out= ops, not Tensor[]
// (register_backward throws). The backward function must be thread-safe if the op runs on
// several threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autograd/saved_variable.h"
#include "core/ivalue.h"
#include "dispatcher/schema.h"

namespace ember {
namespace autograd {

class EMBER_API BackwardContext {
 public:
  BackwardContext(const FunctionSchema& schema, std::vector<IValue> arguments, std::vector<Tensor> outputs,
                  std::vector<bool> needs_input_grad)
      : schema_(schema), arguments_(std::move(arguments)), outputs_(std::move(outputs)),
        needs_input_grad_(std::move(needs_input_grad)) {}

  const FunctionSchema& schema() const { return schema_; }
  // The forward call's arguments in schema order; tensors as saved (checked for in-place changes).
  const std::vector<IValue>& arguments() const { return arguments_; }
  const IValue& argument(size_t i) const;
  // The tensor argument i (schema index); undefined for a None Tensor?.
  Tensor input(size_t i) const;
  const Tensor& output(size_t i) const;
  size_t num_outputs() const { return outputs_.size(); }
  // Whether argument i (schema index) needs a gradient in this backward pass.
  bool needs_input_grad(size_t i) const { return i < needs_input_grad_.size() && needs_input_grad_[i]; }

 private:
  const FunctionSchema& schema_;
  std::vector<IValue> arguments_;
  std::vector<Tensor> outputs_;
  std::vector<bool> needs_input_grad_;
};

using CustomBackwardFunction =
    std::function<std::vector<Tensor>(const BackwardContext& ctx, const std::vector<Tensor>& grad_outputs)>;

// Registers the backward of op ("ns::name.overload"); node_name defaults to PyTorch's style
// (myops::scaled_tanh -> ScaledTanhBackward0). Throws ValueError for an unknown op or an op
// register_backward does not support. A later registration for the same op replaces it.
EMBER_API void register_backward(const std::string& op, CustomBackwardFunction backward, std::string node_name = "");

}  // namespace autograd
}  // namespace ember
