// Element-wise reductions over host memory for comm plugins (gloo, mpi): one function per
// (dtype, reduce op), with the signature gloo's reduce callbacks use:
//   fn(out, a, b, n): out[i] = a[i] (op) b[i], out may alias a or b.
// Half and BFloat16 compute in float; bool sums and maxima are "or", products and minima "and".
// AVG reduces as SUM; divide_in_place finishes it. Header-only, stateless, thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <ember/sdk/dtype_dispatch.h>
#include <ember/sdk/error.h>

namespace ember_comm {

using ReduceFn = void (*)(void* out, const void* a, const void* b, size_t n);

namespace detail {

template <typename T, typename C, typename Op>
void reduce_loop(void* out, const void* a, const void* b, size_t n) {
  T* o = static_cast<T*>(out);
  const T* x = static_cast<const T*>(a);
  const T* y = static_cast<const T*>(b);
  for (size_t i = 0; i < n; ++i) o[i] = static_cast<T>(Op::apply(static_cast<C>(x[i]), static_cast<C>(y[i])));
}

struct Sum { template <typename C> static C apply(C a, C b) { return a + b; } };
struct Prod { template <typename C> static C apply(C a, C b) { return a * b; } };
struct Min { template <typename C> static C apply(C a, C b) { return b < a ? b : a; } };
struct Max { template <typename C> static C apply(C a, C b) { return a < b ? b : a; } };
struct Or { static bool apply(bool a, bool b) { return a || b; } };
struct And { static bool apply(bool a, bool b) { return a && b; } };

}  // namespace detail

// Throws ember::sdk::TypeError / ValueError for a combination that has no meaning.
inline ReduceFn reduce_function(int32_t dtype, int32_t reduce_op) {
  using namespace detail;
  return ember::sdk::dispatch(dtype, "reduce", [&](auto tag) -> ReduceFn {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same_v<T, bool>) {
      switch (reduce_op) {
        case EMBER_REDUCE_SUM:
        case EMBER_REDUCE_MAX: return &reduce_loop<bool, bool, Or>;
        case EMBER_REDUCE_PRODUCT:
        case EMBER_REDUCE_MIN: return &reduce_loop<bool, bool, And>;
        default: break;
      }
    } else {
      switch (reduce_op) {
        case EMBER_REDUCE_SUM:
        case EMBER_REDUCE_AVG: return &reduce_loop<T, C, Sum>;
        case EMBER_REDUCE_PRODUCT: return &reduce_loop<T, C, Prod>;
        case EMBER_REDUCE_MIN: return &reduce_loop<T, C, Min>;
        case EMBER_REDUCE_MAX: return &reduce_loop<T, C, Max>;
        default: break;
      }
    }
    throw ember::sdk::ValueError(ember::sdk::detail::concat("reduce op ", reduce_op, " is not supported for ",
                                                              ember::sdk::dtype_name(dtype)));
  });
}

// out[i] /= divisor, for AVG (floating dtypes; the host refuses the others).
inline void divide_in_place(void* data, int32_t dtype, size_t n, int divisor) {
  ember::sdk::dispatch<ember::sdk::kFloatingDTypes>(dtype, "avg", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    T* p = static_cast<T*>(data);
    const C d = static_cast<C>(divisor);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<T>(static_cast<C>(p[i]) / d);
  });
}

}  // namespace ember_comm
