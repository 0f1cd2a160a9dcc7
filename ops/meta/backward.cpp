// Meta functions of the neural-network backward ops and of nll_loss: each checks its gradient
// arguments against what the forward op would have produced (by calling the forward op's meta
// function), so that a backward op called with mismatched tensors fails before any kernel runs.
//
// Ops with a bool[3] output_mask: a gradient the mask switches off is an output of shape [0],
// which the kernels never write (PyTorch returns an undefined tensor there).
#include "ops/meta.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace meta {

namespace {

MetaResult result_like(Device device, IntArrayRef sizes, ScalarType dtype, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = device;
  m.outputs[0].sizes = DimVector(sizes);
  m.outputs[0].dtype = dtype;
  m.compute_dtype = dtype;
  return m;
}

void check_same_sizes(const Tensor& got, IntArrayRef want, const char* what, const char* op) {
  EMBER_CHECK(got.sizes() == want, ValueError, "[", op, "] expected ", what, " of size ", want, ", got ", got.sizes());
}

void check_same_dtype(const Tensor& got, ScalarType want, const char* what, const char* op) {
  EMBER_CHECK(got.scalar_type() == want, TypeError, "[", op, "] expected ", what, " to have dtype ", want, ", got ",
              got.scalar_type());
}

void check_output_mask(const std::vector<bool>& mask, const char* op) {
  EMBER_CHECK(mask.size() == 3, ValueError, "[", op, "] output_mask must have 3 elements, got ", mask.size());
}

// Output i of a masked op: `sizes` when the mask asks for it, else [0].
void set_masked_output(MetaResult& m, int i, bool wanted, IntArrayRef sizes, ScalarType dtype) {
  m.outputs[i].sizes = wanted ? DimVector(sizes) : DimVector({0});
  m.outputs[i].dtype = dtype;
}

const Tensor* opt(const std::optional<Tensor>& t) { return t && t->defined() ? &*t : nullptr; }

// The pointwise backward ops: both tensors broadcast together, computed in their common dtype.
MetaResult pointwise_backward(const Tensor& grad_output, const Tensor& self, bool floating_only, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = common_device({&grad_output, &self}, op);
  m.outputs[0].sizes =
      grad_output.sizes() == self.sizes() ? DimVector(grad_output.sizes()) : broadcast_shapes(grad_output.sizes(), self.sizes());
  ScalarType t = grad_output.scalar_type() == self.scalar_type() ? self.scalar_type() : result_type({&grad_output, &self});
  if (floating_only)
    EMBER_CHECK(is_floating_point(t), TypeError, "[", op, "] expected floating point tensors, got ", t);
  else
    EMBER_CHECK(t != kBool, TypeError, "[", op, "] is not supported for bool tensors");
  m.outputs[0].dtype = t;
  m.compute_dtype = t;
  m.cast_inputs = true;
  m.broadcast_inputs = true;
  return m;
}

}  // namespace

MetaResult convolution_backward_op(const Tensor& grad_output, const Tensor& input, const Tensor& weight,
                                   const std::optional<IntArrayRef>& bias_sizes, IntArrayRef stride, IntArrayRef padding,
                                   IntArrayRef dilation, bool transposed, IntArrayRef output_padding, int64_t groups,
                                   const std::vector<bool>& output_mask) {
  const char* op = "convolution_backward";
  check_output_mask(output_mask, op);
  EMBER_CHECK(!transposed, NotImplementedError, "[", op, "] transposed convolution is not supported yet");
  EMBER_CHECK(is_floating_point(input.scalar_type()), TypeError, "[", op, "] expected a floating input, got ",
              input.scalar_type());
  // The forward meta checks input, weight, stride, padding, dilation and groups.
  MetaResult forward = convolution_op(input, weight, std::nullopt, stride, padding, dilation, transposed, output_padding, groups);
  check_same_sizes(grad_output, forward.outputs[0].sizes, "grad_output (the convolution's output)", op);
  check_same_dtype(grad_output, input.scalar_type(), "grad_output", op);
  const int64_t out_channels = weight.size(0);
  if (bias_sizes)
    EMBER_CHECK(bias_sizes->size() == 1 && (*bias_sizes)[0] == out_channels, ValueError, "[", op, "] expected bias_sizes [",
                out_channels, "], got ", *bias_sizes);
  MetaResult m = result_like(common_device({&grad_output, &input, &weight}, op), {0}, input.scalar_type(), op);
  m.num_outputs = 3;
  set_masked_output(m, 0, output_mask[0], input.sizes(), input.scalar_type());
  set_masked_output(m, 1, output_mask[1], weight.sizes(), input.scalar_type());
  const int64_t bias_shape[1] = {out_channels};
  set_masked_output(m, 2, output_mask[2], IntArrayRef(bias_shape, 1), input.scalar_type());
  return m;
}

