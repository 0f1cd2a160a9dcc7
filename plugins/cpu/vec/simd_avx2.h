// The SIMD vocabulary of vec/math_impl.h for AVX2 + FMA: 8 floats / 4 doubles per vector, masks
// as all-ones lanes. Only included by kernels_avx2.cpp, compiled with -mavx2 -mfma and only
// called after the CPU reported those features (isa.cpp). Included inside the ISA namespace of
// that file, after <immintrin.h> and <cstdint>. Stateless; thread-safe.
#pragma once

struct VF { __m256 v; };    // 8 floats
struct VI { __m256i v; };   // 8 int32
struct VM { __m256 m; };    // 8 lane flags (all ones / zero)
struct VD { __m256d v; };   // 4 doubles (half of a VF)
struct VL { __m256i v; };   // 4 int64

constexpr int kWidth = 8;
constexpr const char* kIsaName = "avx2";

inline VF vset(float x) { return {_mm256_set1_ps(x)}; }
inline VF vload(const float* p) { return {_mm256_loadu_ps(p)}; }
inline void vstore(float* p, VF a) { _mm256_storeu_ps(p, a.v); }
inline __m256i first_n(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
// Lanes >= n read as `fill` and are not written.
inline VF vload_n(const float* p, int64_t n, float fill) {
  const __m256i m = first_n(n);
  return {_mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m))};
}
inline void vstore_n(float* p, VF a, int64_t n) { _mm256_maskstore_ps(p, first_n(n), a.v); }
inline void vstream(float* p, VF a) { _mm256_stream_ps(p, a.v); }
inline void stream_fence() { _mm_sfence(); }

inline VF operator+(VF a, VF b) { return {_mm256_add_ps(a.v, b.v)}; }
inline VF operator-(VF a, VF b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline VF operator*(VF a, VF b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline VF operator/(VF a, VF b) { return {_mm256_div_ps(a.v, b.v)}; }
inline VF operator-(VF a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
inline VF fma(VF a, VF b, VF c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
inline VF fms(VF a, VF b, VF c) { return {_mm256_fmsub_ps(a.v, b.v, c.v)}; }
inline VF fnma(VF a, VF b, VF c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; }
inline VF vabs(VF a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
inline VF vsqrt(VF a) { return {_mm256_sqrt_ps(a.v)}; }
inline VF vmin(VF a, VF b) { return {_mm256_min_ps(a.v, b.v)}; }
inline VF vmax(VF a, VF b) { return {_mm256_max_ps(a.v, b.v)}; }
inline VF copysign(VF magnitude, VF sign) {
  const __m256 m = _mm256_set1_ps(-0.0f);
  return {_mm256_or_ps(_mm256_andnot_ps(m, magnitude.v), _mm256_and_ps(m, sign.v))};
}

inline VM operator<(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
inline VM operator<=(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ)}; }
inline VM operator>(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
inline VM operator>=(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ)}; }
inline VM operator==(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ)}; }
inline VM isnan(VF a) { return {_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)}; }
inline VM unordered(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_UNORD_Q)}; }  // either NaN
inline VM operator|(VM a, VM b) { return {_mm256_or_ps(a.m, b.m)}; }
inline VM operator&(VM a, VM b) { return {_mm256_and_ps(a.m, b.m)}; }
inline VM andnot(VM a, VM b) { return {_mm256_andnot_ps(a.m, b.m)}; }
inline VM operator~(VM a) { return {_mm256_xor_ps(a.m, _mm256_castsi256_ps(_mm256_set1_epi32(-1)))}; }
inline bool any(VM a) { return _mm256_movemask_ps(a.m) != 0; }
inline unsigned lane_bits(VM a) { return static_cast<unsigned>(_mm256_movemask_ps(a.m)); }
inline VF select(VM m, VF a, VF b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
// Lanes 0, 2, 4, ... of the 2 * kWidth floats a:b (a stride-2 load from two contiguous ones):
// a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit pairs reordered.
inline VF even_lanes(VF a, VF b) {
  const __m256 pairs = _mm256_shuffle_ps(a.v, b.v, 0x88);
  return {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(pairs), 0xD8))};
}

inline VI bits(VF a) { return {_mm256_castps_si256(a.v)}; }
inline VF from_bits(VI a) { return {_mm256_castsi256_ps(a.v)}; }
inline VI iset(int32_t x) { return {_mm256_set1_epi32(x)}; }
inline VI operator+(VI a, VI b) { return {_mm256_add_epi32(a.v, b.v)}; }
inline VI operator-(VI a, VI b) { return {_mm256_sub_epi32(a.v, b.v)}; }
inline VI operator&(VI a, VI b) { return {_mm256_and_si256(a.v, b.v)}; }
inline VI operator|(VI a, VI b) { return {_mm256_or_si256(a.v, b.v)}; }
inline VI operator^(VI a, VI b) { return {_mm256_xor_si256(a.v, b.v)}; }
inline VI operator*(VI a, VI b) { return {_mm256_mullo_epi32(a.v, b.v)}; }
template <int kShift> inline VI shift_left(VI a) { return {_mm256_slli_epi32(a.v, kShift)}; }
template <int kShift> inline VI shift_right_arith(VI a) { return {_mm256_srai_epi32(a.v, kShift)}; }
inline VF to_float(VI a) { return {_mm256_cvtepi32_ps(a.v)}; }
inline VM operator==(VI a, VI b) { return {_mm256_castsi256_ps(_mm256_cmpeq_epi32(a.v, b.v))}; }

