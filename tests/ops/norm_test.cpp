// Normalization: batch_norm (training: output and running-statistics update against the formula;
// evaluation: running statistics), native_batch_norm and its out= form (save_mean, save_invstd),
// layer_norm and native_layer_norm (mean and rstd outputs), with and without affine parameters.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("native_batch_norm.out", "native_batch_norm", "batch_norm", "native_layer_norm.out",
                 "native_layer_norm", "layer_norm");

// Per-channel statistics of an [N, C, ...] tensor (row-major), biased variance.
void channel_stats(const std::vector<double>& x, int64_t n, int64_t c, int64_t inner, std::vector<double>* mean,
                   std::vector<double>* var) {
  mean->assign(static_cast<size_t>(c), 0);
  var->assign(static_cast<size_t>(c), 0);
  double count = static_cast<double>(n * inner);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) (*mean)[static_cast<size_t>(ch)] += x[static_cast<size_t>((b * c + ch) * inner + i)] / count;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        double d = x[static_cast<size_t>((b * c + ch) * inner + i)] - (*mean)[static_cast<size_t>(ch)];
        (*var)[static_cast<size_t>(ch)] += d * d / count;
      }
}

std::vector<double> normalize(const std::vector<double>& x, int64_t n, int64_t c, int64_t inner, const std::vector<double>& mean,
                              const std::vector<double>& var, const std::vector<double>& w, const std::vector<double>& b,
                              double eps) {
  std::vector<double> out(x.size());
  for (int64_t bi = 0; bi < n; ++bi)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        size_t k = static_cast<size_t>((bi * c + ch) * inner + i), cc = static_cast<size_t>(ch);
        out[k] = (x[k] - mean[cc]) / std::sqrt(var[cc] + eps) * (w.empty() ? 1 : w[cc]) + (b.empty() ? 0 : b[cc]);
      }
  return out;
}

TEST(BatchNorm, TrainingOutputAndRunningStats) {
  const int64_t n = 3, c = 4, h = 2, w = 5, inner = h * w;
  const double momentum = 0.1, eps = 1e-5;
  std::vector<double> x = pseudo_random(n * c * inner, -2, 3, 50);
  std::vector<double> weight = {0.5, 1, 1.5, -1}, bias = {0, 0.25, -0.5, 1};
  std::vector<double> rm0 = {0.1, 0.2, 0.3, 0.4}, rv0 = {1, 2, 0.5, 1.5};
  for (ScalarType dt : {kFloat32, kFloat64}) {
    SCOPED_TRACE(dtype_str(dt));
    Tensor tx = make(x, {n, c, h, w}, dt);
    std::vector<double> xv = values(tx), mean, var;
    channel_stats(xv, n, c, inner, &mean, &var);
    Tensor rm = make1d(rm0, dt), rv = make1d(rv0, dt);
    Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-5} : Tol{1e-10, 1e-12};
    Tensor out = ember::batch_norm(tx, make1d(weight, dt), make1d(bias, dt), rm, rv, true, momentum, eps, false);
    EXPECT_TRUE(matches(out, {n, c, h, w}, dt, normalize(xv, n, c, inner, mean, var, weight, bias, eps), tol));
    // running = (1 - momentum) * running + momentum * batch statistic (the variance unbiased).
    std::vector<double> want_rm, want_rv;
    double count = static_cast<double>(n * inner);
    for (size_t k = 0; k < 4; ++k) {
      want_rm.push_back((1 - momentum) * rm0[k] + momentum * mean[k]);
      want_rv.push_back((1 - momentum) * rv0[k] + momentum * var[k] * count / (count - 1));
    }
    EXPECT_TRUE(all_close(rm, want_rm, Tol{1e-5, 1e-6}));
    EXPECT_TRUE(all_close(rv, want_rv, Tol{1e-4, 1e-6}));
    // native_batch_norm returns the batch statistics and leaves running stats alone (ember's contract).
    Tensor rm2 = make1d(rm0, dt), rv2 = make1d(rv0, dt);
    auto [o, save_mean, save_invstd] =
        ember::native_batch_norm(tx, make1d(weight, dt), make1d(bias, dt), rm2, rv2, true, momentum, eps);
    EXPECT_TRUE(matches(o, {n, c, h, w}, dt, normalize(xv, n, c, inner, mean, var, weight, bias, eps), tol));
    std::vector<double> invstd;
    for (double v : var) invstd.push_back(1 / std::sqrt(v + eps));
    EXPECT_TRUE(matches(save_mean, {c}, dt, mean, tol));
    EXPECT_TRUE(matches(save_invstd, {c}, dt, invstd, Tol{1e-5, 1e-6}));
    EXPECT_TRUE(all_close(rm2, values(make1d(rm0, dt))));
    // Without affine parameters or running stats.
    Tensor plain = ember::batch_norm(tx, std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, momentum, eps, false);
    EXPECT_TRUE(matches(plain, {n, c, h, w}, dt, normalize(xv, n, c, inner, mean, var, {}, {}, eps), tol));
  }
}

