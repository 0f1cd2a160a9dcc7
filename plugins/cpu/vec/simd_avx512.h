// The SIMD vocabulary of vec/math_impl.h for AVX-512 (F, DQ, BW, VL): 16 floats / 8 doubles per
// vector, masks in k registers. Only included by kernels_avx512.cpp, which is compiled with the
// matching -m flags and is only called after the CPU reported those features (isa.cpp).
// Included inside the ISA namespace of that file, after <immintrin.h> and <cstdint>, so every
// name here is private to it. Stateless; thread-safe.
#pragma once

struct VF { __m512 v; };      // 16 floats
struct VI { __m512i v; };     // 16 int32
struct VM { __mmask16 m; };   // 16 lane flags
struct VD { __m512d v; };     // 8 doubles (half of a VF)
struct VL { __m512i v; };     // 8 int64

constexpr int kWidth = 16;
constexpr const char* kIsaName = "avx512";

inline VF vset(float x) { return {_mm512_set1_ps(x)}; }
inline VF vload(const float* p) { return {_mm512_loadu_ps(p)}; }
inline void vstore(float* p, VF a) { _mm512_storeu_ps(p, a.v); }
inline __mmask16 first_n(int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
// Lanes >= n read as `fill` and are not written.
inline VF vload_n(const float* p, int64_t n, float fill) {
  return {_mm512_mask_loadu_ps(_mm512_set1_ps(fill), first_n(n), p)};
}
inline void vstore_n(float* p, VF a, int64_t n) { _mm512_mask_storeu_ps(p, first_n(n), a.v); }
// Non-temporal store of a whole vector to a 64-byte aligned address.
inline void vstream(float* p, VF a) { _mm512_stream_ps(p, a.v); }
inline void stream_fence() { _mm_sfence(); }

inline VF operator+(VF a, VF b) { return {_mm512_add_ps(a.v, b.v)}; }
inline VF operator-(VF a, VF b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline VF operator*(VF a, VF b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline VF operator/(VF a, VF b) { return {_mm512_div_ps(a.v, b.v)}; }
inline VF operator-(VF a) { return {_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(INT32_MIN)))}; }
inline VF fma(VF a, VF b, VF c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }    // a * b + c
inline VF fms(VF a, VF b, VF c) { return {_mm512_fmsub_ps(a.v, b.v, c.v)}; }    // a * b - c
inline VF fnma(VF a, VF b, VF c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }  // c - a * b
inline VF vabs(VF a) { return {_mm512_abs_ps(a.v)}; }
inline VF vsqrt(VF a) { return {_mm512_sqrt_ps(a.v)}; }
// x86 min/max: the second operand when either is NaN.
inline VF vmin(VF a, VF b) { return {_mm512_min_ps(a.v, b.v)}; }
inline VF vmax(VF a, VF b) { return {_mm512_max_ps(a.v, b.v)}; }
// |magnitude| with the sign bit of `sign`.
inline VF copysign(VF magnitude, VF sign) {
  const __m512i m = _mm512_set1_epi32(INT32_MIN);
  const __m512i s = _mm512_and_si512(_mm512_castps_si512(sign.v), m);
  return {_mm512_castsi512_ps(_mm512_or_si512(_mm512_andnot_si512(m, _mm512_castps_si512(magnitude.v)), s))};
}

inline VM operator<(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
inline VM operator<=(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ)}; }
inline VM operator>(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
inline VM operator>=(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ)}; }
inline VM operator==(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ)}; }
inline VM isnan(VF a) { return {_mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q)}; }
inline VM unordered(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_UNORD_Q)}; }  // either NaN
inline VM operator|(VM a, VM b) { return {static_cast<__mmask16>(a.m | b.m)}; }
inline VM operator&(VM a, VM b) { return {static_cast<__mmask16>(a.m & b.m)}; }
inline VM andnot(VM a, VM b) { return {static_cast<__mmask16>(~a.m & b.m)}; }  // !a & b
inline VM operator~(VM a) { return {static_cast<__mmask16>(~a.m)}; }
inline bool any(VM a) { return a.m != 0; }
inline unsigned lane_bits(VM a) { return a.m; }
inline VF select(VM m, VF a, VF b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }  // m ? a : b
// Lanes 0, 2, 4, ... of the 2 * kWidth floats a:b (a stride-2 load from two contiguous ones).
inline VF even_lanes(VF a, VF b) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return {_mm512_permutex2var_ps(a.v, even, b.v)};
}

inline VI bits(VF a) { return {_mm512_castps_si512(a.v)}; }
inline VF from_bits(VI a) { return {_mm512_castsi512_ps(a.v)}; }
inline VI iset(int32_t x) { return {_mm512_set1_epi32(x)}; }
inline VI operator+(VI a, VI b) { return {_mm512_add_epi32(a.v, b.v)}; }
inline VI operator-(VI a, VI b) { return {_mm512_sub_epi32(a.v, b.v)}; }
inline VI operator&(VI a, VI b) { return {_mm512_and_si512(a.v, b.v)}; }
inline VI operator|(VI a, VI b) { return {_mm512_or_si512(a.v, b.v)}; }
inline VI operator^(VI a, VI b) { return {_mm512_xor_si512(a.v, b.v)}; }
inline VI operator*(VI a, VI b) { return {_mm512_mullo_epi32(a.v, b.v)}; }
template <int kShift> inline VI shift_left(VI a) { return {_mm512_slli_epi32(a.v, kShift)}; }
template <int kShift> inline VI shift_right_arith(VI a) { return {_mm512_srai_epi32(a.v, kShift)}; }
inline VF to_float(VI a) { return {_mm512_cvtepi32_ps(a.v)}; }
inline VM operator==(VI a, VI b) { return {_mm512_cmpeq_epi32_mask(a.v, b.v)}; }