inline VF lane_iota() { return {_mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7)}; }
inline void to_array(VF a, float* out) { _mm256_storeu_ps(out, a.v); }

constexpr int kHalves = 2;
inline void split(VF a, VD* lo, VD* hi) {
  lo->v = _mm256_cvtps_pd(_mm256_castps256_ps128(a.v));
  hi->v = _mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1));
}
inline VF join(VD lo, VD hi) {
  return {_mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo.v)), _mm256_cvtpd_ps(hi.v), 1)};
}
inline VD dset(double x) { return {_mm256_set1_pd(x)}; }
inline VD operator+(VD a, VD b) { return {_mm256_add_pd(a.v, b.v)}; }
inline VD operator-(VD a, VD b) { return {_mm256_sub_pd(a.v, b.v)}; }
inline VD operator*(VD a, VD b) { return {_mm256_mul_pd(a.v, b.v)}; }
inline VD operator/(VD a, VD b) { return {_mm256_div_pd(a.v, b.v)}; }
inline VD fma(VD a, VD b, VD c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
inline VD dmin(VD a, VD b) { return {_mm256_min_pd(a.v, b.v)}; }
inline VD dmax(VD a, VD b) { return {_mm256_max_pd(a.v, b.v)}; }
inline VL dbits(VD a) { return {_mm256_castpd_si256(a.v)}; }
inline VD dfrom_bits(VL a) { return {_mm256_castsi256_pd(a.v)}; }
inline VL lset(int64_t x) { return {_mm256_set1_epi64x(x)}; }
inline VL operator+(VL a, VL b) { return {_mm256_add_epi64(a.v, b.v)}; }
inline VL operator-(VL a, VL b) { return {_mm256_sub_epi64(a.v, b.v)}; }
inline VL operator&(VL a, VL b) { return {_mm256_and_si256(a.v, b.v)}; }
template <int kShift> inline VL lshift_left(VL a) { return {_mm256_slli_epi64(a.v, kShift)}; }

inline double hsum(VD a) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a.v), _mm256_extractf128_pd(a.v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
inline double hsum_double(VF a) {
  VD lo, hi;
  split(a, &lo, &hi);
  return hsum(lo + hi);
}
inline VD dload_f(const float* p) { return {_mm256_cvtps_pd(_mm_loadu_ps(p))}; }  // 4 floats -> doubles
inline VD dload(const double* p) { return {_mm256_loadu_pd(p)}; }
inline void dstore(double* p, VD a) { _mm256_storeu_pd(p, a.v); }
constexpr int kDWidth = 4;
inline VI iselect(VM m, VI a, VI b) { return {_mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b.v), _mm256_castsi256_ps(a.v), m.m))}; }
inline VI iload(const int32_t* p) { return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))}; }
inline void istore(int32_t* p, VI a) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), a.v); }
inline VI lane_iota_i() { return {_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)}; }

// Rounding toward -inf, and float -> int32 by truncation (NaN and out-of-range give INT32_MIN).
inline VF vfloor(VF a) { return {_mm256_floor_ps(a.v)}; }
inline VI to_int(VF a) { return {_mm256_cvttps_epi32(a.v)}; }
// Per-lane table lookups: table[i & 15] / table[i & 31] from 16 / 32 floats (8-entry permutes
// blended on the higher index bits), and table[i & 15] from 16 doubles (a gather).
inline VF lookup16(const float* table, VI i) {
  const __m256 lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), i.v);
  const __m256 hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table + 8), i.v);
  return {_mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32(i.v, 28)))};
}
inline VF lookup32(const float* table, VI i) {
  const VF lo = lookup16(table, i), hi = lookup16(table + 16, i);
  return {_mm256_blendv_ps(lo.v, hi.v, _mm256_castsi256_ps(_mm256_slli_epi32(i.v, 27)))};
}
inline VD dlookup16(const double* table, VL i) {
  return {_mm256_i64gather_pd(table, _mm256_and_si256(i.v, _mm256_set1_epi64x(15)), 8)};
}
// The int32 lanes of a VI as int64 halves (lanes 0-3, 4-7), zero-extended.
inline void split_i(VI a, VL* lo, VL* hi) {
  lo->v = _mm256_cvtepu32_epi64(_mm256_castsi256_si128(a.v));
  hi->v = _mm256_cvtepu32_epi64(_mm256_extracti128_si256(a.v, 1));
}
