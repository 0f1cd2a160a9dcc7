// The building blocks of the nn options (nn/options/*.h), as libtorch's:
// - EMBER_ARG(T, name): a field with a chained setter and a getter, so that options read
//   `Conv2dOptions(3, 16, 3).stride(2).padding(1)` and `options.stride()`.
// - ExpandingArray<D>: D integers given as one value (3 -> [3, 3]) or as a list ({3, 5}).
// - ExpandingArrayWithOptional<D>: the same with empty entries (adaptive pooling's sizes).
// Plain values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/array_ref.h"
#include "core/error.h"
#include "core/tensor.h"

// A field `name_` of type T with `auto& name(T)` (returns *this for chaining) and `name()`.
#define EMBER_ARG(T, name)                                          \
 public:                                                            \
  inline auto& name(const T& new_##name) {                          \
    this->name##_ = new_##name;                                     \
    return *this;                                                   \
  }                                                                 \
  inline auto& name(T&& new_##name) {                               \
    this->name##_ = std::move(new_##name);                          \
    return *this;                                                   \
  }                                                                 \
  inline const T& name() const noexcept { return this->name##_; }  \
  inline T& name() noexcept { return this->name##_; }              \
                                                                    \
 private:                                                           \
  T name##_

namespace ember {

// D values of T, given as one value repeated D times or as exactly D values.
template <size_t D, typename T = int64_t>
class ExpandingArray {
 public:
  ExpandingArray(T single) { values_.fill(single); }  // NOLINT: implicit, as libtorch
  ExpandingArray(std::initializer_list<T> list) : ExpandingArray(ArrayRef<T>(list)) {}  // NOLINT
  ExpandingArray(const std::vector<T>& list) : ExpandingArray(ArrayRef<T>(list)) {}     // NOLINT
  ExpandingArray(ArrayRef<T> list) {                                                     // NOLINT
    EMBER_CHECK(list.size() == D, ValueError, "[ExpandingArray] expected ", D, " values, but instead got ", list.size());
    for (size_t i = 0; i < D; ++i) values_[i] = list[i];
  }
  ExpandingArray(const std::array<T, D>& values) : values_(values) {}  // NOLINT

  std::array<T, D>& operator*() { return values_; }
  const std::array<T, D>& operator*() const { return values_; }
  std::array<T, D>* operator->() { return &values_; }
  const std::array<T, D>* operator->() const { return &values_; }
  operator ArrayRef<T>() const { return ArrayRef<T>(values_.data(), D); }  // NOLINT
  T operator[](size_t i) const { return values_[i]; }
  static constexpr size_t size() { return D; }
  bool operator==(const ExpandingArray& o) const { return values_ == o.values_; }
  bool operator!=(const ExpandingArray& o) const { return values_ != o.values_; }
  // True when every value equals v.
  bool all_equal(T v) const {
    for (const T& x : values_)
      if (x != v) return false;
    return true;
  }

 private:
  std::array<T, D> values_;
};

// One value prints alone ("5"), more as a list ("[5, 5]"), as libtorch's.
template <size_t D, typename T>
std::ostream& operator<<(std::ostream& os, const ExpandingArray<D, T>& a) {
  if (D == 1) return os << a[0];
  return os << ArrayRef<T>(a);
}

// D optional values: AdaptiveAvgPool2d's output_size, where an empty entry keeps the input's size.
template <size_t D>
class ExpandingArrayWithOptional {
 public:
  ExpandingArrayWithOptional(int64_t single) { values_.fill(single); }  // NOLINT
  ExpandingArrayWithOptional(std::initializer_list<std::optional<int64_t>> list) {  // NOLINT
    EMBER_CHECK(list.size() == D, ValueError, "[ExpandingArray] expected ", D, " values, but instead got ", list.size());
    size_t i = 0;
    for (const auto& v : list) values_[i++] = v;
  }
  ExpandingArrayWithOptional(const ExpandingArray<D>& values) {  // NOLINT
    for (size_t i = 0; i < D; ++i) values_[i] = values[i];
  }
  const std::array<std::optional<int64_t>, D>& operator*() const { return values_; }
  const std::optional<int64_t>& operator[](size_t i) const { return values_[i]; }
  static constexpr size_t size() { return D; }

 private:
  std::array<std::optional<int64_t>, D> values_;
};

template <size_t D>
std::ostream& operator<<(std::ostream& os, const ExpandingArrayWithOptional<D>& a) {
  if (D == 1) {
    if (a[0]) return os << *a[0];
    return os << "None";
  }
  os << '[';
  for (size_t i = 0; i < D; ++i) {
    if (i) os << ", ";
    if (a[i]) os << *a[i]; else os << "None";
  }
  return os << ']';
}

}  // namespace ember
