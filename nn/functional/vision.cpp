#include "nn/functional/vision.h"

#include <cmath>

#include "core/warning.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, const CosineSimilarityFuncOptions& options) {
  return ember::cosine_similarity(x1, x2, options.dim(), options.eps());
}
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, const PairwiseDistanceFuncOptions& options) {
  return ember::pairwise_distance(x1, x2, options.p(), options.eps(), options.keepdim());
}
Tensor pdist(const Tensor& input, double p) { return ember::pdist(input, p); }
Tensor pixel_shuffle(const Tensor& input, const PixelShuffleFuncOptions& options) {
  return ember::pixel_shuffle(input, options.upscale_factor());
}
Tensor pixel_unshuffle(const Tensor& input, const PixelUnshuffleFuncOptions& options) {
  return ember::pixel_unshuffle(input, options.downscale_factor());
}

namespace {
std::vector<int64_t> interp_output_size(const Tensor& input, int64_t dims, const InterpolateFuncOptions& o) {
  EMBER_CHECK(o.size() || o.scale_factor(), ValueError, "either size or scale_factor should be defined");
  EMBER_CHECK(!(o.size() && o.scale_factor()), ValueError, "only one of size or scale_factor should be defined");
  if (o.size()) {
    EMBER_CHECK(static_cast<int64_t>(o.size()->size()) == dims, ValueError, "size shape must match input shape. Input is ",
                dims, "D, size is ", o.size()->size());
    return *o.size();
  }
  EMBER_CHECK(static_cast<int64_t>(o.scale_factor()->size()) == dims, ValueError,
              "scale_factor shape must match input shape. Input is ", dims, "D, scale_factor size is ",
              o.scale_factor()->size());
  std::vector<int64_t> out;
  for (int64_t i = 0; i < dims; ++i)
    out.push_back(static_cast<int64_t>(std::floor(static_cast<double>(input.size(i + 2)) * (*o.scale_factor())[i])));
  return out;
}
}  // namespace

Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options) {
  const auto& mode = options.mode();
  const bool nearest_like = std::holds_alternative<enumtype::kNearest>(mode) ||
                            std::holds_alternative<enumtype::kArea>(mode) ||
                            std::holds_alternative<enumtype::kNearestExact>(mode);
  EMBER_CHECK(!(nearest_like && options.align_corners()), ValueError,
              "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  const bool align_corners = options.align_corners().value_or(false);
  const std::string mode_name = enumtype::get_enum_name(mode);
  EMBER_CHECK(input.dim() >= 3 && input.dim() <= 5, ValueError, "Input Error: Only 3D, 4D and 5D input Tensors supported (got ",
              input.dim(), "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ",
              mode_name, ")");
  const int64_t dims = input.dim() - 2;
  std::vector<std::optional<double>> scales(static_cast<size_t>(dims), std::nullopt);
  if (options.scale_factor() && !options.recompute_scale_factor().value_or(false)) {
    scales.clear();
    for (double s : *options.scale_factor()) scales.emplace_back(s);
  }
  EMBER_CHECK(!options.antialias(), NotImplementedError, "[interpolate] antialias is not supported yet");
  std::vector<int64_t> size = interp_output_size(input, dims, options);
  auto need = [&](int64_t want) {
    EMBER_CHECK(dims == want, ValueError, "Got ", input.dim(), "D input, but ", mode_name, " mode needs ", want + 2, "D input");
  };
  if (std::holds_alternative<enumtype::kNearest>(mode)) {
    if (dims == 1) return ember::upsample_nearest1d(input, size, scales[0]);
    if (dims == 2) return ember::upsample_nearest2d(input, size, scales[0], scales[1]);
    return ember::upsample_nearest3d(input, size, scales[0], scales[1], scales[2]);
  }
  if (std::holds_alternative<enumtype::kNearestExact>(mode)) {
    if (dims == 1) return ember::_upsample_nearest_exact1d(input, size, scales[0]);
    if (dims == 2) return ember::_upsample_nearest_exact2d(input, size, scales[0], scales[1]);
    return ember::_upsample_nearest_exact3d(input, size, scales[0], scales[1], scales[2]);
  }
  if (std::holds_alternative<enumtype::kArea>(mode)) {
    if (dims == 1) return ember::adaptive_avg_pool1d(input, size);
    if (dims == 2) return ember::adaptive_avg_pool2d(input, size);
    return ember::adaptive_avg_pool3d(input, size);
  }
  if (std::holds_alternative<enumtype::kLinear>(mode)) {
    need(1);
    return ember::upsample_linear1d(input, size, align_corners, scales[0]);
  }
  if (std::holds_alternative<enumtype::kBilinear>(mode)) {
    need(2);
    return ember::upsample_bilinear2d(input, size, align_corners, scales[0], scales[1]);
  }
  if (std::holds_alternative<enumtype::kBicubic>(mode)) {
    need(2);
    return ember::upsample_bicubic2d(input, size, align_corners, scales[0], scales[1]);
  }
  need(3);
  return ember::upsample_trilinear3d(input, size, align_corners, scales[0], scales[1], scales[2]);
}

Tensor fold(const Tensor& input, const FoldFuncOptions& o) {
  EMBER_CHECK(input.dim() == 3 || input.dim() == 2, ValueError,
              "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ", input.dim(), "D)");
  return ember::col2im(input, o.output_size(), o.kernel_size(), o.dilation(), o.padding(), o.stride());
}

Tensor unfold(const Tensor& input, const UnfoldFuncOptions& o) {
  EMBER_CHECK(input.dim() == 4 || input.dim() == 3, ValueError,
              "Input Error: Only 4D input Tensors are supported (got ", input.dim(), "D)");
  return ember::im2col(input, o.kernel_size(), o.dilation(), o.padding(), o.stride());
}

Tensor affine_grid(const Tensor& theta, IntArrayRef size, bool align_corners) {
  EMBER_CHECK(theta.is_floating_point(), TypeError, "Expected theta to have floating point type, but got ",
              cpp_type_name(theta.scalar_type()));
  if (size.size() == 4) {
    EMBER_CHECK(theta.dim() == 3 && theta.size(-2) == 2 && theta.size(-1) == 3, ValueError,
                "Expected a batch of 2D affine matrices of shape Nx2x3 for size ", size, ". Got ", theta.sizes(), ".");
  } else if (size.size() == 5) {
    EMBER_CHECK(theta.dim() == 3 && theta.size(-2) == 3 && theta.size(-1) == 4, ValueError,
                "Expected a batch of 3D affine matrices of shape Nx3x4 for size ", size, ". Got ", theta.sizes(), ".");
  } else {
    EMBER_FAIL(NotImplementedError, "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ",
               size);
  }
  for (int64_t s : size)
    EMBER_CHECK(s > 0, ValueError, "Expected non-zero, positive output size. Got ", size);
  return ember::affine_grid_generator(theta, size, align_corners);
}

Tensor grid_sample(const Tensor& input, const Tensor& grid, const GridSampleFuncOptions& options) {
  const int64_t mode = std::holds_alternative<enumtype::kBilinear>(options.mode()) ? 0 : 1;
  int64_t padding = 0;
  if (std::holds_alternative<enumtype::kBorder>(options.padding_mode())) padding = 1;
  if (std::holds_alternative<enumtype::kReflection>(options.padding_mode())) padding = 2;
  return ember::grid_sampler(input, grid, mode, padding, options.align_corners().value_or(false));
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
