// Vision composites: pixel_shuffle / pixel_unshuffle (reshape and permute), im2col / col2im
// (nn.Unfold / nn.Fold: sliding windows, and scatter_add of the columns back into the padded
// image), affine_grid_generator and grid_sampler (2-d: bilinear and nearest, zeros, border and
// reflection padding, as PyTorch's grid_sampler_2d).
#include <cmath>
#include <vector>

#include "core/checked_arith.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/composite/sliding_window.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

Tensor pixel_shuffle(const Tensor& self, int64_t upscale_factor) {
  EMBER_CHECK(self.dim() >= 3, ValueError, "[pixel_shuffle] pixel_shuffle expects input to have at least 3 dimensions, but got input with ",
              self.dim(), " dimension(s)");
  EMBER_CHECK(upscale_factor > 0, ValueError, "[pixel_shuffle] pixel_shuffle expects a positive upscale_factor, but got ",
              upscale_factor);
  const int64_t r = upscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  EMBER_CHECK(c % (r * r) == 0, ValueError,
              "[pixel_shuffle] pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=",
              c, " is not divisible by ", r * r);
  DimVector batch(IntArrayRef(self.sizes().data(), self.sizes().size() - 3));
  const int64_t nb = static_cast<int64_t>(batch.size());
  DimVector split(batch);
  for (int64_t s : {c / (r * r), r, r, h, w}) split.push_back(s);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < nb; ++i) perm.push_back(i);
  for (int64_t i : {0, 3, 1, 4, 2}) perm.push_back(nb + i);
  DimVector out(batch);
  for (int64_t s : {c / (r * r), h * r, w * r}) out.push_back(s);
  return self.reshape(split).permute(perm).reshape(out);
}

Tensor pixel_unshuffle(const Tensor& self, int64_t downscale_factor) {
  EMBER_CHECK(self.dim() >= 3, ValueError, "[pixel_unshuffle] pixel_unshuffle expects input to have at least 3 dimensions, but got input with ",
              self.dim(), " dimension(s)");
  EMBER_CHECK(downscale_factor > 0, ValueError, "[pixel_unshuffle] pixel_unshuffle expects a positive downscale_factor, but got ",
              downscale_factor);
  const int64_t r = downscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  EMBER_CHECK(h % r == 0, ValueError, "[pixel_unshuffle] pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=",
              h, " is not divisible by ", r);
  EMBER_CHECK(w % r == 0, ValueError, "[pixel_unshuffle] pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=",
              w, " is not divisible by ", r);
  DimVector batch(IntArrayRef(self.sizes().data(), self.sizes().size() - 3));
  const int64_t nb = static_cast<int64_t>(batch.size());
  DimVector split(batch);
  for (int64_t s : {c, h / r, r, w / r, r}) split.push_back(s);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < nb; ++i) perm.push_back(i);
  for (int64_t i : {0, 2, 4, 1, 3}) perm.push_back(nb + i);
  DimVector out(batch);
  for (int64_t s : {c * r * r, h / r, w / r}) out.push_back(s);
  return self.reshape(split).permute(perm).reshape(out);
}

