// Sums over dense runs that the compiler vectorizes: kLanes independent accumulators (the order
// of additions is fixed, so no -ffast-math is needed), in the compute type (float for float and
// 16-bit floats, double for double), flushed into a double every kBlock elements. Accurate to
// about kBlock / kLanes float roundings per flush, several times faster than a double chain.
// Used by the normalization kernels' per-channel and per-row statistics and the backward
// kernels' reductions.
//
// Stateless; thread-safe. Results depend only on the data and n, never on threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <ember/sdk/dtype.h>

namespace ember_cpu {

constexpr int kLanes = 16;
constexpr int64_t kLaneBlock = 4096;

template <typename T>
using lane_t = std::conditional_t<std::is_same<T, double>::value, double, float>;

// sum(a[i]) over n elements.
template <typename T>
double lane_sum(const T* a, int64_t n) {
  using A = lane_t<T>;
  double total = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    A acc[kLanes] = {};
    int64_t i = b;
    for (; i + kLanes <= e; i += kLanes)
      for (int k = 0; k < kLanes; ++k) acc[k] += static_cast<A>(a[i + k]);
    for (int k = 0; i < e; ++i, ++k) acc[k] += static_cast<A>(a[i]);
    double block = 0;
    for (int k = 0; k < kLanes; ++k) block += static_cast<double>(acc[k]);
    total += block;
  }
  return total;
}

// sum((a[i] - shift)^2) over n elements.
template <typename T>
double lane_sum_squares(const T* a, int64_t n, double shift) {
  using A = lane_t<T>;
  const A s = static_cast<A>(shift);
  double total = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    A acc[kLanes] = {};
    int64_t i = b;
    for (; i + kLanes <= e; i += kLanes)
      for (int k = 0; k < kLanes; ++k) {
        const A d = static_cast<A>(a[i + k]) - s;
        acc[k] += d * d;
      }
    for (int k = 0; i < e; ++i, ++k) {
      const A d = static_cast<A>(a[i]) - s;
      acc[k] += d * d;
    }
    double block = 0;
    for (int k = 0; k < kLanes; ++k) block += static_cast<double>(acc[k]);
    total += block;
  }
  return total;
}

// sum(g[i]) and sum((x[i] - shift) * g[i]) over n elements.
template <typename T>
void lane_sum_and_dot(const T* g, const T* x, int64_t n, double shift, double* sum_out, double* dot_out) {
  using A = lane_t<T>;
  const A s = static_cast<A>(shift);
  double sum = 0, dot = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    A acc_sum[kLanes] = {}, acc_dot[kLanes] = {};
    int64_t i = b;
    for (; i + kLanes <= e; i += kLanes) {
      for (int k = 0; k < kLanes; ++k) {
        const A gv = static_cast<A>(g[i + k]);
        acc_sum[k] += gv;
        acc_dot[k] += (static_cast<A>(x[i + k]) - s) * gv;
      }
    }
    for (int k = 0; i < e; ++i, ++k) {
      const A gv = static_cast<A>(g[i]);
      acc_sum[k] += gv;
      acc_dot[k] += (static_cast<A>(x[i]) - s) * gv;
    }
    double block_sum = 0, block_dot = 0;
    for (int k = 0; k < kLanes; ++k) {
      block_sum += static_cast<double>(acc_sum[k]);
      block_dot += static_cast<double>(acc_dot[k]);
    }
    sum += block_sum;
    dot += block_dot;
  }
  *sum_out = sum;
  *dot_out = dot;
}

// float: the same sums written with vector types, since GCC turns the generic lane loops into
// shuffles and spills for float (measured 2.5x slower) rather than four plain vector adds.
#if defined(__GNUC__)
namespace detail {
using float4 = float __attribute__((vector_size(16)));
inline float4 load4(const float* p) {
  float4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline double horizontal_sum(float4 a, float4 b, float4 c, float4 d) {
  const float4 s = (a + b) + (c + d);
  return static_cast<double>(s[0]) + static_cast<double>(s[1]) + static_cast<double>(s[2]) + static_cast<double>(s[3]);
}
}  // namespace detail

template <>
inline double lane_sum<float>(const float* a, int64_t n) {
  using detail::float4;
  double total = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    float4 s0 = {}, s1 = {}, s2 = {}, s3 = {};
    int64_t i = b;
    for (; i + 16 <= e; i += 16) {
      s0 += detail::load4(a + i);
      s1 += detail::load4(a + i + 4);
      s2 += detail::load4(a + i + 8);
      s3 += detail::load4(a + i + 12);
    }
    double block = detail::horizontal_sum(s0, s1, s2, s3);
    for (; i < e; ++i) block += static_cast<double>(a[i]);
    total += block;
  }
  return total;
}

template <>
inline double lane_sum_squares<float>(const float* a, int64_t n, double shift) {
  using detail::float4;
  const float sf = static_cast<float>(shift);
  const float4 s = {sf, sf, sf, sf};
  double total = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    float4 s0 = {}, s1 = {}, s2 = {}, s3 = {};
    int64_t i = b;
    for (; i + 16 <= e; i += 16) {
      const float4 d0 = detail::load4(a + i) - s, d1 = detail::load4(a + i + 4) - s, d2 = detail::load4(a + i + 8) - s,
                   d3 = detail::load4(a + i + 12) - s;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    double block = detail::horizontal_sum(s0, s1, s2, s3);
    for (; i < e; ++i) {
      const double d = static_cast<double>(a[i] - sf);
      block += d * d;
    }
    total += block;
  }
  return total;
}

template <>
inline void lane_sum_and_dot<float>(const float* g, const float* x, int64_t n, double shift, double* sum_out,
                                    double* dot_out) {
  using detail::float4;
  const float sf = static_cast<float>(shift);
  const float4 s = {sf, sf, sf, sf};
  double sum = 0, dot = 0;
  for (int64_t b = 0; b < n; b += kLaneBlock) {
    const int64_t e = std::min(n, b + kLaneBlock);
    float4 s0 = {}, s1 = {}, s2 = {}, s3 = {}, d0 = {}, d1 = {}, d2 = {}, d3 = {};
    int64_t i = b;
    for (; i + 16 <= e; i += 16) {
      const float4 g0 = detail::load4(g + i), g1 = detail::load4(g + i + 4), g2 = detail::load4(g + i + 8),
                   g3 = detail::load4(g + i + 12);
      s0 += g0;
      s1 += g1;
      s2 += g2;
      s3 += g3;
      d0 += (detail::load4(x + i) - s) * g0;
      d1 += (detail::load4(x + i + 4) - s) * g1;
      d2 += (detail::load4(x + i + 8) - s) * g2;
      d3 += (detail::load4(x + i + 12) - s) * g3;
    }
    double block_sum = detail::horizontal_sum(s0, s1, s2, s3), block_dot = detail::horizontal_sum(d0, d1, d2, d3);
    for (; i < e; ++i) {
      block_sum += static_cast<double>(g[i]);
      block_dot += (static_cast<double>(x[i]) - static_cast<double>(sf)) * static_cast<double>(g[i]);
    }
    sum += block_sum;
    dot += block_dot;
  }
  *sum_out = sum;
  *dot_out = dot;
}
#endif

}  // namespace ember_cpu
