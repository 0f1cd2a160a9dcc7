// Loss modules.
#include "nn/modules/loss.h"

#include "nn/functional.h"

namespace ember {
namespace nn {

MSELossImpl::MSELossImpl(const MSELossOptions& options_) : Module("MSELoss"), options(options_) {}
Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::mse_loss(input, target, options);
}
void MSELossImpl::pretty_print(std::ostream& stream) const { stream << "MSELoss()"; }

NLLLossImpl::NLLLossImpl(const NLLLossOptions& options_) : Module("NLLLoss"), options(options_) {
  weight = register_buffer("weight", options.weight());
}
Tensor NLLLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::nll_loss(input, target,
                              NLLLossOptions(options.reduction()).weight(weight).ignore_index(options.ignore_index()));
}
void NLLLossImpl::pretty_print(std::ostream& stream) const { stream << "NLLLoss()"; }

CrossEntropyLossImpl::CrossEntropyLossImpl(const CrossEntropyLossOptions& options_)
    : Module("CrossEntropyLoss"), options(options_) {
  EMBER_CHECK(options.label_smoothing() >= 0 && options.label_smoothing() <= 1, ValueError,
              "[CrossEntropyLoss] label_smoothing must be between 0.0 and 1.0. Got: ", options.label_smoothing());
  weight = register_buffer("weight", options.weight());
}
Tensor CrossEntropyLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::cross_entropy(input, target,
                                   CrossEntropyLossOptions(options.reduction())
                                       .weight(weight)
                                       .ignore_index(options.ignore_index())
                                       .label_smoothing(options.label_smoothing()));
}
void CrossEntropyLossImpl::pretty_print(std::ostream& stream) const { stream << "CrossEntropyLoss()"; }

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options_)
    : Module("BCEWithLogitsLoss"), options(options_) {
  weight = register_buffer("weight", options.weight());
  pos_weight = register_buffer("pos_weight", options.pos_weight());
}
Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::binary_cross_entropy_with_logits(
      input, target, BCEWithLogitsLossOptions(options.reduction()).weight(weight).pos_weight(pos_weight));
}
void BCEWithLogitsLossImpl::pretty_print(std::ostream& stream) const { stream << "BCEWithLogitsLoss()"; }

}  // namespace nn
}  // namespace ember
