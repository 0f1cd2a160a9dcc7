// N-d pooling composites: max and average pooling in 1-d and 3-d (2-d has backend kernels),
// adaptive average and max pooling, fractional max pooling, max unpooling. Windows are strided
// views of the padded input (sliding_window.h); reductions and index arithmetic are ember ops, so
// all of them run on every device and are differentiable. Unbatched inputs ([C, *spatial]) get a
// batch dim of 1 for the computation.
#include <cmath>
#include <limits>

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/composite/sliding_window.h"
#include "ops/tensor_factory.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace native {

namespace {

using window::expand_param;

struct Batched {
  Tensor x;
  bool added;
};
Batched with_batch(const Tensor& self, size_t dims, const char* op) {
  const int64_t d = static_cast<int64_t>(dims);
  EMBER_CHECK(self.dim() == d + 1 || self.dim() == d + 2, ValueError, "[", op, "] Expected ", d + 1, "D or ", d + 2,
              "D input, but got ", self.dim(), "D input of size ", self.sizes());
  if (self.dim() == d + 1) return {self.unsqueeze(0), true};
  return {self, false};
}
Tensor without_batch(const Tensor& t, bool added) { return added ? t.squeeze(0) : t; }

std::vector<int64_t> spatial_sizes(const Tensor& x, size_t dims) {
  std::vector<int64_t> s;
  for (size_t i = 0; i < dims; ++i) s.push_back(x.size(static_cast<int64_t>(i) + 2));
  return s;
}

// Row-major strides of a spatial shape: the flat index of a position.
std::vector<int64_t> flat_strides(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> st(sizes.size(), 1);
  for (size_t i = sizes.size(); i-- > 1;) st[i - 1] = st[i] * sizes[i];
  return st;
}

struct PoolPlan {
  std::vector<int64_t> kernel, stride, pad, dilation, in, out, extra;
};

PoolPlan plan_pool(const Tensor& x, size_t dims, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                   IntArrayRef dilation, bool ceil_mode, const char* op) {
  PoolPlan p;
  p.kernel = expand_param(kernel_size, dims, kernel_size, "kernel_size", op);
  p.stride = expand_param(stride, dims, kernel_size, "stride", op);
  p.pad = expand_param(padding, dims, IntArrayRef(), "padding", op);
  p.dilation = expand_param(dilation, dims, IntArrayRef(), "dilation", op);
  p.in = spatial_sizes(x, dims);
  for (size_t i = 0; i < dims; ++i) {
    EMBER_CHECK(p.kernel[i] > 0, ValueError, "[", op, "] kernel_size must be greater than zero, but got ", p.kernel[i]);
    EMBER_CHECK(p.stride[i] > 0, ValueError, "[", op, "] stride must be greater than zero, but got ", p.stride[i]);
    EMBER_CHECK(p.dilation[i] > 0, ValueError, "[", op, "] dilation must be greater than zero, but got ", p.dilation[i]);
    EMBER_CHECK(p.pad[i] >= 0 && p.pad[i] <= p.kernel[i] / 2, ValueError, "[", op,
                "] pad should be at most half of effective kernel size, but got pad=", p.pad[i], ", kernel_size=",
                p.kernel[i], " and dilation=", p.dilation[i]);
    int64_t o = window::output_size(p.in[i], p.kernel[i], p.stride[i], p.pad[i], p.dilation[i], ceil_mode);
    EMBER_CHECK(o > 0, ValueError, "[", op, "] Given input size: ", IntArrayRef(p.in),
                ". Calculated output size is too small (", o, " along spatial dim ", i, ")");
    p.out.push_back(o);
    int64_t needed = (o - 1) * p.stride[i] + p.dilation[i] * (p.kernel[i] - 1) + 1;
    p.extra.push_back(std::max<int64_t>(0, needed - (p.in[i] + 2 * p.pad[i])));
  }
  return p;
}

std::tuple<Tensor, Tensor> max_pool_nd(const Tensor& self, size_t dims, IntArrayRef kernel_size, IntArrayRef stride,
                                       IntArrayRef padding, IntArrayRef dilation, bool ceil_mode, const char* op) {
  Batched b = with_batch(self, dims, op);
  PoolPlan p = plan_pool(b.x, dims, kernel_size, stride, padding, dilation, ceil_mode, op);
  const double lowest = is_floating_point(self.scalar_type()) ? -std::numeric_limits<double>::infinity()
                                                              : static_cast<double>(std::numeric_limits<int64_t>::min());
  Tensor padded = window::pad_spatial(b.x, p.pad, p.extra, lowest);
  Tensor w = window::windows(padded, p.kernel, p.stride, p.dilation, p.out);
  std::vector<int64_t> flat_shape{b.x.size(0), b.x.size(1)};
  flat_shape.insert(flat_shape.end(), p.out.begin(), p.out.end());
  flat_shape.push_back(-1);
  auto [values, arg] = w.reshape(flat_shape).max(-1);
  // The input position of each maximum: per dim, o * stride - pad + k * dilation.
  TensorOptions longs = TensorOptions(kInt64).device(self.device());
  std::vector<int64_t> in_strides = flat_strides(p.in), k_strides = flat_strides(p.kernel);
  Tensor index = ember::zeros({}, longs);
  for (size_t i = 0; i < dims; ++i) {
    Tensor k = arg.div(k_strides[i], std::string("floor")).remainder(p.kernel[i]);
    std::vector<int64_t> shape(dims + 2, 1);
    shape[i + 2] = p.out[i];
    Tensor o = ember::arange(p.out[i], longs).reshape(shape);
    Tensor coordinate = o * p.stride[i] - p.pad[i] + k * p.dilation[i];
    index = index + coordinate * in_strides[i];
  }
  return {without_batch(values, b.added), without_batch(index, b.added)};
}

Tensor avg_pool_nd(const Tensor& self, size_t dims, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                   bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override, const char* op) {
  Batched b = with_batch(self, dims, op);
  std::vector<int64_t> ones_dilation(dims, 1);
  PoolPlan p = plan_pool(b.x, dims, kernel_size, stride, padding, ones_dilation, ceil_mode, op);
  Tensor padded = window::pad_spatial(b.x, p.pad, p.extra, 0);
  std::vector<int64_t> reduce_dims;
  for (size_t i = 0; i < dims; ++i) reduce_dims.push_back(static_cast<int64_t>(dims + 2 + i));
  Tensor sums = window::windows(padded, p.kernel, p.stride, p.dilation, p.out).sum(reduce_dims);
  Tensor divisor;
  if (divisor_override) {
    EMBER_CHECK(*divisor_override != 0, ValueError, "[", op, "] divisor must be not zero");
    divisor = ember::full({}, static_cast<double>(*divisor_override), sums.options());
  } else {
    // How many elements each window averages: inside the input (and, with count_include_pad,
    // the padding), never the ceil_mode overhang.
    std::vector<int64_t> shape{1, 1};
    shape.insert(shape.end(), p.in.begin(), p.in.end());
    Tensor ones = ember::ones(shape, sums.options());
    std::vector<int64_t> no_extra(dims, 0);
    Tensor counted = count_include_pad ? window::pad_spatial(ones, p.pad, no_extra, 1) : ones;
    std::vector<int64_t> rest(dims);
    for (size_t i = 0; i < dims; ++i) rest[i] = count_include_pad ? p.extra[i] : p.pad[i] + p.extra[i];
    std::vector<int64_t> left = count_include_pad ? std::vector<int64_t>(dims, 0) : p.pad;
    std::vector<int64_t> pads;
    for (size_t i = dims; i-- > 0;) {
      pads.push_back(left[i]);
      pads.push_back(rest[i]);
    }
    counted = ember::constant_pad_nd(counted, pads, 0);
    divisor = window::windows(counted, p.kernel, p.stride, p.dilation, p.out).sum(reduce_dims);
  }
  return without_batch(sums / divisor, b.added);
}

// Adaptive windows along one dim: [floor(i * in / out), ceil((i + 1) * in / out)).
int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
int64_t adaptive_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

Tensor adaptive_avg_nd(const Tensor& self, size_t dims, IntArrayRef output_size, const char* op) {
  Batched b = with_batch(self, dims, op);
  EMBER_CHECK(output_size.size() == dims, ValueError, "[", op, "] output_size must be ", dims, "-d");
  Tensor x = b.x;
  for (size_t i = 0; i < dims; ++i) {
    const int64_t d = static_cast<int64_t>(i) + 2;
    const int64_t in = x.size(d), out = output_size[i];
    EMBER_CHECK(out >= 0, ValueError, "[", op, "] output_size must be non-negative, got ", out);
    // The mean over each window as a matrix product with an averaging matrix [out, in].
    std::vector<double> weights(static_cast<size_t>(out * in), 0.0);
    for (int64_t o = 0; o < out; ++o) {
      int64_t s = adaptive_start(o, in, out), e = adaptive_end(o, in, out);
      for (int64_t j = s; j < e; ++j) weights[static_cast<size_t>(o * in + j)] = 1.0 / static_cast<double>(e - s);
    }
    Tensor avg = ember::tensor(weights, TensorOptions(kFloat64)).reshape({out, in}).to(x.options());
    x = ember::matmul(x.transpose(d, -1), avg.t()).transpose(d, -1);
  }
  return without_batch(x, b.added);
}

std::tuple<Tensor, Tensor> adaptive_max_nd(const Tensor& self, size_t dims, IntArrayRef output_size, const char* op) {
  Batched b = with_batch(self, dims, op);
  EMBER_CHECK(output_size.size() == dims, ValueError, "[", op, "] output_size must be ", dims, "-d");
  std::vector<int64_t> in = spatial_sizes(b.x, dims), out(output_size.begin(), output_size.end());
  std::vector<int64_t> in_strides = flat_strides(in);
  const int64_t n = b.x.size(0), c = b.x.size(1);
  TensorOptions longs = TensorOptions(kInt64).device(self.device());
  std::vector<Tensor> values, indices;
  std::vector<int64_t> pos(dims, 0);
  int64_t total = 1;
  for (int64_t o : out) total *= o;
  for (int64_t k = 0; k < total; ++k) {
    // The window of output position `pos`: a box; its maximum and the flat input index of it.
    Tensor box = b.x;
    std::vector<int64_t> start(dims), size(dims);
    for (size_t i = 0; i < dims; ++i) {
      start[i] = adaptive_start(pos[i], in[i], out[i]);
      size[i] = adaptive_end(pos[i], in[i], out[i]) - start[i];
      box = box.narrow(static_cast<int64_t>(i) + 2, start[i], size[i]);
    }
    auto [v, arg] = box.reshape({n, c, -1}).max(-1);
    std::vector<int64_t> box_strides = flat_strides(size);
    Tensor idx = ember::zeros({n, c}, longs);
    for (size_t i = 0; i < dims; ++i)
      idx = idx + (arg.div(box_strides[i], std::string("floor")).remainder(size[i]) + start[i]) * in_strides[i];
    values.push_back(v);
    indices.push_back(idx);
    for (size_t i = dims; i-- > 0;) {
      if (++pos[i] < out[i]) break;
      pos[i] = 0;
    }
  }
  std::vector<int64_t> shape{n, c};
  shape.insert(shape.end(), out.begin(), out.end());
  Tensor v = total > 0 ? ember::stack(values, 2).reshape(shape) : ember::empty(shape, b.x.options());
  Tensor i = total > 0 ? ember::stack(indices, 2).reshape(shape) : ember::empty(shape, longs);
  return {without_batch(v, b.added), without_batch(i, b.added)};
}

// Fractional max pooling (Graham 2014): per (sample, channel) and dim, window starts
// floor((i + u) * alpha) - floor(u * alpha) with alpha = (in - k) / (out - 1), the last at in - k.
std::tuple<Tensor, Tensor> fractional_max_nd(const Tensor& self, size_t dims, IntArrayRef kernel_size,
                                             IntArrayRef output_size, const Tensor& random_samples, const char* op) {
  Batched b = with_batch(self, dims, op);
  std::vector<int64_t> in = spatial_sizes(b.x, dims);
  std::vector<int64_t> kernel = expand_param(kernel_size, dims, kernel_size, "kernel_size", op);
  std::vector<int64_t> out = expand_param(output_size, dims, output_size, "output_size", op);
  const int64_t n = b.x.size(0), c = b.x.size(1);
  Tensor samples = random_samples.dim() == 2 ? random_samples.unsqueeze(0) : random_samples;
  EMBER_CHECK(samples.dim() == 3 && samples.size(2) == static_cast<int64_t>(dims), ValueError, "[", op,
              "] random_samples must be [N, C, ", dims, "], got ", random_samples.sizes());
  TensorOptions longs = TensorOptions(kInt64).device(self.device());
  std::vector<int64_t> in_strides = flat_strides(in);
  // The flat input index of every (output position, kernel offset): [N, C, *out, *kernel].
  Tensor index = ember::zeros({}, longs);
  const size_t rank = 2 + 2 * dims;
  for (size_t i = 0; i < dims; ++i) {
    EMBER_CHECK(out[i] + kernel[i] - 1 <= in[i], ValueError, "[", op, "] out(): pool height ", kernel[i],
                " too large relative to input height ", in[i]);
    // PyTorch's 2-d kernel reads the samples as (width, height), the 3-d one as (depth, height, width).
    const int64_t column = dims == 2 ? static_cast<int64_t>(1 - i) : static_cast<int64_t>(i);
    Tensor u = samples.select(2, column).to(kFloat64).reshape({n, c, 1});
    Tensor starts;
    if (out[i] == 1) {
      starts = ember::full({n, c, 1}, in[i] - kernel[i], longs);
    } else {
      double alpha = static_cast<double>(in[i] - kernel[i]) / static_cast<double>(out[i] - 1);
      Tensor o = ember::arange(out[i], TensorOptions(kFloat64).device(self.device())).reshape({1, 1, -1});
      starts = (((o + u) * alpha).floor() - (u * alpha).floor()).to(kInt64);
      Tensor last = ember::arange(out[i], longs).reshape({1, 1, -1}) == out[i] - 1;
      starts = ember::where(last, ember::full({}, in[i] - kernel[i], longs), starts);
    }
    std::vector<int64_t> sshape(rank, 1), kshape(rank, 1);
    sshape[0] = n;
    sshape[1] = c;
    sshape[2 + i] = out[i];
    kshape[2 + dims + i] = kernel[i];
    Tensor coordinate = starts.reshape(sshape) + ember::arange(kernel[i], longs).reshape(kshape);
    index = index + coordinate * in_strides[i];
  }
  std::vector<int64_t> full_shape{n, c};
  full_shape.insert(full_shape.end(), out.begin(), out.end());
  full_shape.insert(full_shape.end(), kernel.begin(), kernel.end());
  index = index.expand(full_shape).reshape({n, c, -1});
  Tensor gathered = b.x.reshape({n, c, -1}).gather(2, index);
  std::vector<int64_t> by_window{n, c};
  by_window.insert(by_window.end(), out.begin(), out.end());
  by_window.push_back(-1);
  auto [values, arg] = gathered.reshape(by_window).max(-1);
  Tensor chosen = index.reshape(by_window).gather(-1, arg.unsqueeze(-1)).squeeze(-1);
  return {without_batch(values, b.added), without_batch(chosen, b.added)};
}

Tensor max_unpool_nd(const Tensor& self, const Tensor& indices, IntArrayRef output_size, size_t dims, const char* op) {
  EMBER_CHECK(indices.scalar_type() == kInt64, TypeError, "[", op, "] elements in indices should be type int64");
  EMBER_CHECK(self.sizes() == indices.sizes(), ValueError, "[", op, "] Shape of indices (", indices.sizes(),
              ") should match shape of input (", self.sizes(), ")");
  Batched b = with_batch(self, dims, op);
  Tensor idx = b.added ? indices.unsqueeze(0) : indices;
  const int64_t n = b.x.size(0), c = b.x.size(1);
  int64_t total = 1;
  for (int64_t s : output_size) total *= s;
  if (idx.numel() > 0) {
    EMBER_CHECK(idx.amin().item<int64_t>() >= 0 && idx.amax().item<int64_t>() < total, IndexError, "[", op,
                "] Found an invalid max index: ", idx.amax().item<int64_t>(), " (output volumes are of size ", total, ")");
  }
  Tensor flat = ember::zeros({n, c, total}, b.x.options()).scatter(2, idx.reshape({n, c, -1}), b.x.reshape({n, c, -1}));
  std::vector<int64_t> shape{n, c};
  shape.insert(shape.end(), output_size.begin(), output_size.end());
  return without_batch(flat.reshape(shape), b.added);
}

}  // namespace

