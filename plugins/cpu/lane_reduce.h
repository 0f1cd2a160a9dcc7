// Sums over runs of dense memory that the compiler vectorizes: 16 independent accumulators (the
// order of additions is fixed, so no -ffast-math is needed) in the compute type (float for float
// and 16-bit floats, double for double), flushed into a double every kLaneBlock elements. Accurate
// to about kLaneBlock / 16 float roundings per flush, several times faster than a chain of double
// additions (~4 cycles per element). The accumulators carry over from one run to the next, so
// many short runs (the rows of a channel, 8x8 planes) cost little more than one long one.
//
// Used by the normalization kernels' per-channel / per-row statistics and by the backward
// kernels' reductions. Stateless; thread-safe. Results depend only on the data and the runs'
// lengths, never on threads.
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

// Up to two running sums (sum of f0, sum of f1) over the elements of several runs.
template <typename A>
class LaneSums {
 public:
  // Adds f(i, &v0, &v1) for i in [0, n): f writes the two terms of element i.
  template <typename F>
  void add(int64_t n, const F& f) {
    int64_t i = 0;
    while (i < n) {
      const int64_t stop = std::min(n, i + (kLaneBlock - pending_));
      for (; i + kLanes <= stop; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) {
          A v0, v1;
          f(i + k, &v0, &v1);
          acc0_[k] += v0;
          acc1_[k] += v1;
        }
        pending_ += kLanes;
      }
      for (int k = 0; i < stop; ++i, ++k) {
        A v0, v1;
        f(i, &v0, &v1);
        acc0_[k] += v0;
        acc1_[k] += v1;
        ++pending_;
      }
      if (pending_ >= kLaneBlock) flush();
    }
  }
  double sum0() {
    flush();
    return total0_;
  }
  double sum1() {
    flush();
    return total1_;
  }

 private:
  void flush() {
    double s0 = 0, s1 = 0;
    for (int k = 0; k < kLanes; ++k) {
      s0 += static_cast<double>(acc0_[k]);
      s1 += static_cast<double>(acc1_[k]);
      acc0_[k] = 0;
      acc1_[k] = 0;
    }
    total0_ += s0;
    total1_ += s1;
    pending_ = 0;
  }

  A acc0_[kLanes] = {}, acc1_[kLanes] = {};
  int64_t pending_ = 0;
  double total0_ = 0, total1_ = 0;
};

// The sums over `rows` runs of `len` elements, `stride` elements apart (one channel of an
// [N, C, *] tensor, or one contiguous run when rows == 1).

// sum(a).
template <typename T>
double lane_sum(const T* a, int64_t rows, int64_t len, int64_t stride) {
  using A = lane_t<T>;
  LaneSums<A> s;
  for (int64_t r = 0; r < rows; ++r) {
    const T* p = a + r * stride;
    s.add(len, [p](int64_t i, A* v0, A* v1) {
      *v0 = static_cast<A>(p[i]);
      *v1 = 0;
    });
  }
  return s.sum0();
}

// sum((a - shift)^2).
template <typename T>
double lane_sum_squares(const T* a, int64_t rows, int64_t len, int64_t stride, double shift) {
  using A = lane_t<T>;
  const A c = static_cast<A>(shift);
  LaneSums<A> s;
  for (int64_t r = 0; r < rows; ++r) {
    const T* p = a + r * stride;
    s.add(len, [p, c](int64_t i, A* v0, A* v1) {
      const A d = static_cast<A>(p[i]) - c;
      *v0 = d * d;
      *v1 = 0;
    });
  }
  return s.sum0();
}

// sum(g) and sum((x - shift) * g).
template <typename T>
void lane_sum_and_dot(const T* g, const T* x, int64_t rows, int64_t len, int64_t stride, double shift, double* sum,
                      double* dot) {
  using A = lane_t<T>;
  const A c = static_cast<A>(shift);
  LaneSums<A> s;
  for (int64_t r = 0; r < rows; ++r) {
    const T* gp = g + r * stride;
    const T* xp = x + r * stride;
    s.add(len, [gp, xp, c](int64_t i, A* v0, A* v1) {
      const A gv = static_cast<A>(gp[i]);
      *v0 = gv;
      *v1 = (static_cast<A>(xp[i]) - c) * gv;
    });
  }
  *sum = s.sum0();
  *dot = s.sum1();
}

