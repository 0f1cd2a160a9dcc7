// Integer arithmetic that wraps around on overflow, as PyTorch's results do, without the
// undefined behaviour of signed overflow in C++.
//
// int32 `60000 * 60000` is -694967296 in PyTorch (two's complement wrap-around); written as
// `x * y` on int32_t it is undefined behaviour, and on uint16_t it is too, because both operands
// promote to int first. These functions compute in an unsigned type at least as wide as
// unsigned int and convert back, which gives the two's complement result on every compiler
// ember supports. For floating and bool types they are the plain operators.
// Pure functions; thread-safe. Header-only.
#pragma once

#include <type_traits>

#include <ember/sdk/error.h>

EMBER_SDK_NAMESPACE_BEGIN

namespace detail {
template <typename T>
constexpr bool wraps_v = std::is_integral<T>::value && !std::is_same<T, bool>::value;
// The unsigned type the arithmetic of T is done in (never narrower than unsigned int, so that
// nothing promotes back to signed int).
template <typename T>
using wrap_unsigned_t = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
}  // namespace detail

template <typename T>
inline T wrapping_add(T a, T b) {
  if constexpr (detail::wraps_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

template <typename T>
inline T wrapping_sub(T a, T b) {
  if constexpr (detail::wraps_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}

template <typename T>
inline T wrapping_mul(T a, T b) {
  if constexpr (detail::wraps_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

template <typename T>
inline T wrapping_neg(T a) {
  if constexpr (detail::wraps_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(a)));
  } else {
    return -a;
  }
}

EMBER_SDK_NAMESPACE_END
