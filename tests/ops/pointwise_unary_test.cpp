// Pointwise unary ops (neg, abs, sign, exp, log, sqrt, rsqrt, sin, cos, tanh, erf, sigmoid, relu,
// gelu, silu) on every dtype they support, against float64 references; functional, in-place
// and out= forms; non-contiguous, 0-d and empty inputs; the bool errors PyTorch raises.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("neg.out", "neg", "neg_", "abs.out", "abs", "abs_", "sign.out", "sign", "exp.out", "exp", "exp_",
                 "log.out", "log", "log_", "sqrt.out", "sqrt", "sqrt_", "rsqrt.out", "rsqrt", "rsqrt_", "sin.out", "sin",
                 "sin_", "cos.out", "cos", "cos_", "tanh.out", "tanh", "tanh_", "erf.out", "erf", "erf_", "sigmoid.out", "sigmoid", "sigmoid_",
                 "relu.out", "relu", "relu_", "gelu.out", "gelu", "gelu_", "silu.out", "silu", "silu_");

std::vector<double> inputs_for(ScalarType t) {
  if (t == kBool) return {0, 1, 1, 0};
  if (t == kUInt8) return {0, 1, 2, 3, 5, 200};
  if (is_float(t)) return {-2.5, -1, -0.25, 0, 0.5, 1, 3};
  return {-3, -1, 0, 1, 2, 100};
}

