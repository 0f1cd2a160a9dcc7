#include "nn/functional/loss.h"

#include "ops/tensor_operators.h"
#include "core/warning.h"
#include "generated/functions.h"
#include "nn/functional/activation.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }
int64_t r(const LossReduction& reduction) { return reduction_value(reduction); }
Tensor apply_reduction(const Tensor& loss, const LossReduction& reduction) {
  if (std::holds_alternative<enumtype::kMean>(reduction)) return loss.mean();
  if (std::holds_alternative<enumtype::kSum>(reduction)) return loss.sum();
  return loss;
}
}  // namespace

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options) {
  return ember::l1_loss(input, target, r(options.reduction()));
}

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options) {
  const auto& red = options.reduction();
  if (std::holds_alternative<enumtype::kMean>(red)) {
    EMBER_WARN("reduction: 'mean' divides the total loss by both the batch size and the support size."
               "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
               "'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  int64_t reduction = 1;
  if (std::holds_alternative<enumtype::kNone>(red)) reduction = 0;
  if (std::holds_alternative<enumtype::kSum>(red) || std::holds_alternative<enumtype::kBatchMean>(red)) reduction = 2;
  Tensor out = ember::kl_div(input, target, reduction, options.log_target());
  if (std::holds_alternative<enumtype::kBatchMean>(red) && input.dim() != 0) out = out / input.size(0);
  return out;
}

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  if (!(target.sizes() == input.sizes())) {
    EMBER_WARN("Using a target size (", target.sizes(), ") that is different to the input size (", input.sizes(),
               "). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");
  }
  return ember::mse_loss(input, target, r(options.reduction()));
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BinaryCrossEntropyFuncOptions& options) {
  EMBER_CHECK(target.sizes() == input.sizes(), ValueError, "Using a target size (", target.sizes(),
              ") that is different to the input size (", input.sizes(), ") is deprecated. Please ensure they have the same size.");
  Tensor weight = options.weight();
  if (weight.defined()) weight = weight.expand(input.sizes());
  return ember::binary_cross_entropy(input, target, optional_tensor(weight), r(options.reduction()));
}

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, const HingeEmbeddingLossFuncOptions& options) {
  return ember::hinge_embedding_loss(input, target, options.margin(), r(options.reduction()));
}

Tensor multi_margin_loss(const Tensor& input, const Tensor& target, const MultiMarginLossFuncOptions& options) {
  EMBER_CHECK(options.p() == 1 || options.p() == 2, ValueError, "only p == 1 and p == 2 supported");
  if (options.weight().defined()) EMBER_CHECK(options.weight().dim() == 1, ValueError, "weight must be one-dimensional");
  return ember::multi_margin_loss(input, target, options.p(), options.margin(), optional_tensor(options.weight()),
                                  r(options.reduction()));
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLossFuncOptions& options) {
  return ember::cosine_embedding_loss(input1, input2, target, options.margin(), r(options.reduction()));
}

Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target, const MultilabelMarginLossFuncOptions& options) {
  return ember::multilabel_margin_loss(input, target, r(options.reduction()));
}

Tensor soft_margin_loss(const Tensor& input, const Tensor& target, const SoftMarginLossFuncOptions& options) {
  return ember::soft_margin_loss(input, target, r(options.reduction()));
}

Tensor multilabel_soft_margin_loss(const Tensor& input, const Tensor& target,
                                   const MultilabelSoftMarginLossFuncOptions& options) {
  Tensor loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input));
  if (options.weight().defined()) loss = loss * options.weight();
  const int64_t class_dim = input.dim() - 1;
  loss = loss.sum({class_dim}) / static_cast<double>(input.size(class_dim));
  return apply_reduction(loss, options.reduction());
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLossFuncOptions& options) {
  return ember::triplet_margin_loss(anchor, positive, negative, options.margin(), options.p(), options.eps(),
                                    options.swap(), r(options.reduction()));
}

Tensor triplet_margin_with_distance_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                                         const TripletMarginWithDistanceLossFuncOptions& options) {
  const int64_t a = anchor.dim(), p = positive.dim(), n = negative.dim();
  EMBER_CHECK(a == p && a == n, ValueError,
              "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ",
              a, "D, positive ", p, "D, and negative ", n, "D inputs");
  auto distance = options.distance_function()
                      ? *options.distance_function()
                      : TripletMarginWithDistanceLossFuncOptions::distance_function_t(
                            [](const Tensor& x, const Tensor& y) { return ember::pairwise_distance(x, y, 2, 1e-6, false); });
  Tensor d_pos = distance(anchor, positive);
  Tensor d_neg = distance(anchor, negative);
  if (options.swap()) d_neg = ember::minimum(d_neg, distance(positive, negative));
  return apply_reduction((d_pos - d_neg + options.margin()).clamp_min(0), options.reduction());
}

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths, const Tensor& target_lengths,
                const CTCLossFuncOptions& options) {
  return ember::ctc_loss(log_probs, targets, input_lengths, target_lengths, options.blank(), r(options.reduction()),
                         options.zero_infinity());
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options,
                      std::optional<double> beta) {
  const double b = beta ? *beta : options.beta().value_or(1.0);
  return ember::smooth_l1_loss(input, target, r(options.reduction()), b);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options) {
  return ember::huber_loss(input, target, r(options.reduction()), options.delta());
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, const PoissonNLLLossFuncOptions& options) {
  return ember::poisson_nll_loss(input, target, options.log_input(), options.full(), options.eps(), r(options.reduction()));
}

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLossFuncOptions& options) {
  EMBER_CHECK(input1.dim() == input2.dim() && input1.dim() == target.dim(), ValueError,
              "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ", input1.sizes(),
              ", input2: ", input2.sizes(), ", target: ", target.sizes());
  return ember::margin_ranking_loss(input1, input2, target, options.margin(), r(options.reduction()));
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  return ember::nll_loss(input, target, optional_tensor(options.weight()), r(options.reduction()), options.ignore_index());
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options) {
  return ember::cross_entropy_loss(input, target, optional_tensor(options.weight()), r(options.reduction()),
                                   options.ignore_index(), options.label_smoothing());
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  EMBER_CHECK(target.sizes() == input.sizes(), ValueError, "Target size (", target.sizes(),
              ") must be the same as input size (", input.sizes(), ")");
  return ember::binary_cross_entropy_with_logits(input, target, optional_tensor(options.weight()),
                                                 optional_tensor(options.pos_weight()), r(options.reduction()));
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
