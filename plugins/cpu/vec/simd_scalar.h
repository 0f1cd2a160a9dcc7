// The SIMD vocabulary of vec/math_impl.h for one lane of plain C++ (the portable path, used on
// CPUs without AVX2 + FMA or when the configuration forces `isa: scalar`). The same algorithms
// run with width 1, so every ISA computes the same formulas.
//
// fma on floats goes through double: the product of two floats is exact in double, so
// a * b + c is rounded once to double and once to float, which keeps the exact two-product and
// Cody-Waite steps of the math exact without an FMA instruction. Double fma is a * b + c.
// Included inside the ISA namespace of kernels_scalar.cpp, after <cmath>, <cstdint>, <cstring>.
// Stateless; thread-safe.
#pragma once

struct VF { float v; };
struct VI { int32_t v; };
struct VM { bool m; };
struct VD { double v; };
struct VL { int64_t v; };

constexpr int kWidth = 1;
constexpr const char* kIsaName = "scalar";

inline VF vset(float x) { return {x}; }
inline VF vload(const float* p) { return {*p}; }
inline void vstore(float* p, VF a) { *p = a.v; }
inline VF vload_n(const float* p, int64_t n, float fill) { return {n > 0 ? *p : fill}; }
inline void vstore_n(float* p, VF a, int64_t n) {
  if (n > 0) *p = a.v;
}
inline void vstream(float* p, VF a) { *p = a.v; }
inline void stream_fence() {}

inline VF operator+(VF a, VF b) { return {a.v + b.v}; }
inline VF operator-(VF a, VF b) { return {a.v - b.v}; }
inline VF operator*(VF a, VF b) { return {a.v * b.v}; }
inline VF operator/(VF a, VF b) { return {a.v / b.v}; }
inline VF operator-(VF a) { return {-a.v}; }
inline VF fma(VF a, VF b, VF c) {
  return {static_cast<float>(static_cast<double>(a.v) * static_cast<double>(b.v) + static_cast<double>(c.v))};
}
inline VF fms(VF a, VF b, VF c) { return fma(a, b, VF{-c.v}); }
inline VF fnma(VF a, VF b, VF c) { return fma(VF{-a.v}, b, c); }
inline VF vabs(VF a) { return {std::fabs(a.v)}; }
inline VF vsqrt(VF a) { return {std::sqrt(a.v)}; }
// As x86 min/max: the second operand when either is NaN.
inline VF vmin(VF a, VF b) { return {a.v < b.v ? a.v : b.v}; }
inline VF vmax(VF a, VF b) { return {a.v > b.v ? a.v : b.v}; }
inline VF copysign(VF magnitude, VF sign) { return {std::copysign(magnitude.v, sign.v)}; }

inline VM operator<(VF a, VF b) { return {a.v < b.v}; }
inline VM operator<=(VF a, VF b) { return {a.v <= b.v}; }
inline VM operator>(VF a, VF b) { return {a.v > b.v}; }
inline VM operator>=(VF a, VF b) { return {a.v >= b.v}; }
inline VM operator==(VF a, VF b) { return {a.v == b.v}; }
inline VM isnan(VF a) { return {a.v != a.v}; }
inline VM unordered(VF a, VF b) { return {a.v != a.v || b.v != b.v}; }  // either NaN
inline VM operator|(VM a, VM b) { return {a.m || b.m}; }
inline VM operator&(VM a, VM b) { return {a.m && b.m}; }
inline VM andnot(VM a, VM b) { return {!a.m && b.m}; }
inline VM operator~(VM a) { return {!a.m}; }
inline bool any(VM a) { return a.m; }
inline unsigned lane_bits(VM a) { return a.m ? 1u : 0u; }
inline VF select(VM m, VF a, VF b) { return m.m ? a : b; }
// Lane 0 of a:b (one lane: a stride-2 load is every other element).
inline VF even_lanes(VF a, VF) { return a; }

