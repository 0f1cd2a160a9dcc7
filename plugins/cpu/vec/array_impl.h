// The array loops of vec_kernels.h over one ISA's vocabulary and math_impl.h: elementwise maps,
// softmax pieces and reductions, and make_table() which fills a VecKernels with them. Included
// by each kernels_<isa>.cpp inside its own namespace, after math_impl.h. Stateless; thread-safe.
#pragma once

namespace arrays {

// y[i] = f(x[i]); the tail is one partial vector (lanes past n read 1.0 and are not written).
template <typename F>
inline void map1(const float* x, float* y, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) vstore(y + i, f(vload(x + i)));
  if (i < n) vstore_n(y + i, f(vload_n(x + i, n - i, 1.0f)), n - i);
}

template <typename F>
inline void map2(const float* a, const float* b, float* y, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) vstore(y + i, f(vload(a + i), vload(b + i)));
  if (i < n) vstore_n(y + i, f(vload_n(a + i, n - i, 1.0f), vload_n(b + i, n - i, 1.0f)), n - i);
}

// map2 two vectors at a time, for maps whose long dependency chains (pow) leave the FMA units
// idle unless two of them are in flight.
template <typename F>
inline void map2_x2(const float* a, const float* b, float* y, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
    const VF r0 = f(vload(a + i), vload(b + i));
    const VF r1 = f(vload(a + i + kWidth), vload(b + i + kWidth));
    vstore(y + i, r0);
    vstore(y + i + kWidth, r1);
  }
  map2(a + i, b + i, y + i, n - i, f);
}

// Float lanes are flushed into a double after this many elements (64 additions per lane), so a
// lane's rounding error stays at the level of 64 float additions of one block.
constexpr int64_t kFlush = 64 * 4 * kWidth;

// sum of f(x[i]) over [0, n) (f maps a vector; padding lanes must map to 0).
template <typename F>
inline double lane_sum(const float* x, int64_t n, float pad, const F& f) {
  double total = 0;
  int64_t i = 0;
  while (i < n) {
    const int64_t stop = n - i < kFlush ? n : i + kFlush;
    VF a0 = vset(0.0f), a1 = vset(0.0f), a2 = vset(0.0f), a3 = vset(0.0f);
    for (; i + 4 * kWidth <= stop; i += 4 * kWidth) {
      a0 = a0 + f(vload(x + i));
      a1 = a1 + f(vload(x + i + kWidth));
      a2 = a2 + f(vload(x + i + 2 * kWidth));
      a3 = a3 + f(vload(x + i + 3 * kWidth));
    }
    for (; i + kWidth <= stop; i += kWidth) a0 = a0 + f(vload(x + i));
    if (i < stop) {
      a1 = a1 + f(vload_n(x + i, stop - i, pad));
      i = stop;
    }
    total += hsum_double((a0 + a1) + (a2 + a3));
  }
  return total;
}

