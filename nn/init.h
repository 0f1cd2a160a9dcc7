// nn::init: in-place parameter initializers, as torch.nn.init / torch::nn::init. Each fills its
// argument under NoGradGuard (so it works on parameters that require grad and records nothing)
// and returns it. Random ones draw from the default generator (ember::manual_seed).
//
// Fans follow PyTorch: for a weight of shape [out, in, k...], fan_in = in * prod(k) and
// fan_out = out * prod(k); fewer than 2 dimensions is an error. Gains (calculate_gain): linear
// and conv 1, sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)) (slope
// 0.01 by default), selu 3/4.
#pragma once

#include <cstdint>
#include <tuple>
#include <variant>

#include "core/tensor.h"
#include "nn/enum.h"

namespace ember {
namespace nn {
namespace init {

using NonlinearityType =
    std::variant<enumtype::kLinear, enumtype::kConv1D, enumtype::kConv2D, enumtype::kConv3D, enumtype::kConvTranspose1D,
                 enumtype::kConvTranspose2D, enumtype::kConvTranspose3D, enumtype::kSigmoid, enumtype::kTanh,
                 enumtype::kReLU, enumtype::kLeakyReLU, enumtype::kSELU>;
using FanModeType = std::variant<enumtype::kFanIn, enumtype::kFanOut>;

// The recommended gain for a nonlinearity; param is leaky_relu's negative slope.
EMBER_API double calculate_gain(NonlinearityType nonlinearity, double param = 0.01);
// (fan_in, fan_out) of a weight tensor with at least 2 dimensions.
EMBER_API std::tuple<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);
inline std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  return calculate_fan_in_and_fan_out(tensor);
}

EMBER_API Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
EMBER_API Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
EMBER_API Tensor constant_(Tensor tensor, Scalar value);
EMBER_API Tensor ones_(Tensor tensor);
EMBER_API Tensor zeros_(Tensor tensor);
// The identity for 2-D tensors.
EMBER_API Tensor eye_(Tensor tensor);
// The Dirac delta for 3-, 4- and 5-D (convolution) weights: the identity convolution.
EMBER_API Tensor dirac_(Tensor tensor);
// A (semi-)orthogonal matrix (of the tensor flattened to [size(0), -1]), times gain: the Q of a
// QR decomposition of a normal sample, with R's diagonal signs applied.
EMBER_API Tensor orthogonal_(Tensor tensor, double gain = 1.0);
// 2-D: in each column, a fraction `sparsity` of the rows zero, the rest N(0, std).
EMBER_API Tensor sparse_(Tensor tensor, double sparsity, double std = 0.01);

// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)); N(0, std) with std = gain * sqrt(2 / (fan_in + fan_out)).
EMBER_API Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
EMBER_API Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
// U(-b, b) with b = gain * sqrt(3 / fan); N(0, std) with std = gain / sqrt(fan); gain =
// calculate_gain(nonlinearity, a) and fan the mode's fan.
EMBER_API Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanModeType mode = ember::kFanIn,
                                  NonlinearityType nonlinearity = ember::kLeakyReLU);
EMBER_API Tensor kaiming_normal_(Tensor tensor, double a = 0, FanModeType mode = ember::kFanIn,
                                 NonlinearityType nonlinearity = ember::kLeakyReLU);

}  // namespace init
}  // namespace nn
}  // namespace ember
