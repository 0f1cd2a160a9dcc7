// CPU plugin: matrix products (oneDNN float32 and the loop for other dtypes, transposed
// operands), convolution, batch/layer norm and pooling, against naive float64 references.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

#define ASSERT_CALL_OK(result)          \
  do {                                  \
    CallResult r_ = (result);           \
    ASSERT_TRUE(r_.ok()) << r_.message; \
  } while (0)

TestTensor random_tensor(std::vector<int64_t> shape, int32_t dtype, uint32_t seed) {
  TestTensor t(shape, dtype);
  uint32_t state = seed * 2654435761u + 1;
  for (int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    double v = static_cast<double>(state >> 8) / 16777216.0 * 2 - 1;  // [-1, 1)
    switch (dtype) {
      case EMBER_DTYPE_FLOAT32: t.set_linear<float>(i, static_cast<float>(v)); break;
      case EMBER_DTYPE_FLOAT64: t.set_linear<double>(i, v); break;
      case EMBER_DTYPE_FLOAT16: t.set_linear<Half>(i, Half(static_cast<float>(v))); break;
      case EMBER_DTYPE_BFLOAT16: t.set_linear<BFloat16>(i, BFloat16(static_cast<float>(v))); break;
      case EMBER_DTYPE_INT32: t.set_linear<int32_t>(i, static_cast<int32_t>(v * 10)); break;
      case EMBER_DTYPE_INT64: t.set_linear<int64_t>(i, static_cast<int64_t>(v * 10)); break;
      default: break;
    }
  }
  return t;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// c = beta * bias + alpha * a @ b on row-major doubles.
std::vector<double> naive_matmul(const std::vector<double>& a, const std::vector<double>& b, int64_t batches,
                                 int64_t m, int64_t k, int64_t n, double alpha = 1, double beta = 0,
                                 const std::vector<double>* bias = nullptr) {
  std::vector<double> c(static_cast<size_t>(batches * m * n));
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t kk = 0; kk < k; ++kk) s += a[(bi * m + i) * k + kk] * b[(bi * k + kk) * n + j];
        double v = alpha * s;
        if (beta != 0) v += beta * (*bias)[(bi * m + i) * n + j];
        c[(bi * m + i) * n + j] = v;
      }
  return c;
}

TEST(CpuLinalg, MmAllDtypesAndTransposedViews) {
  for (int32_t dt : {EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64, EMBER_DTYPE_FLOAT16, EMBER_DTYPE_BFLOAT16, EMBER_DTYPE_INT32,
                     EMBER_DTYPE_INT64}) {
    const int64_t m = 37, k = 53, n = 29;
    TestTensor a = random_tensor({m, k}, dt, 1), bt = random_tensor({n, k}, dt, 2);
    TestTensor b = bt.transposed(0, 1);  // [k, n] with column-major strides
    TestTensor out({m, n}, dt);
    ASSERT_CALL_OK(cpu_plugin().call("mm.out", Args().tensor(a).tensor(b).tensor(out)));
    std::vector<double> want = naive_matmul(a.to_doubles(), b.contiguous().to_doubles(), 1, m, k, n);
    const double tol = dt == EMBER_DTYPE_FLOAT32 ? 1e-4 : dt == EMBER_DTYPE_FLOAT64 ? 1e-12
                       : dt == EMBER_DTYPE_FLOAT16 ? 3e-2 : dt == EMBER_DTYPE_BFLOAT16 ? 2e-1 : 0;
    EXPECT_LE(max_abs_diff(out.to_doubles(), want), tol) << "dtype " << dt;
  }
}

