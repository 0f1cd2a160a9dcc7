// The float32 elementary functions behind vec_kernels.h, written once against the SIMD
// vocabulary of simd_{scalar,avx2,avx512}.h (VF/VI/VM/VD/VL and their free functions). Each
// kernels_<isa>.cpp includes its vocabulary and this file inside its own namespace, so every
// instantiation is private to one ISA's translation unit (no inline function compiled for
// AVX-512 can be picked by the linker for another path).
//
// Methods (coefficients: coefficients.h, fitted by fit_coefficients.py):
//   exp      n = round(x / ln2) by the 1.5 * 2^23 shift trick, r = x - n ln2 (Cody-Waite, two
//            parts), e^r = 1 + r + r^2 q(r), times 2^n built from n's bits (two factors when
//            the result can overflow or be subnormal).
//   log      x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(1 + f) = f + f^2 p(f), f = m - 1,
//            plus e ln2 (two parts); subnormal x scaled by 2^23 first.
//   sin/cos  n = round(x 2/pi), r = x - n pi/2 in three parts (exact with FMA up to 2^17),
//            odd/even polynomials on |r| <= pi/4 chosen by n's quadrant; lanes above 2^17
//            use the C library's double sin/cos (exact reduction).
//   tanh     |x| < 0.625: x + x^3 t(x^2); else e = expm1(2|x|) (exp's reduction without the
//            + 1) and tanh = e / (e + 2); |x| >= 9.1 rounds to +-1.
//   sigmoid  1 / (1 + exp(-x)) with 1 + exp(-x) rounded once (2^n (1 + t) + 1 as one FMA);
//            below x = -80, e^x (no overflow, accurate tail). silu: x / (1 + exp(-x)) likewise,
//            x e^x formed without a subnormal intermediate.
//   erf      piecewise: for |x| < 4, one degree-6 polynomial per interval [k/4, (k+1)/4) in
//            s = |x| - k/4, its coefficients read per lane from a 16-entry table (one permute
//            each, no branch, no division); the leading s erf'(k/4) term rounds once, so erf
//            keeps its relative accuracy near 0. |x| >= 4 rounds to +-1.
//   gelu     x Phi(x) for |x| < 4 piecewise as erf, over 32 signed intervals of Phi, with Phi's
//            value at the interval start as float hi + lo and x Phi rounded once. Lanes with
//            |x| >= 4 or NaN take the general form below (only they: each lane's result
//            depends on its own value alone).
//   erfc     (gelu's tails and gelu's backward) erfc(t) = exp(-t^2) R(1 / (1 + t / 2)) with t^2
//            split exactly into hi + lo (FMA) and exp unrounded until the last product, so
//            that the tail keeps its relative accuracy; Phi = (1 + erf(x / sqrt2)) / 2 for
//            x >= 0, erfc(|x| / sqrt2) / 2 for x < 0.
//   gelu_tanh  x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3): the same value as
//            PyTorch's 0.5 x (1 + tanh(u)) without its cancellation for negative x; 2u is
//            formed as a double-float (FMA) because exp amplifies its error by |2u|.
//   pow      in double, table-driven as glibc's powf: log2 x = k + log2 c + log2(1 + r) with c
//            from a 16-entry table (r = z / c - 1, |r| < 0.03, degree-5 polynomial), then
//            2^(y log2 x) = 2^n 2^(j/16) 2^r' (16-entry table, degree-4 polynomial), one
//            rounding to float at the end (0.83 ulp measured). x <= 0, subnormal or
//            non-finite x and non-finite y go to the C library's powf lane by lane, so every
//            special case is C's.
// Stateless; thread-safe.
#pragma once