Tensor max_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                  bool ceil_mode) {
  return std::get<0>(max_pool_nd(self, 1, kernel_size, stride, padding, dilation, ceil_mode, "max_pool1d"));
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return max_pool_nd(self, 1, kernel_size, stride, padding, dilation, ceil_mode, "max_pool1d");
}
Tensor max_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                  bool ceil_mode) {
  return std::get<0>(max_pool_nd(self, 3, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d"));
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return max_pool_nd(self, 3, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d");
}
Tensor avg_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad) {
  return avg_pool_nd(self, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, std::nullopt, "avg_pool1d");
}
Tensor avg_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  return avg_pool_nd(self, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, "avg_pool3d");
}
Tensor adaptive_avg_pool1d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_avg_nd(self, 1, output_size, "adaptive_avg_pool1d");
}
Tensor adaptive_avg_pool3d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_avg_nd(self, 3, output_size, "adaptive_avg_pool3d");
}
std::tuple<Tensor, Tensor> adaptive_max_pool1d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_max_nd(self, 1, output_size, "adaptive_max_pool1d");
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_max_nd(self, 2, output_size, "adaptive_max_pool2d");
}
std::tuple<Tensor, Tensor> adaptive_max_pool3d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_max_nd(self, 3, output_size, "adaptive_max_pool3d");
}
std::tuple<Tensor, Tensor> fractional_max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples) {
  return fractional_max_nd(self, 2, kernel_size, output_size, random_samples, "fractional_max_pool2d");
}
std::tuple<Tensor, Tensor> fractional_max_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples) {
  return fractional_max_nd(self, 3, kernel_size, output_size, random_samples, "fractional_max_pool3d");
}
Tensor max_unpool2d(const Tensor& self, const Tensor& indices, IntArrayRef output_size) {
  return max_unpool_nd(self, indices, output_size, 2, "max_unpool2d");
}
Tensor max_unpool3d(const Tensor& self, const Tensor& indices, IntArrayRef output_size, IntArrayRef, IntArrayRef) {
  return max_unpool_nd(self, indices, output_size, 3, "max_unpool3d");
}

}  // namespace native
}  // namespace ember