TEST(CpuLinalg, MmLargeFloatThroughOnednnAndStridedOperands) {
  const int64_t m = 256, k = 300, n = 200;
  TestTensor big = random_tensor({m, 2 * k}, EMBER_DTYPE_FLOAT32, 3);
  TestTensor a = big.sliced(1, 0, 2 * k, 2);  // column stride 2: neither rows nor columns dense
  TestTensor b = random_tensor({k, n}, EMBER_DTYPE_FLOAT32, 4);
  TestTensor out_t({n, m}, EMBER_DTYPE_FLOAT32);
  TestTensor out = out_t.transposed(0, 1);  // non-contiguous out
  ASSERT_CALL_OK(cpu_plugin().call("mm.out", Args().tensor(a).tensor(b).tensor(out)));
  std::vector<double> want = naive_matmul(a.contiguous().to_doubles(), b.to_doubles(), 1, m, k, n);
  EXPECT_LE(max_abs_diff(out.contiguous().to_doubles(), want), 1e-4);
}

TEST(CpuLinalg, BmmAndAddmmWithBroadcastBias) {
  for (int32_t dt : {EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64}) {
    const int64_t batches = 3, m = 17, k = 9, n = 21;
    TestTensor a = random_tensor({batches, m, k}, dt, 5), b = random_tensor({batches, n, k}, dt, 6).transposed(1, 2);
    TestTensor out({batches, m, n}, dt);
    ASSERT_CALL_OK(cpu_plugin().call("bmm.out", Args().tensor(a).tensor(b).tensor(out)));
    EXPECT_LE(max_abs_diff(out.to_doubles(), naive_matmul(a.to_doubles(), b.contiguous().to_doubles(), batches, m, k, n)),
              dt == EMBER_DTYPE_FLOAT32 ? 1e-5 : 1e-12);

    TestTensor m1 = random_tensor({m, k}, dt, 7), m2 = random_tensor({k, n}, dt, 8);
    TestTensor bias = random_tensor({n}, dt, 9);
    TestTensor bias_full = bias.expanded({m, n});  // stride 0 over rows
    TestTensor o({m, n}, dt);
    std::vector<double> bias_values = bias_full.contiguous().to_doubles();
    ASSERT_CALL_OK(cpu_plugin().call("addmm.out", Args().tensor(bias_full).tensor(m1).tensor(m2).d(0.5).d(2.0).tensor(o)));
    std::vector<double> want = naive_matmul(m1.to_doubles(), m2.to_doubles(), 1, m, k, n, 2.0, 0.5, &bias_values);
    EXPECT_LE(max_abs_diff(o.to_doubles(), want), dt == EMBER_DTYPE_FLOAT32 ? 1e-5 : 1e-12);
    // beta = 0 ignores self entirely, even NaN.
    TestTensor nan_bias({m, n}, dt);
    for (int64_t i = 0; i < nan_bias.numel(); ++i) {
      if (dt == EMBER_DTYPE_FLOAT32) nan_bias.set_linear<float>(i, std::nanf(""));
      else nan_bias.set_linear<double>(i, std::nan(""));
    }
    ASSERT_CALL_OK(cpu_plugin().call("addmm.out", Args().tensor(nan_bias).tensor(m1).tensor(m2).i(0).i(1).tensor(o)));
    EXPECT_LE(max_abs_diff(o.to_doubles(), naive_matmul(m1.to_doubles(), m2.to_doubles(), 1, m, k, n)), 1e-5);
  }
  // k == 0: out = beta * self.
  TestTensor a({2, 0}, EMBER_DTYPE_FLOAT32), b({0, 3}, EMBER_DTYPE_FLOAT32), out({2, 3}, EMBER_DTYPE_FLOAT32);
  TestTensor bias = TestTensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("addmm.out", Args().tensor(bias).tensor(a).tensor(b).i(2).i(1).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{2, 4, 6, 8, 10, 12}));
}

struct ConvParams {
  int64_t n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups;
};

