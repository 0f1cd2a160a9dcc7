// Pointwise unary ops: neg, abs, sign, relu and clamp keep the dtype; exp, log, sqrt, rsqrt,
// sin, cos, tanh, erf, sigmoid, silu and gelu take floating inputs of out's dtype (16-bit floats are
// computed in float). The transcendental ones run the vector kernels (vec/) for float32 and
// the 16-bit floats, and the C library (libmvec where available) for float64.
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <type_traits>

#include <ember/sdk/wrapping.h>

#include "cpu_plugin.h"
#include "vector_math.h"
#include "loops.h"
#include "vec/vec_loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;

// Runs f(C) -> C over Op's self into its out, for the dtypes in Mask.
template <typename Op, uint32_t Mask, typename MakeF>
void unary(KernelArgs& a, const char* name, const MakeF& make_f) {
  ember::sdk::TensorView out = a.tensor(Op::out);
  dispatch<Mask>(out.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    auto f = make_f(tag);
    pointwise<T, T>(out, {a.tensor(Op::self)}, [f](T x) { return static_cast<T>(f(C(x))); });
  });
}

// The floating-only ops, one small struct each: name, formula (float64, and the other dtypes
// when the op has no vector kernel) and the vector kernel for float32 / float16 / bfloat16
// (vec/vec_kernels.h), or nullptr.
using VecField = VecKernels::Unary VecKernels::*;
struct Exp {
  static constexpr const char* name = "exp";
  static constexpr VecField vec = &VecKernels::exp;
  template <typename C> static C f(C x) { return std::exp(x); }
};
struct Log {
  static constexpr const char* name = "log";
  static constexpr VecField vec = &VecKernels::log;
  template <typename C> static C f(C x) { return std::log(x); }
};
struct Sqrt {
  static constexpr const char* name = "sqrt";
  static constexpr VecField vec = nullptr;
  template <typename C> static C f(C x) { return std::sqrt(x); }
};
struct Rsqrt {
  static constexpr const char* name = "rsqrt";
  static constexpr VecField vec = nullptr;
  template <typename C> static C f(C x) { return C(1) / std::sqrt(x); }
};
struct Sin {
  static constexpr const char* name = "sin";
  static constexpr VecField vec = &VecKernels::sin;
  template <typename C> static C f(C x) { return std::sin(x); }
};
struct Cos {
  static constexpr const char* name = "cos";
  static constexpr VecField vec = &VecKernels::cos;
  template <typename C> static C f(C x) { return std::cos(x); }
};
struct Tanh {
  static constexpr const char* name = "tanh";
  static constexpr VecField vec = &VecKernels::tanh;
  template <typename C> static C f(C x) { return std::tanh(x); }
};
struct Erf {
  static constexpr const char* name = "erf";
  static constexpr VecField vec = &VecKernels::erf;
  template <typename C> static C f(C x) { return std::erf(x); }
};
struct Sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr VecField vec = &VecKernels::sigmoid;
  template <typename C> static C f(C x) { return C(1) / (C(1) + std::exp(-x)); }
};
struct Silu {
  static constexpr const char* name = "silu";
  static constexpr VecField vec = &VecKernels::silu;
  template <typename C> static C f(C x) { return x / (C(1) + std::exp(-x)); }
};

// Op: the descriptor of the op (ops::exp_out); Math: its formula and vector kernel (above).
template <typename Op, typename Math>
void float_unary(KernelArgs& a) {
  if constexpr (Math::vec != nullptr) {
    if (vec_unary(a.tensor(Op::out), a.tensor(Op::self), vec().*Math::vec, kVecMathGrain)) return;
  }
  unary<Op, kFloatingDTypes>(a, Math::name, [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return Math::template f<C>(x); };
  });
}

