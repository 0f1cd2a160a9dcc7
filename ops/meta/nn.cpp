// Meta functions of matrix products, convolution, normalization and pooling.
#include <cmath>

#include "ops/meta.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace meta {

namespace {
MetaResult single_output(Device device, DimVector sizes, ScalarType dtype, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = device;
  m.outputs[0].sizes = std::move(sizes);
  m.outputs[0].dtype = dtype;
  m.compute_dtype = dtype;
  return m;
}
void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.scalar_type() == b.scalar_type(), TypeError, "[", op, "] expected both inputs to have the same dtype, but got ",
              a.scalar_type(), " and ", b.scalar_type());
}
// Window arithmetic (conv and pooling output sizes) on user-given int64 sizes, strides, padding
// and dilation: done in 128 bits, where it cannot overflow, and checked back into int64.
using Wide = __int128;
int64_t narrow_size(Wide v, const char* op) {
  EMBER_CHECK(v <= INT64_MAX, ValueError, "[", op, "] the output size overflows int64");
  return static_cast<int64_t>(v);
}
// int[2] arguments accept one value for both dims.
int64_t at2(IntArrayRef v, size_t i, const char* what, const char* op) {
  EMBER_CHECK(v.size() == 1 || v.size() == 2, ValueError, "[", op, "] ", what, " must be a single int or a pair of ints, got ", v);
  return v.size() == 1 ? v[0] : v[i];
}
}  // namespace

MetaResult mm_op(const Tensor& self, const Tensor& mat2) {
  EMBER_CHECK(self.dim() == 2, ValueError, "[mm] self must be a matrix, got a ", self.dim(), "-D tensor");
  EMBER_CHECK(mat2.dim() == 2, ValueError, "[mm] mat2 must be a matrix, got a ", mat2.dim(), "-D tensor");
  EMBER_CHECK(self.size(1) == mat2.size(0), ValueError, "[mm] mat1 and mat2 shapes cannot be multiplied (", self.size(0), "x",
              self.size(1), " and ", mat2.size(0), "x", mat2.size(1), ")");
  check_same_dtype(self, mat2, "mm");
  return single_output(common_device({&self, &mat2}, "mm"), DimVector({self.size(0), mat2.size(1)}), self.scalar_type(), "mm");
}

MetaResult bmm_op(const Tensor& self, const Tensor& mat2) {
  EMBER_CHECK(self.dim() == 3, ValueError, "[bmm] batch1 must be a 3D tensor, got ", self.dim(), "-D");
  EMBER_CHECK(mat2.dim() == 3, ValueError, "[bmm] batch2 must be a 3D tensor, got ", mat2.dim(), "-D");
  EMBER_CHECK(self.size(0) == mat2.size(0), ValueError, "[bmm] batch1 and batch2 must have same number of batches, got ",
              self.size(0), " and ", mat2.size(0));
  EMBER_CHECK(self.size(2) == mat2.size(1), ValueError, "[bmm] Expected size for first two dimensions of batch2 tensor to be: [",
              self.size(0), ", ", self.size(2), "] but got: [", mat2.size(0), ", ", mat2.size(1), "].");
  check_same_dtype(self, mat2, "bmm");
  return single_output(common_device({&self, &mat2}, "bmm"), DimVector({self.size(0), self.size(1), mat2.size(2)}),
                       self.scalar_type(), "bmm");
}

MetaResult addmm_op(const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar&, const Scalar&) {
  MetaResult m = mm_op(mat1, mat2);
  check_same_dtype(self, mat1, "addmm");
  broadcast_shapes(self.sizes(), m.outputs[0].sizes);  // throws when self does not broadcast
  EMBER_CHECK(self.dim() <= 2, ValueError, "[addmm] self must broadcast to ", m.outputs[0].sizes.ref(), ", got ", self.sizes());
  m.broadcast_inputs = true;
  m.no_broadcast_mask = 0b110;  // mat1 and mat2 keep their shapes
  m.device = common_device({&self, &mat1, &mat2}, "addmm");
  return m;
}

