// ScalarType (alias DType): the element types a Tensor can hold, their sizes and names,
// and PyTorch's type-promotion lattice. Plain values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

#include "core/export.h"
#include <ember/sdk/half.h>

namespace ember {

// Numbering is part of the plugin ABI (ember_dtype in <ember/plugin_abi.h>).
enum class ScalarType : int8_t {
  Bool = 0,
  UInt8 = 1,
  Int8 = 2,
  Int16 = 3,
  Int32 = 4,
  Int64 = 5,
  Float16 = 6,
  BFloat16 = 7,
  Float32 = 8,
  Float64 = 9,
  Undefined = 10,
};
using DType = ScalarType;
constexpr int kNumScalarTypes = 10;

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kUInt8 = ScalarType::UInt8;
constexpr ScalarType kByte = ScalarType::UInt8;
constexpr ScalarType kInt8 = ScalarType::Int8;
constexpr ScalarType kChar = ScalarType::Int8;
constexpr ScalarType kInt16 = ScalarType::Int16;
constexpr ScalarType kShort = ScalarType::Int16;
constexpr ScalarType kInt32 = ScalarType::Int32;
constexpr ScalarType kInt = ScalarType::Int32;
constexpr ScalarType kInt64 = ScalarType::Int64;
constexpr ScalarType kLong = ScalarType::Int64;
constexpr ScalarType kFloat16 = ScalarType::Float16;
constexpr ScalarType kHalf = ScalarType::Float16;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kFloat32 = ScalarType::Float32;
constexpr ScalarType kFloat = ScalarType::Float32;
constexpr ScalarType kFloat64 = ScalarType::Float64;
constexpr ScalarType kDouble = ScalarType::Float64;

EMBER_API size_t element_size(ScalarType t);
// "Float", "Long", ...: PyTorch's ScalarType names.
EMBER_API const char* scalar_type_name(ScalarType t);
// "torch.float32", "torch.int64", ...: what PyTorch prints for a dtype.
EMBER_API const char* dtype_python_name(ScalarType t);
// "float", "long int", "c10::Half", ...: the element's C++ type, which libtorch prints for a
// tensor's dtype() (a caffe2::TypeMeta) in its messages.
EMBER_API const char* cpp_type_name(ScalarType t);
// Parses "float32", "torch.float32", "Float", "float", "long", ...; throws ValueError.
EMBER_API ScalarType parse_scalar_type(const char* name);

inline bool is_floating_point(ScalarType t) {
  return t == kFloat16 || t == kBFloat16 || t == kFloat32 || t == kFloat64;
}
inline bool is_integral(ScalarType t, bool include_bool) {
  return (t >= kUInt8 && t <= kInt64) || (include_bool && t == kBool);
}
inline bool is_signed(ScalarType t) { return t != kBool && t != kUInt8; }

// The smallest type both a and b convert to without losing their category (PyTorch's table).
EMBER_API ScalarType promote_types(ScalarType a, ScalarType b);

// The process-wide default floating dtype (float32 unless changed); thread-safe.
EMBER_API ScalarType default_dtype();
EMBER_API void set_default_dtype(ScalarType t);

EMBER_API std::ostream& operator<<(std::ostream& os, ScalarType t);

// Maps a C++ element type to its ScalarType.
template <typename T> struct CppTypeToScalarType;
template <> struct CppTypeToScalarType<bool> { static constexpr ScalarType value = kBool; };
template <> struct CppTypeToScalarType<uint8_t> { static constexpr ScalarType value = kUInt8; };
template <> struct CppTypeToScalarType<int8_t> { static constexpr ScalarType value = kInt8; };
template <> struct CppTypeToScalarType<int16_t> { static constexpr ScalarType value = kInt16; };
template <> struct CppTypeToScalarType<int32_t> { static constexpr ScalarType value = kInt32; };
template <> struct CppTypeToScalarType<int64_t> { static constexpr ScalarType value = kInt64; };
template <> struct CppTypeToScalarType<Half> { static constexpr ScalarType value = kFloat16; };
template <> struct CppTypeToScalarType<BFloat16> { static constexpr ScalarType value = kBFloat16; };
template <> struct CppTypeToScalarType<float> { static constexpr ScalarType value = kFloat32; };
template <> struct CppTypeToScalarType<double> { static constexpr ScalarType value = kFloat64; };

}  // namespace ember

// EMBER_DISPATCH_ALL_TYPES(dtype, "op", [&] { ... scalar_t ... }): runs the lambda with
// scalar_t bound to the C++ type of dtype. Used inside the core only (plugins have their own).
#define EMBER_DTYPE_CASE(enum_value, cpp_type, ...) \
  case enum_value: {                                \
    using scalar_t = cpp_type;                      \
    return __VA_ARGS__();                           \
  }
#define EMBER_DISPATCH_ALL_TYPES(dtype, op_name, ...)                                        \
  [&] {                                                                                      \
    switch (dtype) {                                                                         \
      EMBER_DTYPE_CASE(::ember::kBool, bool, __VA_ARGS__)                                    \
      EMBER_DTYPE_CASE(::ember::kUInt8, uint8_t, __VA_ARGS__)                                \
      EMBER_DTYPE_CASE(::ember::kInt8, int8_t, __VA_ARGS__)                                  \
      EMBER_DTYPE_CASE(::ember::kInt16, int16_t, __VA_ARGS__)                                \
      EMBER_DTYPE_CASE(::ember::kInt32, int32_t, __VA_ARGS__)                                \
      EMBER_DTYPE_CASE(::ember::kInt64, int64_t, __VA_ARGS__)                                \
      EMBER_DTYPE_CASE(::ember::kFloat16, ::ember::Half, __VA_ARGS__)                        \
      EMBER_DTYPE_CASE(::ember::kBFloat16, ::ember::BFloat16, __VA_ARGS__)                   \
      EMBER_DTYPE_CASE(::ember::kFloat32, float, __VA_ARGS__)                                \
      EMBER_DTYPE_CASE(::ember::kFloat64, double, __VA_ARGS__)                               \
      default:                                                                               \
        EMBER_FAIL(TypeError, "[", op_name, "] unsupported dtype ", dtype);                  \
    }                                                                                        \
  }()
