// nn::functional convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d with their options
// (padding may be kValid or kSame: asymmetric 'same' padding pads the input first).
#pragma once

#include "core/tensor.h"
#include "nn/options/conv.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
EMBER_API Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
EMBER_API Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& options = {});
EMBER_API Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const ConvTranspose1dFuncOptions& options = {});
EMBER_API Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options = {});
EMBER_API Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const ConvTranspose3dFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
