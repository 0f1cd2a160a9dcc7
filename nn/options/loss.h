// Options of the loss modules and functions, as libtorch's: each takes its reduction (kNone,
// kMean or kSum; KLDiv also kBatchMean) in its constructor, implicitly, so that
// F::l1_loss(x, y, ember::kSum) works. The F:: names (L1LossFuncOptions, ...) alias these.
#pragma once

#include <functional>
#include <optional>
#include <variant>

#include "nn/enum.h"
#include "nn/options/base.h"

namespace ember {
namespace nn {

// Constructors from the reduction constants (and the default, kMean).
#define EMBER_LOSS_REDUCTION_CTORS(Name)                              \
  Name() = default;                                                   \
  Name(enumtype::kNone) : reduction_(enumtype::kNone()) {}  /* NOLINT */ \
  Name(enumtype::kMean) : reduction_(enumtype::kMean()) {}  /* NOLINT */ \
  Name(enumtype::kSum) : reduction_(enumtype::kSum()) {}    /* NOLINT */

struct EMBER_API L1LossOptions {
  EMBER_LOSS_REDUCTION_CTORS(L1LossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API KLDivLossOptions {
  using reduction_t = std::variant<enumtype::kNone, enumtype::kBatchMean, enumtype::kSum, enumtype::kMean>;
  EMBER_LOSS_REDUCTION_CTORS(KLDivLossOptions)
  KLDivLossOptions(enumtype::kBatchMean) : reduction_(enumtype::kBatchMean()) {}  // NOLINT
  EMBER_ARG(reduction_t, reduction) = enumtype::kMean();
  EMBER_ARG(bool, log_target) = false;
};

struct EMBER_API MSELossOptions {
  EMBER_LOSS_REDUCTION_CTORS(MSELossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API BCELossOptions {
  EMBER_LOSS_REDUCTION_CTORS(BCELossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight);
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API HingeEmbeddingLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(HingeEmbeddingLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(double, margin) = 1.0;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API MultiMarginLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(MultiMarginLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(int64_t, p) = 1;
  EMBER_ARG(double, margin) = 1.0;
  EMBER_ARG(Tensor, weight);
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API CosineEmbeddingLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(CosineEmbeddingLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(double, margin) = 0.0;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API MultiLabelMarginLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(MultiLabelMarginLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API SoftMarginLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(SoftMarginLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API MultiLabelSoftMarginLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(MultiLabelSoftMarginLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight);
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API TripletMarginLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(TripletMarginLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(double, margin) = 1.0;
  EMBER_ARG(double, p) = 2.0;
  EMBER_ARG(double, eps) = 1e-6;
  EMBER_ARG(bool, swap) = false;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API TripletMarginWithDistanceLossOptions {
  using distance_function_t = std::function<Tensor(const Tensor&, const Tensor&)>;
  EMBER_LOSS_REDUCTION_CTORS(TripletMarginWithDistanceLossOptions)
  using reduction_t = LossReduction;
  // Default: pairwise_distance.
  EMBER_ARG(std::optional<distance_function_t>, distance_function) = std::nullopt;
  EMBER_ARG(double, margin) = 1.0;
  EMBER_ARG(bool, swap) = false;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API CTCLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(CTCLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(int64_t, blank) = 0;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
  EMBER_ARG(bool, zero_infinity) = false;
};

struct EMBER_API SmoothL1LossOptions {
  EMBER_LOSS_REDUCTION_CTORS(SmoothL1LossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
  EMBER_ARG(std::optional<double>, beta) = std::nullopt;  // 1.0 when not given
};

struct EMBER_API HuberLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(HuberLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
  EMBER_ARG(double, delta) = 1.0;
};

struct EMBER_API PoissonNLLLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(PoissonNLLLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(bool, log_input) = true;
  EMBER_ARG(bool, full) = false;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API MarginRankingLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(MarginRankingLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(double, margin) = 0;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API NLLLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(NLLLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight);  // per class, shape [C]
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
};

struct EMBER_API CrossEntropyLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(CrossEntropyLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight);  // per class, shape [C]
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
  EMBER_ARG(double, label_smoothing) = 0.0;
};

struct EMBER_API BCEWithLogitsLossOptions {
  EMBER_LOSS_REDUCTION_CTORS(BCEWithLogitsLossOptions)
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight);  // broadcast to the input
  EMBER_ARG(LossReduction, reduction) = enumtype::kMean();
  EMBER_ARG(Tensor, pos_weight);  // weight of positive examples, per class (last dimension)
};

#undef EMBER_LOSS_REDUCTION_CTORS

namespace functional {
using L1LossFuncOptions = L1LossOptions;
using KLDivFuncOptions = KLDivLossOptions;
using MSELossFuncOptions = MSELossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using HingeEmbeddingLossFuncOptions = HingeEmbeddingLossOptions;
using MultiMarginLossFuncOptions = MultiMarginLossOptions;
using CosineEmbeddingLossFuncOptions = CosineEmbeddingLossOptions;
using MultilabelMarginLossFuncOptions = MultiLabelMarginLossOptions;
using SoftMarginLossFuncOptions = SoftMarginLossOptions;
using MultilabelSoftMarginLossFuncOptions = MultiLabelSoftMarginLossOptions;
using TripletMarginLossFuncOptions = TripletMarginLossOptions;
using TripletMarginWithDistanceLossFuncOptions = TripletMarginWithDistanceLossOptions;
using CTCLossFuncOptions = CTCLossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using PoissonNLLLossFuncOptions = PoissonNLLLossOptions;
using MarginRankingLossFuncOptions = MarginRankingLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
}  // namespace functional

}  // namespace nn
}  // namespace ember