// The sum in double lanes: error ~ 1e-16 of sum |x|, so the float32 result is its one
// rounding (float lanes lost to libtorch's cascade on cancelling mixed magnitudes). Memory,
// not the conversions, bounds it on long runs.
inline double sum(const float* x, int64_t n) {
  VD a0 = dset(0.0), a1 = dset(0.0), a2 = dset(0.0), a3 = dset(0.0);
  int64_t i = 0;
  for (; i + 4 * kDWidth <= n; i += 4 * kDWidth) {
    a0 = a0 + dload_f(x + i);
    a1 = a1 + dload_f(x + i + kDWidth);
    a2 = a2 + dload_f(x + i + 2 * kDWidth);
    a3 = a3 + dload_f(x + i + 3 * kDWidth);
  }
  double total = hsum((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) total += static_cast<double>(x[i]);
  return total;
}

inline double dot(const float* a, const float* b, int64_t n) {
  double total = 0;
  int64_t i = 0;
  while (i < n) {
    const int64_t stop = n - i < kFlush ? n : i + kFlush;
    VF a0 = vset(0.0f), a1 = vset(0.0f);
    for (; i + 2 * kWidth <= stop; i += 2 * kWidth) {
      a0 = fma(vload(a + i), vload(b + i), a0);
      a1 = fma(vload(a + i + kWidth), vload(b + i + kWidth), a1);
    }
    for (; i + kWidth <= stop; i += kWidth) a0 = fma(vload(a + i), vload(b + i), a0);
    if (i < stop) {
      a1 = fma(vload_n(a + i, stop - i, 0.0f), vload_n(b + i, stop - i, 0.0f), a1);
      i = stop;
    }
    total += hsum_double(a0 + a1);
  }
  return total;
}

// Mean and M2 (sum of squared deviations) in one pass: per 8K-element block, the sums of d and
// d^2 in double lanes with d = x - (the block's first element), then M2 = S2 - S1^2 / n for the
// block, merged across blocks with Chan's formula in double. The shift is one of the block's
// values, so (x0 - mean)^2 <= M2 and S2 <= (n + 1) M2: the subtraction loses at most 13 of
// double's 53 bits, far below float32's rounding (a two-pass kernel read each block twice).
inline void mean_m2(const float* x, int64_t n, double* mean_out, double* m2_out) {
  constexpr int64_t kBlock = 8192;
  double count = 0, mean = 0, m2 = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t nb = n - b < kBlock ? n - b : kBlock;
    const float* p = x + b;
    const double shift = static_cast<double>(p[0]);
    const VD c = dset(shift);
    VD s0 = dset(0.0), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
    int64_t i = 0;
    for (; i + 4 * kDWidth <= nb; i += 4 * kDWidth) {
      const VD d0 = dload_f(p + i) - c, d1 = dload_f(p + i + kDWidth) - c;
      const VD d2 = dload_f(p + i + 2 * kDWidth) - c, d3 = dload_f(p + i + 3 * kDWidth) - c;
      s0 = s0 + d0;
      s1 = s1 + d1;
      s2 = s2 + d2;
      s3 = s3 + d3;
      q0 = fma(d0, d0, q0);
      q1 = fma(d1, d1, q1);
      q2 = fma(d2, d2, q2);
      q3 = fma(d3, d3, q3);
    }
    double sum = hsum((s0 + s1) + (s2 + s3)), squares = hsum((q0 + q1) + (q2 + q3));
    for (; i < nb; ++i) {
      const double d = static_cast<double>(p[i]) - shift;
      sum += d;
      squares += d * d;
    }
    const double nbd = static_cast<double>(nb);
    const double block_mean = shift + sum / nbd;
    const double difference = squares - sum * (sum / nbd);
    const double block_m2 = difference > 0 ? difference : 0.0;  // rounding never makes it negative
    const double total = count + nbd;
    const double delta = block_mean - mean;
    mean += delta * nbd / total;
    m2 += block_m2 + delta * delta * count * nbd / total;
    count = total;
  }
  *mean_out = mean;
  *m2_out = m2;
}

// max (kMax) or min with NaN propagation: -inf / +inf for n == 0.
template <bool kMax>
inline float extreme(const float* x, int64_t n) {
  const float identity = kMax ? -math::kInf : math::kInf;
  VF m0 = vset(identity), m1 = m0, m2 = m0, m3 = m0;
  VM nan = isnan(vset(0.0f));  // no lane
  auto pick = [](VF a, VF b) { return kMax ? vmax(a, b) : vmin(a, b); };
  int64_t i = 0;
  for (; i + 4 * kWidth <= n; i += 4 * kWidth) {
    const VF a = vload(x + i), b = vload(x + i + kWidth), c = vload(x + i + 2 * kWidth), d = vload(x + i + 3 * kWidth);
    nan = nan | unordered(a, b) | unordered(c, d);  // one compare per pair
    m0 = pick(m0, a);
    m1 = pick(m1, b);
    m2 = pick(m2, c);
    m3 = pick(m3, d);
  }
  m0 = pick(m0, m2);
  m1 = pick(m1, m3);
  for (; i + kWidth <= n; i += kWidth) {
    const VF a = vload(x + i);
    nan = nan | isnan(a);
    m0 = pick(m0, a);
  }
  if (i < n) {
    const VF a = vload_n(x + i, n - i, identity);
    nan = nan | isnan(a);
    m0 = pick(m0, a);
  }
  if (any(nan)) return __builtin_nanf("");
  float lanes[kWidth];
  to_array(pick(m0, m1), lanes);
  float best = lanes[0];
  for (int k = 1; k < kWidth; ++k) best = (kMax ? lanes[k] > best : lanes[k] < best) ? lanes[k] : best;
  return best;
}

