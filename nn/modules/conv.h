// Convolution modules, as torch::nn's: Conv1d/2d/3d and ConvTranspose1d/2d/3d.
//
// Weights are [out, in / groups, *kernel] ([in, out / groups, *kernel] when transposed),
// initialized as PyTorch's: kaiming_uniform_(a = sqrt(5)), and the bias U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)). A padding_mode other than kZeros pads the input with F::pad first.
// Thread-safety: as nn::Module.
#pragma once

#include <optional>

#include "nn/cloneable.h"
#include "nn/functional/conv.h"
#include "nn/modules/container/any_module.h"
#include "nn/options/conv.h"

namespace ember {
namespace nn {

// What the convolutions share; Options is ConvOptions<D> or ConvTransposeOptions<D>.
template <size_t D, typename Derived, typename Options>
class ConvNdImpl : public Cloneable<Derived> {
 public:
  explicit ConvNdImpl(Options options_) : options(std::move(options_)) { ConvNdImpl::reset(); }

  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  Options options;
  Tensor weight;
  Tensor bias;  // undefined with bias(false)

 protected:
  static constexpr bool kTransposed = !std::is_same<Options, ConvOptions<D>>::value;
};

#define EMBER_CONV_MODULE(D)                                                                           \
  class EMBER_API Conv##D##dImpl : public ConvNdImpl<D, Conv##D##dImpl, ConvOptions<D>> {             \
   public:                                                                                             \
    Conv##D##dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<D> kernel_size)     \
        : Conv##D##dImpl(ConvOptions<D>(input_channels, output_channels, kernel_size)) {}              \
    explicit Conv##D##dImpl(ConvOptions<D> options_);                                                  \
    Tensor forward(const Tensor& input);                                                               \
  };                                                                                                   \
  EMBER_MODULE(Conv##D##d)
EMBER_CONV_MODULE(1);
EMBER_CONV_MODULE(2);
EMBER_CONV_MODULE(3);
#undef EMBER_CONV_MODULE

// forward(input, output_size): output_size (the full or the spatial shape) picks among the
// output sizes a strided transposed convolution can produce; it decides output_padding.
#define EMBER_CONV_TRANSPOSE_MODULE(D)                                                                         \
  class EMBER_API ConvTranspose##D##dImpl                                                                      \
      : public ConvNdImpl<D, ConvTranspose##D##dImpl, ConvTransposeOptions<D>> {                               \
   public:                                                                                                     \
    ConvTranspose##D##dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<D> kernel_size)    \
        : ConvTranspose##D##dImpl(ConvTransposeOptions<D>(input_channels, output_channels, kernel_size)) {}    \
    explicit ConvTranspose##D##dImpl(ConvTransposeOptions<D> options_);                                        \
    Tensor forward(const Tensor& input, const std::optional<IntArrayRef>& output_size = std::nullopt);         \
                                                                                                               \
   protected:                                                                                                  \
    FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(std::optional<IntArrayRef>())})                                      \
  };                                                                                                           \
  EMBER_MODULE(ConvTranspose##D##d)
EMBER_CONV_TRANSPOSE_MODULE(1);
EMBER_CONV_TRANSPOSE_MODULE(2);
EMBER_CONV_TRANSPOSE_MODULE(3);
#undef EMBER_CONV_TRANSPOSE_MODULE

// Defined in conv.cpp for these six.
extern template class ConvNdImpl<1, Conv1dImpl, ConvOptions<1>>;
extern template class ConvNdImpl<2, Conv2dImpl, ConvOptions<2>>;
extern template class ConvNdImpl<3, Conv3dImpl, ConvOptions<3>>;
extern template class ConvNdImpl<1, ConvTranspose1dImpl, ConvTransposeOptions<1>>;
extern template class ConvNdImpl<2, ConvTranspose2dImpl, ConvTransposeOptions<2>>;
extern template class ConvNdImpl<3, ConvTranspose3dImpl, ConvTransposeOptions<3>>;

}  // namespace nn
}  // namespace ember