std::vector<double> naive_conv(const std::vector<double>& x, const std::vector<double>& wt, const std::vector<double>* bias,
                               const ConvParams& p, int64_t oh, int64_t ow) {
  std::vector<double> y(static_cast<size_t>(p.n * p.o * oh * ow));
  const int64_t cg = p.c / p.groups, og = p.o / p.groups;
  for (int64_t ni = 0; ni < p.n; ++ni)
    for (int64_t oc = 0; oc < p.o; ++oc)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double s = bias ? (*bias)[oc] : 0;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                int64_t iy = oy * p.sh - p.ph + ky * p.dh, ix = ox * p.sw - p.pw + kx * p.dw;
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                s += x[((ni * p.c + (oc / og) * cg + ci) * p.h + iy) * p.w + ix] * wt[((oc * cg + ci) * p.kh + ky) * p.kw + kx];
              }
          y[((ni * p.o + oc) * oh + oy) * ow + ox] = s;
        }
  return y;
}

TEST(CpuConv, MatchesNaiveFloat64Reference) {
  const std::vector<ConvParams> cases = {
      {2, 3, 9, 11, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},
      {1, 4, 10, 7, 6, 3, 2, 2, 3, 0, 1, 1, 1, 2},  // groups, asymmetric stride
      {2, 2, 12, 12, 2, 3, 3, 2, 2, 2, 2, 2, 3, 2},  // dilation (oneDNN's d - 1) + depthwise
      {1, 3, 5, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1},    // 1x1
  };
  for (int32_t dt : {EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64, EMBER_DTYPE_BFLOAT16}) {
    for (size_t ci = 0; ci < cases.size(); ++ci) {
      const ConvParams& p = cases[ci];
      const int64_t oh = (p.h + 2 * p.ph - p.dh * (p.kh - 1) - 1) / p.sh + 1;
      const int64_t ow = (p.w + 2 * p.pw - p.dw * (p.kw - 1) - 1) / p.sw + 1;
      TestTensor x = random_tensor({p.n, p.c, p.h, p.w}, dt, 10 + ci), wt = random_tensor({p.o, p.c / p.groups, p.kh, p.kw}, dt, 20 + ci);
      TestTensor bias = random_tensor({p.o}, dt, 30 + ci), out({p.n, p.o, oh, ow}, dt);
      const bool with_bias = ci % 2 == 0;
      Args args;
      args.tensor(x).tensor(wt);
      if (with_bias) args.tensor(bias); else args.none();
      args.ints({p.sh, p.sw}).ints({p.ph, p.pw}).ints({p.dh, p.dw}).b(false).ints({0}).i(p.groups).tensor(out);
      ASSERT_CALL_OK(cpu_plugin().call("convolution.out", args));
      std::vector<double> bv = bias.to_doubles();
      std::vector<double> want = naive_conv(x.to_doubles(), wt.to_doubles(), with_bias ? &bv : nullptr, p, oh, ow);
      const double tol = dt == EMBER_DTYPE_FLOAT32 ? 1e-5 : dt == EMBER_DTYPE_FLOAT64 ? 1e-12 : 5e-2;
      EXPECT_LE(max_abs_diff(out.to_doubles(), want), tol) << "case " << ci << " dtype " << dt;
    }
  }
}

