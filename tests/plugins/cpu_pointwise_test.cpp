// CPU plugin: pointwise kernels (binary arithmetic with broadcast strides, comparisons, logic,
// where, clamp, unary math, fill, masked_fill, dtype-converting copy) against references
// computed in double by the test.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

const int32_t kAllNumeric[] = {EMBER_DTYPE_UINT8, EMBER_DTYPE_INT8,     EMBER_DTYPE_INT16,
                               EMBER_DTYPE_INT32, EMBER_DTYPE_INT64,    EMBER_DTYPE_FLOAT16,
                               EMBER_DTYPE_BFLOAT16, EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64};
const int32_t kFloating[] = {EMBER_DTYPE_FLOAT16, EMBER_DTYPE_BFLOAT16, EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64};

bool is_float(int32_t d) { return d >= EMBER_DTYPE_FLOAT16; }

double tolerance(int32_t d) {
  return d == EMBER_DTYPE_FLOAT16 ? 2e-3 : d == EMBER_DTYPE_BFLOAT16 ? 1.6e-2 : d == EMBER_DTYPE_FLOAT32 ? 2e-6 : 1e-12;
}

// Fills t (any dtype) with values from f(i), rounding through the dtype.
void fill_with(const TestTensor& t, const std::function<double(int64_t)>& f) {
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v = f(i);
    switch (t.dtype()) {
      case EMBER_DTYPE_BOOL: t.set_linear<bool>(i, v != 0); break;
      case EMBER_DTYPE_UINT8: t.set_linear<uint8_t>(i, static_cast<uint8_t>(v)); break;
      case EMBER_DTYPE_INT8: t.set_linear<int8_t>(i, static_cast<int8_t>(v)); break;
      case EMBER_DTYPE_INT16: t.set_linear<int16_t>(i, static_cast<int16_t>(v)); break;
      case EMBER_DTYPE_INT32: t.set_linear<int32_t>(i, static_cast<int32_t>(v)); break;
      case EMBER_DTYPE_INT64: t.set_linear<int64_t>(i, static_cast<int64_t>(v)); break;
      case EMBER_DTYPE_FLOAT16: t.set_linear<Half>(i, Half(static_cast<float>(v))); break;
      case EMBER_DTYPE_BFLOAT16: t.set_linear<BFloat16>(i, BFloat16(static_cast<float>(v))); break;
      case EMBER_DTYPE_FLOAT32: t.set_linear<float>(i, static_cast<float>(v)); break;
      default: t.set_linear<double>(i, v); break;
    }
  }
}

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want, double rel, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " at " << i;
      continue;
    }
    EXPECT_NEAR(got[i], want[i], rel * std::max(1.0, std::fabs(want[i]))) << what << " at " << i;
  }
}

#define ASSERT_CALL_OK(result)                      \
  do {                                              \
    CallResult r_ = (result);                       \
    ASSERT_TRUE(r_.ok()) << r_.message;             \
  } while (0)

// out[4,3,5] = a[4,1,5] (expanded) + alpha * b[3,1] (expanded), for every numeric dtype.
TEST(CpuPointwise, AddWithBroadcastStridesAllDtypes) {
  for (int32_t dt : kAllNumeric) {
    TestTensor a({4, 1, 5}, dt), b({3, 1}, dt), out({4, 3, 5}, dt);
    fill_with(a, [](int64_t i) { return static_cast<double>(i % 7); });
    fill_with(b, [](int64_t i) { return static_cast<double>(i + 1); });
    TestTensor ae = a.expanded({4, 3, 5}), be = b.expanded({4, 3, 5});
    ASSERT_CALL_OK(cpu_plugin().call("add.out", Args().tensor(ae).tensor(be).i(2).tensor(out)));
    std::vector<double> av = ae.to_doubles(), bv = be.to_doubles(), want(av.size());
    for (size_t i = 0; i < want.size(); ++i) want[i] = av[i] + 2 * bv[i];
    expect_near_all(out.to_doubles(), want, is_float(dt) ? tolerance(dt) : 0, std::string("add dtype ") + std::to_string(dt));
    ASSERT_CALL_OK(cpu_plugin().call("sub.out", Args().tensor(ae).tensor(be).i(1).tensor(out)));
    for (size_t i = 0; i < want.size(); ++i) want[i] = av[i] - bv[i];
    if (dt == EMBER_DTYPE_UINT8) continue;  // wraps
    expect_near_all(out.to_doubles(), want, is_float(dt) ? tolerance(dt) : 0, "sub");
  }
}

