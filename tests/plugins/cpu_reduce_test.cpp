// CPU plugin: reductions (sum, mean, prod, amax/amin, max/min.dim, argmax/argmin, var,
// all/any) and softmax / log_softmax, against references computed in double by the test,
// over every strategy of the reduction engine (one output, column-wise, per output) and
// non-contiguous inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

#define ASSERT_CALL_OK(result)          \
  do {                                  \
    CallResult r_ = (result);           \
    ASSERT_TRUE(r_.ok()) << r_.message; \
  } while (0)

// Reference: reduce x (row-major, shape) over the dims in `dims` with f over each group,
// keeping the kept dims in order.
std::vector<double> reference_reduce(const std::vector<double>& x, const std::vector<int64_t>& shape,
                                     const std::vector<int64_t>& dims,
                                     const std::function<double(const std::vector<double>&)>& f) {
  const size_t nd = shape.size();
  std::vector<bool> reduced(nd, false);
  for (int64_t d : dims) reduced[d < 0 ? d + nd : d] = true;
  std::vector<int64_t> kept_sizes;
  for (size_t d = 0; d < nd; ++d)
    if (!reduced[d]) kept_sizes.push_back(shape[d]);
  int64_t outputs = 1;
  for (int64_t s : kept_sizes) outputs *= s;
  std::vector<std::vector<double>> groups(static_cast<size_t>(outputs));
  std::vector<int64_t> index(nd, 0);
  for (size_t linear = 0; linear < x.size(); ++linear) {
    int64_t out = 0;
    for (size_t d = 0; d < nd; ++d)
      if (!reduced[d]) out = out * shape[d] + index[d];
    groups[out].push_back(x[linear]);
    for (size_t d = nd; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  std::vector<double> result;
  for (auto& g : groups) result.push_back(f(g));
  return result;
}

double sum_of(const std::vector<double>& g) {
  double s = 0;
  for (double v : g) s += v;
  return s;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double rel, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " at " << i;
      continue;
    }
    EXPECT_NEAR(got[i], want[i], rel * std::max(1.0, std::fabs(want[i]))) << what << " at " << i;
  }
}

TestTensor ramp(std::vector<int64_t> shape, int32_t dtype, double scale = 0.37) {
  TestTensor t(shape, dtype);
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v = std::fmod(i * scale, 7.0) - 3.0;
    if (dtype == EMBER_DTYPE_FLOAT32) t.set_linear<float>(i, static_cast<float>(v));
    else if (dtype == EMBER_DTYPE_FLOAT64) t.set_linear<double>(i, v);
    else if (dtype == EMBER_DTYPE_INT64) t.set_linear<int64_t>(i, static_cast<int64_t>(std::floor(v * 3)));
    else if (dtype == EMBER_DTYPE_INT32) t.set_linear<int32_t>(i, static_cast<int32_t>(std::floor(v * 3)));
    else if (dtype == EMBER_DTYPE_FLOAT16) t.set_linear<Half>(i, Half(static_cast<float>(v)));
  }
  return t;
}

TEST(CpuReduce, SumAndMeanOverDimListsEveryStrategy) {
  struct Case {
    std::vector<int64_t> shape;
    std::vector<int64_t> dims;
    bool keepdim;
  };
  const std::vector<Case> cases = {
      {{1000, 300}, {}, false},        // one output, blocked over the pool
      {{64, 50}, {0}, false},          // column-wise
      {{64, 50}, {-1}, true},          // per output, dense rows
      {{4, 5, 6, 7}, {1, 3}, false},   // per output, strided
      {{4, 5, 6, 7}, {0, -2}, true},   // column-wise over two dims
      {{3, 0, 2}, {1}, false},         // empty reduction
  };
  for (const Case& c : cases) {
    for (int32_t dt : {EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64, EMBER_DTYPE_INT64}) {
      TestTensor x = ramp(c.shape, dt);
      std::vector<int64_t> out_shape;
      std::vector<bool> reduced(c.shape.size(), c.dims.empty());
      for (int64_t d : c.dims) reduced[d < 0 ? d + c.shape.size() : d] = true;
      for (size_t d = 0; d < c.shape.size(); ++d) {
        if (!reduced[d]) out_shape.push_back(c.shape[d]);
        else if (c.keepdim) out_shape.push_back(1);
      }
      TestTensor out(out_shape, dt);
      Args args;
      args.tensor(x);
      if (c.dims.empty()) args.none(); else args.ints(c.dims);
      args.b(c.keepdim).none().tensor(out);
      ASSERT_CALL_OK(cpu_plugin().call("sum.IntList_out", args));
      std::vector<int64_t> all_dims;
      for (size_t d = 0; d < c.shape.size(); ++d) if (reduced[d]) all_dims.push_back(d);
      std::vector<double> want = reference_reduce(x.to_doubles(), c.shape, all_dims, sum_of);
      expect_close(out.to_doubles(), want, dt == EMBER_DTYPE_FLOAT32 ? 1e-6 : 1e-12, "sum");
      if (dt == EMBER_DTYPE_INT64) continue;
      ASSERT_CALL_OK(cpu_plugin().call("mean.out", args));
      want = reference_reduce(x.to_doubles(), c.shape, all_dims, [](const std::vector<double>& g) {
        return g.empty() ? std::nan("") : sum_of(g) / g.size();
      });
      expect_close(out.to_doubles(), want, dt == EMBER_DTYPE_FLOAT32 ? 1e-6 : 1e-12, "mean");
    }
  }
}