TEST(CpuNorm, BatchNormTrainingAndEval) {
  TestTensor x = random_tensor({4, 3, 5, 6}, EMBER_DTYPE_FLOAT32, 40);
  TestTensor w = TestTensor::from<float>({3}, {1.5f, -1.0f, 0.5f}, EMBER_DTYPE_FLOAT32);
  TestTensor b = TestTensor::from<float>({3}, {0.1f, 0.2f, 0.3f}, EMBER_DTYPE_FLOAT32);
  TestTensor rm = TestTensor::from<float>({3}, {0.5f, 0.5f, 0.5f}, EMBER_DTYPE_FLOAT32);
  TestTensor rv = TestTensor::from<float>({3}, {2.0f, 2.0f, 2.0f}, EMBER_DTYPE_FLOAT32);
  TestTensor out({4, 3, 5, 6}, EMBER_DTYPE_FLOAT32), save_mean({3}, EMBER_DTYPE_FLOAT32), save_invstd({3}, EMBER_DTYPE_FLOAT32);
  const double eps = 1e-5;
  ASSERT_CALL_OK(cpu_plugin().call("native_batch_norm.out", Args().tensor(x).tensor(w).tensor(b).tensor(rm).tensor(rv).b(true)
                                                                .d(0.1).d(eps).tensor(out).tensor(save_mean).tensor(save_invstd)));
  std::vector<double> xv = x.to_doubles(), yv = out.to_doubles();
  for (int64_t c = 0; c < 3; ++c) {
    double s = 0, sq = 0;
    for (int64_t n = 0; n < 4; ++n) for (int64_t i = 0; i < 30; ++i) s += xv[(n * 3 + c) * 30 + i];
    double mean = s / 120;
    for (int64_t n = 0; n < 4; ++n) for (int64_t i = 0; i < 30; ++i) sq += std::pow(xv[(n * 3 + c) * 30 + i] - mean, 2);
    double invstd = 1 / std::sqrt(sq / 120 + eps);
    EXPECT_NEAR(save_mean.to_doubles()[c], mean, 1e-6);
    EXPECT_NEAR(save_invstd.to_doubles()[c], invstd, 1e-5);
    for (int64_t n = 0; n < 4; ++n)
      for (int64_t i = 0; i < 30; ++i) {
        const int64_t idx = (n * 3 + c) * 30 + i;
        ASSERT_NEAR(yv[idx], (xv[idx] - mean) * invstd * w.to_doubles()[c] + b.to_doubles()[c], 1e-5);
      }
  }
  EXPECT_EQ(rm.to_doubles(), (std::vector<double>{0.5, 0.5, 0.5}));  // running stats untouched
  TestTensor empty_mean({0}, EMBER_DTYPE_FLOAT32), empty_invstd({0}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("native_batch_norm.out", Args().tensor(x).none().none().tensor(rm).tensor(rv).b(false)
                                                                .d(0.1).d(eps).tensor(out).tensor(empty_mean).tensor(empty_invstd)));
  yv = out.to_doubles();
  for (size_t i = 0; i < xv.size(); ++i) ASSERT_NEAR(yv[i], (xv[i] - 0.5) / std::sqrt(2.0 + eps), 1e-5);
}

TEST(CpuNorm, LayerNormOverTrailingDims) {
  TestTensor x = random_tensor({2, 3, 4, 5}, EMBER_DTYPE_FLOAT64, 50);
  TestTensor w = random_tensor({4, 5}, EMBER_DTYPE_FLOAT64, 51), b = random_tensor({4, 5}, EMBER_DTYPE_FLOAT64, 52);
  TestTensor out({2, 3, 4, 5}, EMBER_DTYPE_FLOAT64), mean({2, 3, 1, 1}, EMBER_DTYPE_FLOAT64), rstd({2, 3, 1, 1}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("native_layer_norm.out",
                                   Args().tensor(x).ints({4, 5}).tensor(w).tensor(b).d(1e-5).tensor(out).tensor(mean).tensor(rstd)));
  std::vector<double> xv = x.to_doubles(), yv = out.to_doubles(), wv = w.to_doubles(), bv = b.to_doubles();
  for (int64_t r = 0; r < 6; ++r) {
    double s = 0, sq = 0;
    for (int64_t i = 0; i < 20; ++i) s += xv[r * 20 + i];
    double m = s / 20;
    for (int64_t i = 0; i < 20; ++i) sq += std::pow(xv[r * 20 + i] - m, 2);
    double rs = 1 / std::sqrt(sq / 20 + 1e-5);
    EXPECT_NEAR(mean.to_doubles()[r], m, 1e-12);
    EXPECT_NEAR(rstd.to_doubles()[r], rs, 1e-10);
    for (int64_t i = 0; i < 20; ++i) ASSERT_NEAR(yv[r * 20 + i], (xv[r * 20 + i] - m) * rs * wv[i] + bv[i], 1e-10);
  }
}

