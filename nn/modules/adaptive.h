// nn::AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"), as
// torch::nn's: a head over the frequent classes plus one cluster token per tail cluster, each
// tail a two-layer projection. forward(input, target) gives the target log-probabilities and
// the mean negative log-likelihood; log_prob(input) all of them; predict(input) the argmax.
// Thread-safety: as nn::Module.
#pragma once

#include <vector>

#include "nn/cloneable.h"
#include "nn/modules/container/modulelist.h"
#include "nn/modules/linear.h"
#include "nn/options/attention.h"

namespace ember {
namespace nn {

struct EMBER_API ASMoutput {
  ASMoutput(Tensor output_, double loss_) : output(std::move(output_)), loss(loss_) {}
  Tensor output;  // the log-probability of each target, [batch]
  double loss;    // the mean negative log-likelihood
};

class EMBER_API AdaptiveLogSoftmaxWithLossImpl : public Cloneable<AdaptiveLogSoftmaxWithLossImpl> {
 public:
  AdaptiveLogSoftmaxWithLossImpl(int64_t in_features, int64_t n_classes, std::vector<int64_t> cutoffs)
      : AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions(in_features, n_classes, std::move(cutoffs))) {}
  explicit AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  ASMoutput forward(const Tensor& input, const Tensor& target);
  Tensor log_prob(const Tensor& input);
  Tensor predict(const Tensor& input);
  Tensor _get_full_log_prob(const Tensor& input, const Tensor& head_output);

  AdaptiveLogSoftmaxWithLossOptions options;
  std::vector<int64_t> cutoffs;
  int64_t shortlist_size = 0;
  int64_t n_clusters = 0;
  int64_t head_size = 0;
  Linear head = nullptr;
  ModuleList tail;
};
EMBER_MODULE(AdaptiveLogSoftmaxWithLoss);

}  // namespace nn
}  // namespace ember
