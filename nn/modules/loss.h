// Loss modules, as torch::nn's: MSELoss, NLLLoss, CrossEntropyLoss, BCEWithLogitsLoss. Each
// forward(input, target) calls the nn::functional loss of the same name with its options; class
// weights (weight, pos_weight) are registered as buffers, so to() moves them and state_dict()
// holds them. Thread-safety: as nn::Module.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API MSELossImpl : public Module {
 public:
  explicit MSELossImpl(const MSELossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& stream) const override;  // MSELoss()
  MSELossOptions options;
};
EMBER_MODULE(MSELoss);

class EMBER_API NLLLossImpl : public Module {
 public:
  explicit NLLLossImpl(const NLLLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& stream) const override;  // NLLLoss()
  NLLLossOptions options;
  Tensor weight;  // buffer; undefined when not given
};
EMBER_MODULE(NLLLoss);

class EMBER_API CrossEntropyLossImpl : public Module {
 public:
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& stream) const override;  // CrossEntropyLoss()
  CrossEntropyLossOptions options;
  Tensor weight;  // buffer; undefined when not given
};
EMBER_MODULE(CrossEntropyLoss);

class EMBER_API BCEWithLogitsLossImpl : public Module {
 public:
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& stream) const override;  // BCEWithLogitsLoss()
  BCEWithLogitsLossOptions options;
  Tensor weight, pos_weight;  // buffers; undefined when not given
};
EMBER_MODULE(BCEWithLogitsLoss);

}  // namespace nn
}  // namespace ember
