// Pointwise binary arithmetic: add, sub (with alpha), mul, div (true/trunc/floor), pow,
// maximum, minimum. The core already broadcast self/other to out's shape and cast them to
// out's dtype; 16-bit floats are computed in float, as PyTorch does. Integer results wrap around
// on overflow as PyTorch's do, computed without signed-overflow UB (<ember/sdk/wrapping.h>).
//
// Stateless kernels; thread-safe.
#include <atomic>
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
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::Scalar;
using ember::sdk::wrapping_add;
using ember::sdk::wrapping_mul;
using ember::sdk::wrapping_neg;
using ember::sdk::wrapping_sub;

// out = f(x, y) elementwise (x and y broadcast to out by the core).
template <typename T, typename F>
void binary(const TensorView& out, const TensorView& x, const TensorView& y, const F& f) {
  pointwise<T, T, T>(out, {x, y}, f);
}

// -s; an int64 wraps (INT64_MIN stays). Bool never reaches here (sub has no bool kernel).
Scalar negated(const Scalar& s) {
  return s.is_floating() ? Scalar::from_double(-s.d) : Scalar::from_int(wrapping_neg(s.to_int()));
}

// float32 with every operand dense: the vector tables' wide loops (the plain loops are built
// for baseline SSE2). Broadcast operands keep the plain loops' scalar-operand fast path.
bool dense_f32(const TensorView& out, const TensorView& x, const TensorView& y, VecKernels::Binary f) {
  if (out.dtype() != EMBER_DTYPE_FLOAT32 || !out.is_contiguous() || !x.is_contiguous() || !y.is_contiguous()) return false;
  const int64_t n = out.numel();
  if (n <= kGrainSize) {  // one chunk, on this thread: straight to the table (tiny tensors pay per call)
    if (n > 0)
      f(static_cast<const float*>(x.data_ptr()), static_cast<const float*>(y.data_ptr()), static_cast<float*>(out.data_ptr()), n);
    return true;
  }
  return vec_binary(out, x, y, f, kGrainSize);
}

// add.out / sub.out: out = self + alpha * other. sub negates alpha before converting it to the
// compute type, as PyTorch: sub(x, y, alpha=-32768) on int16 is an overflow error, not
// x + (-32768) * y.
template <typename Op, bool subtract>
void add_sub(KernelArgs& a) {
  const TensorView out = a.tensor(Op::out), x = a.tensor(Op::self), y = a.tensor(Op::other);
  const Scalar given_alpha = a.scalar(Op::alpha);
  if (given_alpha.to_double() == 1.0 && dense_f32(out, x, y, subtract ? vec().sub : vec().add)) return;
  const Scalar alpha = subtract ? negated(given_alpha) : given_alpha;
  dispatch(out.dtype(), subtract ? "sub" : "add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      const bool al = alpha.to<bool>();  // sub never reaches bool (mask)
      binary<T>(out, x, y, [al](bool p, bool q) { return p || (al && q); });
    } else {
      const C al = alpha.to<C>();
      if (al == C(1)) {
        binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(wrapping_add(C(p), C(q))); });
      } else if (subtract && al == static_cast<C>(-1)) {
        binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(wrapping_sub(C(p), C(q))); });
      } else {
        binary<T>(out, x, y, [al](T p, T q) { return static_cast<T>(wrapping_add(C(p), wrapping_mul(al, C(q)))); });
      }
    }
  });
}

void mul(KernelArgs& a) {
  using Op = ops::mul_out;
  const TensorView out = a.tensor(Op::out), x = a.tensor(Op::self), y = a.tensor(Op::other);
  if (dense_f32(out, x, y, vec().mul)) return;
  dispatch(out.dtype(), "mul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      binary<T>(out, x, y, [](bool p, bool q) { return p && q; });
    } else {
      binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(wrapping_mul(C(p), C(q))); });
    }
  });
}

// PyTorch's floor division for floating types (python's // semantics, exact at the edges).
template <typename C>
C floor_divide_floating(C x, C y) {
  if (y == 0) return x / y;
  C mod = std::fmod(x, y);
  C div = (x - mod) / y;
  if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1;
  if (div == 0) return std::copysign(C(0), x / y);
  C floored = std::floor(div);
  if (div - floored > C(0.5)) floored += 1;
  return floored;
}

template <typename T>
T floor_divide_integral(T x, T y) {
  if constexpr (std::is_signed<T>::value) {
    if (y == -1) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x));  // no overflow trap
    T q = static_cast<T>(x / y);
    T r = static_cast<T>(x % y);
    if (r != 0 && ((r < 0) != (y < 0))) --q;
    return q;
  } else {
    return static_cast<T>(x / y);
  }
}

template <typename T>
T trunc_divide_integral(T x, T y) {
  if constexpr (std::is_signed<T>::value) {
    if (y == -1) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x));
  }
  return static_cast<T>(x / y);
}

