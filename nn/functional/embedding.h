// nn::functional embedding, embedding_bag and one_hot, as torch::nn::functional's.
#pragma once

#include "core/tensor.h"
#include "nn/options/embedding.h"

namespace ember {
namespace nn {
namespace functional {

// Rows of weight picked by the integer indices in input; output shape input.sizes() + [dim].
// padding_idx and scale_grad_by_freq shape the gradient as PyTorch's; max_norm renormalizes the
// used rows of weight in place first.
EMBER_API Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {});
// Sums, means or maxima of bags of rows: input 2-D [B, L] (each row a bag) or 1-D with offsets.
EMBER_API Tensor embedding_bag(const Tensor& input, const Tensor& weight, const EmbeddingBagFuncOptions& options = {});
EMBER_API Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1);

}  // namespace functional
}  // namespace nn
}  // namespace ember
