// A Scalar's value (an int64 or a double) converted to an element type with PyTorch's range
// check (c10's checked_convert): fill values, alpha, clamp bounds and item<T>() that do not fit
// the dtype are an error, "value cannot be converted to type int16_t without overflow", instead
// of an undefined float-to-int cast or a silent wrap.
//
// The rules, as PyTorch's:
//   - bool: every value converts (nonzero -> true, NaN -> true).
//   - floating types: NaN and +-inf convert; finite values beyond the type's range overflow.
//   - integer types from a double: NaN, +-inf and values beyond [lowest, max] overflow; in-range
//     values truncate toward zero.
//   - integer types from an int64: values beyond the range overflow, except that an unsigned type
//     also accepts negative values down to -max, which wrap (uint8: -1 -> 255), so that `a - b`
//     can be written as `a + 255 * b`.
// Used by the core (ember::Scalar::to) and by plugins (ember::sdk::Scalar::to).
// Pure functions; thread-safe. Header-only.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <ember/sdk/dtype.h>

EMBER_SDK_NAMESPACE_BEGIN

// The C++ name PyTorch's message uses for each element type.
template <typename T>
constexpr const char* scalar_type_name() {
  if constexpr (std::is_same<T, bool>::value) return "bool";
  else if constexpr (std::is_same<T, uint8_t>::value) return "uint8_t";
  else if constexpr (std::is_same<T, int8_t>::value) return "int8_t";
  else if constexpr (std::is_same<T, int16_t>::value) return "int16_t";
  else if constexpr (std::is_same<T, int32_t>::value) return "int";
  else if constexpr (std::is_same<T, int64_t>::value) return "int64_t";
  else if constexpr (std::is_same<T, Half>::value) return "ember::Half";
  else if constexpr (std::is_same<T, BFloat16>::value) return "ember::BFloat16";
  else if constexpr (std::is_same<T, float>::value) return "float";
  else if constexpr (std::is_same<T, double>::value) return "double";
  else return "an integer type";
}

namespace detail {
// The largest finite value of a floating element type.
template <typename T>
constexpr double floating_max() {
  if constexpr (std::is_same<T, Half>::value) return 65504.0;
  else if constexpr (std::is_same<T, BFloat16>::value) return 3.3895313892515355e38;
  else return static_cast<double>(std::numeric_limits<T>::max());
}
}  // namespace detail

// True when v does not fit To under the rules above.
template <typename To>
bool scalar_overflows(double v) {
  if constexpr (std::is_same<To, bool>::value) {
    return false;
  } else if constexpr (is_floating_v<To>) {
    if (std::isnan(v) || std::isinf(v)) return false;
    return v < -detail::floating_max<To>() || v > detail::floating_max<To>();
  } else {
    // Written so that NaN compares false and overflows. The bounds are exact in double except
    // int64's max, which rounds up to 2^63: 2^63 itself passes, as in PyTorch, and converts to
    // int64's minimum (see convert_scalar).
    return !(v >= static_cast<double>(std::numeric_limits<To>::lowest()) &&
             v <= static_cast<double>(std::numeric_limits<To>::max()));
  }
}

template <typename To>
bool scalar_overflows(int64_t v) {
  if constexpr (std::is_same<To, bool>::value) {
    return false;
  } else if constexpr (is_floating_v<To>) {
    const double d = static_cast<double>(v);
    return d < -detail::floating_max<To>() || d > detail::floating_max<To>();
  } else if constexpr (std::is_unsigned<To>::value) {
    constexpr uint64_t max = std::numeric_limits<To>::max();
    const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return magnitude > max;
  } else {
    return v < static_cast<int64_t>(std::numeric_limits<To>::lowest()) ||
           v > static_cast<int64_t>(std::numeric_limits<To>::max());
  }
}

// The conversion of a value scalar_overflows accepted (defined behaviour for every such value).
template <typename To>
To convert_scalar(double v) {
  if constexpr (std::is_same<To, bool>::value) return v != 0;
  else if constexpr (is_floating_v<To>) return static_cast<To>(static_cast<compute_t<To>>(v));
  else return convert<To, double>(v);  // truncates; 2^63 -> int64 min as on x86
}

template <typename To>
To convert_scalar(int64_t v) {
  if constexpr (std::is_same<To, bool>::value) return v != 0;
  else if constexpr (is_floating_v<To>) return static_cast<To>(static_cast<compute_t<To>>(v));
  else return static_cast<To>(v);  // an unsigned type wraps negative values
}

EMBER_SDK_NAMESPACE_END