TEST(CpuPointwise, LargeContiguousAndTransposedOut) {
  const int64_t n = 300, m = 700;  // > grain: runs on the pool
  TestTensor a({n, m}, EMBER_DTYPE_FLOAT32), b({n, m}, EMBER_DTYPE_FLOAT32), out({n, m}, EMBER_DTYPE_FLOAT32);
  fill_with(a, [](int64_t i) { return std::sin(0.001 * i); });
  fill_with(b, [](int64_t i) { return 0.5 * (i % 13); });
  ASSERT_CALL_OK(cpu_plugin().call("mul.out", Args().tensor(a).tensor(b).tensor(out)));
  std::vector<double> av = a.to_doubles(), bv = b.to_doubles(), got = out.to_doubles();
  for (int64_t i = 0; i < n * m; ++i) ASSERT_FLOAT_EQ(got[i], static_cast<float>(av[i]) * static_cast<float>(bv[i]));
  // Transposed operands and out: a^T + b^T written into out^T.
  TestTensor out_t({m, n}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("add.out",
                                   Args().tensor(a.transposed(0, 1)).tensor(b.transposed(0, 1)).d(1.0).tensor(out_t)));
  TestTensor a_t = a.transposed(0, 1).contiguous(), b_t = b.transposed(0, 1).contiguous();
  std::vector<double> at = a_t.to_doubles(), bt = b_t.to_doubles(), got_t = out_t.to_doubles();
  for (int64_t i = 0; i < n * m; ++i) ASSERT_FLOAT_EQ(got_t[i], static_cast<float>(at[i]) + static_cast<float>(bt[i]));
}

TEST(CpuPointwise, BoolArithmetic) {
  TestTensor a = TestTensor::from<bool>({4}, {false, false, true, true}, EMBER_DTYPE_BOOL);
  TestTensor b = TestTensor::from<bool>({4}, {false, true, false, true}, EMBER_DTYPE_BOOL);
  TestTensor out({4}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("add.out", Args().tensor(a).tensor(b).b(true).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 1, 1, 1}));
  ASSERT_CALL_OK(cpu_plugin().call("mul.out", Args().tensor(a).tensor(b).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 0, 0, 1}));
  ASSERT_CALL_OK(cpu_plugin().call("maximum.out", Args().tensor(a).tensor(b).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 1, 1, 1}));
}

