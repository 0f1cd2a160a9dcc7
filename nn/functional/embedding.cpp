#include "nn/functional/embedding.h"

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/indexing.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
// embedding_renorm_: the rows input uses, scaled down to max_norm where their norm exceeds it.
void renorm_rows(const Tensor& weight, const Tensor& input, double max_norm, double norm_type) {
  NoGradGuard no_grad;
  Tensor rows = input.reshape({-1}).to(kInt64);
  if (rows.numel() == 0) return;
  Tensor picked = weight.index_select(0, rows);
  Tensor norms = ember::norm(picked, norm_type, IntArrayRef(1), true);
  Tensor scale = ember::where(norms > max_norm, max_norm / (norms + 1e-7), ember::ones({}, norms.options()));
  weight.index_put_({indexing::TensorIndex(rows)}, picked * scale);
}

int64_t resolve_padding_idx(const std::optional<int64_t>& padding_idx, int64_t rows) {
  if (!padding_idx) return -1;
  int64_t p = *padding_idx;
  if (p >= 0) {
    EMBER_CHECK(p < rows, IndexError, "Padding_idx must be within num_embedding");
    return p;
  }
  EMBER_CHECK(p >= -rows, IndexError, "Padding_idx must be within num_embedding");
  return p + rows;
}
}  // namespace

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  Tensor in = input.contiguous();
  const int64_t padding_idx = resolve_padding_idx(options.padding_idx(), weight.size(0));
  if (options.max_norm()) renorm_rows(weight, in, *options.max_norm(), options.norm_type());
  return ember::embedding(weight, in, padding_idx, options.scale_grad_by_freq(), options.sparse());
}

Tensor embedding_bag(const Tensor& input, const Tensor& weight, const EmbeddingBagFuncOptions& options) {
  Tensor in = input;
  Tensor offsets = options.offsets();
  Tensor per_sample_weights = options.per_sample_weights();
  EMBER_CHECK(!per_sample_weights.defined() || in.sizes() == per_sample_weights.sizes(), ValueError,
              "embedding_bag: If per_sample_weights (", per_sample_weights.defined() ? per_sample_weights.sizes() : IntArrayRef(),
              ") is not null, then it must have the same shape as the input (", in.sizes(), ")");
  if (in.dim() == 2) {
    EMBER_CHECK(!offsets.defined(), ValueError,
                "If input is 2D, then offsets has to be null, as input is treated is a mini-batch of fixed length sequences. "
                "However, found offsets of type Tensor");
    offsets = ember::arange(0, in.numel(), in.size(1), TensorOptions(kInt64).device(in.device()));
    in = in.reshape({-1});
    if (per_sample_weights.defined()) per_sample_weights = per_sample_weights.reshape({-1});
  } else if (in.dim() == 1) {
    EMBER_CHECK(offsets.defined(), ValueError, "offsets has to be a 1D Tensor but got null");
    EMBER_CHECK(offsets.dim() == 1, ValueError, "offsets has to be a 1D Tensor");
  } else {
    EMBER_FAIL(ValueError, "input has to be 1D or 2D Tensor, but got Tensor of dimension ", in.dim());
  }
  int64_t mode = 1;
  if (std::holds_alternative<enumtype::kSum>(options.mode())) mode = 0;
  if (std::holds_alternative<enumtype::kMax>(options.mode())) mode = 2;
  EMBER_CHECK(!per_sample_weights.defined() || mode == 0, NotImplementedError,
              "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='",
              enumtype::get_enum_name(options.mode()), "'). Please open a feature request on GitHub.");
  if (options.max_norm()) renorm_rows(weight, in, *options.max_norm(), options.norm_type());
  std::optional<Tensor> psw = per_sample_weights.defined() ? std::optional<Tensor>(per_sample_weights) : std::nullopt;
  std::optional<int64_t> padding_idx;
  if (options.padding_idx()) padding_idx = resolve_padding_idx(options.padding_idx(), weight.size(0));
  return std::get<0>(ember::embedding_bag(weight, in, offsets, options.scale_grad_by_freq(), mode, options.sparse(), psw,
                                          options.include_last_offset(), padding_idx));
}

Tensor one_hot(const Tensor& tensor, int64_t num_classes) { return ember::one_hot(tensor, num_classes); }

}  // namespace functional
}  // namespace nn
}  // namespace ember
