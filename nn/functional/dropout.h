// nn::functional dropout: dropout (elements), dropout2d / dropout3d (whole channels),
// alpha_dropout and feature_alpha_dropout (SELU-preserving). Each is the identity when not
// training; inplace writes the result into the input.
#pragma once

#include "core/tensor.h"
#include "nn/options/dropout.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
EMBER_API Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options = {});
EMBER_API Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options = {});
EMBER_API Tensor alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& options = {});
EMBER_API Tensor feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