TEST(CpuPointwise, DivisionModes) {
  std::vector<double> x = {7, -7, 7, -7, 5.5, -0.0}, y = {2, 2, -2, -2, 0.5, 3};
  TestTensor a = TestTensor::from<double>({6}, x, EMBER_DTYPE_FLOAT64), b = TestTensor::from<double>({6}, y, EMBER_DTYPE_FLOAT64);
  TestTensor out({6}, EMBER_DTYPE_FLOAT64);
  ASSERT_CALL_OK(cpu_plugin().call("div.out_mode", Args().tensor(a).tensor(b).none().tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{3.5, -3.5, -3.5, 3.5, 11, -0.0}));
  ASSERT_CALL_OK(cpu_plugin().call("div.out_mode", Args().tensor(a).tensor(b).str("trunc").tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{3, -3, -3, 3, 11, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("div.out_mode", Args().tensor(a).tensor(b).str("floor").tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{3, -4, -4, 3, 11, 0}));
  EXPECT_TRUE(std::signbit(out.to_doubles()[5]));  // floor(-0.0 / 3) is -0.0, as python's //

  TestTensor ai = TestTensor::from<int64_t>({4}, {7, -7, 7, -7}, EMBER_DTYPE_INT64);
  TestTensor bi = TestTensor::from<int64_t>({4}, {2, 2, -2, -2}, EMBER_DTYPE_INT64);
  TestTensor oi({4}, EMBER_DTYPE_INT64);
  ASSERT_CALL_OK(cpu_plugin().call("div.out_mode", Args().tensor(ai).tensor(bi).str("trunc").tensor(oi)));
  EXPECT_EQ(oi.values<int64_t>(), (std::vector<int64_t>{3, -3, -3, 3}));
  ASSERT_CALL_OK(cpu_plugin().call("div.out_mode", Args().tensor(ai).tensor(bi).str("floor").tensor(oi)));
  EXPECT_EQ(oi.values<int64_t>(), (std::vector<int64_t>{3, -4, -4, 3}));
  bi.set_linear<int64_t>(2, 0);
  CallResult r = cpu_plugin().call("div.out_mode", Args().tensor(ai).tensor(bi).str("floor").tensor(oi));
  EXPECT_EQ(r.code, EMBER_ERROR_VALUE);
  EXPECT_EQ(r.message, "[div] ZeroDivisionError");
  r = cpu_plugin().call("div.out_mode", Args().tensor(ai).tensor(bi).str("round").tensor(oi));
  EXPECT_EQ(r.code, EMBER_ERROR_VALUE);
}

TEST(CpuPointwise, PowMaximumMinimumNaN) {
  TestTensor bi = TestTensor::from<int32_t>({5}, {2, -1, 1, -2, 3}, EMBER_DTYPE_INT32);
  TestTensor ei = TestTensor::from<int32_t>({5}, {10, 3, -5, -1, 4}, EMBER_DTYPE_INT32);
  TestTensor oi({5}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(bi).tensor(ei).tensor(oi)));
  EXPECT_EQ(oi.values<int32_t>(), (std::vector<int32_t>{1024, -1, 1, 0, 81}));
  const double nan = std::nan("");
  TestTensor a = TestTensor::from<float>({4}, {1, static_cast<float>(nan), 3, -2}, EMBER_DTYPE_FLOAT32);
  TestTensor b = TestTensor::from<float>({4}, {2, 1, static_cast<float>(nan), -3}, EMBER_DTYPE_FLOAT32);
  TestTensor out({4}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(a).tensor(b).tensor(out)));
  expect_near_all(out.to_doubles(), {1, nan, nan, -0.125}, 1e-7, "pow");
  ASSERT_CALL_OK(cpu_plugin().call("maximum.out", Args().tensor(a).tensor(b).tensor(out)));
  expect_near_all(out.to_doubles(), {2, nan, nan, -2}, 0, "maximum");
  ASSERT_CALL_OK(cpu_plugin().call("minimum.out", Args().tensor(a).tensor(b).tensor(out)));
  expect_near_all(out.to_doubles(), {1, nan, nan, -3}, 0, "minimum");
}

