// pointwise_math.cuh: device functions the op bodies of the elementwise kernels call, with the
// CPU plugin's semantics (PyTorch's CPU kernels), so that cuda and cpu agree on edge cases:
// floor division of floats and integers, integer powers with negative exponents, NaN-propagating
// maximum/minimum, and the float/double overloads of the math functions the bodies use.

#define E_OVERLOAD1(name, f32, f64)                                                   \
  __device__ __forceinline__ float name(float x) { return f32(x); }                  \
  __device__ __forceinline__ double name(double x) { return f64(x); }
#define E_OVERLOAD2(name, f32, f64)                                                   \
  __device__ __forceinline__ float name(float x, float y) { return f32(x, y); }      \
  __device__ __forceinline__ double name(double x, double y) { return f64(x, y); }

E_OVERLOAD1(e_exp, expf, exp)
E_OVERLOAD1(e_log, logf, log)
E_OVERLOAD1(e_sqrt, sqrtf, sqrt)
E_OVERLOAD1(e_sin, sinf, sin)
E_OVERLOAD1(e_cos, cosf, cos)
E_OVERLOAD1(e_tanh, tanhf, tanh)
E_OVERLOAD1(e_erf, erff, erf)
E_OVERLOAD1(e_floor, floorf, floor)
E_OVERLOAD1(e_trunc, truncf, trunc)
E_OVERLOAD1(e_fabs, fabsf, fabs)
E_OVERLOAD1(e_log1p, log1pf, log1p)
E_OVERLOAD1(e_erfc, erfcf, erfc)
E_OVERLOAD1(e_expm1, expm1f, expm1)
E_OVERLOAD1(e_exp2, exp2f, exp2)
E_OVERLOAD1(e_log2, log2f, log2)
E_OVERLOAD1(e_log10, log10f, log10)
E_OVERLOAD1(e_tan, tanf, tan)
E_OVERLOAD1(e_asin, asinf, asin)
E_OVERLOAD1(e_acos, acosf, acos)
E_OVERLOAD1(e_atan, atanf, atan)
E_OVERLOAD1(e_sinh, sinhf, sinh)
E_OVERLOAD1(e_cosh, coshf, cosh)
E_OVERLOAD1(e_asinh, asinhf, asinh)
E_OVERLOAD1(e_ceil, ceilf, ceil)
E_OVERLOAD1(e_rint, rintf, rint)  // half to even, as PyTorch's round
E_OVERLOAD2(e_fmod, fmodf, fmod)
E_OVERLOAD2(e_atan2, atan2f, atan2)
E_OVERLOAD2(e_pow, powf, pow)
E_OVERLOAD2(e_copysign, copysignf, copysign)

// Python's // for floating types, exact at the edges (PyTorch's div_floor_floating).
template <typename C>
__device__ __forceinline__ C e_floor_divide_f(C x, C y) {
  if (y == 0) return x / y;
  C mod = e_fmod(x, y);
  C div = (x - mod) / y;
  if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1;
  if (div == 0) return e_copysign(C(0), x / y);
  C floored = e_floor(div);
  if (div - floored > C(0.5)) floored += 1;
  return floored;
}

template <typename T> struct e_is_signed { static const bool value = true; };
template <> struct e_is_signed<u8> { static const bool value = false; };
template <> struct e_is_signed<bool> { static const bool value = false; };
template <typename T> struct e_unsigned { typedef T type; };
template <> struct e_unsigned<i8> { typedef u8 type; };
template <> struct e_unsigned<i16> { typedef unsigned short type; };
template <> struct e_unsigned<i32> { typedef u32 type; };
template <> struct e_unsigned<i64> { typedef u64 type; };

// Integer division: a zero divisor reports E_ERR_ZERO_DIVISION (the host raises
// ZeroDivisionError, as the CPU plugin does) and yields 0; x / -1 never traps.
template <typename T>
__device__ __forceinline__ T e_trunc_divide_i(T x, T y, e_error_record* err, int site) {
  if (y == 0) {
    e_report(err, site, E_ERR_ZERO_DIVISION, 0, 0, 0);
    return T(0);
  }
  if (e_is_signed<T>::value && y == T(-1)) return (T)(typename e_unsigned<T>::type)(0 - (typename e_unsigned<T>::type)x);
  return (T)(x / y);
}
template <typename T>
__device__ __forceinline__ T e_floor_divide_i(T x, T y, e_error_record* err, int site) {
  if (y == 0) {
    e_report(err, site, E_ERR_ZERO_DIVISION, 0, 0, 0);
    return T(0);
  }
  if (e_is_signed<T>::value) {
    if (y == T(-1)) return (T)(typename e_unsigned<T>::type)(0 - (typename e_unsigned<T>::type)x);
    T q = (T)(x / y);
    T r = (T)(x % y);
    if (r != 0 && ((r < 0) != (y < 0))) --q;
    return q;
  }
  return (T)(x / y);
}

