// Pointwise unary ops: neg, abs, sign, relu and clamp keep the dtype; exp, log, sqrt, rsqrt,
// sin, cos, tanh, sigmoid, silu and gelu take floating inputs of out's dtype (16-bit floats are
// computed in float).
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <type_traits>

#include <ember/sdk/wrapping.h>

#include "cpu_plugin.h"
#include "vector_math.h"
#include "loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;

// Runs f(C) -> C over self (arg 0) into out (arg out_index), for the dtypes in Mask.
template <uint32_t Mask, typename MakeF>
void unary(KernelArgs& a, int out_index, const char* name, const MakeF& make_f) {
  ember::sdk::TensorView out = a.tensor(out_index);
  dispatch<Mask>(out.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    auto f = make_f(tag);
    pointwise<T, T>(out, {a.tensor(0)}, [f](T x) { return static_cast<T>(f(C(x))); });
  });
}

// The floating-only ops, one small struct each: name and formula.
struct Exp { static constexpr const char* name = "exp"; template <typename C> static C f(C x) { return std::exp(x); } };
struct Log { static constexpr const char* name = "log"; template <typename C> static C f(C x) { return std::log(x); } };
struct Sqrt { static constexpr const char* name = "sqrt"; template <typename C> static C f(C x) { return std::sqrt(x); } };
struct Rsqrt { static constexpr const char* name = "rsqrt"; template <typename C> static C f(C x) { return C(1) / std::sqrt(x); } };
struct Sin { static constexpr const char* name = "sin"; template <typename C> static C f(C x) { return std::sin(x); } };
struct Cos { static constexpr const char* name = "cos"; template <typename C> static C f(C x) { return std::cos(x); } };
struct Tanh { static constexpr const char* name = "tanh"; template <typename C> static C f(C x) { return std::tanh(x); } };
struct Sigmoid {
  static constexpr const char* name = "sigmoid";
  template <typename C> static C f(C x) { return C(1) / (C(1) + std::exp(-x)); }
};
struct Silu {
  static constexpr const char* name = "silu";
  template <typename C> static C f(C x) { return x / (C(1) + std::exp(-x)); }
};

template <typename Op>
void float_unary(KernelArgs& a) {
  unary<kFloatingDTypes>(a, 1, Op::name, [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return Op::template f<C>(x); };
  });
}

// gelu.out (self 0, approximate 1, out 2).
void gelu_kernel(KernelArgs& a) {
  std::string_view approximate = a.str(1);
  bool use_tanh = approximate == "tanh";
  EMBER_SDK_CHECK(use_tanh || approximate == "none", EMBER_ERROR_VALUE,
                  "approximate argument must be either none or tanh, got '", approximate, "'");
  unary<kFloatingDTypes>(a, 2, "gelu", [use_tanh](auto tag) {
    using C = typename decltype(tag)::compute;
    return [use_tanh](C x) -> C {
      if (use_tanh) {
        const C kBeta = C(M_SQRT2 * M_2_SQRTPI * 0.5);  // sqrt(2 / pi)
        const C kKappa = C(0.044715);
        C inner = kBeta * (x + kKappa * x * x * x);
        return C(0.5) * x * (C(1) + std::tanh(inner));
      }
      return x * C(0.5) * (C(1) + std::erf(x * C(M_SQRT1_2)));
    };
  });
}

void neg_kernel(KernelArgs& a) {
  unary<kAllButBool>(a, 1, "neg", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return ember::sdk::wrapping_neg(x); };  // -INT64_MIN wraps to itself, as PyTorch
  });
}

// abs: bool is rejected, as PyTorch does ("abs_cpu" not implemented for 'Bool').
void abs_kernel(KernelArgs& a) {
  unary<kAllButBool>(a, 1, "abs", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C {
      if constexpr (std::is_unsigned<C>::value) return x;
      else if constexpr (std::is_floating_point<C>::value) return std::fabs(x);
      else return x < 0 ? ember::sdk::wrapping_neg(x) : x;
    };
  });
}

void sign_kernel(KernelArgs& a) {
  unary<kAllDTypes>(a, 1, "sign", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C {
      if constexpr (std::is_same<C, bool>::value) return x;
      else return static_cast<C>((C(0) < x) - (x < C(0)));  // NaN -> 0, as PyTorch's CPU kernel
    };
  });
}

void relu_kernel(KernelArgs& a) {
  unary<kAllButBool>(a, 1, "relu", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return x < C(0) ? C(0) : x; };  // NaN stays NaN
  });
}

// clamp.out (self 0, min 1, max 2, out 3): min(max(x, lo), hi); NaN inputs stay NaN.
void clamp_kernel(KernelArgs& a) {
  std::optional<ember::sdk::Scalar> lo = a.optional_scalar(1);
  std::optional<ember::sdk::Scalar> hi = a.optional_scalar(2);
  unary<kAllButBool>(a, 3, "clamp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    const bool has_lo = lo.has_value(), has_hi = hi.has_value();
    const C lo_v = has_lo ? C(lo->to<T>()) : C(0);
    const C hi_v = has_hi ? C(hi->to<T>()) : C(0);
    return [=](C x) -> C {
      if constexpr (is_floating_v<T>) {
        if (x != x) return x;
      }
      if (has_lo) x = x < lo_v ? lo_v : x;
      if (has_hi) x = hi_v < x ? hi_v : x;
      return x;
    };
  });
}

}  // namespace

void register_unary_kernels(Registrar& reg) {
  reg.kernel("neg.out", kDevice, kAllButBool, neg_kernel);
  reg.kernel("abs.out", kDevice, kAllButBool, abs_kernel);
  reg.kernel("sign.out", kDevice, kAllDTypes, sign_kernel);
  reg.kernel("relu.out", kDevice, kAllButBool, relu_kernel);
  reg.kernel("clamp.out", kDevice, kAllButBool, clamp_kernel);
  reg.kernel("exp.out", kDevice, kFloatingDTypes, float_unary<Exp>);
  reg.kernel("log.out", kDevice, kFloatingDTypes, float_unary<Log>);
  reg.kernel("sqrt.out", kDevice, kFloatingDTypes, float_unary<Sqrt>);
  reg.kernel("rsqrt.out", kDevice, kFloatingDTypes, float_unary<Rsqrt>);
  reg.kernel("sin.out", kDevice, kFloatingDTypes, float_unary<Sin>);
  reg.kernel("cos.out", kDevice, kFloatingDTypes, float_unary<Cos>);
  reg.kernel("tanh.out", kDevice, kFloatingDTypes, float_unary<Tanh>);
  reg.kernel("sigmoid.out", kDevice, kFloatingDTypes, float_unary<Sigmoid>);
  reg.kernel("silu.out", kDevice, kFloatingDTypes, float_unary<Silu>);
  reg.kernel("gelu.out", kDevice, kFloatingDTypes, gelu_kernel);
}

}  // namespace ember_cpu