MetaResult max_pool2d_backward_op(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                  IntArrayRef padding, IntArrayRef dilation, bool ceil_mode, const Tensor& indices) {
  const char* op = "max_pool2d_with_indices_backward";
  MetaResult forward = max_pool2d_op(self, kernel_size, stride, padding, dilation, ceil_mode);
  check_same_sizes(grad_output, forward.outputs[0].sizes, "grad_output (the pooling's output)", op);
  check_same_sizes(indices, forward.outputs[0].sizes, "indices", op);
  check_same_dtype(grad_output, self.scalar_type(), "grad_output", op);
  check_same_dtype(indices, kInt64, "indices", op);
  return result_like(common_device({&grad_output, &self, &indices}, op), self.sizes(), self.scalar_type(), op);
}

MetaResult avg_pool2d_backward_op(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                  IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                                  std::optional<int64_t> divisor_override) {
  const char* op = "avg_pool2d_backward";
  MetaResult forward = avg_pool2d_op(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
  check_same_sizes(grad_output, forward.outputs[0].sizes, "grad_output (the pooling's output)", op);
  check_same_dtype(grad_output, self.scalar_type(), "grad_output", op);
  return result_like(common_device({&grad_output, &self}, op), self.sizes(), self.scalar_type(), op);
}

MetaResult adaptive_avg_pool2d_backward_op(const Tensor& grad_output, const Tensor& self) {
  const char* op = "_adaptive_avg_pool2d_backward";
  EMBER_CHECK(self.dim() == 3 || self.dim() == 4, ValueError, "[", op, "] Expected 3D or 4D tensor, but got ", self.sizes());
  EMBER_CHECK(grad_output.dim() == self.dim(), ValueError, "[", op, "] expected grad_output with ", self.dim(),
              " dims, got ", grad_output.sizes());
  for (int64_t d = 0; d < self.dim() - 2; ++d)
    EMBER_CHECK(grad_output.size(d) == self.size(d), ValueError, "[", op, "] grad_output of size ", grad_output.sizes(),
                " does not match input of size ", self.sizes(), " at dim ", d);
  for (int64_t d = self.dim() - 2; d < self.dim(); ++d)
    EMBER_CHECK(grad_output.size(d) > 0 || self.size(d) == 0, ValueError, "[", op,
                "] expected grad_output to have non-zero size for the pooled dims, got ", grad_output.sizes());
  check_same_dtype(grad_output, self.scalar_type(), "grad_output", op);
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError, "[", op, "] expected a floating input, got ", self.scalar_type());
  return result_like(common_device({&grad_output, &self}, op), self.sizes(), self.scalar_type(), op);
}

MetaResult batch_norm_backward_op(const Tensor& grad_out, const Tensor& input, const std::optional<Tensor>& weight,
                                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var,
                                  const std::optional<Tensor>& save_mean, const std::optional<Tensor>& save_invstd, bool train,
                                  double eps, const std::vector<bool>& output_mask) {
  const char* op = "native_batch_norm_backward";
  check_output_mask(output_mask, op);
  EMBER_CHECK(input.dim() >= 2, ValueError, "[", op, "] expected 2D or more input, got ", input.dim(), "D");
  EMBER_CHECK(is_floating_point(input.scalar_type()), TypeError, "[", op, "] expected a floating input, got ", input.scalar_type());
  EMBER_CHECK(eps >= 0, ValueError, "[", op, "] eps must be non-negative");
  check_same_sizes(grad_out, input.sizes(), "grad_out", op);
  check_same_dtype(grad_out, input.scalar_type(), "grad_out", op);
  const int64_t c = input.size(1);
  struct Named {
    const std::optional<Tensor>* t;
    const char* name;
  };
  for (const Named& p : {Named{&weight, "weight"}, Named{&running_mean, "running_mean"}, Named{&running_var, "running_var"},
                         Named{&save_mean, "save_mean"}, Named{&save_invstd, "save_invstd"}}) {
    const Tensor* t = opt(*p.t);
    if (!t) continue;
    // save_mean / save_invstd of an eval-mode forward are empty; only training reads them.
    if (!train && (p.t == &save_mean || p.t == &save_invstd)) continue;
    if (train && (p.t == &running_mean || p.t == &running_var)) continue;
    EMBER_CHECK(t->numel() == c, ValueError, "[", op, "] expected ", p.name, " with ", c, " elements (one per channel), got ",
                t->sizes());
    EMBER_CHECK(is_floating_point(t->scalar_type()), TypeError, "[", op, "] expected a floating ", p.name, ", got ",
                t->scalar_type());
  }
  if (train) {
    EMBER_CHECK(opt(save_mean) && opt(save_invstd), ValueError, "[", op,
                "] save_mean and save_invstd must be defined when train is true");
  } else {
    EMBER_CHECK(opt(running_mean) && opt(running_var), ValueError, "[", op,
                "] running_mean and running_var must be defined when train is false");
  }
  MetaResult m = result_like(
      common_device({&grad_out, &input, opt(weight), opt(running_mean), opt(running_var), opt(save_mean), opt(save_invstd)}, op),
      {0}, input.scalar_type(), op);
  m.num_outputs = 3;
  const int64_t channels[1] = {c};
  set_masked_output(m, 0, output_mask[0], input.sizes(), input.scalar_type());
  // grad_weight and grad_bias in the weight's dtype (float32 weights of float16 data under
  // autocast), as PyTorch's.
  const ScalarType param_dtype = opt(weight) ? weight->scalar_type() : input.scalar_type();
  set_masked_output(m, 1, output_mask[1], IntArrayRef(channels, 1), param_dtype);
  set_masked_output(m, 2, output_mask[2], IntArrayRef(channels, 1), param_dtype);
  return m;  // per-channel tensors reach the kernel in their own dtype (it reads them as double)
}

