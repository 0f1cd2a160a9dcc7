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

#include "core/tensor.h"

namespace ember {
namespace nn {
namespace init {

enum class Nonlinearity { Linear, Conv1D, Conv2D, Conv3D, ConvTranspose1D, ConvTranspose2D, ConvTranspose3D, Sigmoid, Tanh, ReLU, LeakyReLU, SELU };
enum class FanMode { FanIn, FanOut };

// The recommended gain for a nonlinearity; param is leaky_relu's negative slope.
EMBER_API double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
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

// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)); N(0, std) with std = gain * sqrt(2 / (fan_in + fan_out)).
EMBER_API Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
EMBER_API Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
// U(-b, b) with b = gain * sqrt(3 / fan); N(0, std) with std = gain / sqrt(fan); gain =
// calculate_gain(nonlinearity, a) and fan the mode's fan.
EMBER_API Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = FanMode::FanIn,
                                  Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
EMBER_API Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = FanMode::FanIn,
                                 Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);

}  // namespace init
}  // namespace nn

// libtorch's spellings: torch::kFanIn, torch::kReLU, ...
constexpr nn::init::FanMode kFanIn = nn::init::FanMode::FanIn;
constexpr nn::init::FanMode kFanOut = nn::init::FanMode::FanOut;
constexpr nn::init::Nonlinearity kLinear = nn::init::Nonlinearity::Linear;
constexpr nn::init::Nonlinearity kConv1D = nn::init::Nonlinearity::Conv1D;
constexpr nn::init::Nonlinearity kConv2D = nn::init::Nonlinearity::Conv2D;
constexpr nn::init::Nonlinearity kConv3D = nn::init::Nonlinearity::Conv3D;
constexpr nn::init::Nonlinearity kConvTranspose1D = nn::init::Nonlinearity::ConvTranspose1D;
constexpr nn::init::Nonlinearity kConvTranspose2D = nn::init::Nonlinearity::ConvTranspose2D;
constexpr nn::init::Nonlinearity kConvTranspose3D = nn::init::Nonlinearity::ConvTranspose3D;
constexpr nn::init::Nonlinearity kSigmoid = nn::init::Nonlinearity::Sigmoid;
constexpr nn::init::Nonlinearity kTanh = nn::init::Nonlinearity::Tanh;
constexpr nn::init::Nonlinearity kReLU = nn::init::Nonlinearity::ReLU;
constexpr nn::init::Nonlinearity kLeakyReLU = nn::init::Nonlinearity::LeakyReLU;
constexpr nn::init::Nonlinearity kSELU = nn::init::Nonlinearity::SELU;

}  // namespace ember
