// nn::MultiheadAttention, as torch::nn's: query/key/value [len, batch, embed_dim]; forward
// returns (output, attention weights averaged over the heads, or undefined without need_weights).
// Thread-safety: as nn::Module.
#pragma once

#include <tuple>

#include "nn/cloneable.h"
#include "nn/functional/attention.h"
#include "nn/modules/container/any_module.h"
#include "nn/modules/linear.h"
#include "nn/options/attention.h"

namespace ember {
namespace nn {

class EMBER_API MultiheadAttentionImpl : public Cloneable<MultiheadAttentionImpl> {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads)
      : MultiheadAttentionImpl(MultiheadAttentionOptions(embed_dim, num_heads)) {}
  explicit MultiheadAttentionImpl(const MultiheadAttentionOptions& options);
  void reset() override;
  void _reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const Tensor& key_padding_mask = {}, bool need_weights = true,
                                     const Tensor& attn_mask = {}, bool average_attn_weights = true);

  MultiheadAttentionOptions options;
  bool _qkv_same_embed_dim = true;
  Tensor in_proj_weight, in_proj_bias;
  Tensor bias_k, bias_v;
  Linear out_proj = nullptr;
  Tensor q_proj_weight, k_proj_weight, v_proj_weight;
  int64_t head_dim = 0;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({3, AnyValue(Tensor())}, {4, AnyValue(true)}, {5, AnyValue(Tensor())}, {6, AnyValue(true)})
};
EMBER_MODULE(MultiheadAttention);

}  // namespace nn
}  // namespace ember