MetaResult layer_norm_backward_op(const Tensor& grad_out, const Tensor& input, IntArrayRef normalized_shape, const Tensor& mean,
                                  const Tensor& rstd, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                                  const std::vector<bool>& output_mask) {
  const char* op = "native_layer_norm_backward";
  check_output_mask(output_mask, op);
  // The forward meta checks input, normalized_shape, weight and bias.
  MetaResult forward = layer_norm_op(input, normalized_shape, weight, bias, 0.0);
  check_same_sizes(grad_out, input.sizes(), "grad_out", op);
  check_same_dtype(grad_out, input.scalar_type(), "grad_out", op);
  int64_t rows = 1;
  for (int64_t d = 0; d < input.dim() - static_cast<int64_t>(normalized_shape.size()); ++d) rows *= input.size(d);
  EMBER_CHECK(mean.numel() == rows && rstd.numel() == rows, ValueError, "[", op, "] expected mean and rstd with ", rows,
              " elements (one per normalized row), got ", mean.sizes(), " and ", rstd.sizes());
  MetaResult m = result_like(common_device({&grad_out, &input, &mean, &rstd, opt(weight), opt(bias)}, op), {0},
                             input.scalar_type(), op);
  m.num_outputs = 3;
  set_masked_output(m, 0, output_mask[0], input.sizes(), input.scalar_type());
  set_masked_output(m, 1, output_mask[1], normalized_shape, input.scalar_type());
  set_masked_output(m, 2, output_mask[2], normalized_shape, input.scalar_type());
  m.cast_inputs = true;  // mean, rstd, weight in the input's dtype
  return m;
}

MetaResult softmax_backward_op(const Tensor& grad_output, const Tensor& output, int64_t dim, ScalarType input_dtype) {
  const char* op = "softmax_backward_data";
  check_same_sizes(grad_output, output.sizes(), "grad_output (softmax's output)", op);
  check_same_dtype(grad_output, output.scalar_type(), "grad_output", op);
  EMBER_CHECK(is_floating_point(output.scalar_type()), TypeError, "[", op, "] expected a floating output, got ",
              output.scalar_type());
  if (input_dtype != output.scalar_type()) {
    EMBER_CHECK(!(output.scalar_type() == kFloat32 && (input_dtype == kFloat16 || input_dtype == kBFloat16)),
                NotImplementedError, "[", op, "] half_to_float softmax is not supported");
    EMBER_FAIL(TypeError, "[", op, "] expected input_dtype ", output.scalar_type(), " (the dtype of grad_output), got ",
               input_dtype);
  }
  MetaResult m = result_like(common_device({&grad_output, &output}, op), output.sizes(), output.scalar_type(), op);
  m.set_dim(wrap_dim(dim, output.dim(), op));  // throws IndexError when out of range
  return m;
}

MetaResult threshold_backward_op(const Tensor& grad_output, const Tensor& self, const Scalar&) {
  return pointwise_backward(grad_output, self, false, "threshold_backward");
}