// float: the same sums written with vector types; GCC turns the generic lane loops into shuffles
// and spills for float (measured 2.5x slower) instead of four plain vector adds per 16 elements.
#if defined(__GNUC__)
namespace detail {

using float4 = float __attribute__((vector_size(16)));

inline float4 load4(const float* p) {
  float4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// Two running sums in 4 x float4 lanes each (plus a scalar for run tails), flushed to double
// every kLaneBlock elements.
class FloatLanes {
 public:
  // Adds elements [0, n) of a run: body(i, lanes0, lanes1) adds 16 elements at i, tail(i, s0, s1)
  // one element.
  template <typename Body, typename Tail>
  void add(int64_t n, const Body& body, const Tail& tail) {
    int64_t i = 0;
    while (i < n) {
      const int64_t stop = std::min(n, i + (kLaneBlock - pending_));
      const int64_t start = i;
      for (; i + 16 <= stop; i += 16) body(i, a_, b_);
      for (; i < stop; ++i) tail(i, &tail_a_, &tail_b_);
      pending_ += stop - start;
      if (pending_ >= kLaneBlock) flush();
    }
  }
  double sum0() {
    flush();
    return total_a_;
  }
  double sum1() {
    flush();
    return total_b_;
  }

 private:
  static double reduce(const float4* v) {
    const float4 s = (v[0] + v[1]) + (v[2] + v[3]);
    return static_cast<double>(s[0]) + static_cast<double>(s[1]) + static_cast<double>(s[2]) + static_cast<double>(s[3]);
  }
  void flush() {
    total_a_ += reduce(a_) + static_cast<double>(tail_a_);
    total_b_ += reduce(b_) + static_cast<double>(tail_b_);
    for (int k = 0; k < 4; ++k) a_[k] = b_[k] = float4{0, 0, 0, 0};
    tail_a_ = tail_b_ = 0;
    pending_ = 0;
  }

  float4 a_[4] = {}, b_[4] = {};
  float tail_a_ = 0, tail_b_ = 0;
  int64_t pending_ = 0;
  double total_a_ = 0, total_b_ = 0;
};

}  // namespace detail

template <>
inline double lane_sum<float>(const float* a, int64_t rows, int64_t len, int64_t stride) {
  detail::FloatLanes s;
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = a + r * stride;
    s.add(
        len,
        [p](int64_t i, detail::float4* s0, detail::float4*) {
          for (int k = 0; k < 4; ++k) s0[k] += detail::load4(p + i + 4 * k);
        },
        [p](int64_t i, float* t0, float*) { *t0 += p[i]; });
  }
  return s.sum0();
}

template <>
inline double lane_sum_squares<float>(const float* a, int64_t rows, int64_t len, int64_t stride, double shift) {
  const float c = static_cast<float>(shift);
  const detail::float4 cv = {c, c, c, c};
  detail::FloatLanes s;
  for (int64_t r = 0; r < rows; ++r) {
    const float* p = a + r * stride;
    s.add(
        len,
        [p, cv](int64_t i, detail::float4* s0, detail::float4*) {
          for (int k = 0; k < 4; ++k) {
            const detail::float4 d = detail::load4(p + i + 4 * k) - cv;
            s0[k] += d * d;
          }
        },
        [p, c](int64_t i, float* t0, float*) {
          const float d = p[i] - c;
          *t0 += d * d;
        });
  }
  return s.sum0();
}

template <>
inline void lane_sum_and_dot<float>(const float* g, const float* x, int64_t rows, int64_t len, int64_t stride,
                                    double shift, double* sum, double* dot) {
  const float c = static_cast<float>(shift);
  const detail::float4 cv = {c, c, c, c};
  detail::FloatLanes s;
  for (int64_t r = 0; r < rows; ++r) {
    const float* gp = g + r * stride;
    const float* xp = x + r * stride;
    s.add(
        len,
        [gp, xp, cv](int64_t i, detail::float4* s0, detail::float4* s1) {
          for (int k = 0; k < 4; ++k) {
            const detail::float4 gv = detail::load4(gp + i + 4 * k);
            s0[k] += gv;
            s1[k] += (detail::load4(xp + i + 4 * k) - cv) * gv;
          }
        },
        [gp, xp, c](int64_t i, float* t0, float* t1) {
          *t0 += gp[i];
          *t1 += (xp[i] - c) * gp[i];
        });
  }
  *sum = s.sum0();
  *dot = s.sum1();
}
#endif

}  // namespace ember_cpu
