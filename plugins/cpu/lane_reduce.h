// Sums over dense runs that the compiler vectorizes: kLanes independent accumulators (the order
// of additions is fixed, so no -ffast-math is needed), in the compute type (float for float and
// 16-bit floats, double for double), flushed into a double every kBlock elements. Accurate to
// about kBlock / kLanes float roundings per flush, several times faster than a double chain.
// Used by the backward kernels' per-channel and per-row reductions.
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

}  // namespace ember_cpu