// First index of the max (kMax) or min; the first NaN wins. n in [1, 2^30].
template <bool kMax>
inline int64_t arg_extreme_chunk(const float* x, int64_t n, float* value) {
  auto better = [](float candidate, float current) {
    if (current != current) return false;
    if (candidate != candidate) return true;
    return kMax ? candidate > current : candidate < current;
  };
  float best_v = x[0];
  int64_t best_i = 0;
  int64_t i = 1;
  if (n >= 2 * kWidth) {
    VF best = vload(x);
    VI index = lane_iota_i();
    VI current = index + iset(kWidth);
    for (i = kWidth; i + kWidth <= n; i += kWidth) {
      const VF v = vload(x + i);
      const VM take = (kMax ? v > best : v < best) | andnot(isnan(best), isnan(v));
      best = select(take, v, best);
      index = iselect(take, current, index);
      current = current + iset(kWidth);
    }
    float values[kWidth];
    int32_t indices[kWidth];
    to_array(best, values);
    istore(indices, index);
    best_v = values[0];
    best_i = indices[0];
    for (int k = 1; k < kWidth; ++k) {
      const bool tie = values[k] == best_v || (values[k] != values[k] && best_v != best_v);
      if (better(values[k], best_v) || (tie && indices[k] < best_i)) {
        best_v = values[k];
        best_i = indices[k];
      }
    }
  }
  for (; i < n; ++i) {
    if (better(x[i], best_v)) {
      best_v = x[i];
      best_i = i;
    }
  }
  *value = best_v;
  return best_i;
}

template <bool kMax>
inline int64_t arg_extreme(const float* x, int64_t n, float* value) {
  constexpr int64_t kChunk = int64_t(1) << 30;  // lane indices are int32
  int64_t best_i = arg_extreme_chunk<kMax>(x, n < kChunk ? n : kChunk, value);
  for (int64_t b = kChunk; b < n; b += kChunk) {
    float v;
    const int64_t i = b + arg_extreme_chunk<kMax>(x + b, n - b < kChunk ? n - b : kChunk, &v);
    const bool better = *value == *value && (v != v || (kMax ? v > *value : v < *value));
    if (better) {
      *value = v;
      best_i = i;
    }
  }
  return best_i;
}

// Column kernels: `rows` rows of n columns, `stride` elements apart, folded into per-column
// accumulators. Four rows at a time: their values meet in registers (sums in float, four at a
// time, then into double), so the accumulator arrays are read and written once per four rows.

// acc[j] += sum over rows of x[r][j].
inline void col_sum(double* acc, const float* x, int64_t stride, int64_t rows, int64_t n) {
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* r0 = x + r * stride;
    const float* r1 = r0 + stride;
    const float* r2 = r1 + stride;
    const float* r3 = r2 + stride;
    int64_t j = 0;
    for (; j + kDWidth <= n; j += kDWidth) {
      const VD s = (dload_f(r0 + j) + dload_f(r1 + j)) + (dload_f(r2 + j) + dload_f(r3 + j));
      dstore(acc + j, dload(acc + j) + s);
    }
    for (; j < n; ++j)
      acc[j] += (static_cast<double>(r0[j]) + r1[j]) + (static_cast<double>(r2[j]) + r3[j]);
  }
  for (; r < rows; ++r) {
    const float* p = x + r * stride;
    int64_t j = 0;
    for (; j + kDWidth <= n; j += kDWidth) dstore(acc + j, dload(acc + j) + dload_f(p + j));
    for (; j < n; ++j) acc[j] += static_cast<double>(p[j]);
  }
}

