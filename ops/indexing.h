// libtorch's C++ indexing API (torch::indexing): Python's subscripts spelled as a braced list.
//
//   using namespace ember::indexing;
//   x.index({Slice(1, None), None, 0})        // x[1:, None, 0]
//   x.index({"...", mask})                     // x[..., mask]   (bool mask: its true positions)
//   x.index({idx0, Slice(), idx1})             // x[idx0, :, idx1] (int64 tensors, broadcast)
//   x.index_put_({mask}, 0.0)                  // x[mask] = 0
//   x.index_put_({Slice(None, 2)}, y)          // x[:2] = y (y broadcast to the result's shape)
//
// Integers, slices, None, Ellipsis and true/false are basic indices: the result is a view.
// Tensors (int64/int32 indices, bool or uint8 masks) are advanced indices: the result is a copy
// made by index_select over the indexed dims, placed as NumPy and PyTorch place them (where the
// first one was when they are adjacent, else in front). Everything is differentiable through the
// ops it is built from. Thread-safe: indices are plain values.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace indexing {

constexpr int64_t INDEX_MIN = std::numeric_limits<int64_t>::min();
constexpr int64_t INDEX_MAX = std::numeric_limits<int64_t>::max();

enum class TensorIndexType { None, Ellipsis, Integer, Boolean, Slice, Tensor };

constexpr std::nullopt_t None = std::nullopt;

struct EllipsisIndexType {
  EllipsisIndexType() = default;
};
constexpr EllipsisIndexType Ellipsis;

// start:stop:step with Python's defaults: a missing start is 0 (INDEX_MAX for a negative step), a
// missing stop INDEX_MAX (INDEX_MIN for a negative step), a missing step 1.
class EMBER_API Slice {
 public:
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt);
  int64_t start() const { return start_; }
  int64_t stop() const { return stop_; }
  int64_t step() const { return step_; }

 private:
  int64_t start_;
  int64_t stop_;
  int64_t step_;
};
EMBER_API std::ostream& operator<<(std::ostream& os, const Slice& slice);  // "1:3:1"

class EMBER_API TensorIndex {
 public:
  TensorIndex(std::nullopt_t) : type_(TensorIndexType::None) {}  // NOLINT: None
  TensorIndex(EllipsisIndexType) : type_(TensorIndexType::Ellipsis) {}  // NOLINT
  TensorIndex(const char* ellipsis);  // NOLINT: "..." only; anything else is a ValueError
  template <typename T, typename std::enable_if<std::is_integral<T>::value && !std::is_same<T, bool>::value, int>::type = 0>
  TensorIndex(T integer) : integer_(static_cast<int64_t>(integer)), type_(TensorIndexType::Integer) {}  // NOLINT
  template <typename T, typename std::enable_if<std::is_same<T, bool>::value, int>::type = 0>
  TensorIndex(T boolean) : boolean_(boolean), type_(TensorIndexType::Boolean) {}  // NOLINT
  TensorIndex(Slice slice) : slice_(slice), type_(TensorIndexType::Slice) {}  // NOLINT
  TensorIndex(Tensor tensor) : tensor_(std::move(tensor)), type_(TensorIndexType::Tensor) {}  // NOLINT

  TensorIndexType type() const { return type_; }
  bool is_none() const { return type_ == TensorIndexType::None; }
  bool is_ellipsis() const { return type_ == TensorIndexType::Ellipsis; }
  bool is_integer() const { return type_ == TensorIndexType::Integer; }
  bool is_boolean() const { return type_ == TensorIndexType::Boolean; }
  bool is_slice() const { return type_ == TensorIndexType::Slice; }
  bool is_tensor() const { return type_ == TensorIndexType::Tensor; }
  int64_t integer() const { return integer_; }
  bool boolean() const { return boolean_; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
  TensorIndexType type_;
};
EMBER_API std::ostream& operator<<(std::ostream& os, const TensorIndex& index);
EMBER_API std::ostream& operator<<(std::ostream& os, const std::vector<TensorIndex>& indices);  // "(None, 0)"

}  // namespace indexing

// ATen's index.Tensor and index_put_: advanced indexing by a list of optional index tensors (one
// per leading dim; an undefined tensor means "all of this dim"; every tensor, 0-d ones included,
// is an advanced index).
EMBER_API Tensor index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices);
EMBER_API Tensor& index_put_(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                             bool accumulate = false);
EMBER_API Tensor index_put(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                           bool accumulate = false);

}  // namespace ember