MetaResult convolution_op(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                          IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef output_padding,
                          int64_t groups) {
  (void)output_padding;
  EMBER_CHECK(!transposed, NotImplementedError, "[convolution] transposed convolution is not supported yet");
  EMBER_CHECK(weight.dim() == 4, ValueError, "[convolution] expected a 4-D weight [out_channels, in_channels/groups, kH, kW], got ",
              weight.sizes());
  EMBER_CHECK(input.dim() == 4 || input.dim() == 3, ValueError,
              "[convolution] Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ", input.sizes());
  EMBER_CHECK(groups > 0, ValueError, "[convolution] non-positive groups is not supported");
  check_same_dtype(input, weight, "convolution");
  int64_t c_axis = input.dim() == 4 ? 1 : 0;
  int64_t in_channels = input.size(c_axis);
  const Wide expected_channels = Wide(weight.size(1)) * groups;
  EMBER_CHECK(Wide(in_channels) == expected_channels, ValueError, "[convolution] Given groups=", groups, ", weight of size ",
              weight.sizes(), ", expected input", input.sizes(), " to have ",
              expected_channels <= INT64_MAX ? std::to_string(static_cast<int64_t>(expected_channels)) : "more than 2^63",
              " channels, but got ", in_channels, " channels instead");
  EMBER_CHECK(weight.size(0) % groups == 0, ValueError, "[convolution] out_channels must be divisible by groups");
  if (bias) {
    EMBER_CHECK(bias->dim() == 1 && bias->size(0) == weight.size(0), ValueError, "[convolution] Given weight of size ",
                weight.sizes(), ", expected bias to be 1-dimensional with ", weight.size(0), " elements, but got bias of size ",
                bias->sizes(), " instead");
    check_same_dtype(input, *bias, "convolution");
  }
  DimVector out;
  if (input.dim() == 4) out.push_back(input.size(0));
  out.push_back(weight.size(0));
  for (size_t i = 0; i < 2; ++i) {
    int64_t s = at2(stride, i, "stride", "convolution"), p = at2(padding, i, "padding", "convolution"),
            d = at2(dilation, i, "dilation", "convolution");
    EMBER_CHECK(s > 0 && p >= 0 && d > 0, ValueError, "[convolution] stride and dilation must be positive and padding non-negative");
    int64_t in = input.size(c_axis + 1 + static_cast<int64_t>(i));
    int64_t k = weight.size(2 + static_cast<int64_t>(i));
    const Wide padded = Wide(in) + Wide(2) * p, kernel_extent = Wide(d) * (k - 1) + 1;
    EMBER_CHECK(padded >= kernel_extent && k > 0, ValueError, "[convolution] Calculated padded input size per channel: (",
                narrow_size(padded, "convolution"), "). Kernel size: (", narrow_size(kernel_extent, "convolution"),
                "). Kernel size can't be greater than actual input size");
    out.push_back(narrow_size((padded - kernel_extent) / s + 1, "convolution"));
  }
  return single_output(common_device({&input, &weight, bias ? &*bias : nullptr}, "convolution"), std::move(out),
                       input.scalar_type(), "convolution");
}

MetaResult batch_norm_op(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                         const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                         double, double eps) {
  EMBER_CHECK(input.dim() >= 2, ValueError, "[batch_norm] expected 2D or more input, got ", input.dim(), "D");
  EMBER_CHECK(is_floating_point(input.scalar_type()), TypeError, "[batch_norm] expected a floating input, got ", input.scalar_type());
  EMBER_CHECK(eps >= 0, ValueError, "[batch_norm] eps must be non-negative");
  int64_t c = input.size(1);
  for (const auto* t : {&weight, &bias, &running_mean, &running_var}) {
    if (!*t) continue;
    EMBER_CHECK((*t)->numel() == c, ValueError, "[batch_norm] expected a per-channel tensor of ", c, " elements, got ",
                (*t)->sizes());
    EMBER_CHECK(is_floating_point((*t)->scalar_type()), TypeError, "[batch_norm] expected floating weight, bias and running statistics, got ",
                (*t)->scalar_type());
  }
  if (!training)
    EMBER_CHECK(running_mean && running_var, ValueError, "[batch_norm] running_mean and running_var must be defined in evaluation mode");
  if (training) {
    int64_t per_channel = input.numel() / (c ? c : 1);
    EMBER_CHECK(per_channel > 1, ValueError, "[batch_norm] Expected more than 1 value per channel when training, got input size ",
                input.sizes());
  }
  MetaResult m = single_output(common_device({&input}, "batch_norm"), DimVector(input.sizes()), input.scalar_type(), "batch_norm");
  m.num_outputs = 3;
  m.outputs[1].sizes = DimVector({training ? c : 0});
  // The saved statistics in the input's compute type (float32 for float16 / bfloat16), as
  // PyTorch's. The per-channel tensors reach the kernel in their own dtypes (kernels read them
  // as double): under autocast, float16 / bfloat16 data keeps float32 weights, as in PyTorch, with
  // no cast launches and no rounding of the parameters.
  const ScalarType in = input.scalar_type();
  m.outputs[1].dtype = in == kFloat16 || in == kBFloat16 ? kFloat32 : in;
  m.outputs[2] = m.outputs[1];
  return m;
}