MetaResult gelu_backward_op(const Tensor& grad_output, const Tensor& self, const std::string& approximate) {
  EMBER_CHECK(approximate == "none" || approximate == "tanh", ValueError,
              "[gelu_backward] approximate argument must be either none or tanh, got '", approximate, "'");
  return pointwise_backward(grad_output, self, true, "gelu_backward");
}
MetaResult silu_backward_op(const Tensor& grad_output, const Tensor& self) {
  return pointwise_backward(grad_output, self, true, "silu_backward");
}
MetaResult sigmoid_backward_op(const Tensor& grad_output, const Tensor& output) {
  return pointwise_backward(grad_output, output, true, "sigmoid_backward");
}
MetaResult tanh_backward_op(const Tensor& grad_output, const Tensor& output) {
  return pointwise_backward(grad_output, output, true, "tanh_backward");
}

namespace {
// The checks nll_loss_forward and nll_loss_backward share (PyTorch's messages).
void check_nll_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                    const char* op) {
  EMBER_CHECK(self.dim() > 0 && self.dim() <= 2, ValueError, "[", op, "] input tensor should be 1D or 2D, got ", self.sizes());
  EMBER_CHECK(target.dim() <= 1, ValueError, "[", op, "] 0D or 1D target tensor expected, multi-target not supported");
  const bool no_batch_dim = self.dim() == 1 && target.dim() == 0;
  EMBER_CHECK(no_batch_dim || self.size(0) == target.size(0), ValueError, "[", op, "] size mismatch (got input: ", self.sizes(),
              ", target: ", target.sizes(), ")");
  EMBER_CHECK(is_floating_point(self.scalar_type()), TypeError, "[", op, "] expected a floating input, got ", self.scalar_type());
  EMBER_CHECK(target.scalar_type() == kInt64 || target.scalar_type() == kUInt8, TypeError, "[", op,
              "] expected target of dtype int64 (class indices), got ", target.scalar_type());
  const int64_t classes = self.size(-1);
  if (const Tensor* w = opt(weight)) {
    EMBER_CHECK(w->dim() == 1 && w->numel() == classes, ValueError, "[", op, "] weight tensor should be defined either for all ",
                classes, " classes or no classes but got weight tensor of shape: ", w->sizes());
    EMBER_CHECK(is_floating_point(w->scalar_type()), TypeError, "[", op, "] expected a floating weight, got ", w->scalar_type());
  }
  EMBER_CHECK(reduction >= 0 && reduction <= 2, ValueError, "[", op, "] ", reduction,
              " is not a valid value for reduction (0: none, 1: mean, 2: sum)");
}
}  // namespace

MetaResult nll_loss_forward_op(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                               int64_t) {
  const char* op = "nll_loss_forward";
  check_nll_loss(self, target, weight, reduction, op);
  DimVector out;
  if (reduction == 0 && self.dim() == 2) out.push_back(self.size(0));
  MetaResult m = result_like(common_device({&self, &target, opt(weight)}, op), out, self.scalar_type(), op);
  m.num_outputs = 2;
  m.outputs[1].sizes = DimVector();
  m.outputs[1].dtype = self.scalar_type();
  m.cast_inputs = true;         // weight in self's dtype
  m.keep_dtype_mask = 0b10;     // target stays an index tensor
  return m;
}

MetaResult nll_loss_backward_op(const Tensor& grad_output, const Tensor& self, const Tensor& target,
                                const std::optional<Tensor>& weight, int64_t reduction, int64_t,
                                const Tensor& total_weight) {
  const char* op = "nll_loss_backward";
  check_nll_loss(self, target, weight, reduction, op);
  if (reduction == 0 && self.dim() == 2) {
    EMBER_CHECK(grad_output.dim() == 1 && grad_output.size(0) == self.size(0), ValueError, "[", op,
                "] Expected a tensor of dimension 1 and tensor.size[0] == ", self.size(0), " but got: dimension ",
                grad_output.dim(), " and tensor.size[0] == ", grad_output.dim() > 0 ? grad_output.size(0) : 1);
  } else {
    EMBER_CHECK(grad_output.numel() == 1, ValueError, "[", op, "] Expected a single element grad_output tensor, but got: ",
                grad_output.sizes());
  }
  EMBER_CHECK(total_weight.numel() == 1, ValueError, "[", op, "] expected total_weight to be a single element tensor, got: ",
              total_weight.sizes());
  EMBER_CHECK(is_floating_point(grad_output.scalar_type()), TypeError, "[", op, "] expected a floating grad_output, got ",
              grad_output.scalar_type());
  MetaResult m =
      result_like(common_device({&grad_output, &self, &target, opt(weight), &total_weight}, op), self.sizes(), self.scalar_type(), op);
  m.cast_inputs = true;          // grad_output, weight and total_weight in self's dtype
  m.keep_dtype_mask = 0b100;     // target stays an index tensor
  return m;
}

}  // namespace meta
}  // namespace ember
