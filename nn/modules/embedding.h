// Embedding, as torch::nn::Embedding: a lookup table weight [num_embeddings, embedding_dim]
// initialized from N(0, 1); the padding_idx row (if any) starts at zero and gets no gradient.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API EmbeddingImpl : public Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(const EmbeddingOptions& options);

  void reset_parameters();
  // Integer indices of any shape -> indices.sizes() + [embedding_dim].
  Tensor forward(const Tensor& indices);
  // Embedding(num_embeddings=10, embedding_dim=3, padding_idx=0)
  void pretty_print(std::ostream& stream) const override;

  EmbeddingOptions options;  // padding_idx normalized to [0, num_embeddings)
  Tensor weight;
};
EMBER_MODULE(Embedding);

}  // namespace nn
}  // namespace ember
