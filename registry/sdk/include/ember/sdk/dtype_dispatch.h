// Runs a generic lambda once for the C++ type of a run-time dtype:
//
//   ember::sdk::dispatch(out.dtype(), "add", [&](auto tag) {
//     using T = typename decltype(tag)::type;     // storage type (ember::Half for float16)
//     using C = typename decltype(tag)::compute;  // arithmetic type (float for float16/bfloat16)
//     ...
//   });
//
// dispatch<Mask>(...) instantiates the lambda only for the dtypes in Mask (a dtype_bit mask), so
// a float-only body never has to compile for bool; any other dtype throws
// TypeError("\"op\" not implemented for 'Bool'") as PyTorch words it.
//
// Stateless; thread-safe. Header-only.
#pragma once

#include <cstdint>

#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>

EMBER_SDK_NAMESPACE_BEGIN

template <typename T>
struct DTypeTag {
  using type = T;
  using compute = compute_t<T>;
  static constexpr int32_t dtype = dtype_of<T>;
};

namespace detail {
[[noreturn]] EMBER_SDK_COLD inline void unsupported_dtype(const char* op, int32_t dtype) {
  throw TypeError(concat("\"", op, "\" not implemented for '", dtype_name(dtype), "'"));
}
}  // namespace detail

#define EMBER_SDK_DISPATCH_CASE(D)                                                 \
  case D:                                                                          \
    if constexpr ((Mask >> D) & 1u) {                                              \
      return fn(DTypeTag<typename CppType<D>::type>{});                            \
    } else {                                                                       \
      break;                                                                       \
    }

template <uint32_t Mask = kAllDTypes, typename F>
decltype(auto) dispatch(int32_t dtype, const char* op, F&& fn) {
  switch (dtype) {
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_BOOL)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_UINT8)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_INT8)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_INT16)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_INT32)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_INT64)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_FLOAT16)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_BFLOAT16)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_FLOAT32)
    EMBER_SDK_DISPATCH_CASE(EMBER_DTYPE_FLOAT64)
    default:
      break;
  }
  detail::unsupported_dtype(op, dtype);
}

#undef EMBER_SDK_DISPATCH_CASE

template <typename F>
decltype(auto) dispatch_floating(int32_t dtype, const char* op, F&& fn) {
  return dispatch<kFloatingDTypes>(dtype, op, static_cast<F&&>(fn));
}

EMBER_SDK_NAMESPACE_END
