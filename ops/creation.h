// Tensors from C++ data, as libtorch's torch::tensor and torch::from_blob:
//   ember::tensor({1.0, 2.0, 3.0})              float32 (the default dtype)
//   ember::tensor({{1, 2}, {3, 4}})             int64
//   ember::tensor({1.0, 2.0}, ember::kFloat64)  with options
//   ember::from_blob(ptr, {2, 3}, ember::kFloat) borrows ptr (the caller keeps it alive)
// Thread-safe: each call makes a new tensor.
#pragma once

#include <functional>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "core/tensor.h"

namespace ember {

EMBER_API Tensor tensor(std::initializer_list<double> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<int64_t> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<int> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<bool> values, const TensorOptions& options = {});

namespace detail {
// The rows of a nested braced list, flattened, with each row's length (checked to be equal).
EMBER_API Tensor tensor_from_rows(const std::vector<double>& flat, const std::vector<size_t>& row_sizes,
                                  const TensorOptions& options);
EMBER_API Tensor tensor_from_rows(const std::vector<int64_t>& flat, const std::vector<size_t>& row_sizes,
                                  const TensorOptions& options);
}  // namespace detail

// A matrix from rows: floating values give a float32 (default dtype) tensor, integers int64.
// A template, because with one overload per element type clang finds {{-1.0, 0.5}} ambiguous
// (it does not rule out the narrowing inner conversions during overload resolution).
template <typename T, std::enable_if_t<std::is_arithmetic<T>::value && !std::is_same<T, bool>::value, int> = 0>
Tensor tensor(std::initializer_list<std::initializer_list<T>> rows, const TensorOptions& options = {}) {
  using Flat = std::conditional_t<std::is_floating_point<T>::value, double, int64_t>;
  std::vector<Flat> flat;
  std::vector<size_t> row_sizes;
  for (const auto& row : rows) {
    row_sizes.push_back(row.size());
    flat.insert(flat.end(), row.begin(), row.end());
  }
  return detail::tensor_from_rows(flat, row_sizes, options);
}
// A 0-d tensor.
EMBER_API Tensor scalar_tensor(const Scalar& value, const TensorOptions& options = {});
// Values of any dtype given as doubles (sizes must match the count).
EMBER_API Tensor tensor_from_doubles(const std::vector<double>& values, IntArrayRef sizes, const TensorOptions& options);

// Wraps host memory without copying; deleter (optional) runs when the last view dies.
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options = {},
                           std::function<void(void*)> deleter = {});
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options = {},
                           std::function<void(void*)> deleter = {});

}  // namespace ember
