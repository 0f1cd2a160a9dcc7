// nn::functional::multi_head_attention_forward: scaled dot-product attention over num_heads
// heads with input and output projections, as PyTorch 1.13's (query/key/value [len, batch,
// embed]); returns the output and, with need_weights, the attention weights (averaged over the
// heads unless average_attn_weights is false).
#pragma once

#include <tuple>

#include "core/tensor.h"
#include "nn/options/attention.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API std::tuple<Tensor, Tensor> multi_head_attention_forward(const Tensor& query, const Tensor& key,
                                                                  const Tensor& value,
                                                                  const MultiheadAttentionForwardFuncOptions& options);

}  // namespace functional
}  // namespace nn
}  // namespace ember