// gelu.out: approximate is "none" or "tanh" (meta checked it).
void gelu_kernel(KernelArgs& a) {
  using Op = ops::gelu_out;
  const bool use_tanh = a.str(Op::approximate) == "tanh";
  if (vec_unary(a.tensor(Op::out), a.tensor(Op::self), use_tanh ? vec().gelu_tanh : vec().gelu, kVecMathGrain)) return;
  unary<Op, kFloatingDTypes>(a, "gelu", [use_tanh](auto tag) {
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
  unary<ops::neg_out, kAllButBool>(a, "neg", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return ember::sdk::wrapping_neg(x); };  // -INT64_MIN wraps to itself, as PyTorch
  });
}

// abs: bool is rejected, as PyTorch does ("abs_cpu" not implemented for 'Bool').
void abs_kernel(KernelArgs& a) {
  unary<ops::abs_out, kAllButBool>(a, "abs", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C {
      if constexpr (std::is_unsigned<C>::value) return x;
      else if constexpr (std::is_floating_point<C>::value) return std::fabs(x);
      else return x < 0 ? ember::sdk::wrapping_neg(x) : x;
    };
  });
}

void sign_kernel(KernelArgs& a) {
  unary<ops::sign_out, kAllDTypes>(a, "sign", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C {
      if constexpr (std::is_same<C, bool>::value) return x;
      else return static_cast<C>((C(0) < x) - (x < C(0)));  // NaN -> 0, as PyTorch's CPU kernel
    };
  });
}

void relu_kernel(KernelArgs& a) {
  unary<ops::relu_out, kAllButBool>(a, "relu", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C x) -> C { return x < C(0) ? C(0) : x; };  // NaN stays NaN
  });
}

// clamp.out: min(max(x, lo), hi); NaN inputs stay NaN.
void clamp_kernel(KernelArgs& a) {
  using Op = ops::clamp_out;
  std::optional<ember::sdk::Scalar> lo = a.optional_scalar(Op::min_);
  std::optional<ember::sdk::Scalar> hi = a.optional_scalar(Op::max_);
  unary<Op, kAllButBool>(a, "clamp", [&](auto tag) {
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
  reg.kernel<ops::neg_out>(kDevice, kAllButBool, neg_kernel);
  reg.kernel<ops::abs_out>(kDevice, kAllButBool, abs_kernel);
  reg.kernel<ops::sign_out>(kDevice, kAllDTypes, sign_kernel);
  reg.kernel<ops::relu_out>(kDevice, kAllButBool, relu_kernel);
  reg.kernel<ops::clamp_out>(kDevice, kAllButBool, clamp_kernel);
  reg.kernel<ops::exp_out>(kDevice, kFloatingDTypes, float_unary<ops::exp_out, Exp>);
  reg.kernel<ops::log_out>(kDevice, kFloatingDTypes, float_unary<ops::log_out, Log>);
  reg.kernel<ops::sqrt_out>(kDevice, kFloatingDTypes, float_unary<ops::sqrt_out, Sqrt>);
  reg.kernel<ops::rsqrt_out>(kDevice, kFloatingDTypes, float_unary<ops::rsqrt_out, Rsqrt>);
  reg.kernel<ops::sin_out>(kDevice, kFloatingDTypes, float_unary<ops::sin_out, Sin>);
  reg.kernel<ops::cos_out>(kDevice, kFloatingDTypes, float_unary<ops::cos_out, Cos>);
  reg.kernel<ops::tanh_out>(kDevice, kFloatingDTypes, float_unary<ops::tanh_out, Tanh>);
  reg.kernel<ops::erf_out>(kDevice, kFloatingDTypes, float_unary<ops::erf_out, Erf>);
  reg.kernel<ops::sigmoid_out>(kDevice, kFloatingDTypes, float_unary<ops::sigmoid_out, Sigmoid>);
  reg.kernel<ops::silu_out>(kDevice, kFloatingDTypes, float_unary<ops::silu_out, Silu>);
  reg.kernel<ops::gelu_out>(kDevice, kFloatingDTypes, gelu_kernel);
}

}  // namespace ember_cpu
