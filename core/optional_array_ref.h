// OptionalArrayRef<T>: an optional, non-owning list argument of the public C++ API, for schema
// types such as `int[1]? dim` (t.sum({0, 1}), t.sum(1), t.sum(std::nullopt)).
//
// Why not std::optional<IntArrayRef>: std::optional's converting constructor builds the
// ArrayRef inside itself, so `{1}` or `1` (an int, not an int64_t) binds the ArrayRef to a
// temporary that dies before the call runs, and `{0, 1}` does not compile at all. Here every
// constructor takes what the caller wrote, whose storage lives until the end of the caller's
// full-expression, like IntArrayRef parameters. (libtorch has c10::OptionalArrayRef for the
// same reason.) Kernels, meta functions and composites keep std::optional<IntArrayRef>; this
// converts to it. Does not own its data; a plain value otherwise.
#pragma once

#include <initializer_list>
#include <optional>
#include <vector>

#include "core/array_ref.h"

namespace ember {

template <typename T>
class OptionalArrayRef {
 public:
  OptionalArrayRef() = default;
  OptionalArrayRef(std::nullopt_t) {}                                            // NOLINT
  OptionalArrayRef(ArrayRef<T> values) : value_(values) {}                       // NOLINT
  OptionalArrayRef(const std::vector<T>& values) : value_(ArrayRef<T>(values)) {}  // NOLINT
  OptionalArrayRef(std::initializer_list<T> values) : value_(ArrayRef<T>(values)) {}  // NOLINT
  OptionalArrayRef(const T& single) : value_(ArrayRef<T>(single)) {}             // NOLINT
  OptionalArrayRef(const std::optional<ArrayRef<T>>& values) : value_(values) {}  // NOLINT

  operator const std::optional<ArrayRef<T>>&() const { return value_; }  // NOLINT: to kernel types
  const std::optional<ArrayRef<T>>& get() const { return value_; }
  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return value_.has_value(); }
  ArrayRef<T> operator*() const { return *value_; }
  const ArrayRef<T>* operator->() const { return &*value_; }

 private:
  std::optional<ArrayRef<T>> value_;
};

using OptionalIntArrayRef = OptionalArrayRef<int64_t>;

}  // namespace ember