double sigmoid_ref(double x) { return 1 / (1 + std::exp(-x)); }
double gelu_ref(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double gelu_tanh_ref(double x) {
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

struct UnaryCase {
  const char* name;
  Tensor (*fn)(const Tensor&);
  Tensor (*inplace)(const Tensor&);
  Tensor (*out)(const Tensor&, const Tensor&);
  double (*ref)(double);
  bool float_result;  // integer inputs give the default float dtype
};

const UnaryCase kCases[] = {
    {"neg", [](const Tensor& x) { return ember::neg(x); }, [](const Tensor& x) { return ember::neg_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::neg_out(o, x); }, [](double x) { return -x; }, false},
    {"abs", [](const Tensor& x) { return ember::abs(x); }, [](const Tensor& x) { return ember::abs_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::abs_out(o, x); }, [](double x) { return std::fabs(x); }, false},
    {"sign", [](const Tensor& x) { return ember::sign(x); }, nullptr,
     [](const Tensor& o, const Tensor& x) { return ember::sign_out(o, x); },
     [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }, false},
    {"relu", [](const Tensor& x) { return ember::relu(x); }, [](const Tensor& x) { return ember::relu_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::relu_out(o, x); }, [](double x) { return x > 0 ? x : 0.0; },
     false},
    {"exp", [](const Tensor& x) { return ember::exp(x); }, [](const Tensor& x) { return ember::exp_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::exp_out(o, x); }, [](double x) { return std::exp(x); }, true},
    {"log", [](const Tensor& x) { return ember::log(x); }, [](const Tensor& x) { return ember::log_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::log_out(o, x); }, [](double x) { return std::log(x); }, true},
    {"sqrt", [](const Tensor& x) { return ember::sqrt(x); }, [](const Tensor& x) { return ember::sqrt_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::sqrt_out(o, x); }, [](double x) { return std::sqrt(x); }, true},
    {"rsqrt", [](const Tensor& x) { return ember::rsqrt(x); }, [](const Tensor& x) { return ember::rsqrt_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::rsqrt_out(o, x); }, [](double x) { return 1 / std::sqrt(x); },
     true},
    {"sin", [](const Tensor& x) { return ember::sin(x); }, [](const Tensor& x) { return ember::sin_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::sin_out(o, x); }, [](double x) { return std::sin(x); }, true},
    {"cos", [](const Tensor& x) { return ember::cos(x); }, [](const Tensor& x) { return ember::cos_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::cos_out(o, x); }, [](double x) { return std::cos(x); }, true},
    {"tanh", [](const Tensor& x) { return ember::tanh(x); }, [](const Tensor& x) { return ember::tanh_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::tanh_out(o, x); }, [](double x) { return std::tanh(x); }, true},
    {"erf", [](const Tensor& x) { return ember::erf(x); }, [](const Tensor& x) { return ember::erf_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::erf_out(o, x); }, [](double x) { return std::erf(x); }, true},
    {"sigmoid", [](const Tensor& x) { return ember::sigmoid(x); }, [](const Tensor& x) { return ember::sigmoid_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::sigmoid_out(o, x); }, sigmoid_ref, true},
    {"gelu", [](const Tensor& x) { return ember::gelu(x); }, [](const Tensor& x) { return ember::gelu_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::gelu_out(o, x); }, gelu_ref, true},
    {"silu", [](const Tensor& x) { return ember::silu(x); }, [](const Tensor& x) { return ember::silu_(x); },
     [](const Tensor& o, const Tensor& x) { return ember::silu_out(o, x); }, [](double x) { return x * sigmoid_ref(x); },
     true},
};

bool unsupported(const UnaryCase& c, ScalarType dt) {
  std::string n = c.name;
  if (dt == kBool) return n == "neg" || n == "abs" || n == "relu";  // errors in PyTorch, tested below
  return false;
}

// Functional form on every dtype: result dtype and values.
TEST(PointwiseUnary, FunctionalOnEveryDtype) {
  for (const UnaryCase& c : kCases) {
    for (ScalarType dt : all_dtypes()) {
      if (unsupported(c, dt)) continue;
      // gelu and silu are floating-only in PyTorch ("GeluKernelImpl" not implemented for 'Long').
      if ((std::string(c.name) == "gelu" || std::string(c.name) == "silu") && !is_float(dt)) continue;
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> in = inputs_for(dt);
      ScalarType out_dt = c.float_result && !is_float(dt) ? kFloat32 : dt;
      std::vector<double> want;
      for (double x : in) want.push_back(round_to_dtype(out_dt, c.ref(x)));
      Tensor r;
      ASSERT_NO_THROW(r = c.fn(make1d(in, dt)));
      EXPECT_TRUE(matches(r, {static_cast<int64_t>(in.size())}, out_dt, want));
    }
  }
}

// In-place and out= forms on the floating dtypes, out= on a non-contiguous output too.
TEST(PointwiseUnary, InPlaceAndOutForms) {
  for (const UnaryCase& c : kCases) {
    for (ScalarType dt : float_dtypes()) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> in = inputs_for(dt);
      std::vector<double> want;
      for (double x : in) want.push_back(round_to_dtype(dt, c.ref(x)));
      int64_t n = static_cast<int64_t>(in.size());
      if (c.inplace) {
        Tensor x = make1d(in, dt);
        uint32_t v0 = x._version();
        Tensor r = c.inplace(x);
        EXPECT_TRUE(r.is_same(x));
        EXPECT_TRUE(matches(x, {n}, dt, want));
        EXPECT_GT(x._version(), v0);
      }
      Tensor out = ember::empty({2 * n}, dt).slice(0, 0, 2 * n, 2);  // strided output
      Tensor r = c.out(out, make1d(in, dt));
      EXPECT_TRUE(r.is_same(out));
      EXPECT_TRUE(matches(out, {n}, dt, want));
      Tensor resized = ember::empty({1}, dt);
      c.out(resized, make1d(in, dt));
      EXPECT_TRUE(matches(resized, {n}, dt, want));
    }
  }
}

TEST(PointwiseUnary, FloatResultOfIntegerInputIntoOutputs) {
  Tensor i = make1d({0, 1, 4}, kInt64);
  // An integer output cannot hold a float result (PyTorch: "result type Float can't be cast to
  // the desired output type Long"); a float64 output is fine.
  Tensor out_long = ember::empty({3}, kInt64);
  EXPECT_THROW_MSG(ember::sqrt_out(out_long, i), TypeError, "result type Float can't be cast to the desired output type Long");
  EXPECT_THROW_MSG(ember::exp_(i), TypeError, "result type Float can't be cast to the desired output type Long");
  Tensor out64 = ember::empty({3}, kFloat64);
  ember::sqrt_out(out64, i);
  EXPECT_TRUE(matches(out64, {3}, kFloat64, {0, 1, 2}, Tol{1e-7, 1e-7}));
  // In-place on integers keeps integers for neg / abs / relu.
  Tensor j = make1d({-2, 0, 3}, kInt16);
  j.neg_();
  EXPECT_TRUE(matches(j, {3}, kInt16, {2, 0, -3}));
  j.abs_();
  EXPECT_TRUE(matches(j, {3}, kInt16, {2, 0, 3}));
  Tensor k = make1d({-2, 0, 3}, kInt32);
  k.relu_();
  EXPECT_TRUE(matches(k, {3}, kInt32, {0, 0, 3}));
}

TEST(PointwiseUnary, BoolErrorsAsPyTorch) {
  Tensor b = make1d({0, 1}, kBool);
  // PyTorch 1.13: "Negation, the `-` operator, on a bool tensor is not supported. If you are
  // trying to invert a mask, use the `~` or `logical_not()` operator instead."
  EXPECT_THROW_MSG(ember::neg(b), TypeError, "Negation, the `-` operator, on a bool tensor is not supported");
  EXPECT_THROW_MSG(-b, TypeError, "logical_not()");
  // sign(bool) is the identity (PyTorch: tensor([False, True])).
  EXPECT_TRUE(matches(ember::sign(b), {2}, kBool, {0, 1}));
}

TEST(PointwiseUnary, SpecialValues) {
  Tensor x = make1d({INFINITY, -INFINITY, NAN, 0, -0.0});
  EXPECT_TRUE(all_close(ember::exp(x), {INFINITY, 0, NAN, 1, 1}));
  EXPECT_TRUE(all_close(ember::log(x), {INFINITY, NAN, NAN, -INFINITY, -INFINITY}));
  EXPECT_TRUE(all_close(ember::sqrt(x), {INFINITY, NAN, NAN, 0, 0}));
  EXPECT_TRUE(all_close(ember::rsqrt(x), {0, NAN, NAN, INFINITY, -INFINITY}));
  EXPECT_TRUE(all_close(ember::tanh(x), {1, -1, NAN, 0, 0}));
  EXPECT_TRUE(all_close(ember::sigmoid(x), {1, 0, NAN, 0.5, 0.5}));
  EXPECT_TRUE(all_close(ember::abs(x), {INFINITY, INFINITY, NAN, 0, 0}));
  EXPECT_TRUE(all_close(ember::sign(x), {1, -1, 0, 0, 0}));  // PyTorch 1.13: sign(nan) = 0
  EXPECT_TRUE(all_close(ember::relu(x), {INFINITY, 0, NAN, 0, 0}));
  // Large magnitudes: no overflow in sigmoid, tanh and silu.
  Tensor big = make1d({-100, 100, -1000, 1000});
  EXPECT_TRUE(all_close(ember::sigmoid(big), {sigmoid_ref(-100), 1, 0, 1}));
  EXPECT_TRUE(all_close(ember::tanh(big), {-1, 1, -1, 1}));
  EXPECT_TRUE(all_close(ember::silu(big), {-100 * sigmoid_ref(-100), 100, 0, 1000}));
}

TEST(PointwiseUnary, GeluApproximations) {
  std::vector<double> in = iota(13, -3, 0.5);
  std::vector<double> exact, approx;
  for (double v : in) {
    exact.push_back(gelu_ref(v));
    approx.push_back(gelu_tanh_ref(v));
  }
  Tensor x = make1d(in, kFloat64);
  EXPECT_TRUE(all_close(ember::gelu(x), exact, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(ember::gelu(x, "none"), exact, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(ember::gelu(x, "tanh"), approx, Tol{1e-12, 1e-12}));
  Tensor y = make1d(in, kFloat64);
  ember::gelu_(y, "tanh");
  EXPECT_TRUE(all_close(y, approx, Tol{1e-12, 1e-12}));
  Tensor out = ember::empty({13}, kFloat64);
  ember::gelu_out(out, x, "tanh");
  EXPECT_TRUE(all_close(out, approx, Tol{1e-12, 1e-12}));
  // PyTorch 1.13: "approximate argument must be either none or tanh."
  EXPECT_THROW_MSG(ember::gelu(x, "erf"), ValueError, "approximate argument must be either none or tanh");
}

TEST(PointwiseUnary, NonContiguousZeroDimAndEmpty) {
  std::vector<double> v = iota(12, -6, 1);
  Tensor m = make(v, {3, 4});
  // Transposed input.
  Tensor t = m.t();
  std::vector<double> want;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 3; ++i) want.push_back(std::fabs(v[i * 4 + j]));
  EXPECT_TRUE(matches(ember::abs(t), {4, 3}, kFloat32, want));
  // Stepped slice and expanded input.
  Tensor s = m.slice(1, 1, 4, 2);  // columns 1, 3
  EXPECT_TRUE(matches(ember::neg(s), {3, 2}, kFloat32, {5, 3, 1, -1, -3, -5}));
  Tensor e = make({0.5}, {1}).expand({3});
  EXPECT_TRUE(matches(ember::exp(e), {3}, kFloat32, {std::exp(0.5), std::exp(0.5), std::exp(0.5)}));
  // In-place through a view writes into the base.
  Tensor base = make(iota(6, -3), {2, 3});
  base.select(1, 0).relu_();
  EXPECT_TRUE(all_close(base, {0, -2, -1, 0, 1, 2}));
  // 0-d keeps 0-d; empty keeps its shape.
  EXPECT_TRUE(matches(ember::sqrt(make({9}, {}, kInt64)), {}, kFloat32, {3}));
  EXPECT_TRUE(matches(ember::sigmoid(make({0}, {}, kFloat64)), {}, kFloat64, {0.5}));
  Tensor empty = ember::empty({0, 4});
  EXPECT_EQ(sizes_of(ember::tanh(empty)), (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(sizes_of(ember::neg(ember::empty({2, 0}, kInt64))), (std::vector<int64_t>{2, 0}));
  // Method forms.
  Tensor x = make1d({-1, 4});
  EXPECT_TRUE(all_close(x.neg(), {1, -4}));
  EXPECT_TRUE(all_close(x.abs(), {1, 4}));
  EXPECT_TRUE(all_close(x.sign(), {-1, 1}));
  EXPECT_TRUE(all_close(x.relu(), {0, 4}));
  EXPECT_TRUE(all_close(x.abs().sqrt(), {1, 2}));
  EXPECT_TRUE(all_close(x.abs().rsqrt(), {1, 0.5}));
  EXPECT_TRUE(all_close(x.exp().log(), {-1, 4}, Tol{1e-6, 1e-6}));
  EXPECT_TRUE(all_close(x.sin(), {std::sin(-1.0), std::sin(4.0)}));
  EXPECT_TRUE(all_close(x.cos(), {std::cos(-1.0), std::cos(4.0)}));
  EXPECT_TRUE(all_close(x.tanh(), {std::tanh(-1.0), std::tanh(4.0)}));
  EXPECT_TRUE(all_close(x.sigmoid(), {sigmoid_ref(-1), sigmoid_ref(4)}));
}

TEST(PointwiseUnary, LargerInputsAgainstReference) {
  // Enough elements that a vectorized or multi-threaded kernel path runs; float32 and float64.
  std::vector<double> in = pseudo_random(4099, -8, 8, 7);
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tensor x = make1d(in, dt);
    std::vector<double> xs = values(x);
    for (const UnaryCase& c : kCases) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want;
      for (double v : xs) want.push_back(c.ref(v));
      Tol tol = dt == kFloat32 ? Tol{4e-6, 1e-6} : Tol{1e-10, 1e-12};
      EXPECT_TRUE(all_close(c.fn(x), want, tol));
    }
  }
}

}  // namespace
}  // namespace ember_test
