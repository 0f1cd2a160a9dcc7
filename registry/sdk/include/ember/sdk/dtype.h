// DType facts for plugin code: the C++ type of each ember_dtype, its name, size and kind.
//
// Compile-time tables and pure functions; thread-safe. Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <ember/plugin_abi.h>
#include <ember/sdk/error.h>
#include <ember/sdk/half.h>

EMBER_SDK_NAMESPACE_BEGIN

using Half = ::ember::Half;
using BFloat16 = ::ember::BFloat16;

// Masks for Registrar::kernel and dispatch<Mask>().
constexpr uint32_t dtype_bit(int32_t d) { return 1u << d; }
constexpr uint32_t kAllDTypes = EMBER_DTYPES_ALL;
constexpr uint32_t kFloatingDTypes = EMBER_DTYPES_FLOATING;
constexpr uint32_t kIntegralDTypes =
    dtype_bit(EMBER_DTYPE_UINT8) | dtype_bit(EMBER_DTYPE_INT8) | dtype_bit(EMBER_DTYPE_INT16) |
    dtype_bit(EMBER_DTYPE_INT32) | dtype_bit(EMBER_DTYPE_INT64);
constexpr uint32_t kAllButBool = kAllDTypes & ~dtype_bit(EMBER_DTYPE_BOOL);

inline const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL: return "Bool";
    case EMBER_DTYPE_UINT8: return "Byte";
    case EMBER_DTYPE_INT8: return "Char";
    case EMBER_DTYPE_INT16: return "Short";
    case EMBER_DTYPE_INT32: return "Int";
    case EMBER_DTYPE_INT64: return "Long";
    case EMBER_DTYPE_FLOAT16: return "Half";
    case EMBER_DTYPE_BFLOAT16: return "BFloat16";
    case EMBER_DTYPE_FLOAT32: return "Float";
    case EMBER_DTYPE_FLOAT64: return "Double";
    default: return "<invalid dtype>";
  }
}

inline size_t element_size(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL:
    case EMBER_DTYPE_UINT8:
    case EMBER_DTYPE_INT8: return 1;
    case EMBER_DTYPE_INT16:
    case EMBER_DTYPE_FLOAT16:
    case EMBER_DTYPE_BFLOAT16: return 2;
    case EMBER_DTYPE_INT32:
    case EMBER_DTYPE_FLOAT32: return 4;
    case EMBER_DTYPE_INT64:
    case EMBER_DTYPE_FLOAT64: return 8;
    default: return 0;
  }
}

inline bool is_floating(int32_t dtype) { return (kFloatingDTypes >> dtype) & 1u; }
inline bool is_integral(int32_t dtype, bool include_bool) {
  return ((kIntegralDTypes >> dtype) & 1u) || (include_bool && dtype == EMBER_DTYPE_BOOL);
}

// C++ storage type of a dtype, and the type arithmetic on it is done in (float for 16-bit floats).
template <int32_t D> struct CppType;
template <> struct CppType<EMBER_DTYPE_BOOL> { using type = bool; };
template <> struct CppType<EMBER_DTYPE_UINT8> { using type = uint8_t; };
template <> struct CppType<EMBER_DTYPE_INT8> { using type = int8_t; };
template <> struct CppType<EMBER_DTYPE_INT16> { using type = int16_t; };
template <> struct CppType<EMBER_DTYPE_INT32> { using type = int32_t; };
template <> struct CppType<EMBER_DTYPE_INT64> { using type = int64_t; };
template <> struct CppType<EMBER_DTYPE_FLOAT16> { using type = Half; };
template <> struct CppType<EMBER_DTYPE_BFLOAT16> { using type = BFloat16; };
template <> struct CppType<EMBER_DTYPE_FLOAT32> { using type = float; };
template <> struct CppType<EMBER_DTYPE_FLOAT64> { using type = double; };

template <typename T> struct DTypeOf;
template <> struct DTypeOf<bool> { static constexpr int32_t value = EMBER_DTYPE_BOOL; };
template <> struct DTypeOf<uint8_t> { static constexpr int32_t value = EMBER_DTYPE_UINT8; };
template <> struct DTypeOf<int8_t> { static constexpr int32_t value = EMBER_DTYPE_INT8; };
template <> struct DTypeOf<int16_t> { static constexpr int32_t value = EMBER_DTYPE_INT16; };
template <> struct DTypeOf<int32_t> { static constexpr int32_t value = EMBER_DTYPE_INT32; };
template <> struct DTypeOf<int64_t> { static constexpr int32_t value = EMBER_DTYPE_INT64; };
template <> struct DTypeOf<Half> { static constexpr int32_t value = EMBER_DTYPE_FLOAT16; };
template <> struct DTypeOf<BFloat16> { static constexpr int32_t value = EMBER_DTYPE_BFLOAT16; };
template <> struct DTypeOf<float> { static constexpr int32_t value = EMBER_DTYPE_FLOAT32; };
template <> struct DTypeOf<double> { static constexpr int32_t value = EMBER_DTYPE_FLOAT64; };
template <typename T> constexpr int32_t dtype_of = DTypeOf<T>::value;

template <typename T> struct ComputeTypeOf { using type = T; };
template <> struct ComputeTypeOf<Half> { using type = float; };
template <> struct ComputeTypeOf<BFloat16> { using type = float; };
template <typename T> using compute_t = typename ComputeTypeOf<T>::type;

template <typename T>
constexpr bool is_floating_v = std::is_floating_point<T>::value || std::is_same<T, Half>::value ||
                               std::is_same<T, BFloat16>::value;

// Float to integer as PyTorch on x86: truncation toward zero; NaN and values out of range give the
// minimum of the intermediate type (int64 for int64, int32 for narrower types, which then wrap),
// because that is what the cvtt* instructions return.
template <typename Int>
Int truncate_to(double v) {
  if (!(v > static_cast<double>(std::numeric_limits<Int>::min()) - 1.0 &&
        v < static_cast<double>(std::numeric_limits<Int>::max()) + 1.0))
    return std::numeric_limits<Int>::min();
  return static_cast<Int>(v);
}

// One element converted between dtypes with PyTorch's semantics (what `_copy_same_device_` and
// `.to(dtype)` must do on every device): bool is `!= 0`, float to int truncates (see above),
// integer narrowing wraps, half types go through float.
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same<To, From>::value) {
    return v;
  } else if constexpr (std::is_same<To, bool>::value) {
    return static_cast<compute_t<From>>(v) != 0;
  } else if constexpr (is_floating_v<To>) {
    return static_cast<To>(static_cast<compute_t<To>>(static_cast<compute_t<From>>(v)));
  } else if constexpr (is_floating_v<From>) {
    const double d = static_cast<double>(static_cast<compute_t<From>>(v));
    if constexpr (sizeof(To) == 8) return static_cast<To>(truncate_to<int64_t>(d));
    else return static_cast<To>(truncate_to<int32_t>(d));
  } else {
    return static_cast<To>(v);  // integer narrowing wraps (two's complement)
  }
}

EMBER_SDK_NAMESPACE_END