// With d = x[r][j] - shift[j]: s1[j] += d, s2[j] += d * d (in double).
inline void col_sum_sq(double* s1, double* s2, const float* x, int64_t stride, int64_t rows, const float* shift,
                       int64_t n) {
  int64_t r0 = 0;
  for (; r0 + 4 <= rows; r0 += 4) {
    const float* p = x + r0 * stride;
    int64_t j = 0;
    for (; j + kDWidth <= n; j += kDWidth) {
      const VD c = dload_f(shift + j);
      const VD d0 = dload_f(p + j) - c, d1 = dload_f(p + stride + j) - c;
      const VD d2 = dload_f(p + 2 * stride + j) - c, d3 = dload_f(p + 3 * stride + j) - c;
      dstore(s1 + j, dload(s1 + j) + ((d0 + d1) + (d2 + d3)));
      dstore(s2 + j, fma(d3, d3, fma(d2, d2, fma(d1, d1, fma(d0, d0, dload(s2 + j))))));
    }
    for (; j < n; ++j) {
      for (int k = 0; k < 4; ++k) {
        const double d = static_cast<double>(p[k * stride + j]) - static_cast<double>(shift[j]);
        s1[j] += d;
        s2[j] += d * d;
      }
    }
  }
  for (int64_t r = r0; r < rows; ++r) {
    const float* p = x + r * stride;
    int64_t j = 0;
    for (; j + kDWidth <= n; j += kDWidth) {
      const VD d = dload_f(p + j) - dload_f(shift + j);
      dstore(s1 + j, dload(s1 + j) + d);
      dstore(s2 + j, fma(d, d, dload(s2 + j)));
    }
    for (; j < n; ++j) {
      const double d = static_cast<double>(p[j]) - static_cast<double>(shift[j]);
      s1[j] += d;
      s2[j] += d * d;
    }
  }
}

// best[j] / index[j] updated with rows first_row, first_row + 1, ... (first index wins, the
// first NaN wins and sticks).
template <bool kMax>
inline void col_arg(float* best, int32_t* index, const float* x, int64_t stride, int64_t rows, int32_t first_row,
                    int64_t n) {
  auto take = [](VF v, VF b) { return (kMax ? v > b : v < b) | andnot(isnan(b), isnan(v)); };
  int64_t j = 0;
  for (; j + kWidth <= n; j += kWidth) {
    VF b = vload(best + j);
    VI i = iload(index + j);
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {  // four rows in registers per load / store of the state
      const float* p = x + r * stride + j;
      for (int k = 0; k < 4; ++k) {
        const VF v = vload(p + k * stride);
        const VM t = take(v, b);
        b = select(t, v, b);
        i = iselect(t, iset(first_row + static_cast<int32_t>(r + k)), i);
      }
    }
    for (; r < rows; ++r) {
      const VF v = vload(x + r * stride + j);
      const VM t = take(v, b);
      b = select(t, v, b);
      i = iselect(t, iset(first_row + static_cast<int32_t>(r)), i);
    }
    vstore(best + j, b);
    istore(index + j, i);
  }
  for (; j < n; ++j) {
    for (int64_t r = 0; r < rows; ++r) {
      const float v = x[r * stride + j], b = best[j];
      if (b == b && (v != v || (kMax ? v > b : v < b))) {
        best[j] = v;
        index[j] = first_row + static_cast<int32_t>(r);
      }
    }
  }
}

inline void max_tap(float* best, int32_t* tap, const float* x, int64_t stride, int64_t readable, int32_t t, int64_t n) {
  const VI tv = iset(t);
  auto step = [&](int64_t j, VF v) {
    const VF b = vload(best + j);
    const VM take = (v > b) | isnan(v);
    vstore(best + j, select(take, v, b));
    istore(tap + j, iselect(take, tv, iload(tap + j)));
  };
  // A step is idempotent (v equal to best is not taken again, a NaN is retaken with the same
  // result), so the last partial vector is done as a full one ending at n, overlapping.
  int64_t j = 0;
  if (stride == 1 && n >= kWidth) {
    for (; j + kWidth <= n; j += kWidth) step(j, vload(x + j));
    if (j < n) step(n - kWidth, vload(x + n - kWidth));
    j = n;
  } else if (stride == 2 && n >= kWidth) {
    // Two contiguous vectors per step: the second reaches one element past the last one used.
    auto load2 = [&](int64_t k) { return even_lanes(vload(x + 2 * k), vload(x + 2 * k + kWidth)); };
    for (; j + kWidth <= n && 2 * (j + kWidth) <= readable; j += kWidth) step(j, load2(j));
    if (j < n && 2 * n <= readable) {
      step(n - kWidth, load2(n - kWidth));
      j = n;
    }
  }
  for (; j < n; ++j) {
    const float v = x[j * stride];
    if (v > best[j] || v != v) {
      best[j] = v;
      tap[j] = t;
    }
  }
}

