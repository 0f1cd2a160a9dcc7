// nn::functional: linear, bilinear, flatten (and the options aliases libtorch's F:: uses).
#pragma once

#include "core/tensor.h"
#include "nn/options/linear.h"

namespace ember {
namespace nn {
namespace functional {

// x W^T + b over the last dimension; weight [out, in], bias [out] or undefined.
EMBER_API Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
// y_k = x1^T W_k x2 + b_k; weight [out, in1, in2].
EMBER_API Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
