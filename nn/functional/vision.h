// nn::functional: distances (cosine_similarity, pairwise_distance, pdist), pixel_shuffle /
// pixel_unshuffle, interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear,
// area), fold / unfold, affine_grid, grid_sample.
#pragma once

#include "core/tensor.h"
#include "nn/options/vision.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, const CosineSimilarityFuncOptions& options = {});
EMBER_API Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, const PairwiseDistanceFuncOptions& options = {});
EMBER_API Tensor pdist(const Tensor& input, double p = 2.0);
EMBER_API Tensor pixel_shuffle(const Tensor& input, const PixelShuffleFuncOptions& options);
EMBER_API Tensor pixel_unshuffle(const Tensor& input, const PixelUnshuffleFuncOptions& options);
EMBER_API Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options = {});
EMBER_API Tensor fold(const Tensor& input, const FoldFuncOptions& options);
EMBER_API Tensor unfold(const Tensor& input, const UnfoldFuncOptions& options);
EMBER_API Tensor affine_grid(const Tensor& theta, IntArrayRef size, bool align_corners = false);
EMBER_API Tensor grid_sample(const Tensor& input, const Tensor& grid, const GridSampleFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
