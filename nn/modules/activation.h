// Parameter-free layers: ReLU, GELU, Sigmoid, Tanh and Dropout, as torch::nn's.
// Dropout is active in training mode only (is_training()); in evaluation it is the identity.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API ReLUImpl : public Module {
 public:
  explicit ReLUImpl(const ReLUOptions& options = {});
  Tensor forward(Tensor input);
  void pretty_print(std::ostream& stream) const override;  // ReLU() or ReLU(inplace=true)
  ReLUOptions options;
};
EMBER_MODULE(ReLU);

class EMBER_API GELUImpl : public Module {
 public:
  explicit GELUImpl(const GELUOptions& options = {});
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;  // GELU() or GELU(approximate=tanh)
  GELUOptions options;
};
EMBER_MODULE(GELU);

class EMBER_API SigmoidImpl : public Module {
 public:
  SigmoidImpl();
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;  // Sigmoid()
};
EMBER_MODULE(Sigmoid);

class EMBER_API TanhImpl : public Module {
 public:
  TanhImpl();
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;  // Tanh()
};
EMBER_MODULE(Tanh);

class EMBER_API DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  explicit DropoutImpl(const DropoutOptions& options = {});
  Tensor forward(Tensor input);
  void pretty_print(std::ostream& stream) const override;  // Dropout(p=0.5, inplace=false)
  DropoutOptions options;
};
EMBER_MODULE(Dropout);

}  // namespace nn
}  // namespace ember
