// Pooling modules, as torch::nn's: MaxPool, AvgPool, AdaptiveMaxPool, AdaptiveAvgPool, MaxUnpool
// in 1, 2 and 3 dims; FractionalMaxPool2d/3d; LPPool1d/2d. Each calls its nn::functional form.
// forward_with_indices also returns the positions of the maxima. Thread-safety: as nn::Module.
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "nn/cloneable.h"
#include "nn/functional/pooling.h"
#include "nn/modules/container/any_module.h"
#include "nn/options/pooling.h"

namespace ember {
namespace nn {

#define EMBER_POOL_MODULE(Name, Options, Arg)                                                  \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                                  \
   public:                                                                                     \
    Name##Impl(Arg kernel_size) : Name##Impl(Options(kernel_size)) {}                          \
    explicit Name##Impl(const Options& options_) : options(options_) {}                        \
    void reset() override {}                                                                   \
    void pretty_print(std::ostream& stream) const override;                                    \
    Tensor forward(const Tensor& input);                                                       \
    Options options;                                                                           \
  };                                                                                           \
  EMBER_MODULE(Name)

#define EMBER_POOL_MODULE_WITH_INDICES(Name, Options, Arg)                                     \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                                  \
   public:                                                                                     \
    Name##Impl(Arg kernel_size) : Name##Impl(Options(kernel_size)) {}                          \
    explicit Name##Impl(const Options& options_) : options(options_) {}                        \
    void reset() override {}                                                                   \
    void pretty_print(std::ostream& stream) const override;                                    \
    Tensor forward(const Tensor& input);                                                       \
    std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);                      \
    Options options;                                                                           \
  };                                                                                           \
  EMBER_MODULE(Name)

EMBER_POOL_MODULE(AvgPool1d, AvgPool1dOptions, ExpandingArray<1>);
EMBER_POOL_MODULE(AvgPool2d, AvgPool2dOptions, ExpandingArray<2>);
EMBER_POOL_MODULE(AvgPool3d, AvgPool3dOptions, ExpandingArray<3>);
EMBER_POOL_MODULE_WITH_INDICES(MaxPool1d, MaxPool1dOptions, ExpandingArray<1>);
EMBER_POOL_MODULE_WITH_INDICES(MaxPool2d, MaxPool2dOptions, ExpandingArray<2>);
EMBER_POOL_MODULE_WITH_INDICES(MaxPool3d, MaxPool3dOptions, ExpandingArray<3>);
EMBER_POOL_MODULE(AdaptiveAvgPool1d, AdaptiveAvgPool1dOptions, ExpandingArray<1>);
EMBER_POOL_MODULE(AdaptiveAvgPool2d, AdaptiveAvgPool2dOptions, ExpandingArrayWithOptional<2>);
EMBER_POOL_MODULE(AdaptiveAvgPool3d, AdaptiveAvgPool3dOptions, ExpandingArrayWithOptional<3>);
EMBER_POOL_MODULE_WITH_INDICES(AdaptiveMaxPool1d, AdaptiveMaxPool1dOptions, ExpandingArray<1>);
EMBER_POOL_MODULE_WITH_INDICES(AdaptiveMaxPool2d, AdaptiveMaxPool2dOptions, ExpandingArrayWithOptional<2>);
EMBER_POOL_MODULE_WITH_INDICES(AdaptiveMaxPool3d, AdaptiveMaxPool3dOptions, ExpandingArrayWithOptional<3>);
#undef EMBER_POOL_MODULE
#undef EMBER_POOL_MODULE_WITH_INDICES

#define EMBER_MAX_UNPOOL_MODULE(D)                                                                          \
  class EMBER_API MaxUnpool##D##dImpl : public Cloneable<MaxUnpool##D##dImpl> {                            \
   public:                                                                                                  \
    MaxUnpool##D##dImpl(ExpandingArray<D> kernel_size) : MaxUnpool##D##dImpl(MaxUnpool##D##dOptions(kernel_size)) {} \
    explicit MaxUnpool##D##dImpl(const MaxUnpool##D##dOptions& options_) : options(options_) {}           \
    void reset() override {}                                                                                \
    void pretty_print(std::ostream& stream) const override;                                                 \
    Tensor forward(const Tensor& input, const Tensor& indices,                                              \
                   const std::optional<std::vector<int64_t>>& output_size = std::nullopt);                  \
    MaxUnpool##D##dOptions options;                                                                         \
                                                                                                            \
   protected:                                                                                               \
    FORWARD_HAS_DEFAULT_ARGS({2, AnyValue(std::optional<std::vector<int64_t>>())})                          \
  };                                                                                                        \
  EMBER_MODULE(MaxUnpool##D##d)
EMBER_MAX_UNPOOL_MODULE(1);
EMBER_MAX_UNPOOL_MODULE(2);
EMBER_MAX_UNPOOL_MODULE(3);
#undef EMBER_MAX_UNPOOL_MODULE

// The random window offsets come from _random_samples when given, else a fresh draw per call.
#define EMBER_FRACTIONAL_MODULE(D)                                                                       \
  class EMBER_API FractionalMaxPool##D##dImpl : public Cloneable<FractionalMaxPool##D##dImpl> {         \
   public:                                                                                               \
    FractionalMaxPool##D##dImpl(ExpandingArray<D> kernel_size)                                           \
        : FractionalMaxPool##D##dImpl(FractionalMaxPool##D##dOptions(kernel_size)) {}                    \
    explicit FractionalMaxPool##D##dImpl(FractionalMaxPool##D##dOptions options_);                       \
    void reset() override;                                                                               \
    void pretty_print(std::ostream& stream) const override;                                              \
    Tensor forward(const Tensor& input);                                                                 \
    std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);                                \
    FractionalMaxPool##D##dOptions options;                                                              \
    Tensor _random_samples;                                                                              \
  };                                                                                                     \
  EMBER_MODULE(FractionalMaxPool##D##d)
EMBER_FRACTIONAL_MODULE(2);
EMBER_FRACTIONAL_MODULE(3);
#undef EMBER_FRACTIONAL_MODULE

#define EMBER_LPPOOL_MODULE(D)                                                                             \
  class EMBER_API LPPool##D##dImpl : public Cloneable<LPPool##D##dImpl> {                                 \
   public:                                                                                                 \
    LPPool##D##dImpl(double norm_type, ExpandingArray<D> kernel_size)                                      \
        : LPPool##D##dImpl(LPPool##D##dOptions(norm_type, kernel_size)) {}                                 \
    explicit LPPool##D##dImpl(const LPPool##D##dOptions& options_) : options(options_) {}                 \
    void reset() override {}                                                                               \
    void pretty_print(std::ostream& stream) const override;                                                \
    Tensor forward(const Tensor& input);                                                                   \
    LPPool##D##dOptions options;                                                                           \
  };                                                                                                       \
  EMBER_MODULE(LPPool##D##d)
EMBER_LPPOOL_MODULE(1);
EMBER_LPPOOL_MODULE(2);
#undef EMBER_LPPOOL_MODULE

}  // namespace nn
}  // namespace ember
