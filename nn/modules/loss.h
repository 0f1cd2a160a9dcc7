// Loss modules, as torch::nn's: each forward calls the nn::functional loss of the same name
// with its options. Class weights (weight, pos_weight) are registered as buffers, so to() moves
// them and state_dict() holds them. Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/loss.h"
#include "nn/options/loss.h"

namespace ember {
namespace nn {

#define EMBER_LOSS_MODULE(Name, ForwardParams)                                              \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                               \
   public:                                                                                  \
    explicit Name##Impl(Name##Options options_ = {});                                       \
    void reset() override;                                                                  \
    void pretty_print(std::ostream& stream) const override;                                 \
    Tensor forward ForwardParams;                                                           \
    Name##Options options;                                                                  \
  };                                                                                        \
  EMBER_MODULE(Name)

#define EMBER_WEIGHTED_LOSS_MODULE(Name, ForwardParams)                                     \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                               \
   public:                                                                                  \
    explicit Name##Impl(Name##Options options_ = {});                                       \
    void reset() override;                                                                  \
    void pretty_print(std::ostream& stream) const override;                                 \
    Tensor forward ForwardParams;                                                           \
    Name##Options options;                                                                  \
    Tensor weight; /* buffer; undefined when not given */                                   \
  };                                                                                        \
  EMBER_MODULE(Name)

#define EMBER_TWO (const Tensor& input, const Tensor& target)
#define EMBER_THREE (const Tensor& input1, const Tensor& input2, const Tensor& target)
EMBER_LOSS_MODULE(L1Loss, EMBER_TWO);
EMBER_LOSS_MODULE(KLDivLoss, EMBER_TWO);
EMBER_LOSS_MODULE(MSELoss, EMBER_TWO);
EMBER_WEIGHTED_LOSS_MODULE(BCELoss, EMBER_TWO);
EMBER_LOSS_MODULE(HingeEmbeddingLoss, EMBER_TWO);
EMBER_WEIGHTED_LOSS_MODULE(MultiMarginLoss, EMBER_TWO);
EMBER_LOSS_MODULE(CosineEmbeddingLoss, EMBER_THREE);
EMBER_LOSS_MODULE(MultiLabelMarginLoss, EMBER_TWO);
EMBER_LOSS_MODULE(SoftMarginLoss, EMBER_TWO);
EMBER_WEIGHTED_LOSS_MODULE(MultiLabelSoftMarginLoss, EMBER_TWO);
EMBER_LOSS_MODULE(TripletMarginLoss, (const Tensor& anchor, const Tensor& positive, const Tensor& negative));
EMBER_LOSS_MODULE(TripletMarginWithDistanceLoss, (const Tensor& anchor, const Tensor& positive, const Tensor& negative));
EMBER_LOSS_MODULE(CTCLoss, (const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                            const Tensor& target_lengths));
EMBER_LOSS_MODULE(SmoothL1Loss, EMBER_TWO);
EMBER_LOSS_MODULE(HuberLoss, EMBER_TWO);
EMBER_LOSS_MODULE(PoissonNLLLoss, (const Tensor& log_input, const Tensor& target));
EMBER_LOSS_MODULE(MarginRankingLoss, EMBER_THREE);
EMBER_WEIGHTED_LOSS_MODULE(NLLLoss, EMBER_TWO);
EMBER_WEIGHTED_LOSS_MODULE(CrossEntropyLoss, EMBER_TWO);
#undef EMBER_TWO
#undef EMBER_THREE
#undef EMBER_LOSS_MODULE
#undef EMBER_WEIGHTED_LOSS_MODULE

class EMBER_API BCEWithLogitsLossImpl : public Cloneable<BCEWithLogitsLossImpl> {
 public:
  explicit BCEWithLogitsLossImpl(BCEWithLogitsLossOptions options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input, const Tensor& target);
  BCEWithLogitsLossOptions options;
  Tensor weight, pos_weight;  // buffers; undefined when not given
};
EMBER_MODULE(BCEWithLogitsLoss);

}  // namespace nn
}  // namespace ember