TEST(CpuReduce, SumOfTransposedAndHalfInput) {
  TestTensor x = ramp({30, 40}, EMBER_DTYPE_FLOAT32);
  TestTensor xt = x.transposed(0, 1);  // [40, 30], strides (1, 40)
  TestTensor out({40}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("sum.IntList_out", Args().tensor(xt).ints({1}).b(false).none().tensor(out)));
  expect_close(out.to_doubles(), reference_reduce(xt.contiguous().to_doubles(), {40, 30}, {1}, sum_of), 1e-6, "sum^T");
  TestTensor h = ramp({5000}, EMBER_DTYPE_FLOAT16);
  TestTensor hs({}, EMBER_DTYPE_FLOAT16);
  ASSERT_CALL_OK(cpu_plugin().call("sum.IntList_out", Args().tensor(h).ints({}).b(false).none().tensor(hs)));
  expect_close(hs.to_doubles(), {sum_of(h.to_doubles())}, 1e-3, "half sum (accumulated in double)");
}

TEST(CpuReduce, ProdAmaxAminAllAny) {
  TestTensor x = TestTensor::from<int32_t>({2, 3}, {1, 2, 3, -4, 5, 6}, EMBER_DTYPE_INT32);
  TestTensor p({2}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("prod.int_out", Args().tensor(x).i(-1).b(false).none().tensor(p)));
  EXPECT_EQ(p.values<int32_t>(), (std::vector<int32_t>{6, -120}));
  const double nan = std::nan("");
  TestTensor f = TestTensor::from<double>({2, 3}, {1, nan, 3, -4, 5, 6}, EMBER_DTYPE_FLOAT64);
  TestTensor m({1, 3}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("amax.out", Args().tensor(f).ints({0}).b(true).tensor(m)));
  expect_close(m.to_doubles(), {1, nan, 6}, 0, "amax");
  TestTensor all_min({}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("amin.out", Args().tensor(f).ints({}).b(false).tensor(all_min)));
  EXPECT_TRUE(std::isnan(all_min.to_doubles()[0]));
  TestTensor g = TestTensor::from<int32_t>({2, 3}, {0, 2, 3, 0, 0, 0}, EMBER_DTYPE_INT32);
  TestTensor any({2}, EMBER_DTYPE_BOOL), all({3}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("any.dims_out", Args().tensor(g).ints({1}).b(false).tensor(any)));
  EXPECT_EQ(any.to_doubles(), (std::vector<double>{1, 0}));
  TestTensor h = TestTensor::from<float>({2, 3}, {1, 2, static_cast<float>(nan), 1, 0, 1}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("all.dims_out", Args().tensor(h).ints({0}).b(false).tensor(all)));
  EXPECT_EQ(all.to_doubles(), (std::vector<double>{1, 0, 1}));
  TestTensor all_none({}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("all.dims_out", Args().tensor(h).none().b(false).tensor(all_none)));
  EXPECT_EQ(all_none.to_doubles(), (std::vector<double>{0}));
}

TEST(CpuReduce, MaxMinDimAndArgmaxFirstIndexNaNWins) {
  const double nan = std::nan("");
  TestTensor x = TestTensor::from<double>({3, 4}, {1, 5, 5, 2, 7, nan, 3, nan, -1, -1, -3, -3}, EMBER_DTYPE_FLOAT64);
  TestTensor values({3}, EMBER_DTYPE_FLOAT64), indices({3}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("max.dim_max", Args().tensor(x).i(1).b(false).tensor(values).tensor(indices)));
  expect_close(values.to_doubles(), {5, nan, -1}, 0, "max values");
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{1, 1, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("min.dim_min", Args().tensor(x).i(-1).b(false).tensor(values).tensor(indices)));
  expect_close(values.to_doubles(), {1, nan, -3}, 0, "min values");
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{0, 1, 2}));
  TestTensor arg({}, EMBER_DTYPE_INT64);
  TestTensor y = TestTensor::from<int32_t>({2, 3}, {4, 9, 1, 9, 0, 2}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("argmax.out", Args().tensor(y).none().b(false).tensor(arg)));
  EXPECT_EQ(arg.values<int64_t>()[0], 1);  // flattened, first of the ties
  TestTensor arg_keep({1, 1}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("argmin.out", Args().tensor(y).none().b(true).tensor(arg_keep)));
  EXPECT_EQ(arg_keep.values<int64_t>()[0], 4);
  // Column-wise path (dim 0 of a wide matrix) and a big single-output reduction (blocked).
  TestTensor wide = ramp({50, 64}, EMBER_DTYPE_FLOAT32, 0.731);
  TestTensor col({64}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("argmax.out", Args().tensor(wide).i(0).b(false).tensor(col)));
  std::vector<double> wv = wide.to_doubles();
  for (int j = 0; j < 64; ++j) {
    int64_t best = 0;
    for (int i = 1; i < 50; ++i) if (wv[i * 64 + j] > wv[best * 64 + j]) best = i;
    ASSERT_EQ(col.values<int64_t>()[j], best) << "column " << j;
  }
  TestTensor big = ramp({200000}, EMBER_DTYPE_FLOAT32, 0.0001);
  big.set_linear<float>(123457, 100.0f);
  big.set_linear<float>(190000, 100.0f);
  TestTensor where({}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("argmax.out", Args().tensor(big).none().b(false).tensor(where)));
  EXPECT_EQ(where.values<int64_t>()[0], 123457);
}

