// Identity, Linear, Bilinear, Flatten and Unflatten, as torch::nn's.
//
// Linear's weight [out, in] is initialized as PyTorch's: kaiming_uniform_(a = sqrt(5)), which is
// U(-1/sqrt(in), 1/sqrt(in)), and its bias U(-1/sqrt(in), 1/sqrt(in)); Bilinear's weight and bias
// U(-1/sqrt(in1), 1/sqrt(in1)). Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/linear.h"
#include "nn/options/linear.h"

namespace ember {
namespace nn {

class EMBER_API IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  template <typename... Args>
  explicit IdentityImpl(const Args&...) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
};
EMBER_MODULE(Identity);

class EMBER_API LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  // input [*, in_features] -> [*, out_features].
  Tensor forward(const Tensor& input);

  LinearOptions options;
  Tensor weight;  // [out_features, in_features]
  Tensor bias;    // [out_features]; undefined with bias(false)
};
EMBER_MODULE(Linear);

class EMBER_API BilinearImpl : public Cloneable<BilinearImpl> {
 public:
  BilinearImpl(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : BilinearImpl(BilinearOptions(in1_features, in2_features, out_features)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);

  BilinearOptions options;
  Tensor weight;  // [out, in1, in2]
  Tensor bias;    // [out]
};
EMBER_MODULE(Bilinear);

// Flattens dimensions start_dim..end_dim into one (default: all but the batch dimension).
class EMBER_API FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {});
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  FlattenOptions options;
};
EMBER_MODULE(Flatten);

class EMBER_API UnflattenImpl : public Cloneable<UnflattenImpl> {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes) : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  UnflattenImpl(std::string dimname, UnflattenOptions::namedshape_t namedshape)
      : UnflattenImpl(UnflattenOptions(std::move(dimname), std::move(namedshape))) {}
  explicit UnflattenImpl(UnflattenOptions options);
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  UnflattenOptions options;
};
EMBER_MODULE(Unflatten);

}  // namespace nn
}  // namespace ember
