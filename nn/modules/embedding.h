// Embedding and EmbeddingBag, as torch::nn's: a [num_embeddings, embedding_dim] weight,
// initialized N(0, 1) (the padding row zero), or given (_weight, from_pretrained).
// EmbeddingBag reduces each bag (a row of a 2-d input, or offsets into a 1-d one) by its mode.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/embedding.h"
#include "nn/modules/container/any_module.h"
#include "nn/options/embedding.h"

namespace ember {
namespace nn {

class EMBER_API EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(EmbeddingOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& indices);

  EmbeddingOptions options;
  Tensor weight;
};

class Embedding : public ModuleHolder<EmbeddingImpl> {
 public:
  using ModuleHolder<EmbeddingImpl>::ModuleHolder;
  using Impl = EmbeddingImpl;
  // An Embedding whose weight is embeddings (frozen unless options.freeze(false)).
  static EMBER_API Embedding from_pretrained(const Tensor& embeddings, const EmbeddingFromPretrainedOptions& options = {});
};

class EMBER_API EmbeddingBagImpl : public Cloneable<EmbeddingBagImpl> {
 public:
  EmbeddingBagImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingBagImpl(EmbeddingBagOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingBagImpl(EmbeddingBagOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input, const Tensor& offsets = {}, const Tensor& per_sample_weights = {});

  EmbeddingBagOptions options;
  Tensor weight;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(Tensor())}, {2, AnyValue(Tensor())})
};

class EmbeddingBag : public ModuleHolder<EmbeddingBagImpl> {
 public:
  using ModuleHolder<EmbeddingBagImpl>::ModuleHolder;
  using Impl = EmbeddingBagImpl;
  static EMBER_API EmbeddingBag from_pretrained(const Tensor& embeddings,
                                                const EmbeddingBagFromPretrainedOptions& options = {});
};

}  // namespace nn
}  // namespace ember
