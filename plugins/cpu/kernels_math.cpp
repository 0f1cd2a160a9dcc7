// More pointwise math: log1p, expm1, log2, log10, exp2, erf, erfc, tan, asin, acos, atan, sinh,
// cosh, asinh, reciprocal (floating outputs); floor, ceil, round, trunc (any real dtype; integers
// are copied), frac; and the binary atan2, fmod and remainder. 16-bit floats compute in float.
//
// Stateless kernels; thread-safe.
#include <atomic>
#include <cmath>
#include <type_traits>

#include "cpu_plugin.h"
#include "loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kFloatingDTypes;

#define EMBER_CPU_MATH_OP(Name, op_name, expr)              \
  struct Name {                                             \
    static constexpr const char* name = op_name;            \
    template <typename C>                                   \
    static C f(C x) {                                       \
      return expr;                                          \
    }                                                       \
  }

EMBER_CPU_MATH_OP(Log1p, "log1p", std::log1p(x));
EMBER_CPU_MATH_OP(Expm1, "expm1", std::expm1(x));
EMBER_CPU_MATH_OP(Log2, "log2", std::log2(x));
EMBER_CPU_MATH_OP(Log10, "log10", std::log10(x));
EMBER_CPU_MATH_OP(Exp2, "exp2", std::exp2(x));
// erf: the vectorized kernel in kernels_unary.cpp
EMBER_CPU_MATH_OP(Erfc, "erfc", std::erfc(x));
EMBER_CPU_MATH_OP(Tan, "tan", std::tan(x));
EMBER_CPU_MATH_OP(Asin, "asin", std::asin(x));
EMBER_CPU_MATH_OP(Acos, "acos", std::acos(x));
EMBER_CPU_MATH_OP(Atan, "atan", std::atan(x));
EMBER_CPU_MATH_OP(Sinh, "sinh", std::sinh(x));
EMBER_CPU_MATH_OP(Cosh, "cosh", std::cosh(x));
EMBER_CPU_MATH_OP(Asinh, "asinh", std::asinh(x));
EMBER_CPU_MATH_OP(Reciprocal, "reciprocal", C(1) / x);
EMBER_CPU_MATH_OP(Frac, "frac", x - std::trunc(x));
EMBER_CPU_MATH_OP(Floor, "floor", std::floor(x));
EMBER_CPU_MATH_OP(Ceil, "ceil", std::ceil(x));
EMBER_CPU_MATH_OP(Round, "round", std::nearbyint(x));  // half to even, as PyTorch
EMBER_CPU_MATH_OP(Trunc, "trunc", std::trunc(x));
#undef EMBER_CPU_MATH_OP

// self (arg 0) -> out (arg 1), floating dtypes.
template <typename Op>
void floating_unary(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(1);
  dispatch<kFloatingDTypes>(out.dtype(), Op::name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<T, T>(out, {a.tensor(0)}, [](T x) { return static_cast<T>(Op::template f<C>(C(x))); });
  });
}

// Rounding: floating dtypes round, integer dtypes are unchanged.
template <typename Op>
void rounding_unary(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(1);
  dispatch<kAllButBool>(out.dtype(), Op::name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (is_floating_v<T>) {
      pointwise<T, T>(out, {a.tensor(0)}, [](T x) { return static_cast<T>(Op::template f<C>(C(x))); });
    } else {
      pointwise<T, T>(out, {a.tensor(0)}, [](T x) { return x; });
    }
  });
}

// atan2.out (self 0, other 1, out 2).
void atan2_kernel(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(2);
  dispatch<kFloatingDTypes>(out.dtype(), "atan2", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<T, T, T>(out, {a.tensor(0), a.tensor(1)}, [](T y, T x) { return static_cast<T>(std::atan2(C(y), C(x))); });
  });
}

// fmod.out / remainder.out (self 0, other 1, out 2). Integer division by zero is an error.
template <bool kFloorStyle>
void modulo_kernel(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(2);
  dispatch<kAllButBool>(out.dtype(), kFloorStyle ? "remainder" : "fmod", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (is_floating_v<T>) {
      pointwise<T, T, T>(out, {a.tensor(0), a.tensor(1)}, [](T x, T y) {
        C r = std::fmod(C(x), C(y));
        if (kFloorStyle && r != C(0) && ((r < C(0)) != (C(y) < C(0)))) r += C(y);
        return static_cast<T>(r);
      });
    } else {
      std::atomic<bool> divided_by_zero{false};
      pointwise<T, T, T>(out, {a.tensor(0), a.tensor(1)}, [&](T x, T y) {
        if (y == 0) {
          divided_by_zero.store(true, std::memory_order_relaxed);
          return T(0);
        }
        if constexpr (std::is_signed<T>::value) {
          if (y == T(-1)) return T(0);  // avoids the overflow of MIN % -1
        }
        T r = static_cast<T>(x % y);
        if constexpr (kFloorStyle && std::is_signed<T>::value) {
          if (r != 0 && ((r < 0) != (y < 0))) r = static_cast<T>(r + y);
        }
        return r;
      });
      EMBER_SDK_CHECK(!divided_by_zero.load(), EMBER_ERROR_VALUE, "ZeroDivisionError");
    }
  });
}

}  // namespace

void register_math_kernels(Registrar& reg) {
  reg.kernel("log1p.out", kDevice, kFloatingDTypes, floating_unary<Log1p>);
  reg.kernel("expm1.out", kDevice, kFloatingDTypes, floating_unary<Expm1>);
  reg.kernel("log2.out", kDevice, kFloatingDTypes, floating_unary<Log2>);
  reg.kernel("log10.out", kDevice, kFloatingDTypes, floating_unary<Log10>);
  reg.kernel("exp2.out", kDevice, kFloatingDTypes, floating_unary<Exp2>);
  // erf.out: kernels_unary.cpp (vectorized)
  reg.kernel("erfc.out", kDevice, kFloatingDTypes, floating_unary<Erfc>);
  reg.kernel("tan.out", kDevice, kFloatingDTypes, floating_unary<Tan>);
  reg.kernel("asin.out", kDevice, kFloatingDTypes, floating_unary<Asin>);
  reg.kernel("acos.out", kDevice, kFloatingDTypes, floating_unary<Acos>);
  reg.kernel("atan.out", kDevice, kFloatingDTypes, floating_unary<Atan>);
  reg.kernel("sinh.out", kDevice, kFloatingDTypes, floating_unary<Sinh>);
  reg.kernel("cosh.out", kDevice, kFloatingDTypes, floating_unary<Cosh>);
  reg.kernel("asinh.out", kDevice, kFloatingDTypes, floating_unary<Asinh>);
  reg.kernel("reciprocal.out", kDevice, kFloatingDTypes, floating_unary<Reciprocal>);
  reg.kernel("frac.out", kDevice, kFloatingDTypes, floating_unary<Frac>);
  reg.kernel("floor.out", kDevice, kAllButBool, rounding_unary<Floor>);
  reg.kernel("ceil.out", kDevice, kAllButBool, rounding_unary<Ceil>);
  reg.kernel("round.out", kDevice, kAllButBool, rounding_unary<Round>);
  reg.kernel("trunc.out", kDevice, kAllButBool, rounding_unary<Trunc>);
  reg.kernel("atan2.out", kDevice, kFloatingDTypes, atan2_kernel);
  reg.kernel("fmod.out", kDevice, kAllButBool, modulo_kernel<false>);
  reg.kernel("remainder.out", kDevice, kAllButBool, modulo_kernel<true>);
}

}  // namespace ember_cpu
