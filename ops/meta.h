// Meta functions of structured ops (ops.yaml `structured:`): validate arguments once and say what
// the outputs are (shape, dtype, device) and how inputs reach the kernel (casts, broadcasting).
// Called by the generated wrappers with the backend op's arguments except its kwarg-only outs.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops/structured.h"

namespace ember {
namespace meta {

using structured::MetaResult;

// Pointwise.
MetaResult binary_op(const Tensor& self, const Tensor& other, const Scalar& alpha);
MetaResult sub_op(const Tensor& self, const Tensor& other, const Scalar& alpha);
MetaResult binary_op(const Tensor& self, const Tensor& other);
MetaResult div_op(const Tensor& self, const Tensor& other, const std::optional<std::string>& rounding_mode);
MetaResult comparison_op(const Tensor& self, const Tensor& other);
MetaResult where_op(const Tensor& condition, const Tensor& self, const Tensor& other);
MetaResult clamp_op(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
MetaResult unary_op(const Tensor& self);
// Promotes as binary_op, then integers to the default float dtype (atan2).
MetaResult binary_float_op(const Tensor& self, const Tensor& other);
MetaResult neg_op(const Tensor& self);
MetaResult unary_float_op(const Tensor& self);
MetaResult unary_float_op(const Tensor& self, const std::string& approximate);
MetaResult unary_bool_op(const Tensor& self);
// bitwise_and/or/xor and bitwise_not: integer and bool dtypes only (a floating dtype is a TypeError).
MetaResult bitwise_op(const Tensor& self, const Tensor& other);
MetaResult bitwise_not_op(const Tensor& self);

// Reductions.
MetaResult sum_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim, std::optional<ScalarType> dtype);
MetaResult mean_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim, std::optional<ScalarType> dtype);
MetaResult prod_op(const Tensor& self, int64_t dim, bool keepdim, std::optional<ScalarType> dtype);
MetaResult minmax_op(const Tensor& self, IntArrayRef dim, bool keepdim);
MetaResult minmax_dim_op(const Tensor& self, int64_t dim, bool keepdim);
MetaResult arg_reduce_op(const Tensor& self, std::optional<int64_t> dim, bool keepdim);
MetaResult var_op(const Tensor& self, const std::optional<IntArrayRef>& dim, const std::optional<Scalar>& correction,
                  bool keepdim);
MetaResult bool_reduce_op(const Tensor& self, const std::optional<IntArrayRef>& dim, bool keepdim);
MetaResult softmax_op(const Tensor& self, int64_t dim, bool half_to_float);

// Linear algebra and neural-network ops.
MetaResult mm_op(const Tensor& self, const Tensor& mat2);
MetaResult bmm_op(const Tensor& self, const Tensor& mat2);
MetaResult addmm_op(const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar& beta, const Scalar& alpha);
MetaResult convolution_op(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                          IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef output_padding,
                          int64_t groups);
MetaResult batch_norm_op(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                         const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var,
                         bool training, double momentum, double eps);
MetaResult layer_norm_op(const Tensor& input, IntArrayRef normalized_shape, const std::optional<Tensor>& weight,
                         const std::optional<Tensor>& bias, double eps);
MetaResult max_pool2d_op(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                         IntArrayRef dilation, bool ceil_mode);
MetaResult avg_pool2d_op(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                         bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override);
MetaResult adaptive_avg_pool2d_op(const Tensor& self, IntArrayRef output_size);

// Backward ops of the neural-network ops, and losses (ops/meta/backward.cpp). Gradients an
// output_mask switches off are outputs of shape [0] that kernels never write.
MetaResult convolution_backward_op(const Tensor& grad_output, const Tensor& input, const Tensor& weight,
                                   const std::optional<IntArrayRef>& bias_sizes, IntArrayRef stride, IntArrayRef padding,
                                   IntArrayRef dilation, bool transposed, IntArrayRef output_padding, int64_t groups,
                                   const std::vector<bool>& output_mask);
MetaResult max_pool2d_backward_op(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                  IntArrayRef padding, IntArrayRef dilation, bool ceil_mode, const Tensor& indices);
MetaResult avg_pool2d_backward_op(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                  IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                                  std::optional<int64_t> divisor_override);
MetaResult adaptive_avg_pool2d_backward_op(const Tensor& grad_output, const Tensor& self);
MetaResult batch_norm_backward_op(const Tensor& grad_out, const Tensor& input, const std::optional<Tensor>& weight,
                                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var,
                                  const std::optional<Tensor>& save_mean, const std::optional<Tensor>& save_invstd, bool train,
                                  double eps, const std::vector<bool>& output_mask);
MetaResult layer_norm_backward_op(const Tensor& grad_out, const Tensor& input, IntArrayRef normalized_shape, const Tensor& mean,
                                  const Tensor& rstd, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                                  const std::vector<bool>& output_mask);
MetaResult softmax_backward_op(const Tensor& grad_output, const Tensor& output, int64_t dim, ScalarType input_dtype);
MetaResult threshold_backward_op(const Tensor& grad_output, const Tensor& self, const Scalar& threshold);
MetaResult gelu_backward_op(const Tensor& grad_output, const Tensor& self, const std::string& approximate);
MetaResult silu_backward_op(const Tensor& grad_output, const Tensor& self);
MetaResult sigmoid_backward_op(const Tensor& grad_output, const Tensor& output);
MetaResult tanh_backward_op(const Tensor& grad_output, const Tensor& output);
MetaResult nll_loss_forward_op(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                               int64_t ignore_index);
MetaResult nll_loss_backward_op(const Tensor& grad_output, const Tensor& self, const Tensor& target,
                                const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index,
                                const Tensor& total_weight);

// Multi-tensor optimizer steps (no outputs: they update their Tensor(a!)[] lists).
MetaResult fused_sgd_op(TensorList self, TensorList grads, TensorList momentum_buffer_list, double weight_decay,
                        double momentum, double lr, double dampening, bool nesterov, bool maximize, bool is_first_step);
MetaResult fused_adam_op(TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                         TensorList max_exp_avg_sqs, IntArrayRef state_steps, double lr, double beta1, double beta2,
                         double weight_decay, double eps, bool amsgrad, bool maximize);

// Joining, indexing, filling.
MetaResult cat_op(TensorList tensors, int64_t dim);
MetaResult index_select_op(const Tensor& self, int64_t dim, const Tensor& index);
MetaResult gather_op(const Tensor& self, int64_t dim, const Tensor& index, bool sparse_grad);
MetaResult scatter_op(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
MetaResult scatter_op(const Tensor& self, int64_t dim, const Tensor& index, const Scalar& value);
MetaResult masked_fill_op(const Tensor& self, const Tensor& mask, const Scalar& value);
MetaResult fill_op(const Tensor& self, const Scalar& value);
MetaResult copy_op(const Tensor& self, const Tensor& src);
MetaResult arange_op(const Scalar& start, const Scalar& end, const Scalar& step);
MetaResult linspace_op(const Scalar& start, const Scalar& end, int64_t steps);
MetaResult eye_op(int64_t n, int64_t m);
MetaResult random_op(const Tensor& self, double a, double b, const std::optional<Generator>& generator);
MetaResult random_op(const Tensor& self, int64_t from, std::optional<int64_t> to, const std::optional<Generator>& generator);
MetaResult random_op(const Tensor& self, double p, const std::optional<Generator>& generator);

}  // namespace meta

// Shared helpers (also used by composites).
DimVector broadcast_shapes(IntArrayRef a, IntArrayRef b);
// PyTorch's result_type over tensors, with 0-d tensors and wrapped numbers as lower categories.
ScalarType result_type(std::initializer_list<const Tensor*> tensors);
// The common device of the tensor arguments; a 0-d cpu tensor may join any device.
Device common_device(std::initializer_list<const Tensor*> tensors, const char* op);

}  // namespace ember
