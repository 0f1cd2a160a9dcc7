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

template <typename T, typename F>
void binary(KernelArgs& a, int out_index, const F& f) {
  pointwise<T, T, T>(a.tensor(out_index), {a.tensor(0), a.tensor(1)}, f);
}

// -s; an int64 wraps (INT64_MIN stays). Bool never reaches here (sub has no bool kernel).
Scalar negated(const Scalar& s) {
  return s.is_floating() ? Scalar::from_double(-s.d) : Scalar::from_int(wrapping_neg(s.to_int()));
}

// add.out / sub.out (self 0, other 1, alpha 2, out 3): out = self + alpha * other. sub negates
// alpha before converting it to the compute type, as PyTorch: sub(x, y, alpha=-32768) on int16
// is an overflow error, not x + (-32768) * y.
void add_sub(KernelArgs& a, bool subtract) {
  const Scalar alpha = subtract ? negated(a.scalar(2)) : a.scalar(2);
  dispatch(a.tensor(3).dtype(), subtract ? "sub" : "add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      const bool al = alpha.to<bool>();  // sub never reaches bool (mask)
      binary<T>(a, 3, [al](bool x, bool y) { return x || (al && y); });
    } else {
      const C al = alpha.to<C>();
      if (al == C(1)) {
        binary<T>(a, 3, [](T x, T y) { return static_cast<T>(wrapping_add(C(x), C(y))); });
      } else if (subtract && al == static_cast<C>(-1)) {
        binary<T>(a, 3, [](T x, T y) { return static_cast<T>(wrapping_sub(C(x), C(y))); });
      } else {
        binary<T>(a, 3, [al](T x, T y) { return static_cast<T>(wrapping_add(C(x), wrapping_mul(al, C(y)))); });
      }
    }
  });
}

void mul(KernelArgs& a) {
  dispatch(a.tensor(2).dtype(), "mul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      binary<T>(a, 2, [](bool x, bool y) { return x && y; });
    } else {
      binary<T>(a, 2, [](T x, T y) { return static_cast<T>(wrapping_mul(C(x), C(y))); });
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

// div.out_mode (self 0, other 1, rounding_mode 2, out 3).
void div(KernelArgs& a) {
  std::optional<std::string_view> mode = a.optional_str(2);
  enum class Mode { True, Trunc, Floor } m = Mode::True;
  if (mode) {
    if (*mode == "trunc") m = Mode::Trunc;
    else if (*mode == "floor") m = Mode::Floor;
    else EMBER_SDK_CHECK(false, EMBER_ERROR_VALUE,
                         "expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", *mode, "'");
  }
  dispatch<kAllButBool>(a.tensor(3).dtype(), "div", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (ember::sdk::is_floating_v<T>) {
      if (m == Mode::True) binary<T>(a, 3, [](T x, T y) { return static_cast<T>(C(x) / C(y)); });
      else if (m == Mode::Trunc) binary<T>(a, 3, [](T x, T y) { return static_cast<T>(std::trunc(C(x) / C(y))); });
      else binary<T>(a, 3, [](T x, T y) { return static_cast<T>(floor_divide_floating<C>(C(x), C(y))); });
    } else {
      // Integer division by zero is an error, as in PyTorch; lanes that hit it write 0 and the
      // error is raised once the loop is done.
      std::atomic<bool> divided_by_zero{false};
      EMBER_SDK_CHECK(m != Mode::True, EMBER_ERROR_TYPE, "true division needs a floating output, got ",
                      ember::sdk::dtype_name(ember::sdk::dtype_of<T>));
      if (m == Mode::Trunc) {
        binary<T>(a, 3, [&](T x, T y) {
          if (y == 0) { divided_by_zero.store(true, std::memory_order_relaxed); return T(0); }
          return trunc_divide_integral<T>(x, y);
        });
      } else {
        binary<T>(a, 3, [&](T x, T y) {
          if (y == 0) { divided_by_zero.store(true, std::memory_order_relaxed); return T(0); }
          return floor_divide_integral<T>(x, y);
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

void pow(KernelArgs& a) {
  dispatch<kAllButBool>(a.tensor(2).dtype(), "pow", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (ember::sdk::is_floating_v<T>) {
      binary<T>(a, 2, [](T x, T y) {
        C yc = C(y);
        if (yc == C(2)) return static_cast<T>(C(x) * C(x));
        return static_cast<T>(std::pow(C(x), yc));
      });
    } else {
      binary<T>(a, 2, [](T x, T y) { return integer_pow<T>(x, y); });
    }
  });
}

// maximum/minimum: NaN propagates (either operand NaN -> NaN).
template <bool kMax>
void max_min(KernelArgs& a) {
  dispatch(a.tensor(2).dtype(), kMax ? "maximum" : "minimum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    if constexpr (std::is_same<T, bool>::value) {
      binary<T>(a, 2, [](bool x, bool y) { return kMax ? (x || y) : (x && y); });
    } else if constexpr (ember::sdk::is_floating_v<T>) {
      binary<T>(a, 2, [](T x, T y) {
        C xc = C(x), yc = C(y);
        if (xc != xc) return x;
        if (yc != yc) return y;
        return kMax ? (xc < yc ? y : x) : (yc < xc ? y : x);
      });
    } else {
      binary<T>(a, 2, [](T x, T y) { return kMax ? (x < y ? y : x) : (y < x ? y : x); });
    }
  });
}

}  // namespace

void register_binary_kernels(Registrar& reg) {
  reg.kernel("add.out", kDevice, kAllDTypes, [](KernelArgs& a) { add_sub(a, false); });
  reg.kernel("sub.out", kDevice, kAllButBool, [](KernelArgs& a) { add_sub(a, true); });
  reg.kernel("mul.out", kDevice, kAllDTypes, mul);
  reg.kernel("div.out_mode", kDevice, kAllButBool, div);
  reg.kernel("pow.Tensor_Tensor_out", kDevice, kAllButBool, pow);
  reg.kernel("maximum.out", kDevice, kAllDTypes, max_min<true>);
  reg.kernel("minimum.out", kDevice, kAllDTypes, max_min<false>);
}

}  // namespace ember_cpu
