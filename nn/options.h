// The options of nn modules and nn::functional, as libtorch's, and their building blocks:
// - EMBER_ARG(T, name): a field with a chained setter and a getter, so that options read
//   `Conv2dOptions(3, 16, 3).stride(2).padding(1)` and `options.stride()`.
// - ExpandingArray<D>: D integers given as one value (3 -> [3, 3]) or as a list ({3, 5}).
// - Reduction: how a loss reduces over its elements (kNone, kMean, kSum; the ints that ops
//   take as `int reduction`).
// Defaults are PyTorch's. Constructors that libtorch leaves implicit are implicit here too, so
// `F::softmax(x, 1)`, `F::max_pool2d(x, 2)` and `F::mse_loss(a, b, ember::kSum)` work.
// Plain values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <vector>

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

template <size_t D, typename T>
std::ostream& operator<<(std::ostream& os, const ExpandingArray<D, T>& a) {
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
  os << '[';
  for (size_t i = 0; i < D; ++i) {
    if (i) os << ", ";
    if (a[i]) os << *a[i]; else os << "None";
  }
  return os << ']';
}

namespace nn {
// The values are ATen's (`int reduction` of the loss ops): None 0, Mean 1, Sum 2.
enum class Reduction : int64_t { None = 0, Mean = 1, Sum = 2 };
EMBER_API std::ostream& operator<<(std::ostream& os, Reduction r);  // "none", "mean", "sum"
}  // namespace nn

// torch::kNone / kMean / kSum.
constexpr nn::Reduction kNone = nn::Reduction::None;
constexpr nn::Reduction kMean = nn::Reduction::Mean;
constexpr nn::Reduction kSum = nn::Reduction::Sum;

namespace nn {

// ---- linear, flatten -----------------------------------------------------------------------------

struct EMBER_API LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};

struct EMBER_API FlattenOptions {
  EMBER_ARG(int64_t, start_dim) = 1;
  EMBER_ARG(int64_t, end_dim) = -1;
};

// ---- convolution -------------------------------------------------------------------------------

struct EMBER_API Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(ExpandingArray<2>, kernel_size);
  EMBER_ARG(ExpandingArray<2>, stride) = 1;
  EMBER_ARG(ExpandingArray<2>, padding) = 0;
  EMBER_ARG(ExpandingArray<2>, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
};

struct EMBER_API Conv2dFuncOptions {
  EMBER_ARG(Tensor, bias);
  EMBER_ARG(ExpandingArray<2>, stride) = 1;
  EMBER_ARG(ExpandingArray<2>, padding) = 0;
  EMBER_ARG(ExpandingArray<2>, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
};

// ---- normalization -----------------------------------------------------------------------------

struct EMBER_API BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT
  EMBER_ARG(int64_t, num_features);
  EMBER_ARG(double, eps) = 1e-5;
  // nullopt: a cumulative moving average (running = mean of all batches so far).
  EMBER_ARG(std::optional<double>, momentum) = 0.1;
  EMBER_ARG(bool, affine) = true;
  EMBER_ARG(bool, track_running_stats) = true;
};
using BatchNorm2dOptions = BatchNormOptions;

struct EMBER_API BatchNormFuncOptions {
  EMBER_ARG(Tensor, weight);
  EMBER_ARG(Tensor, bias);
  EMBER_ARG(bool, training) = false;
  EMBER_ARG(double, momentum) = 0.1;
  EMBER_ARG(double, eps) = 1e-5;
};

struct EMBER_API LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(bool, elementwise_affine) = true;
};

struct EMBER_API LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(Tensor, weight);
  EMBER_ARG(Tensor, bias);
  EMBER_ARG(double, eps) = 1e-5;
};

// ---- embedding ---------------------------------------------------------------------------------

struct EMBER_API EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EMBER_ARG(int64_t, num_embeddings);
  EMBER_ARG(int64_t, embedding_dim);
  // The row that is initialized to zeros and gets no gradient; negative counts from the end.
  EMBER_ARG(std::optional<int64_t>, padding_idx);
  EMBER_ARG(bool, scale_grad_by_freq) = false;
};