// PyTorch's integer pow: negative exponents give 1, -1 or 0; overflow wraps.
template <typename T>
__device__ __forceinline__ T e_int_pow(T base, T exp) {
  if (e_is_signed<T>::value && exp < 0) {
    if (base == 1) return 1;
    if (base == T(-1)) return (exp % 2) ? T(-1) : T(1);
    return 0;
  }
  typedef typename e_unsigned<T>::type U;
  U result = 1, b = (U)base;
  T e = exp;
  while (e) {
    if (e & 1) result = (U)(result * b);
    e /= 2;
    b = (U)(b * b);
  }
  return (T)result;
}

// maximum / minimum: NaN propagates (either operand NaN gives NaN).
template <typename C>
__device__ __forceinline__ C e_maximum(C x, C y) {
  if (x != x) return x;
  if (y != y) return y;
  return x < y ? y : x;
}
template <typename C>
__device__ __forceinline__ C e_minimum(C x, C y) {
  if (x != x) return x;
  if (y != y) return y;
  return y < x ? y : x;
}

template <typename C>
__device__ __forceinline__ C e_gelu(C x, bool use_tanh) {
  if (use_tanh) {
    const C kBeta = C(0.79788456080286535588);  // sqrt(2 / pi)
    const C kKappa = C(0.044715);
    C inner = kBeta * (x + kKappa * x * x * x);
    return C(0.5) * x * (C(1) + e_tanh(inner));
  }
  return x * C(0.5) * (C(1) + e_erf(x * C(0.70710678118654752440)));
}

template <typename C>
__device__ __forceinline__ C e_gelu_backward(C g, C x, bool use_tanh) {
  if (use_tanh) {
    const C kBeta = C(0.79788456080286535588);
    const C kKappa = C(0.044715);
    const C x_sq = x * x;
    const C inner = kBeta * (x + kKappa * x_sq * x);
    const C t = e_tanh(inner);
    const C left = C(0.5) * (C(1) + t);
    const C right = C(0.5) * x * (C(1) - t * t) * kBeta * (C(1) + C(3) * kKappa * x_sq);
    return g * (left + right);
  }
  const C kAlpha = C(0.70710678118654752440);
  const C kBeta = C(0.39894228040143267794);  // 1 / sqrt(2 pi)
  const C cdf = C(0.5) * (C(1) + e_erf(x * kAlpha));
  const C pdf = kBeta * e_exp(C(-0.5) * x * x);
  return g * (cdf + x * pdf);
}

// Products and sums rounded separately (no fused multiply-add), where the CPU plugin's result
// must be matched bit for bit (random numbers, factories, add's alpha).
__device__ __forceinline__ float e_mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double e_mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float e_add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double e_add_rn(double a, double b) { return __dadd_rn(a, b); }
template <typename T> __device__ __forceinline__ T e_mul_rn(T a, T b) { return (T)(a * b); }
template <typename T> __device__ __forceinline__ T e_add_rn(T a, T b) { return (T)(a + b); }

// ---- Philox4x32-10, the ABI's random convention (ember/sdk/random.h) --------------------------
// Element k of a random op's output uses one block: key = seed, counter = offset + k.
struct e_philox { u32 x[4]; };
__device__ __forceinline__ e_philox e_random_block(u64 seed, u64 offset, u64 k) {
  const u64 counter = offset + k;
  u32 c0 = (u32)counter, c1 = (u32)(counter >> 32), c2 = 0, c3 = 0;
  u32 k0 = (u32)seed, k1 = (u32)(seed >> 32);
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    const u32 lo0 = 0xD2511F53u * c0, hi0 = __umulhi(0xD2511F53u, c0);
    const u32 lo1 = 0xCD9E8D57u * c2, hi1 = __umulhi(0xCD9E8D57u, c2);
    const u32 n0 = hi1 ^ c1 ^ k0;
    const u32 n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  e_philox r;
  r.x[0] = c0; r.x[1] = c1; r.x[2] = c2; r.x[3] = c3;
  return r;
}
__device__ __forceinline__ float e_uniform_float(u32 w) { return __fmul_rn((float)(w >> 8), 1.0f / 16777216.0f); }
__device__ __forceinline__ double e_uniform_double(u32 hi, u32 lo) {
  const u64 bits = (((u64)hi << 32) | lo) >> 11;
  return __dmul_rn((double)bits, 1.0 / 9007199254740992.0);
}
// The generator state of a random op sits in p.i[2] (seed) and p.i[3] (offset).
#define E_RANDOM_BLOCK(li) e_random_block((u64)p.i[2], (u64)p.i[3], (u64)(li))