TEST(CpuPool, MaxPoolWithIndicesCeilModeAndNaN) {
  // 1 x 1 x 4 x 5 input, kernel 2, stride 2, ceil_mode: output 2 x 3 with a partial last window.
  std::vector<float> v(20);
  for (int i = 0; i < 20; ++i) v[i] = static_cast<float>((i * 7) % 11);
  v[8] = std::nanf("");
  TestTensor x = TestTensor::from<float>({1, 1, 4, 5}, v, EMBER_DTYPE_FLOAT32);
  TestTensor out({1, 1, 2, 3}, EMBER_DTYPE_FLOAT32), idx({1, 1, 2, 3}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("max_pool2d_with_indices.out",
                                   Args().tensor(x).ints({2}).ints({}).ints({0}).ints({1}).b(true).tensor(out).tensor(idx)));
  // Windows: rows {0,1} x cols {0,1},{2,3},{4}; rows {2,3} x same.
  std::vector<int64_t> want_idx(6);
  std::vector<double> want(6);
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 3; ++ox) {
      double best = -INFINITY;
      int64_t bi = oy * 2 * 5 + ox * 2;
      for (int y = oy * 2; y < std::min(4, oy * 2 + 2); ++y)
        for (int xx = ox * 2; xx < std::min(5, ox * 2 + 2); ++xx) {
          double val = v[y * 5 + xx];
          if (val > best || std::isnan(val)) { best = val; bi = y * 5 + xx; }
        }
      want[oy * 3 + ox] = best;
      want_idx[oy * 3 + ox] = bi;
    }
  EXPECT_EQ(idx.values<int64_t>(), want_idx);
  std::vector<double> got = out.to_doubles();
  for (int i = 0; i < 6; ++i) {
    if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(got[i]));
    else EXPECT_EQ(got[i], want[i]);
  }
}

// Rows wide enough for the float32 vector loop (vec_kernels.h max_tap: stride 1 and 2, the
// overlapping last vector, loads that run ahead of the taps) against a window-by-window float64
// loop with PyTorch's rules; the input ends exactly at its last element, so a load past the
// readable bound shows under AddressSanitizer (the plugins area of make check-sanitize).
TEST(CpuPool, MaxPoolWideRowsMatchAWindowByWindowLoop) {
  const int64_t planes = 3, h = 5, w = 37;
  std::vector<float> v(static_cast<size_t>(planes * h * w));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 37) % 23) - 11.0f;
  v[40] = std::nanf("");
  v[v.size() - 1] = 100.0f;  // the last element: the maximum of the last windows
  TestTensor x = TestTensor::from<float>({1, planes, h, w}, v, EMBER_DTYPE_FLOAT32);
  struct Window {
    int64_t k, s, p;
  };
  for (const Window& win : {Window{3, 1, 1}, Window{3, 2, 1}, Window{2, 2, 0}, Window{3, 2, 0}}) {
    const int64_t oh = (h + 2 * win.p - win.k) / win.s + 1, ow = (w + 2 * win.p - win.k) / win.s + 1;
    TestTensor out({1, planes, oh, ow}, EMBER_DTYPE_FLOAT32), idx({1, planes, oh, ow}, EMBER_DTYPE_INT64);
    ASSERT_CALL_OK(cpu_plugin().call("max_pool2d_with_indices.out", Args()
                                                                         .tensor(x)
                                                                         .ints({win.k})
                                                                         .ints({win.s})
                                                                         .ints({win.p})
                                                                         .ints({1})
                                                                         .b(false)
                                                                         .tensor(out)
                                                                         .tensor(idx)));
    const std::vector<double> got = out.to_doubles();
    const std::vector<int64_t> got_idx = idx.values<int64_t>();
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double best = -INFINITY;
          int64_t bi = -1;
          for (int64_t y = oy * win.s - win.p; y < oy * win.s - win.p + win.k; ++y)
            for (int64_t xx = ox * win.s - win.p; xx < ox * win.s - win.p + win.k; ++xx) {
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              const double val = v[static_cast<size_t>((p * h + y) * w + xx)];
              if (bi < 0 || val > best || std::isnan(val)) {
                best = val;
                bi = y * w + xx;
              }
            }
          const size_t o = static_cast<size_t>((p * oh + oy) * ow + ox);
          ASSERT_EQ(got_idx[o], bi) << "window " << win.k << "/" << win.s << " at " << p << "," << oy << "," << ox;
          if (std::isnan(best)) ASSERT_TRUE(std::isnan(got[o]));
          else ASSERT_EQ(got[o], best);
        }
  }
}