TEST(CpuPointwise, ComparisonsLogicAndWhere) {
  for (int32_t dt : kAllNumeric) {
    TestTensor a({6}, dt), b({1}, dt), out({6}, EMBER_DTYPE_BOOL);
    fill_with(a, [](int64_t i) { return static_cast<double>(i); });
    fill_with(b, [](int64_t) { return 2.0; });
    TestTensor be = b.expanded({6});
    const char* ops[] = {"eq.Tensor_out", "ne.Tensor_out", "lt.Tensor_out", "le.Tensor_out", "gt.Tensor_out", "ge.Tensor_out"};
    const std::vector<double> want[] = {{0, 0, 1, 0, 0, 0}, {1, 1, 0, 1, 1, 1}, {1, 1, 0, 0, 0, 0},
                                        {1, 1, 1, 0, 0, 0}, {0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 1, 1}};
    for (int k = 0; k < 6; ++k) {
      ASSERT_CALL_OK(cpu_plugin().call(ops[k], Args().tensor(a).tensor(be).tensor(out)));
      EXPECT_EQ(out.to_doubles(), want[k]) << ops[k] << " dtype " << dt;
    }
  }
  const float nan = std::nanf("");
  TestTensor x = TestTensor::from<float>({4}, {0, 2, nan, 0}, EMBER_DTYPE_FLOAT32);
  TestTensor y = TestTensor::from<float>({4}, {0, 0, 1, 3}, EMBER_DTYPE_FLOAT32);
  TestTensor out({4}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("logical_and.out", Args().tensor(x).tensor(y).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 0, 1, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("logical_or.out", Args().tensor(x).tensor(y).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 1, 1, 1}));
  ASSERT_CALL_OK(cpu_plugin().call("logical_xor.out", Args().tensor(x).tensor(y).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{0, 1, 0, 1}));
  ASSERT_CALL_OK(cpu_plugin().call("logical_not.out", Args().tensor(x).tensor(out)));
  EXPECT_EQ(out.to_doubles(), (std::vector<double>{1, 0, 0, 1}));
  // where with a broadcast condition [2,1] -> [2,3] and a scalar-like other.
  TestTensor cond = TestTensor::from<bool>({2, 1}, {true, false}, EMBER_DTYPE_BOOL);
  TestTensor self = TestTensor::from<int16_t>({2, 3}, {1, 2, 3, 4, 5, 6}, EMBER_DTYPE_INT16);
  TestTensor other = TestTensor::from<int16_t>({1}, {-9}, EMBER_DTYPE_INT16);
  TestTensor w({2, 3}, EMBER_DTYPE_INT16);
  ASSERT_CALL_OK(cpu_plugin().call("where.self_out", Args().tensor(cond.expanded({2, 3})).tensor(self).tensor(other.expanded({2, 3})).tensor(w)));
  EXPECT_EQ(w.to_doubles(), (std::vector<double>{1, 2, 3, -9, -9, -9}));
}

TEST(CpuPointwise, Clamp) {
  const float nan = std::nanf("");
  TestTensor x = TestTensor::from<float>({5}, {-5, 0.5, 3, 10, nan}, EMBER_DTYPE_FLOAT32);
  TestTensor out({5}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("clamp.out", Args().tensor(x).d(-1).i(4).tensor(out)));
  expect_near_all(out.to_doubles(), {-1, 0.5, 3, 4, nan}, 0, "clamp");
  ASSERT_CALL_OK(cpu_plugin().call("clamp.out", Args().tensor(x).none().d(1.5).tensor(out)));
  expect_near_all(out.to_doubles(), {-5, 0.5, 1.5, 1.5, nan}, 0, "clamp max only");
  TestTensor xi = TestTensor::from<int8_t>({3}, {-100, 5, 100}, EMBER_DTYPE_INT8);
  TestTensor oi({3}, EMBER_DTYPE_INT8);
  ASSERT_CALL_OK(cpu_plugin().call("clamp.out", Args().tensor(xi).i(-10).none().tensor(oi)));
  EXPECT_EQ(oi.to_doubles(), (std::vector<double>{-10, 5, 100}));
}