struct EMBER_API EmbeddingFuncOptions {
  EMBER_ARG(std::optional<int64_t>, padding_idx);
  EMBER_ARG(bool, scale_grad_by_freq) = false;
};

// ---- dropout and activations ---------------------------------------------------------------------

struct EMBER_API DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  EMBER_ARG(double, p);
  EMBER_ARG(bool, inplace) = false;
};

struct EMBER_API DropoutFuncOptions {
  EMBER_ARG(double, p) = 0.5;
  EMBER_ARG(bool, training) = true;
  EMBER_ARG(bool, inplace) = false;
};

struct EMBER_API ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  EMBER_ARG(bool, inplace);
};
using ReLUFuncOptions = ReLUOptions;

struct EMBER_API GELUOptions {
  // "none" (the exact erf form) or "tanh".
  EMBER_ARG(std::string, approximate) = "none";
};
using GELUFuncOptions = GELUOptions;

struct EMBER_API SoftmaxFuncOptions {
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  EMBER_ARG(int64_t, dim);
  EMBER_ARG(std::optional<ScalarType>, dtype);
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;

// ---- pooling -----------------------------------------------------------------------------------

struct EMBER_API MaxPool2dOptions {
  MaxPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  EMBER_ARG(ExpandingArray<2>, kernel_size);
  EMBER_ARG(ExpandingArray<2>, stride);  // defaults to kernel_size
  EMBER_ARG(ExpandingArray<2>, padding) = 0;
  EMBER_ARG(ExpandingArray<2>, dilation) = 1;
  EMBER_ARG(bool, ceil_mode) = false;
};
using MaxPool2dFuncOptions = MaxPool2dOptions;

struct EMBER_API AvgPool2dOptions {
  AvgPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  EMBER_ARG(ExpandingArray<2>, kernel_size);
  EMBER_ARG(ExpandingArray<2>, stride);  // defaults to kernel_size
  EMBER_ARG(ExpandingArray<2>, padding) = 0;
  EMBER_ARG(bool, ceil_mode) = false;
  EMBER_ARG(bool, count_include_pad) = true;
  EMBER_ARG(std::optional<int64_t>, divisor_override);
};
using AvgPool2dFuncOptions = AvgPool2dOptions;

struct EMBER_API AdaptiveAvgPool2dOptions {
  // An empty entry keeps that input dimension's size.
  AdaptiveAvgPool2dOptions(ExpandingArrayWithOptional<2> output_size) : output_size_(output_size) {}  // NOLINT
  EMBER_ARG(ExpandingArrayWithOptional<2>, output_size);
};
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;

// ---- losses ------------------------------------------------------------------------------------

struct EMBER_API MSELossOptions {
  MSELossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT
  EMBER_ARG(Reduction, reduction);
};
using MSELossFuncOptions = MSELossOptions;

struct EMBER_API NLLLossOptions {
  NLLLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT
  EMBER_ARG(Tensor, weight);  // per class, shape [C]
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(Reduction, reduction);
};
using NLLLossFuncOptions = NLLLossOptions;

struct EMBER_API CrossEntropyLossOptions {
  CrossEntropyLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT
  EMBER_ARG(Tensor, weight);  // per class, shape [C]
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(Reduction, reduction);
  EMBER_ARG(double, label_smoothing) = 0.0;
};
using CrossEntropyFuncOptions = CrossEntropyLossOptions;

struct EMBER_API BCEWithLogitsLossOptions {
  BCEWithLogitsLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT
  EMBER_ARG(Tensor, weight);      // broadcast to the input
  EMBER_ARG(Reduction, reduction);
  EMBER_ARG(Tensor, pos_weight);  // weight of positive examples, per class (last dimension)
};
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;

}  // namespace nn
}  // namespace ember