TEST(CpuReduce, VarianceWithCorrection) {
  TestTensor x = ramp({6, 9}, EMBER_DTYPE_FLOAT64, 1.3);
  for (double correction : {1.0, 0.0, 2.0}) {
    TestTensor out({6}, EMBER_DTYPE_FLOAT64);
    Args args;
    args.tensor(x).ints({1});
    if (correction == 1.0) args.none(); else args.d(correction);
    args.b(false).tensor(out);
    ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", args));
    std::vector<double> want = reference_reduce(x.to_doubles(), {6, 9}, {1}, [&](const std::vector<double>& g) {
      double m = sum_of(g) / g.size(), s = 0;
      for (double v : g) s += (v - m) * (v - m);
      return s / (g.size() - correction);
    });
    expect_close(out.to_doubles(), want, 1e-12, "var");
  }
  TestTensor one = TestTensor::from<float>({1}, {3}, EMBER_DTYPE_FLOAT32);
  TestTensor v({}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(one).none().none().b(false).tensor(v)));
  EXPECT_TRUE(std::isnan(v.to_doubles()[0]));  // 0 / 0, as PyTorch
  TestTensor big = ramp({100000}, EMBER_DTYPE_FLOAT32, 0.01);
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(big).none().none().b(false).tensor(v)));
  std::vector<double> bv = big.to_doubles();
  double m = sum_of(bv) / bv.size(), s = 0;
  for (double e : bv) s += (e - m) * (e - m);
  EXPECT_NEAR(v.to_doubles()[0], s / (bv.size() - 1), 1e-5);
}

TEST(CpuReduce, SoftmaxAndLogSoftmaxAnyDim) {
  for (int32_t dt : {EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64, EMBER_DTYPE_FLOAT16}) {
    for (int64_t dim : {0, 1, -1}) {
      const std::vector<int64_t> shape = {3, 70, 5};
      TestTensor x = ramp(shape, dt, 3.7);
      if (dt == EMBER_DTYPE_FLOAT32) x.set_linear<float>(7, 80.0f);  // large: must not overflow
      TestTensor out(shape, dt), log_out(shape, dt);
      ASSERT_CALL_OK(cpu_plugin().call("_softmax.out", Args().tensor(x).i(dim).b(false).tensor(out)));
      ASSERT_CALL_OK(cpu_plugin().call("_log_softmax.out", Args().tensor(x).i(dim).b(false).tensor(log_out)));
      const int64_t d = dim < 0 ? dim + 3 : dim;
      std::vector<double> xv = x.to_doubles(), want(xv.size()), log_want(xv.size());
      const int64_t inner = d == 2 ? 1 : d == 1 ? 5 : 350;
      const int64_t len = shape[d];
      for (size_t base = 0; base < xv.size(); ++base) {
        if ((base / inner) % len != 0) continue;  // base is the first element of a line
        double mx = -INFINITY, s = 0;
        for (int64_t k = 0; k < len; ++k) mx = std::max(mx, xv[base + k * inner]);
        for (int64_t k = 0; k < len; ++k) s += std::exp(xv[base + k * inner] - mx);
        for (int64_t k = 0; k < len; ++k) {
          want[base + k * inner] = std::exp(xv[base + k * inner] - mx) / s;
          log_want[base + k * inner] = xv[base + k * inner] - mx - std::log(s);
        }
      }
      const double tol = dt == EMBER_DTYPE_FLOAT16 ? 2e-3 : dt == EMBER_DTYPE_FLOAT32 ? 1e-5 : 1e-12;
      expect_close(out.to_doubles(), want, tol, "softmax dim " + std::to_string(dim));
      expect_close(log_out.to_doubles(), log_want, tol * 4, "log_softmax dim " + std::to_string(dim));
    }
  }
  TestTensor ninf = TestTensor::from<float>({2, 2}, {-INFINITY, -INFINITY, 0, 0}, EMBER_DTYPE_FLOAT32);
  TestTensor out({2, 2}, EMBER_DTYPE_FLOAT32);
  // A line of only -inf gives NaN, as in PyTorch; a transposed input is read through its strides.
  ASSERT_CALL_OK(cpu_plugin().call("_softmax.out", Args().tensor(ninf.transposed(0, 1)).i(0).b(false).tensor(out)));
  expect_close(out.to_doubles(), {std::nan(""), 0.5, std::nan(""), 0.5}, 0, "softmax of -inf");
}

}  // namespace
}  // namespace ember_test
