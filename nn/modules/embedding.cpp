// Embedding.
#include "nn/modules/embedding.h"

#include "autograd/grad_mode.h"
#include "generated/functions.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace ember {
namespace nn {

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& options_) : Module("Embedding"), options(options_) {
  int64_t n = options.num_embeddings();
  EMBER_CHECK(n >= 0 && options.embedding_dim() >= 0, ValueError,
              "[Embedding] num_embeddings and embedding_dim must be non-negative, got ", n, " and ",
              options.embedding_dim());
  if (options.padding_idx()) {
    int64_t p = *options.padding_idx();
    EMBER_CHECK(p < n && p >= -n, IndexError, "[Embedding] Padding_idx must be within num_embeddings (", n, "), got ", p);
    if (p < 0) options.padding_idx(p + n);
  }
  weight = register_parameter("weight", ember::empty({n, options.embedding_dim()}));
  reset_parameters();
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard no_grad;
    weight.select(0, *options.padding_idx()).fill_(0);
  }
}

Tensor EmbeddingImpl::forward(const Tensor& indices) {
  return functional::embedding(indices, weight,
                               EmbeddingFuncOptions()
                                   .padding_idx(options.padding_idx())
                                   .scale_grad_by_freq(options.scale_grad_by_freq()));
}

void EmbeddingImpl::pretty_print(std::ostream& stream) const {
  stream << "Embedding(num_embeddings=" << options.num_embeddings() << ", embedding_dim=" << options.embedding_dim();
  if (options.padding_idx()) stream << ", padding_idx=" << *options.padding_idx();
  if (options.scale_grad_by_freq()) stream << ", scale_grad_by_freq=true";
  stream << ")";
}

}  // namespace nn
}  // namespace ember
