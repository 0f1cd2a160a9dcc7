#include "nn/functional/dropout.h"

#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
void check_p(double p) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "dropout probability has to be between 0 and 1, but got ", p);
}
Tensor finish(Tensor& input, const Tensor& result, bool inplace) {
  if (!inplace) return result;
  if (!result.is_same(input)) input.copy_(result);
  return input;
}
}  // namespace

Tensor dropout(Tensor input, const DropoutFuncOptions& options) {
  check_p(options.p());
  return finish(input, ember::dropout(input, options.p(), options.training()), options.inplace());
}

Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options) {
  check_p(options.p());
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, ValueError, "dropout2d: expected 3-D or 4-D input, got ", input.dim(), "-D");
  return finish(input, ember::feature_dropout(input, options.p(), options.training()), options.inplace());
}

Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options) {
  check_p(options.p());
  EMBER_CHECK(input.dim() == 4 || input.dim() == 5, ValueError, "dropout3d: expected 4-D or 5-D input, got ", input.dim(), "-D");
  return finish(input, ember::feature_dropout(input, options.p(), options.training()), options.inplace());
}

Tensor alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& options) {
  check_p(options.p());
  return finish(input, ember::alpha_dropout(input, options.p(), options.training()), options.inplace());
}

Tensor feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& options) {
  check_p(options.p());
  return finish(input, ember::feature_alpha_dropout(input, options.p(), options.training()), options.inplace());
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
