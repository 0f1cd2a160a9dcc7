// Upsampling composites, separable per spatial dim: nearest and nearest-exact pick one source
// index (index_select); linear, bilinear and trilinear blend two neighbours, bicubic four
// (Keys' cubic convolution with A = -0.75, indices clamped at the borders). Source positions
// follow PyTorch's area_pixel_compute_source_index (align_corners, or explicit scales).
#include <cmath>

#include "core/checked_arith.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace native {

namespace {

enum class Mode { Nearest, NearestExact, Linear, Cubic };

double scale_value(std::optional<double> scale, int64_t in, int64_t out) {
  return scale && *scale > 0 ? 1.0 / *scale : static_cast<double>(in) / static_cast<double>(out);
}

double area_scale(int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (align_corners) return out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
  return scale_value(scale, in, out);
}

double source_index(double scale, int64_t dst, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<double>(dst);
  double src = scale * (static_cast<double>(dst) + 0.5) - 0.5;
  return (!cubic && src < 0) ? 0.0 : src;
}

double cubic1(double x, double a) { return ((a + 2) * x - (a + 3)) * x * x + 1; }
double cubic2(double x, double a) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; }

// Resamples dim d of x to `out` elements.
Tensor resample_dim(const Tensor& x, int64_t d, int64_t out, Mode mode, bool align_corners, std::optional<double> scale) {
  const int64_t in = x.size(d);
  EMBER_CHECK(in > 0 && out > 0, ValueError, "[upsample] Input and output sizes should be greater than 0, but got input (",
              in, ") and output (", out, ")");
  const bool nearest = mode == Mode::Nearest || mode == Mode::NearestExact;
  const int64_t taps = nearest ? 1 : mode == Mode::Linear ? 2 : 4;
  // The taps live in ember tensors, so that an output size too large for memory is ember's
  // OutOfMemoryError (and a count past int64 a ValueError) before anything is built.
  int64_t count = 0;
  EMBER_CHECK(checked_mul(out, taps, &count), ValueError, "[upsample] output size ", out, " is too large");
  Tensor index = ember::empty({count}, TensorOptions(kInt64));
  int64_t* ip = index.data_ptr<int64_t>();
  if (nearest) {
    // In float, as PyTorch computes nearest indices.
    const float s = static_cast<float>(scale_value(scale, in, out));
    for (int64_t o = 0; o < out; ++o) {
      float pos = mode == Mode::Nearest ? static_cast<float>(o) * s : (static_cast<float>(o) + 0.5f) * s;
      int64_t i = std::min(static_cast<int64_t>(std::floor(pos)), in - 1);
      if (mode == Mode::Nearest && out == in) i = o;
      ip[o] = i;
    }
    return x.index_select(d, index.to(x.device()));
  }
  Tensor weight = ember::empty({count}, TensorOptions(kFloat64));
  double* wp = weight.data_ptr<double>();
  const double s = area_scale(in, out, align_corners, scale);
  if (mode == Mode::Linear) {
    for (int64_t o = 0; o < out; ++o) {
      double src = source_index(s, o, align_corners, false);
      int64_t i0 = static_cast<int64_t>(src);
      double l1 = src - static_cast<double>(i0);
      ip[2 * o] = i0;
      ip[2 * o + 1] = i0 + (i0 < in - 1 ? 1 : 0);
      wp[2 * o] = 1 - l1;
      wp[2 * o + 1] = l1;
    }
  } else {
    constexpr double kA = -0.75;
    for (int64_t o = 0; o < out; ++o) {
      double src = source_index(s, o, align_corners, true);
      double fl = std::floor(src);
      double t = src - fl;
      int64_t base = static_cast<int64_t>(fl);
      double w[4] = {cubic2(t + 1, kA), cubic1(t, kA), cubic1(1 - t, kA), cubic2(2 - t, kA)};
      for (int k = 0; k < 4; ++k) {
        ip[4 * o + k] = std::min(std::max<int64_t>(base - 1 + k, 0), in - 1);
        wp[4 * o + k] = w[k];
      }
    }
  }
  // out[.., o, ..] = sum_k w[o, k] * x[.., index[o, k], ..]
  Tensor picked = x.index_select(d, index.to(x.device()));  // dim d: out * taps
  DimVector split(x.sizes());
  split[static_cast<size_t>(d)] = out;
  split.insert(static_cast<size_t>(d) + 1, taps);
  DimVector wshape(static_cast<size_t>(x.dim() + 1), 1);
  wshape[static_cast<size_t>(d)] = out;
  wshape[static_cast<size_t>(d) + 1] = taps;
  return (picked.reshape(split) * weight.to(x.options()).reshape(wshape)).sum({d + 1});
}

Tensor upsample(const Tensor& self, IntArrayRef output_size, Mode mode, bool align_corners,
                std::vector<std::optional<double>> scales, const char* op) {
  const size_t dims = output_size.size();
  EMBER_CHECK(self.dim() == static_cast<int64_t>(dims) + 2, ValueError, "[", op, "] Expected ", dims + 2,
              "D input (got ", self.dim(), "D)");
  Tensor x = self;
  for (size_t i = 0; i < dims; ++i) x = resample_dim(x, static_cast<int64_t>(i) + 2, output_size[i], mode, align_corners, scales[i]);
  return x.is_same(self) ? self.clone() : x;
}

}  // namespace

Tensor upsample_nearest1d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales) {
  return upsample(self, output_size, Mode::Nearest, false, {scales}, "upsample_nearest1d");
}
Tensor upsample_nearest2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h,
                          std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::Nearest, false, {scales_h, scales_w}, "upsample_nearest2d");
}
Tensor upsample_nearest3d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_d,
                          std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::Nearest, false, {scales_d, scales_h, scales_w}, "upsample_nearest3d");
}
Tensor _upsample_nearest_exact1d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales) {
  return upsample(self, output_size, Mode::NearestExact, false, {scales}, "_upsample_nearest_exact1d");
}
Tensor _upsample_nearest_exact2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h,
                                 std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::NearestExact, false, {scales_h, scales_w}, "_upsample_nearest_exact2d");
}
Tensor _upsample_nearest_exact3d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_d,
                                 std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::NearestExact, false, {scales_d, scales_h, scales_w}, "_upsample_nearest_exact3d");
}
Tensor upsample_linear1d(const Tensor& self, IntArrayRef output_size, bool align_corners, std::optional<double> scales) {
  return upsample(self, output_size, Mode::Linear, align_corners, {scales}, "upsample_linear1d");
}
Tensor upsample_bilinear2d(const Tensor& self, IntArrayRef output_size, bool align_corners, std::optional<double> scales_h,
                           std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::Linear, align_corners, {scales_h, scales_w}, "upsample_bilinear2d");
}
Tensor upsample_bicubic2d(const Tensor& self, IntArrayRef output_size, bool align_corners, std::optional<double> scales_h,
                          std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::Cubic, align_corners, {scales_h, scales_w}, "upsample_bicubic2d");
}
Tensor upsample_trilinear3d(const Tensor& self, IntArrayRef output_size, bool align_corners, std::optional<double> scales_d,
                            std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, Mode::Linear, align_corners, {scales_d, scales_h, scales_w}, "upsample_trilinear3d");
}

}  // namespace native
}  // namespace ember
