// Helpers for the derivative formulas of the neural-network ops and of their backward ops
// (ops.yaml): the input gradients of native_batch_norm / native_layer_norm including what flows
// through their saved statistics, and the derivatives of the backward ops themselves (double
// backward). Written with ember ops, so that what they return is differentiable again.
// Included by autograd/functions.h. Stateless; thread-safe.
//
// Conventions: an undefined gradient means zero; a helper returns an undefined tensor when its
// gradient is zero. In the *_backward_grad_* helpers, `grads` are the gradients of the backward
// op's outputs (grad_input, grad_weight, grad_bias; those output_mask switched off are ignored).
//
// The saved statistics (save_mean / save_invstd, mean / rstd) are independent inputs of the
// backward ops; the forward ops' formulas add what flows back into them to the input's gradient
// (batch_norm_backward_with_stats, layer_norm_backward_with_stats). So every op's derivative is exact on
// its own, and gradients compose through any chain of them.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace autograd {

// ---- activations and softmax -------------------------------------------------------------------
// d(silu_backward)/d(self): grad * grad_output * s * (1 - s) * (2 + self * (1 - 2 s)), s = sigmoid(self).
EMBER_API Tensor silu_double_backward(const Tensor& grad, const Tensor& grad_output, const Tensor& self);
// d(gelu_backward)/d(self), exact for approximate "none" and "tanh".
EMBER_API Tensor gelu_double_backward(const Tensor& grad, const Tensor& grad_output, const Tensor& self,
                                      const std::string& approximate);
// _softmax_backward_data / _log_softmax_backward_data w.r.t. output (grad_output's derivative is
// the backward op itself for softmax; log_softmax_double_backward_grad_output for log_softmax).
EMBER_API Tensor softmax_double_backward(const Tensor& grad, const Tensor& grad_output, int64_t dim, const Tensor& output);
EMBER_API Tensor log_softmax_double_backward(const Tensor& grad, const Tensor& grad_output, int64_t dim, const Tensor& output);
EMBER_API Tensor log_softmax_double_backward_grad_output(const Tensor& grad, int64_t dim, const Tensor& output);

// ---- pooling -----------------------------------------------------------------------------------
// max_pool2d_with_indices_backward w.r.t. grad_output: grad gathered at indices, per plane.
EMBER_API Tensor max_pool2d_double_backward(const Tensor& grad, const Tensor& indices);
// _adaptive_avg_pool2d_backward w.r.t. grad_output: adaptive average pooling of grad to the
// grad_output's spatial size.
EMBER_API Tensor adaptive_avg_pool2d_double_backward(const Tensor& grad, IntArrayRef grad_output_sizes);

// ---- losses ------------------------------------------------------------------------------------
// nll_loss_backward w.r.t. grad_output: nll_loss of grad at the targets; for mean reduction the
// sum divided by the given total_weight (so it is exact for any total_weight).
// binary_cross_entropy's gradients (PyTorch's): self, grad (self - target) / max(self (1 - self),
// 1e-12); target, -logit(self) (unclamped: +-inf at 0 and 1); both times weight, over numel for
// reduction Mean (1).
EMBER_API Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                               const std::optional<Tensor>& weight, int64_t reduction);
EMBER_API Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                                      const std::optional<Tensor>& weight, int64_t reduction);
EMBER_API Tensor nll_loss_double_backward(const Tensor& grad, const Tensor& target, const std::optional<Tensor>& weight,
                                          int64_t reduction, int64_t ignore_index, const Tensor& total_weight);

// ---- convolution -------------------------------------------------------------------------------
// convolution_backward w.r.t. grad_output, input and weight, from the gradients of its outputs.
EMBER_API Tensor convolution_backward_grad_grad_output(const std::vector<Tensor>& grads, const Tensor& grad_output,
                                                       const Tensor& input, const Tensor& weight, IntArrayRef stride, IntArrayRef padding,
                                                       IntArrayRef dilation, bool transposed, IntArrayRef output_padding,
                                                       int64_t groups, const std::vector<bool>& output_mask);
EMBER_API Tensor convolution_backward_grad_input(const std::vector<Tensor>& grads, const Tensor& grad_output,
                                                 const Tensor& input, const Tensor& weight, IntArrayRef stride,
                                                 IntArrayRef padding, IntArrayRef dilation, bool transposed,
                                                 IntArrayRef output_padding, int64_t groups,
                                                 const std::vector<bool>& output_mask);
EMBER_API Tensor convolution_backward_grad_weight(const std::vector<Tensor>& grads, const Tensor& grad_output,
                                                  const Tensor& input, const Tensor& weight, IntArrayRef stride,
                                                  IntArrayRef padding, IntArrayRef dilation, bool transposed,
                                                  IntArrayRef output_padding, int64_t groups,
                                                  const std::vector<bool>& output_mask);

// ---- batch norm --------------------------------------------------------------------------------
// native_batch_norm's gradients for (input, weight, bias), those grad_input_mask asks for, from
// one native_batch_norm_backward call (its kernel takes the per-channel sums once for all three),
// plus in training what grad_mean (of save_mean) and grad_invstd (of save_invstd) add to input's.
EMBER_API std::tuple<Tensor, Tensor, Tensor> batch_norm_backward_with_stats(
    const Tensor& grad, const Tensor& grad_mean, const Tensor& grad_invstd, const Tensor& input,
    const std::optional<Tensor>& weight, const std::optional<Tensor>& running_mean,
    const std::optional<Tensor>& running_var, const Tensor& save_mean, const Tensor& save_invstd, bool training,
    double eps, const std::vector<bool>& grad_input_mask);
// native_batch_norm_backward w.r.t. one of its inputs: "grad_out", "input", "weight", "save_mean"
// or "save_invstd" (the last two only when train).
EMBER_API Tensor batch_norm_double_backward(const std::string& wrt, const std::vector<Tensor>& grads,
                                            const Tensor& grad_out, const Tensor& input,
                                            const std::optional<Tensor>& weight,
                                            const std::optional<Tensor>& running_mean,
                                            const std::optional<Tensor>& running_var,
                                            const std::optional<Tensor>& save_mean,
                                            const std::optional<Tensor>& save_invstd, bool train, double eps,
                                            const std::vector<bool>& output_mask);

// ---- layer norm --------------------------------------------------------------------------------
// native_layer_norm's gradients for (input, weight, bias) from one native_layer_norm_backward
// call, plus what grad_mean (of mean) and grad_rstd (of rstd) add to input's.
EMBER_API std::tuple<Tensor, Tensor, Tensor> layer_norm_backward_with_stats(
    const Tensor& grad, const Tensor& grad_mean, const Tensor& grad_rstd, const Tensor& input,
    IntArrayRef normalized_shape, const Tensor& mean, const Tensor& rstd, const std::optional<Tensor>& weight,
    const std::optional<Tensor>& bias, const std::vector<bool>& grad_input_mask);
// native_layer_norm_backward w.r.t. "grad_out", "input", "mean", "rstd" or "weight".
EMBER_API Tensor layer_norm_double_backward(const std::string& wrt, const std::vector<Tensor>& grads,
                                            const Tensor& grad_out, const Tensor& input, IntArrayRef normalized_shape,
                                            const Tensor& mean, const Tensor& rstd, const std::optional<Tensor>& weight,
                                            const std::vector<bool>& output_mask);

}  // namespace autograd
}  // namespace ember
