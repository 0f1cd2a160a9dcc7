// Convolutions beyond the 2-d backend kernel: conv1d (as a 2-d convolution over a height of 1),
// conv3d and the transposed convolutions (im2col composites: the padded input's sliding
// windows, one matrix product per group). A transposed convolution is the convolution of the
// input with zeros inserted between its elements (stride - 1 per gap), padded by
// dilation * (kernel - 1) - padding (+ output_padding on the right), with the kernel flipped and
// its in/out channels swapped per group.
#include "core/checked_arith.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/composite/sliding_window.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {

using window::expand_param;

struct Batched {
  Tensor x;
  bool added;
};

Batched conv_input(const Tensor& input, const Tensor& weight, size_t dims, const char* op) {
  const int64_t d = static_cast<int64_t>(dims);
  EMBER_CHECK(weight.dim() == d + 2, ValueError, "[", op, "] Expected ", d + 2, "-dimensional weight, but got weight of size ",
              weight.sizes());
  EMBER_CHECK(input.dim() == d + 1 || input.dim() == d + 2, ValueError, "[", op, "] Expected ", d + 1, "D (unbatched) or ",
              d + 2, "D (batched) input to ", op, ", but got input of size: ", input.sizes());
  if (input.dim() == d + 1) return {input.unsqueeze(0), true};
  return {input, false};
}

// Cross-correlation of x [N, C, *S] with w [O, C / groups, *K] (stride, dilation; x padded
// already), plus bias.
Tensor correlate(const Tensor& x, const Tensor& w, const std::optional<Tensor>& bias, const std::vector<int64_t>& stride,
                 const std::vector<int64_t>& dilation, int64_t groups, const char* op) {
  const size_t dims = stride.size();
  const int64_t n = x.size(0), c = x.size(1), o = w.size(0);
  EMBER_CHECK(groups > 0, ValueError, "[", op, "] non-positive groups is not supported");
  int64_t channels = 0;  // w.size(1) * groups, which a huge groups can overflow
  const bool fits = checked_mul(w.size(1), groups, &channels);
  EMBER_CHECK(fits && c == channels, ValueError, "[", op, "] Given groups=", groups, ", weight of size ", w.sizes(),
              ", expected input", x.sizes(), " to have ",
              fits ? std::to_string(channels) : std::to_string(w.size(1)) + " * " + std::to_string(groups),
              " channels, but got ", c,
              " channels instead");
  EMBER_CHECK(o % groups == 0, ValueError, "[", op, "] Given groups=", groups, ", expected weight to be divisible by ",
              groups, " at dimension 0, but got weight of size ", w.sizes(), " instead");
  std::vector<int64_t> kernel, out;
  int64_t positions = 1, kernel_volume = 1;
  for (size_t i = 0; i < dims; ++i) {
    const int64_t k = w.size(static_cast<int64_t>(i) + 2), in = x.size(static_cast<int64_t>(i) + 2);
    const int64_t span = dilation[i] * (k - 1) + 1;
    EMBER_CHECK(in >= span, ValueError, "[", op, "] Calculated padded input size per channel: (", in,
                "). Kernel size: (", span, "). Kernel size can't be greater than actual input size");
    kernel.push_back(k);
    out.push_back((in - span) / stride[i] + 1);
    positions *= out.back();
    kernel_volume *= k;
  }
  const int64_t cg = c / groups, og = o / groups;
  // [N, C, *out, *K] -> [N, groups, positions, C/g * K]
  Tensor cols = window::windows(x, kernel, stride, dilation, out);
  std::vector<int64_t> grouped{n, groups, cg, positions, kernel_volume};
  cols = cols.reshape(grouped).permute({0, 1, 3, 2, 4}).reshape({n, groups, positions, cg * kernel_volume});
  Tensor wg = w.reshape({groups, og, cg * kernel_volume});             // [g, O/g, C/g * K]
  Tensor y = ember::matmul(cols, wg.unsqueeze(0).transpose(-1, -2));   // [N, g, P, O/g]
  std::vector<int64_t> shape{n, o};
  shape.insert(shape.end(), out.begin(), out.end());
  y = y.permute({0, 1, 3, 2}).reshape(shape);
  if (bias && bias->defined()) {
    std::vector<int64_t> bshape(dims + 2, 1);
    bshape[1] = o;
    y = y + bias->reshape(bshape);
  }
  return y;
}

Tensor conv_nd(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
               IntArrayRef padding, IntArrayRef dilation, int64_t groups, size_t dims, const char* op) {
  Batched b = conv_input(input, weight, dims, op);
  std::vector<int64_t> st = expand_param(stride, dims, {1}, "stride", op);
  std::vector<int64_t> pad = expand_param(padding, dims, {0}, "padding", op);
  std::vector<int64_t> dil = expand_param(dilation, dims, {1}, "dilation", op);
  for (size_t i = 0; i < dims; ++i) {
    EMBER_CHECK(st[i] > 0, ValueError, "[", op, "] non-positive stride is not supported");
    EMBER_CHECK(pad[i] >= 0, ValueError, "[", op, "] negative padding is not supported");
  }
  std::vector<int64_t> no_extra(dims, 0);
  Tensor y = correlate(window::pad_spatial(b.x, pad, no_extra, 0), weight, bias, st, dil, groups, op);
  return b.added ? y.squeeze(0) : y;
}