namespace {
struct Blocks {
  int64_t kh, kw, dh, dw, ph, pw, sh, sw;
};
Blocks blocks_of(IntArrayRef k, IntArrayRef d, IntArrayRef p, IntArrayRef s, const char* op) {
  auto two = [&](IntArrayRef v, const char* name) {
    EMBER_CHECK(v.size() == 2 || v.size() == 1, ValueError, "[", op, "] It is expected ", name, " equals to 2, but got size ",
                v.size());
    return std::pair<int64_t, int64_t>(v[0], v.size() == 2 ? v[1] : v[0]);
  };
  auto [kh, kw] = two(k, "kernel_size");
  auto [dh, dw] = two(d, "dilation");
  auto [ph, pw] = two(p, "padding");
  auto [sh, sw] = two(s, "stride");
  EMBER_CHECK(kh > 0 && kw > 0, ValueError, "[", op, "] kernel size should be greater than zero, but got kernel_height: ", kh,
              " kernel_width: ", kw);
  EMBER_CHECK(sh > 0 && sw > 0, ValueError, "[", op, "] stride should be greater than zero, but got stride_height: ", sh,
              " stride_width: ", sw);
  EMBER_CHECK(dh > 0 && dw > 0, ValueError, "[", op, "] dilation should be greater than zero, but got dilation_height: ", dh,
              " dilation_width: ", dw);
  EMBER_CHECK(ph >= 0 && pw >= 0, ValueError, "[", op, "] padding should be non-negative, but got pad_height: ", ph,
              " pad_width: ", pw);
  return {kh, kw, dh, dw, ph, pw, sh, sw};
}

// a * b and a + b, or a ValueError naming the op when int64 cannot hold them (fuzzed arguments
// reach 2^63).
int64_t mul_or_throw(int64_t a, int64_t b, const char* op) {
  int64_t r = 0;
  EMBER_CHECK(checked_mul(a, b, &r), ValueError, "[", op, "] ", a, " * ", b, " overflows int64 (sizes too large)");
  return r;
}
int64_t add_or_throw(int64_t a, int64_t b, const char* op) {
  int64_t r = 0;
  EMBER_CHECK(checked_add(a, b, &r), ValueError, "[", op, "] ", a, " + ", b, " overflows int64 (sizes too large)");
  return r;
}

// PyTorch's number of sliding blocks along one dim, (extent + 2 pad - (dilation (kernel - 1) + 1))
// / stride + 1, with every step checked.
int64_t sliding_blocks(int64_t extent, int64_t pad, int64_t dilation, int64_t kernel, int64_t stride, const char* op) {
  const int64_t padded = add_or_throw(extent, mul_or_throw(2, pad, op), op);
  const int64_t span = add_or_throw(mul_or_throw(dilation, kernel - 1, op), 1, op);
  return (padded - span) / stride + 1;  // both non-negative: no overflow
}
}  // namespace

Tensor im2col(const Tensor& self, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding, IntArrayRef stride) {
  Blocks b = blocks_of(kernel_size, dilation, padding, stride, "im2col");
  EMBER_CHECK(self.dim() == 3 || self.dim() == 4, ValueError,
              "[im2col] Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ",
              self.sizes());
  Tensor x = self.dim() == 3 ? self.unsqueeze(0) : self;
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t oh = sliding_blocks(h, b.ph, b.dh, b.kh, b.sh, "im2col");
  const int64_t ow = sliding_blocks(w, b.pw, b.dw, b.kw, b.sw, "im2col");
  EMBER_CHECK(oh >= 1 && ow >= 1, ValueError, "[im2col] Given input with spatial size (", h, ", ", w, "), kernel_size=(", b.kh,
              ", ", b.kw, "), dilation=(", b.dh, ", ", b.dw, "), padding=(", b.ph, ", ", b.pw,
              "), calculated shape of the array of sliding blocks as (", oh, ", ", ow,
              "), but its components must be at least one.");
  Tensor padded = window::pad_spatial(x, {b.ph, b.pw}, {0, 0}, 0);
  Tensor win = window::windows(padded, {b.kh, b.kw}, {b.sh, b.sw}, {b.dh, b.dw}, {oh, ow});  // [N, C, oh, ow, kh, kw]
  Tensor cols = win.permute({0, 1, 4, 5, 2, 3})
                    .reshape({n, mul_or_throw(mul_or_throw(c, b.kh, "im2col"), b.kw, "im2col"),
                              mul_or_throw(oh, ow, "im2col")});
  return self.dim() == 3 ? cols.squeeze(0) : cols;
}