inline double exp_shift_sum(const float* x, float shift, float* y, int64_t n) {
  const VF s = vset(shift);
  double total = 0;
  int64_t i = 0;
  while (i < n) {
    const int64_t stop = n - i < kFlush ? n : i + kFlush;
    VF a0 = vset(0.0f), a1 = vset(0.0f);
    for (; i + kWidth <= stop; i += kWidth) {
      const VF e = math::exp(vload(x + i) - s);
      if (y) vstore(y + i, e);
      a0 = a0 + e;
    }
    if (i < stop) {
      const VF e = math::exp(vload_n(x + i, stop - i, -math::kInf) - s);
      if (y) vstore_n(y + i, e, stop - i);
      a1 = a1 + e;  // padding lanes: exp(-inf - shift) = 0
      i = stop;
    }
    total += hsum_double(a0 + a1);
  }
  return total;
}

// A 64-bit fingerprint of `bytes` bytes (the CPU plugin's weight cache checks with it that a
// tensor is unchanged): 4 x kWidth 32-bit lanes of (h ^ w) * odd constants over the words,
// then every lane and the length mixed through splitmix64. Not cryptographic.
inline uint64_t fingerprint(const void* data, int64_t bytes) {
  const int32_t* w = static_cast<const int32_t*>(data);
  const int64_t words = bytes / 4;
  VI h0 = iset(0x2545F491), h1 = iset(0x4F6CDD1D), h2 = iset(0x1B873593), h3 = iset(0x7FEB352D);
  const VI p0 = iset(static_cast<int32_t>(0x9E3779B1u)), p1 = iset(static_cast<int32_t>(0x85EBCA77u));
  int64_t i = 0;
  for (; i + 4 * kWidth <= words; i += 4 * kWidth) {
    h0 = (h0 ^ iload(w + i)) * p0;
    h1 = (h1 ^ iload(w + i + kWidth)) * p1;
    h2 = (h2 ^ iload(w + i + 2 * kWidth)) * p0;
    h3 = (h3 ^ iload(w + i + 3 * kWidth)) * p1;
  }
  int32_t lanes[4 * kWidth];
  istore(lanes, h0);
  istore(lanes + kWidth, h1);
  istore(lanes + 2 * kWidth, h2);
  istore(lanes + 3 * kWidth, h3);
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  uint64_t result = mix(static_cast<uint64_t>(bytes));
  for (int k = 0; k < 4 * kWidth; ++k) result = mix(result ^ static_cast<uint32_t>(lanes[k]));
  for (; i < words; ++i) {
    uint32_t word;
    __builtin_memcpy(&word, w + i, sizeof word);
    result = mix(result ^ word);
  }
  const unsigned char* tail = static_cast<const unsigned char*>(data) + words * 4;
  for (int64_t k = 0; k < bytes - words * 4; ++k) result = mix(result ^ tail[k]);
  return result;
}

}  // namespace arrays

