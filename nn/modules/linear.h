// Linear (y = x W^T + b) and Flatten, as torch::nn::Linear / Flatten.
//
// Linear's weight [out, in] is initialized as PyTorch's: kaiming_uniform_(a = sqrt(5)), which is
// U(-1/sqrt(in), 1/sqrt(in)), and its bias U(-1/sqrt(in), 1/sqrt(in)).
// Thread-safety: as nn::Module.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API LinearImpl : public Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);

  // Draws weight and bias again from their initial distributions.
  void reset_parameters();
  // input [*, in_features] -> [*, out_features].
  Tensor forward(const Tensor& input);
  // Linear(in_features=2, out_features=3, bias=true)
  void pretty_print(std::ostream& stream) const override;

  LinearOptions options;
  Tensor weight;  // [out_features, in_features]
  Tensor bias;    // [out_features]; undefined with bias(false)
};
EMBER_MODULE(Linear);

// Flattens dimensions start_dim..end_dim into one (default: all but the batch dimension).
class EMBER_API FlattenImpl : public Module {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {});
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;  // Flatten(start_dim=1, end_dim=-1)

  FlattenOptions options;
};
EMBER_MODULE(Flatten);

}  // namespace nn
}  // namespace ember
