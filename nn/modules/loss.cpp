#include "nn/modules/loss.h"

namespace ember {
namespace nn {

namespace F = functional;

#define EMBER_PLAIN_LOSS(Name)                                                                          \
  Name##Impl::Name##Impl(Name##Options options_) : options(std::move(options_)) {}                     \
  void Name##Impl::reset() {}                                                                          \
  void Name##Impl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << #Name "()"; }
#define EMBER_WEIGHTED_LOSS(Name)                                                                       \
  Name##Impl::Name##Impl(Name##Options options_) : options(std::move(options_)) { reset(); }           \
  void Name##Impl::reset() { weight = register_buffer("weight", options.weight()); }                   \
  void Name##Impl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << #Name "()"; }

EMBER_PLAIN_LOSS(L1Loss)
EMBER_PLAIN_LOSS(KLDivLoss)
EMBER_PLAIN_LOSS(MSELoss)
EMBER_WEIGHTED_LOSS(BCELoss)
EMBER_PLAIN_LOSS(MultiLabelMarginLoss)
EMBER_PLAIN_LOSS(SoftMarginLoss)
EMBER_WEIGHTED_LOSS(MultiLabelSoftMarginLoss)
EMBER_PLAIN_LOSS(CTCLoss)
EMBER_PLAIN_LOSS(SmoothL1Loss)
EMBER_PLAIN_LOSS(HuberLoss)
EMBER_PLAIN_LOSS(PoissonNLLLoss)
EMBER_PLAIN_LOSS(MarginRankingLoss)
EMBER_WEIGHTED_LOSS(NLLLoss)
EMBER_WEIGHTED_LOSS(CrossEntropyLoss)
#undef EMBER_PLAIN_LOSS

Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) { return F::l1_loss(input, target, options); }
Tensor KLDivLossImpl::forward(const Tensor& input, const Tensor& target) { return F::kl_div(input, target, options); }
Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) { return F::mse_loss(input, target, options); }
Tensor BCELossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy(input, target, F::BinaryCrossEntropyFuncOptions().weight(weight).reduction(options.reduction()));
}
Tensor MultiLabelMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multilabel_margin_loss(input, target, options);
}
Tensor SoftMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::soft_margin_loss(input, target, options);
}
Tensor MultiLabelSoftMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multilabel_soft_margin_loss(
      input, target, F::MultilabelSoftMarginLossFuncOptions().weight(weight).reduction(options.reduction()));
}
Tensor CTCLossImpl::forward(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                            const Tensor& target_lengths) {
  return F::ctc_loss(log_probs, targets, input_lengths, target_lengths, options);
}
Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::smooth_l1_loss(input, target, options);
}
Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) { return F::huber_loss(input, target, options); }
Tensor PoissonNLLLossImpl::forward(const Tensor& log_input, const Tensor& target) {
  return F::poisson_nll_loss(log_input, target, options);
}
Tensor MarginRankingLossImpl::forward(const Tensor& input1, const Tensor& input2, const Tensor& target) {
  return F::margin_ranking_loss(input1, input2, target, options);
}
Tensor NLLLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::nll_loss(input, target,
                     F::NLLLossFuncOptions().weight(weight).ignore_index(options.ignore_index()).reduction(options.reduction()));
}
Tensor CrossEntropyLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::cross_entropy(input, target,
                          F::CrossEntropyFuncOptions()
                              .weight(weight)
                              .ignore_index(options.ignore_index())
                              .reduction(options.reduction())
                              .label_smoothing(options.label_smoothing()));
}

HingeEmbeddingLossImpl::HingeEmbeddingLossImpl(HingeEmbeddingLossOptions options_) : options(std::move(options_)) {}
void HingeEmbeddingLossImpl::reset() {}
void HingeEmbeddingLossImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "HingeEmbeddingLoss(margin=" << options.margin() << ")";
}
Tensor HingeEmbeddingLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::hinge_embedding_loss(input, target, options);
}

MultiMarginLossImpl::MultiMarginLossImpl(MultiMarginLossOptions options_) : options(std::move(options_)) { reset(); }
void MultiMarginLossImpl::reset() {
  EMBER_CHECK(options.p() == 1 || options.p() == 2, ValueError, "only p == 1 and p == 2 supported");
  EMBER_CHECK(!options.weight().defined() || options.weight().dim() == 1, ValueError, "weight must be one-dimensional");
  weight = register_buffer("weight", options.weight());
}
void MultiMarginLossImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "MultiMarginLoss(p=" << options.p() << ", margin=" << options.margin()
         << ", reduction=" << enumtype::get_enum_name(options.reduction()) << ")";
}
Tensor MultiMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multi_margin_loss(input, target,
                              F::MultiMarginLossFuncOptions().p(options.p()).margin(options.margin()).weight(weight).reduction(
                                  options.reduction()));
}

CosineEmbeddingLossImpl::CosineEmbeddingLossImpl(CosineEmbeddingLossOptions options_) : options(std::move(options_)) {}
void CosineEmbeddingLossImpl::reset() {}
void CosineEmbeddingLossImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "CosineEmbeddingLoss(margin=" << options.margin() << ")";
}
Tensor CosineEmbeddingLossImpl::forward(const Tensor& input1, const Tensor& input2, const Tensor& target) {
  return F::cosine_embedding_loss(input1, input2, target, options);
}

TripletMarginLossImpl::TripletMarginLossImpl(TripletMarginLossOptions options_) : options(std::move(options_)) {}
void TripletMarginLossImpl::reset() {}
void TripletMarginLossImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << module_name_prefix() << "TripletMarginLoss(margin=" << options.margin() << ", p=" << options.p()
         << ", eps=" << options.eps() << ", swap=" << options.swap() << ")";
}
Tensor TripletMarginLossImpl::forward(const Tensor& anchor, const Tensor& positive, const Tensor& negative) {
  return F::triplet_margin_loss(anchor, positive, negative, options);
}

TripletMarginWithDistanceLossImpl::TripletMarginWithDistanceLossImpl(TripletMarginWithDistanceLossOptions options_)
    : options(std::move(options_)) {}
void TripletMarginWithDistanceLossImpl::reset() {}
void TripletMarginWithDistanceLossImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << module_name_prefix() << "TripletMarginWithDistanceLoss(margin=" << options.margin()
         << ", swap=" << options.swap() << ")";
}
Tensor TripletMarginWithDistanceLossImpl::forward(const Tensor& anchor, const Tensor& positive, const Tensor& negative) {
  return F::triplet_margin_with_distance_loss(anchor, positive, negative, options);
}

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(BCEWithLogitsLossOptions options_) : options(std::move(options_)) { reset(); }
void BCEWithLogitsLossImpl::reset() {
  weight = register_buffer("weight", options.weight());
  pos_weight = register_buffer("pos_weight", options.pos_weight());
}
void BCEWithLogitsLossImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "BCEWithLogitsLoss()"; }
Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy_with_logits(
      input, target, F::BinaryCrossEntropyWithLogitsFuncOptions().weight(weight).pos_weight(pos_weight).reduction(
                         options.reduction()));
}

}  // namespace nn
}  // namespace ember