TEST(CpuPool, AvgPoolDivisorRulesAndAdaptive) {
  TestTensor x = random_tensor({2, 3, 7, 6}, EMBER_DTYPE_FLOAT64, 60);
  std::vector<double> xv = x.to_doubles();
  for (int mode = 0; mode < 3; ++mode) {
    const bool count_include_pad = mode != 1;
    const int64_t oh = 4, ow = 4;  // kernel 3, stride 2, pad 1, ceil_mode -> (7+2-3+1)/2+1 = 4, (6+2-3+1)/2+1 = 4
    TestTensor out({2, 3, oh, ow}, EMBER_DTYPE_FLOAT64);
    Args args;
    args.tensor(x).ints({3, 3}).ints({2, 2}).ints({1}).b(true).b(count_include_pad);
    if (mode == 2) args.i(5); else args.none();
    args.tensor(out);
    ASSERT_CALL_OK(cpu_plugin().call("avg_pool2d.out", args));
    std::vector<double> got = out.to_doubles();
    for (int64_t p = 0; p < 6; ++p)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t y0 = oy * 2 - 1, x0 = ox * 2 - 1;
          int64_t y1 = std::min<int64_t>(y0 + 3, 7 + 1), x1 = std::min<int64_t>(x0 + 3, 6 + 1);
          int64_t pool = (y1 - y0) * (x1 - x0);
          y0 = std::max<int64_t>(y0, 0); x0 = std::max<int64_t>(x0, 0);
          y1 = std::min<int64_t>(y1, 7); x1 = std::min<int64_t>(x1, 6);
          double s = 0;
          for (int64_t y = y0; y < y1; ++y) for (int64_t xx = x0; xx < x1; ++xx) s += xv[p * 42 + y * 6 + xx];
          double div = mode == 2 ? 5 : count_include_pad ? pool : (y1 - y0) * (x1 - x0);
          ASSERT_NEAR(got[(p * oh + oy) * ow + ox], s / div, 1e-12) << "mode " << mode;
        }
  }
  TestTensor out({2, 3, 3, 4}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("_adaptive_avg_pool2d.out", Args().tensor(x).ints({3, 4}).tensor(out)));
  std::vector<double> got = out.to_doubles();
  for (int64_t p = 0; p < 6; ++p)
    for (int64_t oy = 0; oy < 3; ++oy)
      for (int64_t ox = 0; ox < 4; ++ox) {
        int64_t y0 = oy * 7 / 3, y1 = ((oy + 1) * 7 + 2) / 3, x0 = ox * 6 / 4, x1 = ((ox + 1) * 6 + 3) / 4;
        double s = 0;
        for (int64_t y = y0; y < y1; ++y) for (int64_t xx = x0; xx < x1; ++xx) s += xv[p * 42 + y * 6 + xx];
        ASSERT_NEAR(got[(p * 3 + oy) * 4 + ox], s / ((y1 - y0) * (x1 - x0)), 1e-12);
      }
}

}  // namespace
}  // namespace ember_test
