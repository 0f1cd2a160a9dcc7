// The named constants of the nn options (ember::kMean, kSum, kNone, kZeros, kReflect, kBilinear,
// kReLU, ...), as libtorch's torch::enumtype: each constant has its own small type, and an option
// that takes a few of them holds a std::variant of those types, so that one name (kMean) serves
// a loss's reduction and an embedding bag's mode alike:
//
//   ember::nn::L1LossOptions().reduction(ember::kSum);
//   std::holds_alternative<ember::enumtype::kSum>(options.reduction());
//   ember::enumtype::get_enum_name(options.mode());   // "kBilinear"
//
// Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "core/export.h"

namespace ember {
namespace enumtype {

#define EMBER_ENUM_TYPES(_)                                                                                        \
  _(Linear) _(Conv1D) _(Conv2D) _(Conv3D) _(ConvTranspose1D) _(ConvTranspose2D) _(ConvTranspose3D) _(Sigmoid)       \
  _(Tanh) _(ReLU) _(GELU) _(SiLU) _(LeakyReLU) _(FanIn) _(FanOut) _(Constant) _(Reflect) _(Replicate) _(Circular)    \
  _(Nearest) _(Bilinear) _(Bicubic) _(Trilinear) _(Area) _(NearestExact) _(Sum) _(Mean) _(Max) _(None) _(BatchMean) \
  _(Zeros) _(Border) _(Reflection) _(RNN_TANH) _(RNN_RELU) _(LSTM) _(GRU) _(Valid) _(Same) _(SELU)

#define EMBER_DECLARE_ENUM_TYPE(name) \
  struct k##name {                    \
    constexpr k##name() = default;    \
  };
EMBER_ENUM_TYPES(EMBER_DECLARE_ENUM_TYPE)
#undef EMBER_DECLARE_ENUM_TYPE

// "kMean", "kBilinear", ...
#define EMBER_DECLARE_ENUM_NAME(name) EMBER_API std::string name_of(const k##name&);
EMBER_ENUM_TYPES(EMBER_DECLARE_ENUM_NAME)
#undef EMBER_DECLARE_ENUM_NAME

template <typename... Types>
std::string get_enum_name(const std::variant<Types...>& value) {
  return std::visit([](const auto& v) { return name_of(v); }, value);
}

}  // namespace enumtype

#define EMBER_DECLARE_ENUM_CONSTANT(name) constexpr enumtype::k##name k##name{};
EMBER_ENUM_TYPES(EMBER_DECLARE_ENUM_CONSTANT)
#undef EMBER_DECLARE_ENUM_CONSTANT

// libtorch also spells two of them differently.
constexpr enumtype::kConv1D kConv1d{};
constexpr enumtype::kConv2D kConv2d{};
constexpr enumtype::kConv3D kConv3d{};
constexpr enumtype::kConvTranspose1D kConvTranspose1d{};
constexpr enumtype::kConvTranspose2D kConvTranspose2d{};
constexpr enumtype::kConvTranspose3D kConvTranspose3d{};

namespace nn {
// How a loss reduces over its elements (the `int reduction` of the loss ops: none 0, mean 1, sum 2).
using LossReduction = std::variant<enumtype::kNone, enumtype::kMean, enumtype::kSum>;
EMBER_API int64_t reduction_value(const LossReduction& reduction);
}  // namespace nn

}  // namespace ember