namespace math {

namespace c = ::ember_cpu::vec_coefficients;

constexpr float kShift = 12582912.0f;  // 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;      // 355 / 512: n * kLn2Hi is exact for |n| < 2^15
constexpr float kLn2Lo = -2.12194440e-4f;   // ln2 - kLn2Hi
constexpr float kTwoOverPi = 0.636619772f;
constexpr float kPiO2A = 1.57079637f;       // pi/2 = A + B + C to ~72 bits
constexpr float kPiO2B = -4.37113883e-08f;
constexpr float kPiO2C = -1.71512451e-15f;
constexpr float kSinCosVectorMax = 131072.0f;  // 2^17: the three-part reduction stays exact
constexpr float kFltMin = 1.17549435e-38f;
constexpr float kInf = __builtin_inff();

// c[0] x^(N-1) + ... + c[N-1] by Horner's rule with FMA.
template <int N>
inline VF poly(VF x, const float (&coeff)[N]) {
  VF r = vset(coeff[0]);
  for (int k = 1; k < N; ++k) r = fma(r, x, vset(coeff[k]));
  return r;
}

// The exact square x * x = hi + lo.
inline void two_square(VF x, VF* hi, VF* lo) {
  *hi = x * x;
  *lo = fms(x, x, *hi);
}

// Applies f (float -> float) to the lanes of x selected by m (rare special cases).
template <typename F>
inline VF per_lane(VF x, VM m, VF current, const F& f) {
  float xs[kWidth], out[kWidth];
  to_array(x, xs);
  to_array(current, out);
  const unsigned lanes = lane_bits(m);
  for (int i = 0; i < kWidth; ++i)
    if ((lanes >> i) & 1u) out[i] = f(xs[i]);
  return vload(out);
}

template <typename F>
inline VF per_lane2(VF x, VF y, VM m, VF current, const F& f) {
  float xs[kWidth], ys[kWidth], out[kWidth];
  to_array(x, xs);
  to_array(y, ys);
  to_array(current, out);
  const unsigned lanes = lane_bits(m);
  for (int i = 0; i < kWidth; ++i)
    if ((lanes >> i) & 1u) out[i] = f(xs[i], ys[i]);
  return vload(out);
}

// ---- exp ----

// For |x| <= 87 (the result and 2^n are normal floats); NaN propagates.
inline VF exp_normal_range(VF x, VF* p_out, VI* n_out) {
  const VF k = fma(x, vset(kLog2e), vset(kShift));
  const VF n = k - vset(kShift);
  VF r = fnma(n, vset(kLn2Hi), x);
  r = fnma(n, vset(kLn2Lo), r);
  const VF p = fma(r * r, poly(r, c::kExpQ), r) + vset(1.0f);
  const VI ni = bits(k) - bits(vset(kShift));
  *p_out = p;
  *n_out = ni;
  return p * from_bits(shift_left<23>(ni + iset(127)));
}

// Any x: overflow to inf above 88.72, gradual underflow down to 0 below -103.97.
inline VF exp_wide_range(VF x) {
  const VF xc = vmin(vset(89.0f), vmax(vset(-104.0f), x));  // keeps NaN (second operand)
  VF p;
  VI n;
  exp_normal_range(xc, &p, &n);
  const VI half = shift_right_arith<1>(n);
  const VF s1 = from_bits(shift_left<23>(half + iset(127)));
  const VF s2 = from_bits(shift_left<23>((n - half) + iset(127)));
  return (p * s1) * s2;
}

inline VF exp(VF x) {
  if (any(~(vabs(x) <= vset(87.0f)))) return exp_wide_range(x);  // large or NaN
  VF p;
  VI n;
  return exp_normal_range(x, &p, &n);
}

// e^x - 1 for 0 <= x <= 20 (tanh's range), relative accuracy kept near 0.
inline VF expm1_small(VF x) {
  const VF k = fma(x, vset(kLog2e), vset(kShift));
  const VF n = k - vset(kShift);
  VF r = fnma(n, vset(kLn2Hi), x);
  r = fnma(n, vset(kLn2Lo), r);
  const VF p = fma(r * r, poly(r, c::kExpQ), r);  // e^r - 1
  const VF scale = from_bits(shift_left<23>((bits(k) - bits(vset(kShift))) + iset(127)));
  return fma(scale, p, scale - vset(1.0f));  // 2^n (e^r - 1) + (2^n - 1)
}

// ---- log ----

inline VF log(VF x) {
  const VM tiny = x < vset(kFltMin);
  const VF xs = select(tiny, x * vset(8388608.0f), x);  // subnormals: scale by 2^23
  const VI ix = bits(xs) - iset(0x3f3504f3);           // relative to sqrt(1/2)
  const VF e = to_float(shift_right_arith<23>(ix)) - select(tiny, vset(23.0f), vset(0.0f));
  const VF f = from_bits((ix & iset(0x007fffff)) + iset(0x3f3504f3)) - vset(1.0f);
  VF y = fma(f * f, poly(f, c::kLogP), f);
  y = fma(e, vset(kLn2Lo), y);  // e ln2 = e kLn2Hi + e kLn2Lo, small part first
  y = fma(e, vset(kLn2Hi), y);
  const VM special = ~((x > vset(0.0f)) & (x < vset(kInf)));
  if (!any(special)) return y;
  y = select(x == vset(0.0f), vset(-kInf), y);
  y = select(x < vset(0.0f), vset(__builtin_nanf("")), y);
  y = select(x == vset(kInf), x, y);
  return select(isnan(x), x, y);
}

// ---- sin / cos ----

// sin (kCos = false) or cos of x.
template <bool kCos>
inline VF sin_cos(VF x) {
  const VF k = fma(x, vset(kTwoOverPi), vset(kShift));
  const VF n = k - vset(kShift);
  VF r = fnma(n, vset(kPiO2A), x);
  r = fnma(n, vset(kPiO2B), r);
  r = fnma(n, vset(kPiO2C), r);
  VI q = bits(k) - bits(vset(kShift));
  if (kCos) q = q + iset(1);
  const VF z = r * r;
  const VF s = fma(z * r, poly(z, c::kSinS), r);
  const VF cz = fma(z * z, poly(z, c::kCosC), fnma(z, vset(0.5f), vset(1.0f)));
  VF y = select((q & iset(1)) == iset(1), cz, s);
  y = from_bits(bits(y) ^ shift_left<30>(q & iset(2)));  // quadrants 2, 3: negate
  const VM large = ~(vabs(x) <= vset(kSinCosVectorMax));  // and NaN
  if (any(large)) {
    y = per_lane(x, large, y, [](float v) {
      return static_cast<float>(kCos ? std::cos(static_cast<double>(v)) : std::sin(static_cast<double>(v)));
    });
  }
  return y;
}

// ---- tanh, sigmoid, silu ----

inline VF tanh(VF x) {
  const VF a = vmin(vset(9.1f), vabs(x));  // NaN stays (second operand); tanh(9.1) rounds to 1
  const VF z = x * x;
  const VF small = fma(z * x, poly(z, c::kTanhT), x);
  const VM big = a >= vset(0.625f);
  if (!any(big)) return small;
  const VF e = expm1_small(a + a);
  return select(big, copysign(e / (e + vset(2.0f)), x), small);
}

// m * e^x for x <= 89 without an intermediate subnormal (the tails of sigmoid, silu and
// gelu_tanh): (m p) 2^n1 2^n2 as in exp_wide_range; 0 (with m's sign) below x = -104.
inline VF mul_exp(VF m, VF x) {
  const VF xc = vmin(vset(89.0f), vmax(vset(-104.0f), x));
  VF p;
  VI n;
  exp_normal_range(xc, &p, &n);
  const VI half = shift_right_arith<1>(n);
  const VF s1 = from_bits(shift_left<23>(half + iset(127)));
  const VF s2 = from_bits(shift_left<23>((n - half) + iset(127)));
  return select(x < vset(-104.0f), m * vset(0.0f), ((m * p) * s1) * s2);
}

// 1 + e^v for |v| <= 87 with about one rounding: e^v = 2^n (1 + t); for n <= 0,
// (1 + 2^n) + 2^n t (1 + 2^n exact); for n > 0, 2^n + 2^n (t + 2^-n). So sigmoid's error is
// exp's polynomial error, not exp's final rounding.
// v_lo (optional, |v_lo| <= ulp(v)) extends v to v + v_lo: e^(v + v_lo) = 2^n (1 + t)(1 + v_lo).
inline VF one_plus_exp(VF v, VF v_lo = vset(0.0f)) {
  const VF k = fma(v, vset(kLog2e), vset(kShift));
  const VF n = k - vset(kShift);
  VF r = fnma(n, vset(kLn2Hi), v);
  r = fnma(n, vset(kLn2Lo), r);
  VF t = fma(r * r, poly(r, c::kExpQ), r);
  t = fma(v_lo, t + vset(1.0f), t);
  const VI ni = bits(k) - bits(vset(kShift));
  const VF scale = from_bits(shift_left<23>(ni + iset(127)));
  const VF inverse = from_bits(shift_left<23>(iset(127) - ni));  // 2^-n, used for n > 0 only
  return select(n > vset(0.0f), fma(scale, t + inverse, scale), fma(scale, t, vset(1.0f) + scale));
}

// m * sigma(v) = m / (1 + e^-v); below v = -80 (e^-v near overflow) m e^v, formed by mul_exp.
inline VF mul_sigmoid(VF m, VF v) {
  // Clamping keeps 2^n normal; v > 87 gives 1 + 2^-126 ~ 1, v < -80 takes the tail below.
  VF r = m / one_plus_exp(vmin(vset(87.0f), vmax(vset(-87.0f), -v)));
  const VM tail = v < vset(-80.0f);
  if (any(tail)) r = select(tail, mul_exp(m, v), r);
  return select(isnan(v), v, r);
}

inline VF sigmoid(VF x) { return mul_sigmoid(vset(1.0f), x); }
inline VF silu(VF x) { return mul_sigmoid(x, x); }

// ---- erf, erfc, gelu ----

// t e(t^2) for |t| <= 1 (erf's small branch; odd in t), as t c0 + t^3 e'(t^2) so that the
// rounding of the polynomial stays below the leading term's.
inline VF erf_small(VF t) {
  const VF tc = vmin(vset(1.0f), t);  // beyond 1 the polynomial is not used
  const VF z = tc * tc;
  VF r = vset(c::kErfE[0]);
  for (int k = 1; k < 6; ++k) r = fma(r, z, vset(c::kErfE[k]));  // all but the constant term
  return fma(tc, vset(c::kErfEConstant[0]), fma(tc, vset(c::kErfEConstant[1]), (tc * z) * r));
}

// e^(v + v_lo) = 2^n (1 + w) for v in [-104, 89] (|v_lo| <= ulp(v)): exp's reduction without its
// final rounding, so that a caller's product m (1 + w) 2^n rounds once.
struct ExpParts {
  VF w;
  VI n;
};
inline ExpParts exp_parts(VF v, VF v_lo) {
  const VF k = fma(v, vset(kLog2e), vset(kShift));
  const VF n = k - vset(kShift);
  VF r = fnma(n, vset(kLn2Hi), v);
  r = fnma(n, vset(kLn2Lo), r);
  const VF t = fma(r * r, poly(r, c::kExpQ), r);
  return ExpParts{fma(v_lo, t + vset(1.0f), t), bits(k) - bits(vset(kShift))};
}

// y 2^n in two factors (each normal for n in [-252, 254]), so a subnormal result rounds once.
inline VF scale_by(VF y, VI n) {
  const VI half = shift_right_arith<1>(n);
  return (y * from_bits(shift_left<23>(half + iset(127)))) * from_bits(shift_left<23>((n - half) + iset(127)));
}

// m erfc(t) for 0 <= t <= 9.3, where sq + sq_lo is t^2 to double-float accuracy (an exact
// square; gelu passes x^2 / 2 for t = |x| / sqrt2): erfc = exp(-t^2) R(u), u = 1 / (1 + t / 2),
// with exp's parts unrounded until the single product with m (gelu's x / 2), so that the tail
// keeps its relative accuracy down to FLT_MIN.
inline VF mul_erfc_tail(VF m, VF t, VF sq, VF sq_lo) {
  const VF u = vset(1.0f) / fma(t, vset(0.5f), vset(1.0f));
  const VF big_r = poly(u, c::kErfcR);
  const ExpParts e = exp_parts(-sq, -sq_lo);
  return scale_by(m * fma(big_r, e.w, big_r), e.n);
}

// c[k][i] for the lanes' intervals i, table rows of 16 or 32 entries (coefficients.h).
template <int kRows, int kEntries>
inline VF row(const float (&table)[kRows][kEntries], int k, VI i) {
  static_assert(kEntries == 16 || kEntries == 32, "one or two permute registers");
  if constexpr (kEntries == 16) return lookup16(table[k], i);
  else return lookup32(table[k], i);
}

// Horner over the first kDegree + 1 rows of a piecewise table.
template <int kDegree, int kRows, int kEntries>
inline VF table_poly(const float (&table)[kRows][kEntries], VI i, VF s) {
  VF r = row(table, 0, i);
  for (int k = 1; k <= kDegree; ++k) r = fma(r, s, row(table, k, i));
  return r;
}

inline VF erf(VF x) {
  // Clamped below 4, where erf rounds to 1 (erfc(4) < 2^-25); NaN stays (second operand).
  const VF t = vmin(vset(3.99999976f), vabs(x));
  const VF k = vfloor(t * vset(4.0f));
  const VI i = to_int(k);
  const VF s = fma(k, vset(-0.25f), t);  // exact
  const VF q = table_poly<5>(c::kErfTable, i, s);
  const VF small = fma(s, row(c::kErfTable, 6, i), fma(q, s, row(c::kErfTable, 7, i)));
  return copysign(small + row(c::kErfTable, 8, i), x);
}

constexpr float kInvSqrt2Hi = 0.707106769f;
constexpr float kInvSqrt2Pi = 0.398942292f;

// m Phi(x), Phi the standard normal CDF (gelu: m = x), and optionally pdf(x) x =
// x exp(-x^2 / 2) / sqrt(2 pi) (gelu's backward). Phi(x) = 1 - erfc(t) / 2 for x >= 0 and
// erfc(t) / 2 for x < 0 (0.5 +- erf(t) / 2 below t = 1 and 0.5), t = |x| / sqrt2 and
// t^2 = x^2 / 2 exactly.
inline VF mul_normal_cdf(VF m, VF x, VF* x_pdf) {
  const VF a = vabs(x);
  const VF t = a * vset(kInvSqrt2Hi);
  VF sq, sq_lo;
  two_square(vmin(vset(20.0f), a), &sq, &sq_lo);  // beyond 20 every exp below underflows
  sq = vset(0.5f) * sq;
  sq_lo = vset(0.5f) * sq_lo;
  if (x_pdf) {
    const ExpParts e = exp_parts(vmax(vset(-104.0f), -sq), -sq_lo);
    const VF xc = x * vset(kInvSqrt2Pi);
    *x_pdf = scale_by(fma(xc, e.w, xc), e.n);
  }
  const VF half_m = vset(0.5f) * m;
  const VF tail = select(t <= vset(9.3f), mul_erfc_tail(half_m, vmin(vset(9.3f), t), sq, sq_lo),
                         vset(0.0f) * m);  // m erfc(t) / 2
  // Near 0, 1 +- erf(t) (no cancellation below t = 0.5 on the negative side) beats the tail's
  // polynomial at u ~ 1.
  const VM positive_side = x >= vset(0.0f);
  VF positive = m - tail, negative = tail;
  const VM near = t < select(positive_side, vset(1.0f), vset(0.5f));
  if (any(near)) {
    const VF half_m_erf = half_m * erf_small(t);
    positive = select(near, half_m + half_m_erf, positive);
    negative = select(near, half_m - half_m_erf, negative);
  }
  return select(positive_side, positive, select(isnan(x), x, negative));
}

// The general form for the lanes of m the table of gelu does not cover (out of line: rare).
[[gnu::noinline]] inline VF gelu_outside(VF x, VM m, VF current) {
  return select(m, mul_normal_cdf(x, x, nullptr), current);
}

inline VF gelu(VF x) {
  const VF k = vfloor(x * vset(4.0f));
  const VI i = to_int(k) + iset(16);
  const VF s = fma(k, vset(-0.25f), x);  // exact
  const VF small = fma(table_poly<5>(c::kPhiTable, i, s), s, row(c::kPhiTable, 6, i));  // Phi - C_hi
  VF y = fma(x, row(c::kPhiTable, 7, i), x * small);
  const VM outside = ~(vabs(x) < vset(4.0f));  // and NaN
  if (any(outside)) y = gelu_outside(x, outside, y);
  return y;
}

constexpr float kGeluBeta = 0.797884561f;  // sqrt(2 / pi)
constexpr float kGeluKappa = 0.044715f;
// The same constants as float hi + lo (fit_coefficients.py's split), for gelu_tanh_2u.
constexpr float kGeluKappaHi = 0.0447149985f, kGeluKappaLo = 1.54614443e-09f;
constexpr float kGeluTwoBetaHi = 1.59576917f, kGeluTwoBetaLo = -4.53406805e-08f;

// v = 2u = 2 sqrt(2/pi) x (1 + kappa x^2) as hi + lo (double-float with FMA): e^-v amplifies an
// error of v by |v| (up to ~88), so one float rounding of v would cost up to ~80 ulp.
inline VF gelu_tanh_2u(VF x, VF* lo) {
  VF x2, x2_lo;
  two_square(x, &x2, &x2_lo);
  const VF a = vset(kGeluKappaHi) * x2;  // kappa x^2 = a + a_lo
  const VF a_lo = fms(vset(kGeluKappaHi), x2, a) + fma(vset(kGeluKappaHi), x2_lo, vset(kGeluKappaLo) * x2);
  const VF w = vset(1.0f) + a;  // two-sum of 1 + a
  const VF b = w - vset(1.0f);
  const VF w_lo = ((vset(1.0f) - (w - b)) + (a - b)) + a_lo;
  const VF p = vset(kGeluTwoBetaHi) * x;  // 2 beta x = p + p_lo
  const VF p_lo = fma(vset(kGeluTwoBetaLo), x, fms(vset(kGeluTwoBetaHi), x, p));
  const VF v = p * w;
  *lo = fms(p, w, v) + fma(p, w_lo, p_lo * w);
  return v;
}

// x sigma(v), with the low part of v carried into exp.
inline VF gelu_tanh(VF x) {
  VF lo;
  const VF v = gelu_tanh_2u(x, &lo);
  VF r = x / one_plus_exp(vmin(vset(87.0f), vmax(vset(-87.0f), -v)), -lo);
  const VM tail = v < vset(-80.0f);
  if (any(tail)) r = select(tail, mul_exp(fma(x, lo, x), v), r);  // x e^v (1 + lo)
  return select(isnan(x), x, r);
}

// ---- backward ----

inline VF gelu_backward(VF g, VF x) {
  VF x_pdf;
  const VF cdf = mul_normal_cdf(vset(1.0f), x, &x_pdf);
  return g * (cdf + x_pdf);
}

// s = sigma(v) and s (1 - s) without the cancellation of 1 - s near s = 1: with E = e^-v,
// 1 - s = E s. Below v = -80, s = e^v and s (1 - s) ~ e^v.
inline VF sigmoid_and_slope(VF v, VF v_lo, VF* slope) {
  const VF vc = vmin(vset(87.0f), vmax(vset(-80.0f), v));
  const ExpParts e = exp_parts(-vc, -v_lo);
  const VF big_e = scale_by(e.w + vset(1.0f), e.n);  // e^-v
  const VF s = vset(1.0f) / one_plus_exp(-vc, -v_lo);
  VF sl = (big_e * s) * s;
  VF sig = s;
  const VM tail = v < vset(-80.0f);
  if (any(tail)) {
    const VF ev = mul_exp(fma(v_lo, vset(1.0f), vset(1.0f)), v);  // e^(v + v_lo)
    sig = select(tail, ev, sig);
    sl = select(tail, ev, sl);
  }
  *slope = sl;
  return sig;
}

// d/dx [x sigma(2u)] = s + 2 x s (1 - s) u', s = sigma(2u), u' = beta (1 + 3 kappa x^2):
// PyTorch's 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) u' with 1 + tanh u = 2s.
inline VF gelu_tanh_backward(VF g, VF x) {
  VF lo, slope;
  const VF v = gelu_tanh_2u(x, &lo);
  const VF s = sigmoid_and_slope(v, lo, &slope);
  const VF du = vset(kGeluBeta) * fma(vset(3.0f * kGeluKappa), x * x, vset(1.0f));
  const VF right = (x + x) * slope * du;
  return g * select(isnan(x), x, s + right);
}

// s (1 + x (1 - s)) = s + x s (1 - s).
inline VF silu_backward(VF g, VF x) {
  VF slope;
  const VF s = sigmoid_and_slope(x, vset(0.0f), &slope);
  return g * select(isnan(x), x, fma(x, slope, s));
}

inline VF sigmoid_backward(VF g, VF y) { return g * (vset(1.0f) - y) * y; }
inline VF tanh_backward(VF g, VF y) { return g * fnma(y, y, vset(1.0f)); }

// ---- pow ----

// pow(x, y) in double for the lanes of one half: z, k, i from x = 2^k z (z in [0.7, 1.4), i its
// subinterval), y as double.
inline VD pow_half(VD z, VD k, VL i, VD y) {
  const VD r = fma(z, dlookup16(c::kPowInvC, i), dset(-1.0));  // z / c - 1, one rounding
  const VD r2 = r * r;
  const VD hi = fma(dset(c::kPowLog2P[0]), r, dset(c::kPowLog2P[1]));
  const VD mid = fma(dset(c::kPowLog2P[2]), r, dset(c::kPowLog2P[3]));
  const VD low = fma(dset(c::kPowLog2P[4]), r, dlookup16(c::kPowLogC, i) + k);
  const VD log2x = fma(fma(hi, r2, mid), r2, low);
  // 2^t, t clamped where float overflows (2^130) or underflows (2^-160) anyway: t = m/16 + r'
  // with m = 16 n + j by the 1.5 * 2^52 shift trick, |r'| <= 1/32.
  const VD t = dmin(dset(130.0), dmax(dset(-160.0), y * log2x));
  const VD shift = dset(0x1.8p52 / 16);
  const VD kd = t + shift;
  const VL m = dbits(kd);
  const VD rt = t - (kd - shift);
  // 2^(n + j/16) from the table entry's bits plus m << 48 (the entries have j << 48 taken off).
  const VD scale = dfrom_bits(dbits(dlookup16(c::kPowExp2T, m)) + lshift_left<48>(m));
  const VD e_hi = fma(dset(c::kPowExp2Q[0]), rt, dset(c::kPowExp2Q[1]));
  const VD e_lo = fma(dset(c::kPowExp2Q[2]), rt, dset(c::kPowExp2Q[3]));
  return fma(scale * rt, fma(e_hi, rt * rt, e_lo), scale);
}

// C's powf for the lanes of m (special cases; out of line).
[[gnu::noinline]] inline VF pow_special(VF x, VF y, VM m, VF current) {
  return per_lane2(x, y, m, current, [](float a, float b) { return std::pow(a, b); });
}

inline VF pow(VF x, VF y) {
  const VM ordinary = (x >= vset(kFltMin)) & (x < vset(kInf)) & (vabs(y) < vset(kInf));
  const VF xo = select(ordinary, x, vset(1.0f));
  const VF yo = select(ordinary, y, vset(0.0f));
  // x = 2^k z with z's bits in [0x3f330000, 2 * 0x3f330000): exact; i = z's subinterval.
  const VI offset = bits(xo) - iset(0x3f330000);
  const VI top = offset & iset(static_cast<int32_t>(0xff800000u));
  const VF z = from_bits(bits(xo) - top);
  const VF k = to_float(shift_right_arith<23>(top));
  VD z_lo, z_hi, k_lo, k_hi, y_lo, y_hi;
  VL i_lo, i_hi;
  split(z, &z_lo, &z_hi);
  split(k, &k_lo, &k_hi);
  split(yo, &y_lo, &y_hi);
  split_i(shift_right_arith<19>(offset), &i_lo, &i_hi);  // the lookups read its low 4 bits
  const VD r_lo = pow_half(z_lo, k_lo, i_lo, y_lo);
  VD r_hi = dset(0.0);
  if (kHalves == 2) r_hi = pow_half(z_hi, k_hi, i_hi, y_hi);
  VF r = join(r_lo, r_hi);
  const VM special = ~ordinary;
  if (any(special)) r = pow_special(x, y, special, r);
  return r;
}

}  // namespace math
