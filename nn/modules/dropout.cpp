#include "nn/modules/dropout.h"

namespace ember {
namespace nn {

namespace F = functional;

#define EMBER_DROPOUT_DEFINITIONS(Name, call, FuncOptions)                                          \
  Name##Impl::Name##Impl(const DropoutOptions& options_) : options(options_) { reset(); }          \
  void Name##Impl::reset() {                                                                       \
    EMBER_CHECK(options.p() >= 0 && options.p() <= 1, ValueError,                                  \
                "dropout probability has to be between 0 and 1, but got ", options.p());           \
  }                                                                                                \
  Tensor Name##Impl::forward(Tensor input) {                                                       \
    return F::call(std::move(input),                                                               \
                   F::FuncOptions().p(options.p()).inplace(options.inplace()).training(is_training())); \
  }                                                                                                \
  void Name##Impl::pretty_print(std::ostream& stream) const {                                      \
    stream << std::boolalpha << module_name_prefix() << #Name "(p=" << options.p() << ", inplace=" << options.inplace() << ")"; \
  }
EMBER_DROPOUT_DEFINITIONS(Dropout, dropout, DropoutFuncOptions)
EMBER_DROPOUT_DEFINITIONS(Dropout2d, dropout2d, Dropout2dFuncOptions)
EMBER_DROPOUT_DEFINITIONS(Dropout3d, dropout3d, Dropout3dFuncOptions)
EMBER_DROPOUT_DEFINITIONS(AlphaDropout, alpha_dropout, AlphaDropoutFuncOptions)
EMBER_DROPOUT_DEFINITIONS(FeatureAlphaDropout, feature_alpha_dropout, FeatureAlphaDropoutFuncOptions)
#undef EMBER_DROPOUT_DEFINITIONS

}  // namespace nn
}  // namespace ember
