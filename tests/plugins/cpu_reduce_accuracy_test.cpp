// CPU plugin: float32 reductions through the vector kernels (plugins/cpu/vec/) and the column
// path (plugins/cpu/reduce_columns.cpp): accuracy on 16M values of mixed magnitude against long
// double, variance of offset data and of blocks that start with outliers, NaN and tie rules of
// max / argmax over long runs, and reductions over outer dims (each output a column) against
// references in double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

#define ASSERT_CALL_OK(result)          \
  do {                                  \
    CallResult r_ = (result);           \
    ASSERT_TRUE(r_.ok()) << r_.message; \
  } while (0)

constexpr int64_t k16M = int64_t(16) << 20;

// Values s * m * 10^e with e uniform in [-6, 6]: partial sums of very different sizes.
TestTensor mixed_magnitudes(int64_t n, uint32_t seed) {
  TestTensor t({n}, EMBER_DTYPE_FLOAT32);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> mantissa(1.0f, 10.0f);
  std::uniform_int_distribution<int> exponent(-6, 6), sign(0, 1);
  float* p = static_cast<float*>(t.data());
  for (int64_t i = 0; i < n; ++i) p[i] = (sign(rng) ? 1.0f : -1.0f) * mantissa(rng) * std::pow(10.0f, static_cast<float>(exponent(rng)));
  return t;
}

TEST(CpuReduceAccuracy, SumAndMeanOf16MMixedMagnitudes) {
  TestTensor x = mixed_magnitudes(k16M, 11);
  const float* p = static_cast<const float*>(x.data());
  long double exact = 0, absolute = 0;
  for (int64_t i = 0; i < k16M; ++i) {
    exact += p[i];
    absolute += std::fabs(p[i]);
  }
  TestTensor sum({}, EMBER_DTYPE_FLOAT32), mean({}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("sum.IntList_out", Args().tensor(x).none().b(false).none().tensor(sum)));
  ASSERT_CALL_OK(cpu_plugin().call("mean.out", Args().tensor(x).none().b(false).none().tensor(mean)));
  // Double lanes: the error of the float32 result is its final rounding plus ~1e-16 of sum |x|
  // (allowed: 1e-9; libtorch's float cascade reaches ~1e-7).
  const double sum_error = std::fabs(static_cast<double>(sum.get_linear<float>(0) - exact));
  EXPECT_LE(sum_error, 0.5 * std::fabs(static_cast<double>(exact)) * std::numeric_limits<float>::epsilon() + 1e-9 * absolute)
      << "sum " << sum.get_linear<float>(0) << " exact " << static_cast<double>(exact);
  const long double exact_mean = exact / k16M;
  EXPECT_LE(std::fabs(static_cast<double>(mean.get_linear<float>(0) - exact_mean)),
            0.5 * std::fabs(static_cast<double>(exact_mean)) * std::numeric_limits<float>::epsilon() + 1e-9 * absolute / k16M);
}

TEST(CpuReduceAccuracy, VarianceOfOffsetData) {
  // 1000 + N(0, 1): a one-pass sum of squares would lose everything to cancellation.
  TestTensor x({k16M}, EMBER_DTYPE_FLOAT32);
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  float* p = static_cast<float*>(x.data());
  for (int64_t i = 0; i < k16M; ++i) p[i] = 1000.0f + normal(rng);
  long double mean = 0;
  for (int64_t i = 0; i < k16M; ++i) mean += p[i];
  mean /= k16M;
  long double m2 = 0;
  for (int64_t i = 0; i < k16M; ++i) m2 += (p[i] - mean) * (p[i] - mean);
  TestTensor var({}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(x).none().none().b(false).tensor(var)));
  const long double want = m2 / (k16M - 1);
  EXPECT_NEAR(var.get_linear<float>(0), static_cast<double>(want), 2e-7 * static_cast<double>(want));
}