TEST(BatchNorm, EvaluationUsesRunningStats) {
  const int64_t n = 2, c = 3, inner = 4;
  std::vector<double> x = pseudo_random(n * c * inner, -2, 2, 51);
  std::vector<double> rm = {0.5, -1, 2}, rv = {4, 0.25, 1}, weight = {2, 1, 0.5}, bias = {1, 0, -1};
  Tensor tx = make(x, {n, c, inner}, kFloat64), trm = make1d(rm, kFloat64), trv = make1d(rv, kFloat64);
  Tensor out = ember::batch_norm(tx, make1d(weight, kFloat64), make1d(bias, kFloat64), trm, trv, false, 0.1, 1e-3, false);
  EXPECT_TRUE(matches(out, {n, c, inner}, kFloat64, normalize(x, n, c, inner, rm, rv, weight, bias, 1e-3), Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(trm, rm));  // unchanged in evaluation
  EXPECT_TRUE(all_close(trv, rv));
  // 2-D input [N, C].
  Tensor x2 = make(pseudo_random(6, -1, 1, 52), {2, 3}, kFloat64);
  Tensor o2 = ember::batch_norm(x2, std::nullopt, std::nullopt, trm, trv, false, 0.1, 0, false);
  EXPECT_TRUE(matches(o2, {2, 3}, kFloat64, normalize(values(x2), 2, 3, 1, rm, rv, {}, {}, 0), Tol{1e-12, 1e-12}));
  // The out= form in evaluation: save_mean / save_invstd are empty (PyTorch too).
  Tensor o = ember::empty({0}, kFloat64), sm = ember::empty({0}, kFloat64), si = ember::empty({0}, kFloat64);
  ember::native_batch_norm_out(o, sm, si, tx, std::nullopt, std::nullopt, trm, trv, false, 0.1, 1e-3);
  EXPECT_TRUE(matches(o, {n, c, inner}, kFloat64, normalize(x, n, c, inner, rm, rv, {}, {}, 1e-3), Tol{1e-12, 1e-12}));
  EXPECT_EQ(sm.numel(), 0);
  // Training with the out= form fills save_mean / save_invstd.
  ember::native_batch_norm_outf(tx, std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5, o, sm, si);
  std::vector<double> mean, var;
  channel_stats(x, n, c, inner, &mean, &var);
  EXPECT_TRUE(matches(sm, {c}, kFloat64, mean, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(o, {n, c, inner}, kFloat64, normalize(x, n, c, inner, mean, var, {}, {}, 1e-5), Tol{1e-10, 1e-12}));
}

TEST(BatchNorm, Errors) {
  Tensor x = ember::ones({2, 3, 4});
  EXPECT_THROW_MSG(ember::batch_norm(x, ember::ones({2}), std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5, false),
                   ValueError, "expected a per-channel tensor of 3 elements");
  EXPECT_THROW_MSG(ember::batch_norm(x, std::nullopt, std::nullopt, std::nullopt, std::nullopt, false, 0.1, 1e-5, false),
                   ValueError, "running_mean and running_var must be defined in evaluation mode");
  // PyTorch: "Expected more than 1 value per channel when training, got input size [1, 3]"
  EXPECT_THROW_MSG(ember::batch_norm(ember::ones({1, 3}), std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, 0.1,
                                     1e-5, false),
                   ValueError, "Expected more than 1 value per channel when training");
  EXPECT_THROW_MSG(ember::batch_norm(ember::ones({3}), std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5,
                                     false),
                   ValueError, "expected 2D or more input");
  EXPECT_THROW_MSG(ember::batch_norm(ember::ones({2, 3}, kInt64), std::nullopt, std::nullopt, std::nullopt, std::nullopt, true,
                                     0.1, 1e-5, false),
                   TypeError, "expected a floating input");
  EXPECT_THROW_MSG(ember::batch_norm(x, ember::ones({3}, kInt64), std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5,
                                     false),
                   TypeError, "expected floating weight, bias and running statistics, got Long");
}

// Under autocast, float16 / bfloat16 data meets float32 weights and running statistics: they are
// used as they are (not rounded to the data's dtype), the saved statistics and the gradients of
// weight and bias are float32, as PyTorch's.
TEST(BatchNorm, ReducedPrecisionDataWithFloat32Parameters) {
  const int64_t n = 2, c = 3, inner = 6;
  std::vector<double> x = pseudo_random(n * c * inner, -2, 2, 53);
  // Parameters that bfloat16 cannot hold exactly: rounding them would move the output visibly.
  std::vector<double> weight = {1.0009765625, -0.50048828125, 2.001953125}, bias = {0.0009765625, 0.25, -1.0009765625};
  for (ScalarType dt : {kFloat16, kBFloat16}) {
    SCOPED_TRACE(dtype_str(dt));
    Tensor tx = make(x, {n, c, inner}, dt);
    std::vector<double> xv = values(tx), mean, var;
    channel_stats(xv, n, c, inner, &mean, &var);
    Tensor tw = make1d(weight, kFloat32).requires_grad_(true), tb = make1d(bias, kFloat32).requires_grad_(true);
    Tensor rm = make1d({0, 0, 0}, kFloat32), rv = make1d({1, 1, 1}, kFloat32);
    auto [out, save_mean, save_invstd] = ember::native_batch_norm(tx, tw, tb, std::nullopt, std::nullopt, true, 0.1, 1e-5);
    EXPECT_EQ(out.scalar_type(), dt);
    EXPECT_EQ(save_mean.scalar_type(), kFloat32);
    EXPECT_EQ(save_invstd.scalar_type(), kFloat32);
    EXPECT_TRUE(matches(save_mean, {c}, kFloat32, mean, Tol{1e-6, 1e-6}));
    const Tol data_tol = dt == kFloat16 ? Tol{2e-3, 2e-3} : Tol{1e-2, 1e-2};
    EXPECT_TRUE(matches(out.detach(), {n, c, inner}, dt, normalize(xv, n, c, inner, mean, var, weight, bias, 1e-5), data_tol));
    // Gradients of the float32 parameters are float32: sum(g * xhat) and sum(g), with g = 1.
    out.sum().backward();
    ASSERT_TRUE(tw.grad().defined());
    EXPECT_EQ(tw.grad().scalar_type(), kFloat32);
    EXPECT_EQ(tb.grad().scalar_type(), kFloat32);
    EXPECT_TRUE(all_close(tb.grad(), {double(n * inner), double(n * inner), double(n * inner)}, Tol{1e-6, 1e-6}));
    EXPECT_TRUE(all_close(tw.grad(), {0, 0, 0}, Tol{1e-4, 1e-4}));  // sum of xhat is 0
    // The composite updates float32 running statistics from them.
    ember::batch_norm(tx, tw.detach(), tb.detach(), rm, rv, true, 0.5, 1e-5, false);
    std::vector<double> want_rm;
    for (double m : mean) want_rm.push_back(0.5 * m);
    EXPECT_TRUE(all_close(rm, want_rm, Tol{1e-6, 1e-6}));
    // Evaluation with float32 running statistics.
    Tensor ev = ember::batch_norm(tx, tw.detach(), tb.detach(), rm, rv, false, 0.1, 1e-5, false);
    EXPECT_TRUE(matches(ev, {n, c, inner}, dt, normalize(xv, n, c, inner, values(rm), values(rv), weight, bias, 1e-5),
                        data_tol));
  }
}

TEST(LayerNorm, OutputMeanAndRstd) {
  // x [2, 3, 4] normalized over the last 1 or 2 dims.
  std::vector<double> x = pseudo_random(24, -3, 3, 60);
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-5} : Tol{1e-10, 1e-12};
    Tensor tx = make(x, {2, 3, 4}, dt);
    std::vector<double> xv = values(tx);
    for (int nd : {1, 2}) {
      SCOPED_TRACE(dtype_str(dt) + " over " + std::to_string(nd) + " dims");
      std::vector<int64_t> norm_shape = nd == 1 ? std::vector<int64_t>{4} : std::vector<int64_t>{3, 4};
      int64_t inner = numel_of(norm_shape), outer = 24 / inner;
      std::vector<double> w = pseudo_random(inner, 0.5, 1.5, 61), b = pseudo_random(inner, -1, 1, 62);
      std::vector<double> want, want_affine, mean, rstd;
      const double eps = 1e-5;
      for (int64_t o = 0; o < outer; ++o) {
        double m = 0, v = 0;
        for (int64_t i = 0; i < inner; ++i) m += xv[static_cast<size_t>(o * inner + i)] / inner;
        for (int64_t i = 0; i < inner; ++i) v += std::pow(xv[static_cast<size_t>(o * inner + i)] - m, 2) / inner;
        mean.push_back(m);
        rstd.push_back(1 / std::sqrt(v + eps));
        for (int64_t i = 0; i < inner; ++i) {
          double y = (xv[static_cast<size_t>(o * inner + i)] - m) / std::sqrt(v + eps);
          want.push_back(y);
          want_affine.push_back(y * w[static_cast<size_t>(i)] + b[static_cast<size_t>(i)]);
        }
      }
      Tensor tw = make(w, norm_shape, dt), tb = make(b, norm_shape, dt);
      EXPECT_TRUE(matches(ember::layer_norm(tx, norm_shape), {2, 3, 4}, dt, want, tol));
      EXPECT_TRUE(matches(ember::layer_norm(tx, norm_shape, tw, tb, eps), {2, 3, 4}, dt, want_affine, tol));
      auto [out, m_out, r_out] = ember::native_layer_norm(tx, norm_shape, tw, tb, eps);
      std::vector<int64_t> stat_shape = nd == 1 ? std::vector<int64_t>{2, 3, 1} : std::vector<int64_t>{2, 1, 1};
      EXPECT_TRUE(matches(out, {2, 3, 4}, dt, want_affine, tol));
      EXPECT_TRUE(matches(m_out, stat_shape, dt, mean, tol));
      EXPECT_TRUE(matches(r_out, stat_shape, dt, rstd, Tol{1e-5, 1e-6}));
      Tensor o0 = ember::empty({0}, dt), o1 = ember::empty({0}, dt), o2 = ember::empty({0}, dt);
      ember::native_layer_norm_out(o0, o1, o2, tx, norm_shape, std::nullopt, std::nullopt, eps);
      EXPECT_TRUE(matches(o0, {2, 3, 4}, dt, want, tol));
      EXPECT_TRUE(matches(o2, stat_shape, dt, rstd, Tol{1e-5, 1e-6}));
    }
  }
  // Transposed input and a large-magnitude offset (a naive E[x^2] - E[x]^2 loses it).
  Tensor t = make({1e4 + 1, 1e4 + 3, 1e4 + 2, 1e4 + 6}, {2, 2}, kFloat32).t();  // rows [1e4+1, 1e4+2], [1e4+3, 1e4+6]
  double r1 = 1 / std::sqrt(0.25 + 1e-5), r2 = 1 / std::sqrt(2.25 + 1e-5);
  EXPECT_TRUE(matches(ember::layer_norm(t, {2}), {2, 2}, kFloat32, {-0.5 * r1, 0.5 * r1, -1.5 * r2, 1.5 * r2}, Tol{1e-3, 1e-3}));
}

TEST(LayerNorm, Errors) {
  Tensor x = ember::ones({2, 3});
  // PyTorch 1.13: "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]"
  EXPECT_THROW_MSG(ember::layer_norm(x, {4}), ValueError, "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]");
  EXPECT_THROW_MSG(ember::layer_norm(x, {3}, ember::ones({2})), ValueError, "Expected weight to be of same shape as normalized_shape");
  EXPECT_THROW_MSG(ember::layer_norm(x, {3}, std::nullopt, ember::ones({4})), ValueError, "Expected bias to be of same shape");
  EXPECT_THROW_MSG(ember::layer_norm(ember::ones({2, 3}, kInt64), {3}), TypeError, "expected a floating input");
  EXPECT_THROW_MSG(ember::layer_norm(x, {}), ValueError, "Expected normalized_shape to be at least 1-dimensional");
}

}  // namespace
}  // namespace ember_test