inline VI bits(VF a) {
  VI r;
  std::memcpy(&r.v, &a.v, sizeof r.v);
  return r;
}
inline VF from_bits(VI a) {
  VF r;
  std::memcpy(&r.v, &a.v, sizeof r.v);
  return r;
}
inline VI iset(int32_t x) { return {x}; }
// Integer lanes wrap as the vector instructions do.
inline VI operator+(VI a, VI b) { return {static_cast<int32_t>(static_cast<uint32_t>(a.v) + static_cast<uint32_t>(b.v))}; }
inline VI operator-(VI a, VI b) { return {static_cast<int32_t>(static_cast<uint32_t>(a.v) - static_cast<uint32_t>(b.v))}; }
inline VI operator&(VI a, VI b) { return {a.v & b.v}; }
inline VI operator|(VI a, VI b) { return {a.v | b.v}; }
inline VI operator^(VI a, VI b) { return {a.v ^ b.v}; }
inline VI operator*(VI a, VI b) { return {static_cast<int32_t>(static_cast<uint32_t>(a.v) * static_cast<uint32_t>(b.v))}; }
template <int kShift> inline VI shift_left(VI a) { return {static_cast<int32_t>(static_cast<uint32_t>(a.v) << kShift)}; }
template <int kShift> inline VI shift_right_arith(VI a) { return {a.v >> kShift}; }
inline VF to_float(VI a) { return {static_cast<float>(a.v)}; }
inline VM operator==(VI a, VI b) { return {a.v == b.v}; }

inline VF lane_iota() { return {0.0f}; }
inline void to_array(VF a, float* out) { *out = a.v; }

constexpr int kHalves = 1;
inline void split(VF a, VD* lo, VD* hi) {
  lo->v = a.v;
  hi->v = 0;
}
inline VF join(VD lo, VD) { return {static_cast<float>(lo.v)}; }
inline VD dset(double x) { return {x}; }
inline VD operator+(VD a, VD b) { return {a.v + b.v}; }
inline VD operator-(VD a, VD b) { return {a.v - b.v}; }
inline VD operator*(VD a, VD b) { return {a.v * b.v}; }
inline VD operator/(VD a, VD b) { return {a.v / b.v}; }
inline VD fma(VD a, VD b, VD c) { return {a.v * b.v + c.v}; }
inline VD dmin(VD a, VD b) { return {a.v < b.v ? a.v : b.v}; }
inline VD dmax(VD a, VD b) { return {a.v > b.v ? a.v : b.v}; }
inline VL dbits(VD a) {
  VL r;
  std::memcpy(&r.v, &a.v, sizeof r.v);
  return r;
}
inline VD dfrom_bits(VL a) {
  VD r;
  std::memcpy(&r.v, &a.v, sizeof r.v);
  return r;
}
inline VL lset(int64_t x) { return {x}; }
inline VL operator+(VL a, VL b) { return {static_cast<int64_t>(static_cast<uint64_t>(a.v) + static_cast<uint64_t>(b.v))}; }
inline VL operator-(VL a, VL b) { return {static_cast<int64_t>(static_cast<uint64_t>(a.v) - static_cast<uint64_t>(b.v))}; }
inline VL operator&(VL a, VL b) { return {a.v & b.v}; }
template <int kShift> inline VL lshift_left(VL a) { return {static_cast<int64_t>(static_cast<uint64_t>(a.v) << kShift)}; }

inline double hsum(VD a) { return a.v; }
inline double hsum_double(VF a) { return a.v; }
inline VD dload_f(const float* p) { return {*p}; }
inline VD dload(const double* p) { return {*p}; }
inline void dstore(double* p, VD a) { *p = a.v; }
constexpr int kDWidth = 1;
inline VI iselect(VM m, VI a, VI b) { return m.m ? a : b; }
inline VI iload(const int32_t* p) {  // may point into float data: read the bytes
  VI r;
  std::memcpy(&r.v, p, sizeof r.v);
  return r;
}
inline void istore(int32_t* p, VI a) { *p = a.v; }
inline VI lane_iota_i() { return {0}; }

// Rounding toward -inf, and float -> int32 by truncation; NaN and out-of-range give INT32_MIN,
// as the vector instructions do (a plain cast would be undefined).
inline VF vfloor(VF a) { return {std::floor(a.v)}; }
inline VI to_int(VF a) {
  return {a.v >= -2147483648.0f && a.v < 2147483648.0f ? static_cast<int32_t>(a.v) : INT32_MIN};
}
// table[i & 15] / table[i & 31], as the vector permutes read only the low index bits.
inline VF lookup16(const float* table, VI i) { return {table[i.v & 15]}; }
inline VF lookup32(const float* table, VI i) { return {table[i.v & 31]}; }
inline VD dlookup16(const double* table, VL i) { return {table[i.v & 15]}; }
inline void split_i(VI a, VL* lo, VL* hi) {
  lo->v = static_cast<uint32_t>(a.v);
  hi->v = 0;
}
