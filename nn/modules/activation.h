// The activation modules, as torch::nn's: each holds its options and calls the nn::functional
// form (nn/functional/activation.h). PReLU owns a parameter (num_parameters slopes, init 0.25);
// the others are stateless. MultiheadAttention is in nn/modules/attention.h.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/activation.h"
#include "nn/options/activation.h"

namespace ember {
namespace nn {

// A module with options, no state, and forward(input) -> Tensor.
#define EMBER_ACTIVATION_MODULE(Name, Options, ForwardParam)                   \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                  \
   public:                                                                     \
    explicit Name##Impl(const Options& options_ = {}) : options(options_) {}   \
    void reset() override {}                                                   \
    void pretty_print(std::ostream& stream) const override;                    \
    Tensor forward(ForwardParam input);                                        \
    Options options;                                                           \
  };                                                                           \
  EMBER_MODULE(Name)

// A module without options.
#define EMBER_PLAIN_MODULE(Name)                                \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {   \
   public:                                                      \
    void reset() override {}                                    \
    void pretty_print(std::ostream& stream) const override;     \
    Tensor forward(const Tensor& input);                        \
  };                                                            \
  EMBER_MODULE(Name)

EMBER_ACTIVATION_MODULE(ELU, ELUOptions, Tensor);
EMBER_ACTIVATION_MODULE(SELU, SELUOptions, Tensor);
EMBER_ACTIVATION_MODULE(Hardshrink, HardshrinkOptions, const Tensor&);
class EMBER_API HardtanhImpl : public Cloneable<HardtanhImpl> {
 public:
  explicit HardtanhImpl(const HardtanhOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  HardtanhOptions options;
};
EMBER_MODULE(Hardtanh);
EMBER_ACTIVATION_MODULE(LeakyReLU, LeakyReLUOptions, Tensor);
EMBER_ACTIVATION_MODULE(GLU, GLUOptions, const Tensor&);
EMBER_ACTIVATION_MODULE(GELU, GELUOptions, const Tensor&);
EMBER_ACTIVATION_MODULE(ReLU, ReLUOptions, Tensor);
EMBER_ACTIVATION_MODULE(ReLU6, ReLU6Options, Tensor);
EMBER_ACTIVATION_MODULE(RReLU, RReLUOptions, Tensor);
EMBER_ACTIVATION_MODULE(CELU, CELUOptions, Tensor);
EMBER_ACTIVATION_MODULE(Softplus, SoftplusOptions, const Tensor&);
EMBER_ACTIVATION_MODULE(Softshrink, SoftshrinkOptions, const Tensor&);
EMBER_PLAIN_MODULE(LogSigmoid);
EMBER_PLAIN_MODULE(Softmax2d);
EMBER_PLAIN_MODULE(SiLU);
EMBER_PLAIN_MODULE(Mish);
EMBER_PLAIN_MODULE(Sigmoid);
EMBER_PLAIN_MODULE(Softsign);
EMBER_PLAIN_MODULE(Tanh);
EMBER_PLAIN_MODULE(Tanhshrink);

#undef EMBER_ACTIVATION_MODULE
#undef EMBER_PLAIN_MODULE

// Softmax, Softmin and LogSoftmax need their dim.
#define EMBER_SOFTMAX_MODULE(Name)                                                     \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                          \
   public:                                                                             \
    explicit Name##Impl(int64_t dim) : Name##Impl(Name##Options(dim)) {}               \
    explicit Name##Impl(const Name##Options& options_) : options(options_) {}          \
    void reset() override {}                                                           \
    void pretty_print(std::ostream& stream) const override;                            \
    Tensor forward(const Tensor& input);                                               \
    Name##Options options;                                                             \
  };                                                                                   \
  EMBER_MODULE(Name)
EMBER_SOFTMAX_MODULE(Softmax);
EMBER_SOFTMAX_MODULE(Softmin);
EMBER_SOFTMAX_MODULE(LogSoftmax);
#undef EMBER_SOFTMAX_MODULE

class EMBER_API ThresholdImpl : public Cloneable<ThresholdImpl> {
 public:
  ThresholdImpl(double threshold, double value) : ThresholdImpl(ThresholdOptions(threshold, value)) {}
  explicit ThresholdImpl(const ThresholdOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  ThresholdOptions options;
};
EMBER_MODULE(Threshold);

class EMBER_API PReLUImpl : public Cloneable<PReLUImpl> {
 public:
  explicit PReLUImpl(const PReLUOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PReLUOptions options;
  Tensor weight;  // [num_parameters]
};
EMBER_MODULE(PReLU);

}  // namespace nn
}  // namespace ember
