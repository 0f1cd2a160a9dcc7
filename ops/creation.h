// Tensors from C++ data, as libtorch's torch::tensor and torch::from_blob:
//   ember::tensor({1.0, 2.0, 3.0})              float32 (the default dtype); see ops/tensor_literal.h
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
#include "ops/tensor_literal.h"

namespace ember {

// A 0-d tensor.
EMBER_API Tensor scalar_tensor(const Scalar& value, const TensorOptions& options = {});
// Values of any dtype given as doubles (sizes must match the count).
EMBER_API Tensor tensor_from_doubles(const std::vector<double>& values, IntArrayRef sizes, const TensorOptions& options);

// Wraps host memory without copying; deleter (optional) runs when the last view dies.
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options = {},
                           std::function<void(void*)> deleter = {});
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options = {},
                           std::function<void(void*)> deleter = {});
// libtorch's order: the deleter before the options.
inline Tensor from_blob(void* data, IntArrayRef sizes, std::function<void(void*)> deleter,
                        const TensorOptions& options = {}) {
  return from_blob(data, sizes, options, std::move(deleter));
}
inline Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, std::function<void(void*)> deleter,
                        const TensorOptions& options = {}) {
  return from_blob(data, sizes, strides, options, std::move(deleter));
}

}  // namespace ember
