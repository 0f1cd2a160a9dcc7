// Dropout modules, as torch::nn's: Dropout, Dropout2d, Dropout3d, AlphaDropout,
// FeatureAlphaDropout. Active in training mode only (the identity in evaluation).
// Thread-safety: as nn::Module (draws from the default generator).
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/dropout.h"
#include "nn/options/dropout.h"

namespace ember {
namespace nn {

#define EMBER_DROPOUT_MODULE(Name)                                                               \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                                    \
   public:                                                                                       \
    explicit Name##Impl(double p) : Name##Impl(DropoutOptions(p)) {}                             \
    explicit Name##Impl(const DropoutOptions& options_ = {});                                    \
    void reset() override;                                                                       \
    void pretty_print(std::ostream& stream) const override;                                      \
    Tensor forward(Tensor input);                                                                \
    DropoutOptions options;                                                                      \
  };                                                                                             \
  EMBER_MODULE(Name)
EMBER_DROPOUT_MODULE(Dropout);
EMBER_DROPOUT_MODULE(Dropout2d);
EMBER_DROPOUT_MODULE(Dropout3d);
EMBER_DROPOUT_MODULE(AlphaDropout);
EMBER_DROPOUT_MODULE(FeatureAlphaDropout);
#undef EMBER_DROPOUT_MODULE

}  // namespace nn
}  // namespace ember