// The variance kernel shifts each 8K block by its first element: an outlier there (or values
// far from the block's first one) must not cost accuracy. Rows (var along dim 1) and the whole
// tensor against long double.
TEST(CpuReduceAccuracy, VarianceWithOutliersAndDriftingMean) {
  const int64_t rows = 3, cols = 50000;
  TestTensor x({rows, cols}, EMBER_DTYPE_FLOAT32);
  std::mt19937 rng(17);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  float* p = static_cast<float*>(x.data());
  for (int64_t j = 0; j < cols; ++j) {
    p[j] = 1e4f + normal(rng);                                     // offset data
    p[cols + j] = 1e-3f * static_cast<float>(j) + 1e-3f * normal(rng);  // a drifting mean
    p[2 * cols + j] = normal(rng);
  }
  for (int64_t b = 0; b < cols; b += 8192) p[b] = 3e6f;  // every block of row 0 starts with an outlier
  p[2 * cols] = -1e7f;
  auto reference = [](const float* v, int64_t n) {
    long double mean = 0, m2 = 0;
    for (int64_t i = 0; i < n; ++i) mean += v[i];
    mean /= n;
    for (int64_t i = 0; i < n; ++i) m2 += (v[i] - mean) * (v[i] - mean);
    return static_cast<double>(m2 / (n - 1));
  };
  TestTensor var({rows}, EMBER_DTYPE_FLOAT32), all({}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(x).ints({1}).none().b(false).tensor(var)));
  for (int64_t r = 0; r < rows; ++r) {
    const double want = reference(p + r * cols, cols);
    EXPECT_NEAR(var.get_linear<float>(r), want, 2e-7 * want) << "row " << r;
  }
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(x).none().none().b(false).tensor(all)));
  const double want = reference(p, rows * cols);
  EXPECT_NEAR(all.get_linear<float>(0), want, 2e-7 * want);
  // Equal values: exactly 0, never a negative rounding residue.
  TestTensor same({20000}, EMBER_DTYPE_FLOAT32), zero({}, EMBER_DTYPE_FLOAT32);
  for (int64_t i = 0; i < 20000; ++i) same.set_linear<float>(i, 0.1f);
  ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(same).none().none().b(false).tensor(zero)));
  EXPECT_EQ(zero.get_linear<float>(0), 0.0f);
}

TEST(CpuReduceAccuracy, MaxAndArgmaxOverLongRunsTiesAndNaN) {
  const int64_t n = 1000003;  // not a multiple of any vector width or block
  TestTensor x = random_f32({n}, 9);
  x.set_linear<float>(400001, 7.0f);  // ties: the first index wins
  x.set_linear<float>(900001, 7.0f);
  TestTensor value({}, EMBER_DTYPE_FLOAT32), index({}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("argmax.out", Args().tensor(x).none().b(false).tensor(index)));
  EXPECT_EQ(index.get_linear<int64_t>(0), 400001);
  ASSERT_CALL_OK(cpu_plugin().call("amax.out", Args().tensor(x).ints({}).b(false).tensor(value)));
  EXPECT_EQ(value.get_linear<float>(0), 7.0f);
  x.set_linear<float>(n - 5, -9.0f);
  ASSERT_CALL_OK(cpu_plugin().call("argmin.out", Args().tensor(x).none().b(false).tensor(index)));
  EXPECT_EQ(index.get_linear<int64_t>(0), n - 5);
  // The first NaN wins argmax / argmin, and amax / amin are NaN.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  x.set_linear<float>(777777, nan);
  x.set_linear<float>(888888, nan);
  ASSERT_CALL_OK(cpu_plugin().call("argmax.out", Args().tensor(x).none().b(false).tensor(index)));
  EXPECT_EQ(index.get_linear<int64_t>(0), 777777);
  ASSERT_CALL_OK(cpu_plugin().call("argmin.out", Args().tensor(x).none().b(false).tensor(index)));
  EXPECT_EQ(index.get_linear<int64_t>(0), 777777);
  ASSERT_CALL_OK(cpu_plugin().call("amin.out", Args().tensor(x).ints({}).b(false).tensor(value)));
  EXPECT_TRUE(std::isnan(value.get_linear<float>(0)));
  // Rows (one output per dense row): max.dim values and indices.
  TestTensor rows = random_f32({7, 1029}, 4);
  rows.set_linear<float>(3 * 1029 + 1000, nan);
  TestTensor values({7}, EMBER_DTYPE_FLOAT32), indices({7}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("max.dim_max", Args().tensor(rows).i(1).b(false).tensor(values).tensor(indices)));
  for (int64_t r = 0; r < 7; ++r) {
    int64_t best = 0;
    for (int64_t k = 1; k < 1029; ++k) {
      const float v = rows.get_linear<float>(r * 1029 + k), b = rows.get_linear<float>(r * 1029 + best);
      if (b == b && (v != v || v > b)) best = k;
    }
    EXPECT_EQ(indices.get_linear<int64_t>(r), best) << "row " << r;
  }
  EXPECT_TRUE(std::isnan(values.get_linear<float>(3)));
}