Tensor col2im(const Tensor& self, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride) {
  Blocks b = blocks_of(kernel_size, dilation, padding, stride, "col2im");
  EMBER_CHECK(output_size.size() == 2, ValueError, "[col2im] It is expected output_size equals to 2, but got size ",
              output_size.size());
  EMBER_CHECK(self.dim() == 2 || self.dim() == 3, ValueError,
              "[col2im] Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ",
              self.sizes());
  Tensor cols = self.dim() == 2 ? self.unsqueeze(0) : self;
  const int64_t h = output_size[0], w = output_size[1];
  const int64_t kernel_volume = mul_or_throw(b.kh, b.kw, "col2im");
  EMBER_CHECK(cols.size(1) % kernel_volume == 0, ValueError,
              "[col2im] Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=",
              cols.size(1), " and kernel_size=(", b.kh, ", ", b.kw, ")");
  EMBER_CHECK(h >= 0 && w >= 0, ValueError, "[col2im] output_size must be non-negative, but got (", h, ", ", w, ")");
  const int64_t oh = sliding_blocks(h, b.ph, b.dh, b.kh, b.sh, "col2im");
  const int64_t ow = sliding_blocks(w, b.pw, b.dw, b.kw, b.sw, "col2im");
  int64_t blocks = 0;
  const bool blocks_fit = oh >= 1 && ow >= 1 && checked_mul(oh, ow, &blocks);
  EMBER_CHECK(blocks_fit && cols.size(2) == blocks, ValueError, "[col2im] Given output_size=(", h, ", ", w,
              "), kernel_size=(", b.kh, ", ", b.kw, "), dilation=(", b.dh, ", ", b.dw, "), padding=(", b.ph, ", ", b.pw,
              "), stride=(", b.sh, ", ", b.sw, "), expected size of input's dimension 2 to match the calculated number of sliding blocks ",
              oh, " * ", ow, " = ", blocks, ", but got input.size(2)=", cols.size(2), ".");
  const int64_t n = cols.size(0), c = cols.size(1) / kernel_volume;
  // h + 2 ph and w + 2 pw fit (sliding_blocks checked them).
  const int64_t hp = h + 2 * b.ph, wp = w + 2 * b.pw;
  // Target position (in the padded image) of every (ki, kj, block) entry.
  TensorOptions longs = TensorOptions(kInt64).device(self.device());
  Tensor ki = ember::arange(b.kh, longs).reshape({b.kh, 1, 1, 1});
  Tensor kj = ember::arange(b.kw, longs).reshape({1, b.kw, 1, 1});
  Tensor bi = ember::arange(oh, longs).reshape({1, 1, oh, 1});
  Tensor bj = ember::arange(ow, longs).reshape({1, 1, 1, ow});
  Tensor pos = (bi * b.sh + ki * b.dh) * wp + (bj * b.sw + kj * b.dw);  // [kh, kw, oh, ow]
  const int64_t entries = mul_or_throw(kernel_volume, blocks, "col2im");
  Tensor index = pos.reshape({1, 1, -1}).expand({n, c, entries});
  Tensor src = cols.reshape({n, c, entries});
  Tensor image = ember::zeros({n, c, mul_or_throw(hp, wp, "col2im")}, cols.options()).scatter_add(2, index, src).reshape({n, c, hp, wp});
  image = image.narrow(2, b.ph, h).narrow(3, b.pw, w);
  return self.dim() == 2 ? image.squeeze(0) : image;
}

namespace {
// -1 .. 1 in num_steps steps; without align_corners, the centres of num_steps pixels.
Tensor linspace_from_neg_one(const Tensor& theta, int64_t num_steps, bool align_corners) {
  if (num_steps <= 1) return ember::zeros({1}, theta.options());
  Tensor range = ember::linspace(-1, 1, num_steps, theta.options());
  if (!align_corners) range = range * (static_cast<double>(num_steps - 1) / static_cast<double>(num_steps));
  return range;
}
}  // namespace

Tensor affine_grid_generator(const Tensor& theta, IntArrayRef size, bool align_corners) {
  EMBER_CHECK(size.size() == 4 || size.size() == 5, ValueError,
              "[affine_grid] AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.");
  for (int64_t s : size)
    EMBER_CHECK(s > 0, ValueError, "[affine_grid] Expected non-zero, positive output size. Got ", size);
  const int64_t n = size[0];
  if (size.size() == 4) {
    EMBER_CHECK(theta.dim() == 3 && theta.size(1) == 2 && theta.size(2) == 3, ValueError,
                "[affine_grid] Expected a batch of 2D affine matrices of shape Nx2x3 for size ", size, ". Got ", theta.sizes(), ".");
    const int64_t h = size[2], w = size[3];
    Tensor xs = linspace_from_neg_one(theta, w, align_corners).reshape({1, w, 1}).expand({h, w, 1});
    Tensor ys = linspace_from_neg_one(theta, h, align_corners).reshape({h, 1, 1}).expand({h, w, 1});
    Tensor base = ember::cat({xs, ys, ember::ones({h, w, 1}, theta.options())}, 2);  // [H, W, 3]
    return ember::matmul(base.reshape({1, h * w, 3}), theta.transpose(1, 2)).reshape({n, h, w, 2});
  }
  EMBER_CHECK(theta.dim() == 3 && theta.size(1) == 3 && theta.size(2) == 4, ValueError,
              "[affine_grid] Expected a batch of 3D affine matrices of shape Nx3x4 for size ", size, ". Got ", theta.sizes(), ".");
  const int64_t d = size[2], h = size[3], w = size[4];
  Tensor xs = linspace_from_neg_one(theta, w, align_corners).reshape({1, 1, w, 1}).expand({d, h, w, 1});
  Tensor ys = linspace_from_neg_one(theta, h, align_corners).reshape({1, h, 1, 1}).expand({d, h, w, 1});
  Tensor zs = linspace_from_neg_one(theta, d, align_corners).reshape({d, 1, 1, 1}).expand({d, h, w, 1});
  Tensor base = ember::cat({xs, ys, zs, ember::ones({d, h, w, 1}, theta.options())}, 3);
  return ember::matmul(base.reshape({1, d * h * w, 4}), theta.transpose(1, 2)).reshape({n, d, h, w, 3});
}