MetaResult layer_norm_op(const Tensor& input, IntArrayRef normalized_shape, const std::optional<Tensor>& weight,
                         const std::optional<Tensor>& bias, double) {
  int64_t nd = static_cast<int64_t>(normalized_shape.size());
  EMBER_CHECK(nd >= 1, ValueError, "[layer_norm] Expected normalized_shape to be at least 1-dimensional");
  EMBER_CHECK(is_floating_point(input.scalar_type()), TypeError, "[layer_norm] expected a floating input, got ", input.scalar_type());
  bool ok = input.dim() >= nd;
  for (int64_t i = 0; ok && i < nd; ++i) ok = input.size(input.dim() - nd + i) == normalized_shape[static_cast<size_t>(i)];
  if (!ok) {
    std::string dims;  // "[*, 3, 4]" as PyTorch prints it
    for (int64_t v : normalized_shape) dims += ", " + std::to_string(v);
    EMBER_FAIL(ValueError, "[layer_norm] Given normalized_shape=", normalized_shape, ", expected input with shape [*", dims,
               "], but got input of size", input.sizes());
  }
  if (weight) EMBER_CHECK(weight->sizes() == normalized_shape, ValueError, "[layer_norm] Expected weight to be of same shape as normalized_shape, but got weight of shape ", weight->sizes());
  if (bias) EMBER_CHECK(bias->sizes() == normalized_shape, ValueError, "[layer_norm] Expected bias to be of same shape as normalized_shape, but got bias of shape ", bias->sizes());
  MetaResult m = single_output(common_device({&input}, "layer_norm"), DimVector(input.sizes()), input.scalar_type(), "layer_norm");
  m.num_outputs = 3;
  DimVector stat(input.sizes());
  for (int64_t i = input.dim() - nd; i < input.dim(); ++i) stat[static_cast<size_t>(i)] = 1;
  m.outputs[1].sizes = stat;
  m.outputs[1].dtype = input.scalar_type();
  m.outputs[2] = m.outputs[1];
  m.cast_inputs = true;
  return m;
}

namespace {
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode, const char* op) {
  Wide num = Wide(in) + Wide(2) * pad - Wide(dilation) * (k - 1) - 1 + (ceil_mode ? Wide(stride) - 1 : Wide(0));
  // Rounds toward negative infinity (PyTorch's div_rtn): a window larger than the padded input
  // must give size 0, not 1.
  Wide out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= Wide(in) + pad) --out;  // the last window must start inside the input
  return narrow_size(out, op);
}
MetaResult pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                  bool ceil_mode, const char* op) {
  EMBER_CHECK(self.dim() == 3 || self.dim() == 4, ValueError, "[", op, "] Expected 3D or 4D (batch mode) tensor for input, got ",
              self.sizes());
  DimVector out(self.sizes());
  for (size_t i = 0; i < 2; ++i) {
    int64_t k = at2(kernel_size, i, "kernel_size", op);
    int64_t s = stride.empty() ? k : at2(stride, i, "stride", op);
    int64_t p = at2(padding, i, "padding", op);
    int64_t d = dilation.empty() ? 1 : at2(dilation, i, "dilation", op);
    EMBER_CHECK(k > 0 && s > 0 && d > 0, ValueError, "[", op, "] kernel_size, stride and dilation must be greater than zero");
    EMBER_CHECK(p >= 0, ValueError, "[", op, "] pad must be non-negative, but got pad=", p);
    EMBER_CHECK(p <= k / 2, ValueError, "[", op, "] pad should be at most half of effective kernel size, but got pad=", p,
                ", kernel_size=", k);
    int64_t in = self.size(self.dim() - 2 + static_cast<int64_t>(i));
    int64_t o = pooled_size(in, k, p, s, d, ceil_mode, op);
    EMBER_CHECK(o > 0, ValueError, "[", op, "] Given input size: ", self.sizes(), ". Calculated output size is too small");
    out[static_cast<size_t>(self.dim() - 2) + i] = o;
  }
  return single_output(self.device(), std::move(out), self.scalar_type(), op);
}
}  // namespace

MetaResult max_pool2d_op(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                         IntArrayRef dilation, bool ceil_mode) {
  MetaResult m = pool2d(self, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d");
  m.num_outputs = 2;
  m.outputs[1].sizes = m.outputs[0].sizes;
  m.outputs[1].dtype = kInt64;
  return m;
}

MetaResult avg_pool2d_op(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                         bool, std::optional<int64_t> divisor_override) {
  if (divisor_override) EMBER_CHECK(*divisor_override != 0, ValueError, "[avg_pool2d] divisor must be not zero");
  EMBER_CHECK(is_floating_point(self.scalar_type()) || self.scalar_type() == kInt64, TypeError,
              "[avg_pool2d] expected a floating input, got ", self.scalar_type());
  return pool2d(self, kernel_size, stride, padding, IntArrayRef(), ceil_mode, "avg_pool2d");
}

MetaResult adaptive_avg_pool2d_op(const Tensor& self, IntArrayRef output_size) {
  EMBER_CHECK(self.dim() == 3 || self.dim() == 4, ValueError,
              "[adaptive_avg_pool2d] Expected 3D or 4D tensor, but got ", self.sizes());
  DimVector out(self.sizes());
  for (size_t i = 0; i < 2; ++i) {
    int64_t o = at2(output_size, i, "output_size", "adaptive_avg_pool2d");
    EMBER_CHECK(o >= 0, ValueError, "[adaptive_avg_pool2d] output size must be non-negative");
    out[static_cast<size_t>(self.dim() - 2) + i] = o;
  }
  return single_output(self.device(), std::move(out), self.scalar_type(), "adaptive_avg_pool2d");
}

}  // namespace meta
}  // namespace ember