// Reductions over outer dims (each output a column of dense memory).
TEST(CpuReduceAccuracy, ColumnReductions) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  struct Case {
    std::vector<int64_t> shape;
    std::vector<int64_t> dims;
  };
  for (const Case& c : {Case{{300, 70}, {0}}, Case{{5, 40, 33}, {0, 1}}, Case{{2, 3, 17}, {1, 0}}}) {
    TestTensor x = random_f32(c.shape, 21);
    const int64_t cols = c.shape.back();
    const int64_t rows = x.numel() / cols;
    x.set_linear<float>((7 % rows) * cols + 3, nan);  // column 3 holds a NaN
    std::vector<double> xv = x.to_doubles();
    auto at = [&](int64_t r, int64_t j) { return xv[static_cast<size_t>(r * cols + j)]; };
    TestTensor sum({cols}, EMBER_DTYPE_FLOAT32), mean({cols}, EMBER_DTYPE_FLOAT32), var({cols}, EMBER_DTYPE_FLOAT32);
    ASSERT_CALL_OK(cpu_plugin().call("sum.IntList_out", Args().tensor(x).ints(c.dims).b(false).none().tensor(sum)));
    ASSERT_CALL_OK(cpu_plugin().call("mean.out", Args().tensor(x).ints(c.dims).b(false).none().tensor(mean)));
    ASSERT_CALL_OK(cpu_plugin().call("var.correction_out", Args().tensor(x).ints(c.dims).none().b(false).tensor(var)));
    TestTensor amax({cols}, EMBER_DTYPE_FLOAT32), argmin({cols}, EMBER_DTYPE_INT64);
    ASSERT_CALL_OK(cpu_plugin().call("amax.out", Args().tensor(x).ints(c.dims).b(false).tensor(amax)));
    for (int64_t j = 0; j < cols; ++j) {
      double s = 0, best = at(0, j);
      int64_t best_min = 0;
      for (int64_t r = 0; r < rows; ++r) {
        s += at(r, j);
        const double v = at(r, j);
        if (best == best && (v != v || v > best)) best = v;
        const double m = at(best_min, j);
        if (m == m && (v != v || v < m)) best_min = r;
      }
      const double mu = s / rows;
      double m2 = 0;
      for (int64_t r = 0; r < rows; ++r) m2 += (at(r, j) - mu) * (at(r, j) - mu);
      const std::string where = "column " + std::to_string(j) + " of shape " + std::to_string(c.shape.size()) + "-d";
      if (std::isnan(s)) {
        EXPECT_TRUE(std::isnan(sum.get_linear<float>(j)) && std::isnan(var.get_linear<float>(j)) &&
                    std::isnan(amax.get_linear<float>(j)))
            << where;
        continue;
      }
      EXPECT_NEAR(sum.get_linear<float>(j), s, 1e-6 * (1 + std::fabs(s))) << where;
      EXPECT_NEAR(mean.get_linear<float>(j), mu, 1e-6 * (1 + std::fabs(mu))) << where;
      EXPECT_NEAR(var.get_linear<float>(j), m2 / (rows - 1), 1e-6 * m2 / (rows - 1)) << where;
      EXPECT_EQ(amax.get_linear<float>(j), static_cast<float>(best)) << where;
    }
    if (c.dims.size() == 1) {
      ASSERT_CALL_OK(cpu_plugin().call("argmin.out", Args().tensor(x).i(c.dims[0]).b(false).tensor(argmin)));
      for (int64_t j = 0; j < cols; ++j) {
        int64_t best = 0;
        for (int64_t r = 1; r < rows; ++r) {
          const double m = at(best, j), v = at(r, j);
          if (m == m && (v != v || v < m)) best = r;
        }
        EXPECT_EQ(argmin.get_linear<int64_t>(j), best) << "argmin column " << j;
      }
    }
  }
}

}  // namespace
}  // namespace ember_test