namespace {
// grid coordinate in [-1, 1] -> pixel coordinate.
Tensor unnormalize(const Tensor& coord, int64_t size, bool align_corners) {
  if (align_corners) return (coord + 1) * (0.5 * static_cast<double>(size - 1));
  return ((coord + 1) * static_cast<double>(size) - 1) * 0.5;
}
// Reflects coordinates into [low / 2, high / 2] (twice_low, twice_high as PyTorch passes them).
Tensor reflect(const Tensor& coord, int64_t twice_low, int64_t twice_high) {
  if (twice_low == twice_high) return ember::zeros_like(coord);
  const double min = twice_low / 2.0, span = (twice_high - twice_low) / 2.0;
  Tensor in = (coord - min).abs();
  Tensor extra = ember::fmod(in, ember::full({}, span, in.options()));
  Tensor flips = (in / span).floor();
  Tensor even = ember::fmod(flips, ember::full({}, 2.0, in.options())) == 0;
  return ember::where(even, extra + min, span - extra + min);
}
// Applies the padding mode to a pixel coordinate: border clamps it into the image, reflection
// mirrors it at the borders (then clamps), zeros leaves it (samples outside read 0).
Tensor pad_coordinate(Tensor c, int64_t size, int64_t padding_mode, bool align_corners) {
  if (padding_mode == 1) {
    c = c.clamp(0, static_cast<double>(size - 1));
  } else if (padding_mode == 2) {
    c = align_corners ? reflect(c, 0, 2 * (size - 1)) : reflect(c, -1, 2 * size - 1);
    c = c.clamp(0, static_cast<double>(size - 1));
  }
  return c;
}
// The cubic convolution weights of Keys (1981) with A = -0.75, as PyTorch's bicubic.
Tensor cubic_near(const Tensor& x) {  // |x| <= 1
  constexpr double A = -0.75;
  return ((x * (A + 2) - (A + 3)) * x) * x + 1;
}
Tensor cubic_far(const Tensor& x) {  // 1 < |x| < 2
  constexpr double A = -0.75;
  return ((x * A - 5 * A) * x + 8 * A) * x - 4 * A;
}
}  // namespace

Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                    bool align_corners) {
  EMBER_CHECK(input.dim() == 4 || input.dim() == 5, ValueError,
              "[grid_sampler] input must be 4-d [N, C, H, W] or 5-d [N, C, D, H, W], got ", input.dim(), "-d input");
  const int64_t dims = input.dim() - 2;  // spatial dimensions: 2 or 3
  EMBER_CHECK(grid.dim() == input.dim() && grid.size(-1) == dims && grid.size(0) == input.size(0), ValueError,
              "[grid_sampler] grid must be [N, ", dims == 2 ? "H_out, W_out, 2" : "D_out, H_out, W_out, 3",
              "] with the input's batch size, got ", grid.sizes());
  EMBER_CHECK(interpolation_mode >= 0 && interpolation_mode <= 2, ValueError,
              "[grid_sampler] interpolation_mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), got ",
              interpolation_mode);
  EMBER_CHECK(interpolation_mode != 2 || dims == 2, ValueError,
              "[grid_sampler] bicubic interpolation only supports 4-d input");
  EMBER_CHECK(padding_mode >= 0 && padding_mode <= 2, ValueError, "[grid_sampler] padding_mode must be 0, 1 or 2, got ",
              padding_mode);
  const int64_t n = input.size(0), c = input.size(1);
  // Sizes and strides of the flattened image in coordinate order (x: width, y: height, z: depth).
  std::vector<int64_t> size, stride;
  int64_t numel = 1;
  for (int64_t k = 0; k < dims; ++k) {
    size.push_back(input.size(input.dim() - 1 - k));
    stride.push_back(numel);
    numel *= size.back();
  }
  int64_t points = 1;
  std::vector<int64_t> out_sizes = {n, c};
  for (int64_t k = 1; k <= dims; ++k) {
    points *= grid.size(k);
    out_sizes.push_back(grid.size(k));
  }
  std::vector<Tensor> coord;  // unnormalized pixel coordinates, [N, points] each
  for (int64_t k = 0; k < dims; ++k)
    coord.push_back(unnormalize(grid.select(-1, k).reshape({n, points}), size[static_cast<size_t>(k)], align_corners));
  Tensor flat = input.reshape({n, c, numel});
  Tensor zero = ember::zeros({}, input.options());
  // The value at integer pixel p (one coordinate per dimension), 0 outside the image.
  auto sample = [&](const std::vector<Tensor>& p) {
    Tensor inside, index;
    for (size_t k = 0; k < p.size(); ++k) {
      Tensor in_k = (p[k] >= 0).logical_and(p[k] < size[k]);
      inside = inside.defined() ? inside.logical_and(in_k) : in_k;
      Tensor offset = p[k].clamp(0, static_cast<double>(size[k] - 1)) * static_cast<double>(stride[k]);
      index = index.defined() ? index + offset : offset;
    }
    Tensor v = flat.gather(2, index.to(kInt64).unsqueeze(1).expand({n, c, points}));
    return ember::where(inside.unsqueeze(1), v, zero);
  };
  auto padded = [&](const Tensor& x, size_t k) { return pad_coordinate(x, size[k], padding_mode, align_corners); };
  Tensor out;
  if (interpolation_mode == 1) {  // nearest: round half to even, as nearbyint
    std::vector<Tensor> p;
    for (size_t k = 0; k < coord.size(); ++k) p.push_back(padded(coord[k], k).round());
    out = sample(p);
  } else if (interpolation_mode == 0) {  // bilinear / trilinear: 2^dims corners
    std::vector<Tensor> lo, frac;
    for (size_t k = 0; k < coord.size(); ++k) {
      Tensor x = padded(coord[k], k);
      lo.push_back(x.floor());
      frac.push_back((x - lo.back()).unsqueeze(1));
    }
    for (int64_t corner = 0; corner < (int64_t{1} << dims); ++corner) {
      std::vector<Tensor> p;
      Tensor weight;
      for (size_t k = 0; k < coord.size(); ++k) {
        const bool high = (corner >> k) & 1;
        p.push_back(high ? lo[k] + 1 : lo[k]);
        Tensor w = high ? frac[k] : 1 - frac[k];
        weight = weight.defined() ? weight * w : w;
      }
      Tensor term = sample(p) * weight;
      out = out.defined() ? out + term : term;
    }
  } else {  // bicubic: 4x4 taps around the point, the padding mode applied to every tap
    Tensor x0 = coord[0].floor(), y0 = coord[1].floor();
    Tensor tx = (coord[0] - x0).unsqueeze(1), ty = (coord[1] - y0).unsqueeze(1);
    const Tensor wx[4] = {cubic_far(tx + 1), cubic_near(tx), cubic_near(1 - tx), cubic_far(2 - tx)};
    const Tensor wy[4] = {cubic_far(ty + 1), cubic_near(ty), cubic_near(1 - ty), cubic_far(2 - ty)};
    for (int i = 0; i < 4; ++i) {
      Tensor row;
      Tensor py = padded(y0 + (i - 1), 1).trunc();
      for (int j = 0; j < 4; ++j) {
        Tensor term = sample({padded(x0 + (j - 1), 0).trunc(), py}) * wx[j];
        row = row.defined() ? row + term : term;
      }
      Tensor term = row * wy[i];
      out = out.defined() ? out + term : term;
    }
  }
  return out.reshape(out_sizes);
}

}  // namespace native
}  // namespace ember