// Lane index i in [0, kWidth) as float (argmax) and the horizontal reductions.
inline VF lane_iota() { return {_mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)}; }
inline void to_array(VF a, float* out) { _mm512_storeu_ps(out, a.v); }

// Doubles: a VF splits into two VD halves (lanes 0-7, 8-15) and joins back.
constexpr int kHalves = 2;
inline void split(VF a, VD* lo, VD* hi) {
  lo->v = _mm512_cvtps_pd(_mm512_castps512_ps256(a.v));
  hi->v = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1)));
}
inline VF join(VD lo, VD hi) {
  const __m256 l = _mm512_cvtpd_ps(lo.v), h = _mm512_cvtpd_ps(hi.v);
  return {_mm512_insertf32x8(_mm512_castps256_ps512(l), h, 1)};
}
inline VD dset(double x) { return {_mm512_set1_pd(x)}; }
inline VD operator+(VD a, VD b) { return {_mm512_add_pd(a.v, b.v)}; }
inline VD operator-(VD a, VD b) { return {_mm512_sub_pd(a.v, b.v)}; }
inline VD operator*(VD a, VD b) { return {_mm512_mul_pd(a.v, b.v)}; }
inline VD operator/(VD a, VD b) { return {_mm512_div_pd(a.v, b.v)}; }
inline VD fma(VD a, VD b, VD c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
inline VD dmin(VD a, VD b) { return {_mm512_min_pd(a.v, b.v)}; }
inline VD dmax(VD a, VD b) { return {_mm512_max_pd(a.v, b.v)}; }
inline VL dbits(VD a) { return {_mm512_castpd_si512(a.v)}; }
inline VD dfrom_bits(VL a) { return {_mm512_castsi512_pd(a.v)}; }
inline VL lset(int64_t x) { return {_mm512_set1_epi64(x)}; }
inline VL operator+(VL a, VL b) { return {_mm512_add_epi64(a.v, b.v)}; }
inline VL operator-(VL a, VL b) { return {_mm512_sub_epi64(a.v, b.v)}; }
inline VL operator&(VL a, VL b) { return {_mm512_and_si512(a.v, b.v)}; }
template <int kShift> inline VL lshift_left(VL a) { return {_mm512_slli_epi64(a.v, kShift)}; }

// Horizontal sum of the lanes in double (reductions flush their float lanes with it).
inline double hsum_double(VF a) {
  VD lo, hi;
  split(a, &lo, &hi);
  return _mm512_reduce_add_pd(_mm512_add_pd(lo.v, hi.v));
}
inline double hsum(VD a) { return _mm512_reduce_add_pd(a.v); }
inline VD dload_f(const float* p) { return {_mm512_cvtps_pd(_mm256_loadu_ps(p))}; }  // 8 floats -> doubles
inline VD dload(const double* p) { return {_mm512_loadu_pd(p)}; }
inline void dstore(double* p, VD a) { _mm512_storeu_pd(p, a.v); }
constexpr int kDWidth = 8;
inline VI iselect(VM m, VI a, VI b) { return {_mm512_mask_blend_epi32(m.m, b.v, a.v)}; }
inline VI iload(const int32_t* p) { return {_mm512_loadu_si512(p)}; }
inline void istore(int32_t* p, VI a) { _mm512_storeu_si512(p, a.v); }
inline VI lane_iota_i() { return {_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)}; }

// Rounding toward -inf, and float -> int32 by truncation (NaN and out-of-range give INT32_MIN).
inline VF vfloor(VF a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)}; }
inline VI to_int(VF a) { return {_mm512_cvttps_epi32(a.v)}; }
// Per-lane table lookups: table[i & 15] / table[i & 31] from a table of 16 / 32 floats, and
// table[i & 15] from 16 doubles (one permute each).
inline VF lookup16(const float* table, VI i) { return {_mm512_permutexvar_ps(i.v, _mm512_loadu_ps(table))}; }
inline VF lookup32(const float* table, VI i) {
  return {_mm512_permutex2var_ps(_mm512_loadu_ps(table), i.v, _mm512_loadu_ps(table + 16))};
}
inline VD dlookup16(const double* table, VL i) {
  return {_mm512_permutex2var_pd(_mm512_loadu_pd(table), i.v, _mm512_loadu_pd(table + 8))};
}
// The int32 lanes of a VI as int64 halves (lanes 0-7, 8-15), zero-extended.
inline void split_i(VI a, VL* lo, VL* hi) {
  lo->v = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(a.v));
  hi->v = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(a.v, 1));
}