Tensor conv_transpose_nd(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                         IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation, size_t dims,
                         const char* op) {
  Batched b = conv_input(input, weight, dims, op);
  std::vector<int64_t> st = expand_param(stride, dims, {1}, "stride", op);
  std::vector<int64_t> pad = expand_param(padding, dims, {0}, "padding", op);
  std::vector<int64_t> out_pad = expand_param(output_padding, dims, {0}, "output_padding", op);
  std::vector<int64_t> dil = expand_param(dilation, dims, {1}, "dilation", op);
  const int64_t cin = weight.size(0);
  EMBER_CHECK(b.x.size(1) == cin, ValueError, "[", op, "] Given transposed=1, weight of size ", weight.sizes(),
              ", expected input", b.x.sizes(), " to have ", cin, " channels, but got ", b.x.size(1), " channels instead");
  EMBER_CHECK(groups > 0 && cin % groups == 0, ValueError, "[", op, "] Given groups=", groups,
              ", expected weight to be divisible by ", groups, " at dimension 0");
  Tensor x = b.x;
  for (size_t i = 0; i < dims; ++i) {
    EMBER_CHECK(out_pad[i] < st[i] || out_pad[i] < dil[i], ValueError, "[", op,
                "] output padding must be smaller than either stride or dilation, but got output_padding=", out_pad[i],
                ", stride=", st[i], ", dilation=", dil[i]);
    const int64_t d = static_cast<int64_t>(i) + 2, len = x.size(d);
    if (st[i] > 1 && len > 0) {
      // Insert stride - 1 zeros after every element (a new dim after d, padded to stride and
      // merged into d), then drop the trailing ones.
      std::vector<int64_t> merged(x.sizes().begin(), x.sizes().end());
      merged[static_cast<size_t>(d)] = len * st[i];
      Tensor moved = x.unsqueeze(d + 1).transpose(d + 1, -1);
      moved = ember::constant_pad_nd(moved, {0, st[i] - 1}, 0).transpose(d + 1, -1);
      x = moved.reshape(merged).narrow(d, 0, (len - 1) * st[i] + 1);
    }
  }
  // Pad by dilation * (k - 1) - padding (crop when negative), plus output_padding on the right.
  std::vector<int64_t> pads;
  for (size_t i = dims; i-- > 0;) {
    const int64_t k = weight.size(static_cast<int64_t>(i) + 2);
    const int64_t p = dil[i] * (k - 1) - pad[i];
    pads.push_back(p);
    pads.push_back(p + out_pad[i]);
  }
  x = ember::constant_pad_nd(x, pads, 0);
  // weight [Cin, Cout/g, *K] -> [Cout, Cin/g, *K], flipped in space.
  const int64_t cout_g = weight.size(1), cin_g = cin / groups;
  std::vector<int64_t> shape{groups, cin_g, cout_g};
  for (size_t i = 0; i < dims; ++i) shape.push_back(weight.size(static_cast<int64_t>(i) + 2));
  Tensor w = weight.reshape(shape).transpose(1, 2);
  std::vector<int64_t> flat{groups * cout_g, cin_g};
  for (size_t i = 0; i < dims; ++i) flat.push_back(weight.size(static_cast<int64_t>(i) + 2));
  w = w.reshape(flat);
  std::vector<int64_t> spatial;
  for (size_t i = 0; i < dims; ++i) spatial.push_back(static_cast<int64_t>(i) + 2);
  w = w.flip(spatial);
  std::vector<int64_t> ones(dims, 1);
  Tensor y = correlate(x, w, bias, ones, dil, groups, op);
  return b.added ? y.squeeze(0) : y;
}

}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  // Through the 2-d kernel: a height of 1.
  Batched b = conv_input(input, weight, 1, "conv1d");
  std::vector<int64_t> st{1, expand_param(stride, 1, {1}, "stride", "conv1d")[0]};
  std::vector<int64_t> pad{0, expand_param(padding, 1, {0}, "padding", "conv1d")[0]};
  std::vector<int64_t> dil{1, expand_param(dilation, 1, {1}, "dilation", "conv1d")[0]};
  Tensor y = ember::conv2d(b.x.unsqueeze(2), weight.unsqueeze(2), bias, st, pad, dil, groups).squeeze(2);
  return b.added ? y.squeeze(0) : y;
}

Tensor conv3d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return conv_nd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d");
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d");
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d");
}
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d");
}

}  // namespace native
}  // namespace ember
