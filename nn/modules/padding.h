// Padding modules, as torch::nn's: ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d, ZeroPad2d,
// ConstantPad1d/2d/3d (F::pad with a fixed mode). Stateless; thread-safe as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/padding.h"
#include "nn/options/padding.h"

namespace ember {
namespace nn {

#define EMBER_PAD_MODULE(Name, Options)                                           \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                     \
   public:                                                                        \
    explicit Name##Impl(const Options& options_) : options(options_) {}          \
    void reset() override {}                                                      \
    void pretty_print(std::ostream& stream) const override;                       \
    Tensor forward(const Tensor& input);                                          \
    Options options;                                                              \
  };                                                                              \
  EMBER_MODULE(Name)

EMBER_PAD_MODULE(ReflectionPad1d, ReflectionPad1dOptions);
EMBER_PAD_MODULE(ReflectionPad2d, ReflectionPad2dOptions);
EMBER_PAD_MODULE(ReflectionPad3d, ReflectionPad3dOptions);
EMBER_PAD_MODULE(ReplicationPad1d, ReplicationPad1dOptions);
EMBER_PAD_MODULE(ReplicationPad2d, ReplicationPad2dOptions);
EMBER_PAD_MODULE(ReplicationPad3d, ReplicationPad3dOptions);
EMBER_PAD_MODULE(ZeroPad2d, ZeroPad2dOptions);
#undef EMBER_PAD_MODULE

#define EMBER_CONSTANT_PAD_MODULE(D)                                                                      \
  class EMBER_API ConstantPad##D##dImpl : public Cloneable<ConstantPad##D##dImpl> {                      \
   public:                                                                                                \
    ConstantPad##D##dImpl(ExpandingArray<D * 2> padding, double value)                                   \
        : ConstantPad##D##dImpl(ConstantPad##D##dOptions(padding, value)) {}                              \
    explicit ConstantPad##D##dImpl(const ConstantPad##D##dOptions& options_) : options(options_) {}     \
    void reset() override {}                                                                              \
    void pretty_print(std::ostream& stream) const override;                                               \
    Tensor forward(const Tensor& input);                                                                  \
    ConstantPad##D##dOptions options;                                                                     \
  };                                                                                                      \
  EMBER_MODULE(ConstantPad##D##d)
EMBER_CONSTANT_PAD_MODULE(1);
EMBER_CONSTANT_PAD_MODULE(2);
EMBER_CONSTANT_PAD_MODULE(3);
#undef EMBER_CONSTANT_PAD_MODULE

}  // namespace nn
}  // namespace ember
