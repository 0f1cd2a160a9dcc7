// Distance, pixel shuffle, upsampling and fold modules, as torch::nn's: CosineSimilarity,
// PairwiseDistance, PixelShuffle, PixelUnshuffle, Upsample, Fold, Unfold. Stateless; each calls
// its nn::functional form. Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/vision.h"
#include "nn/options/vision.h"

namespace ember {
namespace nn {

#define EMBER_VISION_MODULE(Name, ForwardParams)                                     \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                        \
   public:                                                                           \
    explicit Name##Impl(const Name##Options& options_) : options(options_) {}       \
    void reset() override {}                                                         \
    void pretty_print(std::ostream& stream) const override;                          \
    Tensor forward ForwardParams;                                                    \
    Name##Options options;                                                           \
  };                                                                                 \
  EMBER_MODULE(Name)

EMBER_VISION_MODULE(PixelShuffle, (const Tensor& input));
EMBER_VISION_MODULE(PixelUnshuffle, (const Tensor& input));
#undef EMBER_VISION_MODULE

class EMBER_API FoldImpl : public Cloneable<FoldImpl> {
 public:
  FoldImpl(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : FoldImpl(FoldOptions(output_size, kernel_size)) {}
  explicit FoldImpl(const FoldOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FoldOptions options;
};
EMBER_MODULE(Fold);

class EMBER_API UnfoldImpl : public Cloneable<UnfoldImpl> {
 public:
  UnfoldImpl(ExpandingArray<2> kernel_size) : UnfoldImpl(UnfoldOptions(kernel_size)) {}
  explicit UnfoldImpl(const UnfoldOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UnfoldOptions options;
};
EMBER_MODULE(Unfold);

#define EMBER_DEFAULTED_MODULE(Name, ForwardParams)                                  \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                        \
   public:                                                                           \
    explicit Name##Impl(const Name##Options& options_ = {}) : options(options_) {}  \
    void reset() override {}                                                         \
    void pretty_print(std::ostream& stream) const override;                          \
    Tensor forward ForwardParams;                                                    \
    Name##Options options;                                                           \
  };                                                                                 \
  EMBER_MODULE(Name)
EMBER_DEFAULTED_MODULE(CosineSimilarity, (const Tensor& input1, const Tensor& input2));
EMBER_DEFAULTED_MODULE(PairwiseDistance, (const Tensor& input1, const Tensor& input2));
EMBER_DEFAULTED_MODULE(Upsample, (const Tensor& input));
#undef EMBER_DEFAULTED_MODULE

}  // namespace nn
}  // namespace ember
