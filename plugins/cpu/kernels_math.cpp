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

// Op's self -> its out, floating dtypes. Op: the op's descriptor (ops::log1p_out); Math: its
// formula (above).
template <typename Op, typename Math>
void floating_unary(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(Op::out);
  dispatch<kFloatingDTypes>(out.dtype(), Math::name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<T, T>(out, {a.tensor(Op::self)}, [](T x) { return static_cast<T>(Math::template f<C>(C(x))); });
  });
}

// Rounding: floating dtypes round, integer dtypes are unchanged.
template <typename Op, typename Math>
void rounding_unary(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(Op::out);
  dispatch<kAllButBool>(out.dtype(), Math::name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (is_floating_v<T>) {
      pointwise<T, T>(out, {a.tensor(Op::self)}, [](T x) { return static_cast<T>(Math::template f<C>(C(x))); });
    } else {
      pointwise<T, T>(out, {a.tensor(Op::self)}, [](T x) { return x; });
    }
  });
}

void atan2_kernel(KernelArgs& a) {
  using Op = ops::atan2_out;
  ember::sdk::TensorView out = a.tensor(Op::out);
  dispatch<kFloatingDTypes>(out.dtype(), "atan2", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    pointwise<T, T, T>(out, {a.tensor(Op::self), a.tensor(Op::other)},
                       [](T y, T x) { return static_cast<T>(std::atan2(C(y), C(x))); });
  });
}

// fmod.out / remainder.out. Integer division by zero is an error.
template <typename Op, bool kFloorStyle>
void modulo_kernel(KernelArgs& a) {
  ember::sdk::TensorView out = a.tensor(Op::out);
  dispatch<kAllButBool>(out.dtype(), kFloorStyle ? "remainder" : "fmod", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (is_floating_v<T>) {
      pointwise<T, T, T>(out, {a.tensor(Op::self), a.tensor(Op::other)}, [](T x, T y) {
        C r = std::fmod(C(x), C(y));
        if (kFloorStyle && r != C(0) && ((r < C(0)) != (C(y) < C(0)))) r += C(y);
        return static_cast<T>(r);
      });
    } else {
      std::atomic<bool> divided_by_zero{false};
      pointwise<T, T, T>(out, {a.tensor(Op::self), a.tensor(Op::other)}, [&](T x, T y) {
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
  reg.kernel<ops::log1p_out>(kDevice, kFloatingDTypes, floating_unary<ops::log1p_out, Log1p>);
  reg.kernel<ops::expm1_out>(kDevice, kFloatingDTypes, floating_unary<ops::expm1_out, Expm1>);
  reg.kernel<ops::log2_out>(kDevice, kFloatingDTypes, floating_unary<ops::log2_out, Log2>);
  reg.kernel<ops::log10_out>(kDevice, kFloatingDTypes, floating_unary<ops::log10_out, Log10>);
  reg.kernel<ops::exp2_out>(kDevice, kFloatingDTypes, floating_unary<ops::exp2_out, Exp2>);
  // erf.out: kernels_unary.cpp (vectorized)
  reg.kernel<ops::erfc_out>(kDevice, kFloatingDTypes, floating_unary<ops::erfc_out, Erfc>);
  reg.kernel<ops::tan_out>(kDevice, kFloatingDTypes, floating_unary<ops::tan_out, Tan>);
  reg.kernel<ops::asin_out>(kDevice, kFloatingDTypes, floating_unary<ops::asin_out, Asin>);
  reg.kernel<ops::acos_out>(kDevice, kFloatingDTypes, floating_unary<ops::acos_out, Acos>);
  reg.kernel<ops::atan_out>(kDevice, kFloatingDTypes, floating_unary<ops::atan_out, Atan>);
  reg.kernel<ops::sinh_out>(kDevice, kFloatingDTypes, floating_unary<ops::sinh_out, Sinh>);
  reg.kernel<ops::cosh_out>(kDevice, kFloatingDTypes, floating_unary<ops::cosh_out, Cosh>);
  reg.kernel<ops::asinh_out>(kDevice, kFloatingDTypes, floating_unary<ops::asinh_out, Asinh>);
  reg.kernel<ops::reciprocal_out>(kDevice, kFloatingDTypes, floating_unary<ops::reciprocal_out, Reciprocal>);
  reg.kernel<ops::frac_out>(kDevice, kFloatingDTypes, floating_unary<ops::frac_out, Frac>);
  reg.kernel<ops::floor_out>(kDevice, kAllButBool, rounding_unary<ops::floor_out, Floor>);
  reg.kernel<ops::ceil_out>(kDevice, kAllButBool, rounding_unary<ops::ceil_out, Ceil>);
  reg.kernel<ops::round_out>(kDevice, kAllButBool, rounding_unary<ops::round_out, Round>);
  reg.kernel<ops::trunc_out>(kDevice, kAllButBool, rounding_unary<ops::trunc_out, Trunc>);
  reg.kernel<ops::atan2_out>(kDevice, kFloatingDTypes, atan2_kernel);
  reg.kernel<ops::fmod_out>(kDevice, kAllButBool, modulo_kernel<ops::fmod_out, false>);
  reg.kernel<ops::remainder_out>(kDevice, kAllButBool, modulo_kernel<ops::remainder_out, true>);
}

}  // namespace ember_cpu