// div.out_mode: rounding_mode None, "trunc" or "floor" (meta checked it); integer outputs come
// only with a rounding mode (meta makes true division's output floating).
void div(KernelArgs& a) {
  using Op = ops::div_out_mode;
  const TensorView out = a.tensor(Op::out), x = a.tensor(Op::self), y = a.tensor(Op::other);
  std::optional<std::string_view> mode = a.optional_str(Op::rounding_mode);
  enum class Mode { True, Trunc, Floor } m = !mode ? Mode::True : *mode == "trunc" ? Mode::Trunc : Mode::Floor;
  dispatch<kAllButBool>(out.dtype(), "div", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (ember::sdk::is_floating_v<T>) {
      if (m == Mode::True) binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(C(p) / C(q)); });
      else if (m == Mode::Trunc) binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(std::trunc(C(p) / C(q))); });
      else binary<T>(out, x, y, [](T p, T q) { return static_cast<T>(floor_divide_floating<C>(C(p), C(q))); });
    } else {
      // Integer division by zero is an error, as in PyTorch; lanes that hit it write 0 and the
      // error is raised once the loop is done.
      std::atomic<bool> divided_by_zero{false};
      if (m == Mode::Trunc) {
        binary<T>(out, x, y, [&](T p, T q) {
          if (q == 0) { divided_by_zero.store(true, std::memory_order_relaxed); return T(0); }
          return trunc_divide_integral<T>(p, q);
        });
      } else {
        binary<T>(out, x, y, [&](T p, T q) {
          if (q == 0) { divided_by_zero.store(true, std::memory_order_relaxed); return T(0); }
          return floor_divide_integral<T>(p, q);
        });
      }
      EMBER_SDK_CHECK(!divided_by_zero.load(), EMBER_ERROR_VALUE, "ZeroDivisionError");
    }
  });
}

// Integer power with PyTorch's rules for negative exponents (1, -1 or 0).
template <typename T>
T integer_pow(T base, T exp) {
  if constexpr (std::is_signed<T>::value) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2) ? T(-1) : T(1);
      return 0;
    }
  }
  T result = 1, b = base;  // wraps on overflow, as PyTorch's result does
  auto e = exp;
  while (e) {
    if (e & 1) result = wrapping_mul(result, b);
    e /= 2;
    b = wrapping_mul(b, b);
  }
  return result;
}

// Reads the one value of an exponent broadcast from a scalar (every stride 0), as float.
bool broadcast_scalar(const ember::sdk::TensorView& t, float* value) {
  if (t.numel() == 0) return false;
  for (int32_t d = 0; d < t.ndim(); ++d)
    if (t.stride(d) != 0 && t.size(d) != 1) return false;
  switch (t.dtype()) {
    case EMBER_DTYPE_FLOAT32: *value = *t.data<float>(); return true;
    case EMBER_DTYPE_FLOAT16: *value = static_cast<float>(*t.data<ember::sdk::Half>()); return true;
    case EMBER_DTYPE_BFLOAT16: *value = static_cast<float>(*t.data<ember::sdk::BFloat16>()); return true;
    default: return false;
  }
}

// pow.Tensor_Tensor_out. float32 and the 16-bit floats run the vector kernels: one exponent
// (pow.Tensor_Scalar broadcasts it) takes PyTorch's exact shortcuts (2, 3, 0.5, -0.5, -1, -2),
// others exp(y log x) in double (vec/math_impl.h).
void pow(KernelArgs& a) {
  using Op = ops::pow_Tensor_Tensor_out;
  const TensorView out = a.tensor(Op::out), x = a.tensor(Op::self), y = a.tensor(Op::exponent);
  float exponent;
  if (broadcast_scalar(y, &exponent) && vec_pow_scalar(out, x, exponent, kVecMathGrain)) return;
  if (vec_binary(out, x, y, vec().pow, kVecMathGrain)) return;
  dispatch<kAllButBool>(out.dtype(), "pow", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (ember::sdk::is_floating_v<T>) {
      binary<T>(out, x, y, [](T p, T q) {
        C qc = C(q);
        if (qc == C(2)) return static_cast<T>(C(p) * C(p));
        return static_cast<T>(std::pow(C(p), qc));
      });
    } else {
      binary<T>(out, x, y, [](T p, T q) { return integer_pow<T>(p, q); });
    }
  });
}

// maximum.out / minimum.out: NaN propagates (either operand NaN -> NaN).
template <typename Op, bool kMax>
void max_min(KernelArgs& a) {
  const TensorView out = a.tensor(Op::out), x = a.tensor(Op::self), y = a.tensor(Op::other);
  dispatch(out.dtype(), kMax ? "maximum" : "minimum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      binary<T>(out, x, y, [](bool p, bool q) { return kMax ? (p || q) : (p && q); });
    } else if constexpr (ember::sdk::is_floating_v<T>) {
      binary<T>(out, x, y, [](T p, T q) {
        C pc = C(p), qc = C(q);
        if (pc != pc) return p;
        if (qc != qc) return q;
        return kMax ? (pc < qc ? q : p) : (qc < pc ? q : p);
      });
    } else {
      binary<T>(out, x, y, [](T p, T q) { return kMax ? (p < q ? q : p) : (q < p ? q : p); });
    }
  });
}

}  // namespace

void register_binary_kernels(Registrar& reg) {
  reg.kernel<ops::add_out>(kDevice, kAllDTypes, add_sub<ops::add_out, false>);
  reg.kernel<ops::sub_out>(kDevice, kAllButBool, add_sub<ops::sub_out, true>);
  reg.kernel<ops::mul_out>(kDevice, kAllDTypes, mul);
  reg.kernel<ops::div_out_mode>(kDevice, kAllButBool, div);
  reg.kernel<ops::pow_Tensor_Tensor_out>(kDevice, kAllButBool, pow);
  reg.kernel<ops::maximum_out>(kDevice, kAllDTypes, max_min<ops::maximum_out, true>);
  reg.kernel<ops::minimum_out>(kDevice, kAllDTypes, max_min<ops::minimum_out, false>);
}

}  // namespace ember_cpu
