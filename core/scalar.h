// Scalar: a number passed to an op (alpha in add, the value in fill), an int64, a double or a bool.
// Plain value; thread-safe.
#pragma once

#include <cstdint>
#include <ostream>
#include <type_traits>

#include "core/dtype.h"
#include "core/error.h"
#include <ember/sdk/scalar_convert.h>

namespace ember {

class EMBER_API Scalar {
 public:
  enum class Tag : uint8_t { Double, Int, Bool };

  Scalar() : Scalar(int64_t(0)) {}
  Scalar(double v) : tag_(Tag::Double) { v_.d = v; }  // NOLINT: implicit by design
  Scalar(float v) : Scalar(static_cast<double>(v)) {}  // NOLINT
  Scalar(Half v) : Scalar(static_cast<double>(static_cast<float>(v))) {}      // NOLINT
  Scalar(BFloat16 v) : Scalar(static_cast<double>(static_cast<float>(v))) {}  // NOLINT
  Scalar(bool v) : tag_(Tag::Bool) { v_.i = v; }  // NOLINT
  template <typename T,
            typename std::enable_if<std::is_integral<T>::value && !std::is_same<T, bool>::value,
                                    int>::type = 0>
  Scalar(T v) : tag_(Tag::Int) {  // NOLINT
    v_.i = static_cast<int64_t>(v);
  }

  Tag tag() const { return tag_; }
  bool is_floating_point() const { return tag_ == Tag::Double; }
  bool is_integral(bool include_bool = false) const {
    return tag_ == Tag::Int || (include_bool && tag_ == Tag::Bool);
  }
  bool is_bool() const { return tag_ == Tag::Bool; }

  double to_double() const { return tag_ == Tag::Double ? v_.d : static_cast<double>(v_.i); }
  // to_long and to<T> raise ValueError "value cannot be converted to type int16_t without
  // overflow" for a value out of T's range, as PyTorch (rules in <ember/sdk/scalar_convert.h>).
  int64_t to_long() const { return tag_ == Tag::Int ? v_.i : to<int64_t>(); }
  bool to_bool() const { return tag_ == Tag::Double ? v_.d != 0 : v_.i != 0; }
  template <typename T> T to() const;

  // The dtype a wrapped number of this kind gets: Float64 / Int64 / Bool (PyTorch's rule).
  ScalarType type() const {
    return tag_ == Tag::Double ? kFloat64 : tag_ == Tag::Int ? kInt64 : kBool;
  }
  Scalar operator-() const;
  bool equal(const Scalar& o) const;

 private:
  Tag tag_;
  union {
    double d;
    int64_t i;
  } v_;
};

namespace detail {
[[noreturn]] EMBER_API void throw_scalar_overflow(const char* type_name);
}  // namespace detail

template <typename T> T Scalar::to() const {
  if constexpr (std::is_same<T, bool>::value) {
    return to_bool();
  } else if constexpr (std::is_same<T, double>::value) {
    return to_double();
  } else if (tag_ == Tag::Double) {
    if (EMBER_UNLIKELY(sdk::scalar_overflows<T>(v_.d))) detail::throw_scalar_overflow(sdk::scalar_type_name<T>());
    return sdk::convert_scalar<T>(v_.d);
  } else {
    if (EMBER_UNLIKELY(sdk::scalar_overflows<T>(v_.i))) detail::throw_scalar_overflow(sdk::scalar_type_name<T>());
    return sdk::convert_scalar<T>(v_.i);
  }
}

EMBER_API std::ostream& operator<<(std::ostream& os, const Scalar& s);

}  // namespace ember
