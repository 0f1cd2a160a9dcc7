// Tensor literals: the data that ember::tensor(...) takes, as libtorch's TensorDataContainer.
//
//   ember::tensor(5)                         0-d int64
//   ember::tensor({1.5, 2.5})                1-d float32 (the default dtype)
//   ember::tensor({{{1, 2}}, {{3, 4}}})      nested lists of any depth: [2, 1, 2] int64
//   ember::tensor(std::vector<float>{...})   a vector or ArrayRef: 1-d, its element type
//   ember::tensor({true, false}, ember::kFloat64)   with options
//
// Element types follow libtorch: int and int64_t give int64, float and double give the default
// dtype, other types (bool, uint8_t, int8_t, int16_t, Half, BFloat16) keep theirs. All elements
// of a list must have one type, and the sub-lists of a list one shape (ValueError otherwise).
// A container is a plain value; thread-safe.
#pragma once

#include <initializer_list>
#include <type_traits>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace detail {

class EMBER_API TensorDataContainer {
 public:
  // An empty list: a tensor of size [0].
  TensorDataContainer();
  template <typename T, typename std::enable_if<std::is_arithmetic<T>::value || std::is_same<T, Half>::value ||
                                                    std::is_same<T, BFloat16>::value,
                                                int>::type = 0>
  TensorDataContainer(T value) : TensorDataContainer(Scalar(value), scalar_type_of<T>()) {}  // NOLINT
  TensorDataContainer(std::initializer_list<TensorDataContainer> list);  // NOLINT
  template <typename T>
  TensorDataContainer(ArrayRef<T> values) : TensorDataContainer(values.data(), values.size(), scalar_type_of<T>()) {}  // NOLINT
  template <typename T>
  TensorDataContainer(const std::vector<T>& values)  // NOLINT
      : TensorDataContainer(ArrayRef<T>(values.data(), values.size())) {}
  TensorDataContainer(const std::vector<bool>& values);  // NOLINT: std::vector<bool> has no data()

  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_init_list() const { return kind_ == Kind::List; }
  bool is_tensor() const { return kind_ == Kind::Tensor; }
  IntArrayRef sizes() const { return sizes_; }
  ScalarType scalar_type() const { return scalar_type_; }
  // The parts; each throws ValueError for a container of another kind.
  const Scalar& scalar() const;
  const std::vector<TensorDataContainer>& init_list() const;
  const Tensor& tensor() const;

  // The tensor: dtype from options or by the rules above, then device and requires_grad.
  Tensor convert_to_tensor(const TensorOptions& options) const;

  // {1, 2} / 1.5 / tensor([...]): as libtorch prints a container.
  void pretty_print_recursive(std::ostream& stream) const;

  template <typename T>
  static constexpr ScalarType scalar_type_of() {
    if constexpr (std::is_same<T, bool>::value) return kBool;
    else if constexpr (std::is_same<T, Half>::value) return kFloat16;
    else if constexpr (std::is_same<T, BFloat16>::value) return kBFloat16;
    else if constexpr (std::is_floating_point<T>::value) return sizeof(T) == 4 ? kFloat32 : kFloat64;
    else if constexpr (std::is_unsigned<T>::value && sizeof(T) == 1) return kUInt8;
    else if constexpr (sizeof(T) == 1) return kInt8;
    else if constexpr (sizeof(T) == 2) return kInt16;
    else if constexpr (sizeof(T) == 4) return kInt32;
    else return kInt64;
  }

 private:
  enum class Kind { Scalar, List, Tensor };
  TensorDataContainer(const Scalar& value, ScalarType type);
  TensorDataContainer(const void* data, size_t count, ScalarType type);
  // Writes this container's elements, row-major, into out (of this container's sizes).
  void fill(const Tensor& out) const;

  Kind kind_;
  std::vector<int64_t> sizes_;
  ScalarType scalar_type_;
  Scalar scalar_;
  std::vector<TensorDataContainer> list_;
  Tensor tensor_;  // Kind::Tensor: a 1-d CPU tensor of the vector's values
};

EMBER_API std::ostream& operator<<(std::ostream& stream, const TensorDataContainer& container);

}  // namespace detail

// A tensor from C++ data (see above).
EMBER_API Tensor tensor(detail::TensorDataContainer data, const TensorOptions& options = {});

}  // namespace ember