// The table of this ISA.
inline ::ember_cpu::VecKernels make_table() {
  ::ember_cpu::VecKernels t{};
  t.isa = kIsaName;
  t.add = [](const float* a, const float* b, float* y, int64_t n) { arrays::map2(a, b, y, n, [](VF u, VF v) { return u + v; }); };
  t.sub = [](const float* a, const float* b, float* y, int64_t n) { arrays::map2(a, b, y, n, [](VF u, VF v) { return u - v; }); };
  t.mul = [](const float* a, const float* b, float* y, int64_t n) { arrays::map2(a, b, y, n, [](VF u, VF v) { return u * v; }); };
  t.exp = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::exp(v); }); };
  t.log = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::log(v); }); };
  t.sin = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::sin_cos<false>(v); }); };
  t.cos = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::sin_cos<true>(v); }); };
  t.tanh = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::tanh(v); }); };
  t.sigmoid = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::sigmoid(v); }); };
  t.silu = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::silu(v); }); };
  t.erf = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::erf(v); }); };
  t.gelu = [](const float* x, float* y, int64_t n) { arrays::map1(x, y, n, [](VF v) { return math::gelu(v); }); };
  t.gelu_tanh = [](const float* x, float* y, int64_t n) {
    arrays::map1(x, y, n, [](VF v) { return math::gelu_tanh(v); });
  };
  t.pow = [](const float* a, const float* b, float* y, int64_t n) {
    arrays::map2_x2(a, b, y, n, [](VF u, VF v) { return math::pow(u, v); });
  };
  t.pow_scalar = [](const float* x, float e, float* y, int64_t n) {
    // PyTorch's exact shortcuts for common exponents.
    if (e == 2.0f) return arrays::map1(x, y, n, [](VF v) { return v * v; });
    if (e == 3.0f) return arrays::map1(x, y, n, [](VF v) { return v * v * v; });
    if (e == 0.5f) return arrays::map1(x, y, n, [](VF v) { return vsqrt(v); });
    if (e == 1.0f) return arrays::map1(x, y, n, [](VF v) { return v; });
    if (e == -1.0f) return arrays::map1(x, y, n, [](VF v) { return vset(1.0f) / v; });
    if (e == -2.0f) return arrays::map1(x, y, n, [](VF v) { return vset(1.0f) / (v * v); });
    if (e == -0.5f) return arrays::map1(x, y, n, [](VF v) { return vset(1.0f) / vsqrt(v); });
    const VF ev = vset(e);
    arrays::map1(x, y, n, [ev](VF v) { return math::pow(v, ev); });
  };
  t.gelu_backward = [](const float* g, const float* x, float* y, int64_t n) {
    arrays::map2(g, x, y, n, [](VF a, VF b) { return math::gelu_backward(a, b); });
  };
  t.gelu_tanh_backward = [](const float* g, const float* x, float* y, int64_t n) {
    arrays::map2(g, x, y, n, [](VF a, VF b) { return math::gelu_tanh_backward(a, b); });
  };
  t.silu_backward = [](const float* g, const float* x, float* y, int64_t n) {
    arrays::map2(g, x, y, n, [](VF a, VF b) { return math::silu_backward(a, b); });
  };
  t.sigmoid_backward = [](const float* g, const float* out, float* y, int64_t n) {
    arrays::map2(g, out, y, n, [](VF a, VF b) { return math::sigmoid_backward(a, b); });
  };
  t.tanh_backward = [](const float* g, const float* out, float* y, int64_t n) {
    arrays::map2(g, out, y, n, [](VF a, VF b) { return math::tanh_backward(a, b); });
  };
  t.max = arrays::extreme<true>;
  t.min = arrays::extreme<false>;
  t.exp_shift_sum = arrays::exp_shift_sum;
  t.scale = [](const float* x, float s, float* y, int64_t n) {
    const VF sv = vset(s);
    arrays::map1(x, y, n, [sv](VF v) { return v * sv; });
  };
  t.affine = [](const float* x, float s, float b, float* y, int64_t n) {
    const VF sv = vset(s), bv = vset(b);
    arrays::map1(x, y, n, [sv, bv](VF v) { return fma(v, sv, bv); });
  };
  t.add_scalar = [](const float* x, float s, float* y, int64_t n) {
    const VF sv = vset(s);
    arrays::map1(x, y, n, [sv](VF v) { return v + sv; });
  };
  t.softmax_backward = [](const float* g, const float* out, float s, float* y, int64_t n) {
    const VF sv = vset(s);
    arrays::map2(g, out, y, n, [sv](VF gv, VF ov) { return ov * (gv - sv); });
  };
  t.log_softmax_backward = [](const float* g, const float* out, float s, float* y, int64_t n) {
    const VF sv = vset(s);
    arrays::map2(g, out, y, n, [sv](VF gv, VF ov) { return fnma(math::exp(ov), sv, gv); });
  };
  t.sum = arrays::sum;
  t.dot = arrays::dot;
  t.mean_m2 = arrays::mean_m2;
  t.argmax = arrays::arg_extreme<true>;
  t.argmin = arrays::arg_extreme<false>;
  t.col_sum = arrays::col_sum;
  t.col_sum_sq = arrays::col_sum_sq;
  t.col_argmax = arrays::col_arg<true>;
  t.col_argmin = arrays::col_arg<false>;
  t.max_tap = arrays::max_tap;
  t.fingerprint = arrays::fingerprint;
  return t;
}