double gelu_ref(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double gelu_tanh_ref(double x) {
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

TEST(CpuPointwise, FloatingUnaryOpsAllFloatDtypes) {
  struct Case {
    const char* op;
    std::function<double(double)> ref;
    bool positive_only;
  };
  const std::vector<Case> cases = {
      {"exp.out", [](double x) { return std::exp(x); }, false},
      {"log.out", [](double x) { return std::log(x); }, true},
      {"sqrt.out", [](double x) { return std::sqrt(x); }, true},
      {"rsqrt.out", [](double x) { return 1 / std::sqrt(x); }, true},
      {"sin.out", [](double x) { return std::sin(x); }, false},
      {"cos.out", [](double x) { return std::cos(x); }, false},
      {"tanh.out", [](double x) { return std::tanh(x); }, false},
      {"sigmoid.out", [](double x) { return 1 / (1 + std::exp(-x)); }, false},
      {"silu.out", [](double x) { return x / (1 + std::exp(-x)); }, false},
  };
  for (int32_t dt : kFloating) {
    for (const Case& c : cases) {
      TestTensor x({3, 17}, dt), out({3, 17}, dt);
      fill_with(x, [&](int64_t i) { return c.positive_only ? 0.05 + 0.1 * i : -2.5 + 0.1 * i; });
      ASSERT_CALL_OK(cpu_plugin().call(c.op, Args().tensor(x).tensor(out)));
      std::vector<double> xv = x.to_doubles(), want(xv.size());
      for (size_t i = 0; i < xv.size(); ++i) want[i] = c.ref(xv[i]);
      expect_near_all(out.to_doubles(), want, 2 * tolerance(dt), std::string(c.op) + " dtype " + std::to_string(dt));
    }
    TestTensor x({40}, dt), out({40}, dt);
    fill_with(x, [](int64_t i) { return -4 + 0.2 * i; });
    std::vector<double> xv = x.to_doubles(), want(xv.size());
    ASSERT_CALL_OK(cpu_plugin().call("gelu.out", Args().tensor(x).str("none").tensor(out)));
    for (size_t i = 0; i < xv.size(); ++i) want[i] = gelu_ref(xv[i]);
    expect_near_all(out.to_doubles(), want, 2 * tolerance(dt), "gelu");
    ASSERT_CALL_OK(cpu_plugin().call("gelu.out", Args().tensor(x).str("tanh").tensor(out)));
    for (size_t i = 0; i < xv.size(); ++i) want[i] = gelu_tanh_ref(xv[i]);
    expect_near_all(out.to_doubles(), want, 2 * tolerance(dt), "gelu tanh");
  }
}

TEST(CpuPointwise, NegAbsSignRelu) {
  for (int32_t dt : kAllNumeric) {
    TestTensor x({5}, dt), out({5}, dt);
    const bool is_unsigned = dt == EMBER_DTYPE_UINT8;
    fill_with(x, [&](int64_t i) { return is_unsigned ? static_cast<double>(i) : static_cast<double>(i) - 2; });
    std::vector<double> xv = x.to_doubles(), want(5);
    ASSERT_CALL_OK(cpu_plugin().call("abs.out", Args().tensor(x).tensor(out)));
    for (int i = 0; i < 5; ++i) want[i] = std::fabs(xv[i]);
    EXPECT_EQ(out.to_doubles(), want) << "abs " << dt;
    ASSERT_CALL_OK(cpu_plugin().call("sign.out", Args().tensor(x).tensor(out)));
    for (int i = 0; i < 5; ++i) want[i] = (xv[i] > 0) - (xv[i] < 0);
    EXPECT_EQ(out.to_doubles(), want) << "sign " << dt;
    ASSERT_CALL_OK(cpu_plugin().call("relu.out", Args().tensor(x).tensor(out)));
    for (int i = 0; i < 5; ++i) want[i] = std::max(0.0, xv[i]);
    EXPECT_EQ(out.to_doubles(), want) << "relu " << dt;
    if (is_unsigned) continue;
    ASSERT_CALL_OK(cpu_plugin().call("neg.out", Args().tensor(x).tensor(out)));
    for (int i = 0; i < 5; ++i) want[i] = -xv[i] + 0.0;
    EXPECT_EQ(out.to_doubles(), want) << "neg " << dt;
  }
}

TEST(CpuPointwise, FillMaskedFillAndConvertingCopy) {
  TestTensor t({3, 4}, EMBER_DTYPE_INT32);
  ASSERT_CALL_OK(cpu_plugin().call("fill_.Scalar", Args().tensor(t.transposed(0, 1)).d(7.9)));
  EXPECT_EQ(t.values<int32_t>(), std::vector<int32_t>(12, 7));
  TestTensor mask = TestTensor::from<bool>({4}, {true, false, false, true}, EMBER_DTYPE_BOOL);
  ASSERT_CALL_OK(cpu_plugin().call("masked_fill_.Scalar", Args().tensor(t).tensor(mask.expanded({3, 4})).i(-1)));
  EXPECT_EQ(t.values<int32_t>(), (std::vector<int32_t>{-1, 7, 7, -1, -1, 7, 7, -1, -1, 7, 7, -1}));

  const float nan = std::nanf("");
  TestTensor f = TestTensor::from<float>({6}, {-1.7f, 2.9f, -1.0f, 300.0f, nan, 0.0f}, EMBER_DTYPE_FLOAT32);
  TestTensor i64({6}, EMBER_DTYPE_INT64), u8({6}, EMBER_DTYPE_UINT8), bl({6}, EMBER_DTYPE_BOOL), h({6}, EMBER_DTYPE_FLOAT16);
  ASSERT_CALL_OK(cpu_plugin().call("_copy_same_device_", Args().tensor(i64).tensor(f)));
  EXPECT_EQ(i64.values<int64_t>(), (std::vector<int64_t>{-1, 2, -1, 300, INT64_MIN, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("_copy_same_device_", Args().tensor(u8).tensor(f)));
  EXPECT_EQ(u8.to_doubles(), (std::vector<double>{255, 2, 255, 44, 0, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("_copy_same_device_", Args().tensor(bl).tensor(f)));
  EXPECT_EQ(bl.to_doubles(), (std::vector<double>{1, 1, 1, 1, 1, 0}));
  ASSERT_CALL_OK(cpu_plugin().call("_copy_same_device_", Args().tensor(h).tensor(i64)));
  EXPECT_EQ(h.to_doubles()[3], 300.0);
  // Broadcast source into a transposed destination, same dtype and converting.
  TestTensor row = TestTensor::from<double>({3}, {1.5, 2.5, 3.5}, EMBER_DTYPE_FLOAT64);
  TestTensor dst({3, 2}, EMBER_DTYPE_FLOAT32);
  ASSERT_CALL_OK(cpu_plugin().call("_copy_same_device_", Args().tensor(dst.transposed(0, 1)).tensor(row.expanded({2, 3}))));
  EXPECT_EQ(dst.to_doubles(), (std::vector<double>{1.5, 1.5, 2.5, 2.5, 3.5, 3.5}));
}

// A 1-element add must cost only a few ns inside the kernel: no allocation, no pool hop.
// Many calls through the C entry on one argument array: the kernel keeps no state between calls.
// (Its cost is measured by bench/, not here.)
TEST(CpuPointwise, RepeatedCallsThroughTheCEntry) {
  TestTensor a = TestTensor::from<float>({1}, {1}, EMBER_DTYPE_FLOAT32);
  TestTensor b = TestTensor::from<float>({1}, {2}, EMBER_DTYPE_FLOAT32);
  TestTensor out({1}, EMBER_DTYPE_FLOAT32);
  Args args;
  args.tensor(a).tensor(b).i(1).tensor(out);
  const RegisteredKernel& k = cpu_plugin().registry().kernels.at("add.out");
  for (int i = 0; i < 1000; ++i) {
    ember_status* s = call_kernel(k, args.values());
    if (s) FAIL() << s->message;
  }
  EXPECT_EQ(out.values<float>()[0], 3.0f);
}

}  // namespace
}  // namespace ember_test
