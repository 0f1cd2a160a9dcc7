// The math ops added for libtorch parity (ops.yaml "more pointwise math"): log1p ... reciprocal on
// floating dtypes against float64 std:: references, integer inputs promoting to float32; the
// rounding ops (integers unchanged, round half to even); frac; atan2; fmod and remainder with
// their sign conventions and integer division by zero; in-place, Scalar and out= forms.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("log1p.out", "log1p", "log1p_", "expm1.out", "expm1", "expm1_", "log2.out", "log2", "log2_",
                 "log10.out", "log10", "log10_", "exp2.out", "exp2", "exp2_", "erf.out", "erf", "erf_", "erfc.out",
                 "erfc", "erfc_", "tan.out", "tan", "tan_", "asin.out", "asin", "asin_", "acos.out", "acos", "acos_",
                 "atan.out", "atan", "atan_", "sinh.out", "sinh", "sinh_", "cosh.out", "cosh", "cosh_", "asinh.out",
                 "asinh", "asinh_", "reciprocal.out", "reciprocal", "reciprocal_", "floor.out", "floor", "floor_",
                 "ceil.out", "ceil", "ceil_", "round.out", "round", "round_", "trunc.out", "trunc", "trunc_", "frac.out",
                 "frac", "frac_", "atan2.out", "atan2.Tensor", "atan2_.Tensor", "fmod.out", "fmod.Tensor", "fmod_.Tensor",
                 "fmod.Scalar", "fmod_.Scalar", "remainder.out", "remainder.Tensor", "remainder_.Tensor",
                 "remainder.Scalar", "remainder_.Scalar");

struct MathCase {
  const char* name;
  Tensor (*fn)(const Tensor&);
  Tensor& (*inplace)(const Tensor&);
  double (*ref)(double);
  std::vector<double> inputs;  // inside the op's domain
};

const std::vector<double> kGeneral = {-2.5, -1, -0.25, 0, 1e-7, 0.5, 1, 3};
const std::vector<double> kPositive = {1e-6, 0.25, 1, 2.5, 100};
const std::vector<double> kUnit = {-0.9, -0.5, 0, 0.3, 0.99};

const MathCase kCases[] = {
    {"log1p", [](const Tensor& x) { return ember::log1p(x); }, [](const Tensor& x) -> Tensor& { return x.log1p_(); },
     [](double x) { return std::log1p(x); }, {-0.5, -1e-8, 0, 1e-7, 0.5, 3}},
    {"expm1", [](const Tensor& x) { return ember::expm1(x); }, [](const Tensor& x) -> Tensor& { return x.expm1_(); },
     [](double x) { return std::expm1(x); }, kGeneral},
    {"log2", [](const Tensor& x) { return ember::log2(x); }, [](const Tensor& x) -> Tensor& { return x.log2_(); },
     [](double x) { return std::log2(x); }, kPositive},
    {"log10", [](const Tensor& x) { return ember::log10(x); }, [](const Tensor& x) -> Tensor& { return x.log10_(); },
     [](double x) { return std::log10(x); }, kPositive},
    {"exp2", [](const Tensor& x) { return ember::exp2(x); }, [](const Tensor& x) -> Tensor& { return x.exp2_(); },
     [](double x) { return std::exp2(x); }, kGeneral},
    {"erf", [](const Tensor& x) { return ember::erf(x); }, [](const Tensor& x) -> Tensor& { return x.erf_(); },
     [](double x) { return std::erf(x); }, kGeneral},
    {"erfc", [](const Tensor& x) { return ember::erfc(x); }, [](const Tensor& x) -> Tensor& { return x.erfc_(); },
     [](double x) { return std::erfc(x); }, kGeneral},
    {"tan", [](const Tensor& x) { return ember::tan(x); }, [](const Tensor& x) -> Tensor& { return x.tan_(); },
     [](double x) { return std::tan(x); }, kUnit},
    {"asin", [](const Tensor& x) { return ember::asin(x); }, [](const Tensor& x) -> Tensor& { return x.asin_(); },
     [](double x) { return std::asin(x); }, kUnit},
    {"acos", [](const Tensor& x) { return ember::acos(x); }, [](const Tensor& x) -> Tensor& { return x.acos_(); },
     [](double x) { return std::acos(x); }, kUnit},
    {"atan", [](const Tensor& x) { return ember::atan(x); }, [](const Tensor& x) -> Tensor& { return x.atan_(); },
     [](double x) { return std::atan(x); }, kGeneral},
    {"sinh", [](const Tensor& x) { return ember::sinh(x); }, [](const Tensor& x) -> Tensor& { return x.sinh_(); },
     [](double x) { return std::sinh(x); }, kGeneral},
    {"cosh", [](const Tensor& x) { return ember::cosh(x); }, [](const Tensor& x) -> Tensor& { return x.cosh_(); },
     [](double x) { return std::cosh(x); }, kGeneral},
    {"asinh", [](const Tensor& x) { return ember::asinh(x); }, [](const Tensor& x) -> Tensor& { return x.asinh_(); },
     [](double x) { return std::asinh(x); }, kGeneral},
    {"reciprocal", [](const Tensor& x) { return ember::reciprocal(x); },
     [](const Tensor& x) -> Tensor& { return x.reciprocal_(); }, [](double x) { return 1 / x; }, {-2.5, -0.25, 0.5, 4}},
    {"frac", [](const Tensor& x) { return ember::frac(x); }, [](const Tensor& x) -> Tensor& { return x.frac_(); },
     [](double x) { return x - std::trunc(x); }, {-2.75, -1, -0.25, 0, 0.5, 3.125}},
};

TEST(Math, FloatingOpsMatchFloat64References) {
  for (const MathCase& c : kCases) {
    for (ScalarType dt : {kFloat32, kFloat64}) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want;
      for (double x : c.inputs) want.push_back(round_to_dtype(dt, c.ref(round_to_dtype(dt, x))));
      const int64_t n = static_cast<int64_t>(c.inputs.size());
      EXPECT_TRUE(matches(c.fn(make1d(c.inputs, dt)), {n}, dt, want, Tol{4e-7, 1e-7}));
      Tensor x = make1d(c.inputs, dt);
      EXPECT_TRUE(c.inplace(x).is_same(x));
      EXPECT_TRUE(all_close(x, want, Tol{4e-7, 1e-7}));
    }
  }
}

TEST(Math, IntegerInputsPromoteToTheDefaultFloat) {
  Tensor i = make1d({1, 2, 10}, kInt64);
  EXPECT_TRUE(matches(ember::log2(i), {3}, kFloat32, {0, 1, std::log2(10.0)}));
  EXPECT_TRUE(matches(ember::reciprocal(i), {3}, kFloat32, {1, 0.5, 0.1}));
  EXPECT_THROW_MSG(ember::log2_(i), TypeError, "result type Float can't be cast to the desired output type Long");
  Tensor out = ember::empty({3}, kFloat64);
  ember::log10_out(out, i);
  EXPECT_TRUE(matches(out, {3}, kFloat64, {0, std::log10(2.0), 1}, Tol{1e-6, 1e-7}));  // computed in float32
}

TEST(Math, RoundingKeepsIntegersAndRoundsHalfToEven) {
  Tensor f = make1d({-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.7}, kFloat32);
  EXPECT_TRUE(all_equal(ember::round(f), {-2, -2, -0, 0, 2, 2, 3, -3}));
  EXPECT_TRUE(all_equal(ember::floor(f), {-3, -2, -1, 0, 1, 2, 2, -3}));
  EXPECT_TRUE(all_equal(ember::ceil(f), {-2, -1, -0, 1, 2, 3, 3, -2}));
  EXPECT_TRUE(all_equal(ember::trunc(f), {-2, -1, -0, 0, 1, 2, 2, -2}));
  for (ScalarType dt : {kUInt8, kInt8, kInt32, kInt64}) {
    Tensor i = make1d({0, 3, 7}, dt);
    EXPECT_TRUE(matches(ember::floor(i), {3}, dt, {0, 3, 7}));
    EXPECT_TRUE(matches(ember::round(i), {3}, dt, {0, 3, 7}));
  }
  Tensor g = make1d({1.25, -1.75}, kFloat64);
  g.floor_();
  EXPECT_TRUE(all_equal(g, {1, -2}));
  EXPECT_THROW(ember::frac(make1d({1, 2}, kInt64)), Error);
}

TEST(Math, Atan2CoversEveryQuadrant) {
  Tensor y = make1d({1, 1, -1, -1, 0}, kFloat64);
  Tensor x = make1d({1, -1, -1, 1, -1}, kFloat64);
  EXPECT_TRUE(all_close(ember::atan2(y, x), {M_PI / 4, 3 * M_PI / 4, -3 * M_PI / 4, -M_PI / 4, M_PI}));
  // Broadcasting and integer promotion.
  EXPECT_TRUE(matches(ember::atan2(make1d({1, 0}, kInt64), make(std::vector<double>{1}, {}, kInt64)), {2}, kFloat32,
                      {M_PI / 4, 0}));
  Tensor z = make1d({2, -2}, kFloat32);
  z.atan2_(make1d({0, 0}, kFloat32));
  EXPECT_TRUE(all_close(z, {M_PI / 2, -M_PI / 2}));
}

TEST(Math, FmodTakesTheDividendsSignRemainderTheDivisors) {
  Tensor a = make1d({5, -5, 5, -5, 5.5}, kFloat32);
  Tensor b = make1d({3, 3, -3, -3, 2}, kFloat32);
  EXPECT_TRUE(all_equal(ember::fmod(a, b), {2, -2, 2, -2, 1.5}));
  EXPECT_TRUE(all_equal(ember::remainder(a, b), {2, 1, -1, -2, 1.5}));
  Tensor ia = make1d({5, -5, 5, -5}, kInt64), ib = make1d({3, 3, -3, -3}, kInt64);
  EXPECT_TRUE(matches(ember::fmod(ia, ib), {4}, kInt64, {2, -2, 2, -2}));
  EXPECT_TRUE(matches(ember::remainder(ia, ib), {4}, kInt64, {2, 1, -1, -2}));
  EXPECT_TRUE(matches(ember::remainder(ia, 3), {4}, kInt64, {2, 1, 2, 1}));
  EXPECT_TRUE(matches(ember::fmod(ia, 2.5), {4}, kFloat32, {0, 0, 0, 0}));
  EXPECT_THROW_MSG(ember::remainder(ia, make1d({0, 1, 1, 1}, kInt64)), ValueError, "ZeroDivisionError");
  Tensor c = make1d({7, -7}, kInt32);
  c.remainder_(4);
  EXPECT_TRUE(all_equal(c, {3, 1}));
  c.fmod_(make1d({2, 2}, kInt32));
  EXPECT_TRUE(all_equal(c, {1, 1}));
  Tensor out = ember::empty({4}, kInt64);
  ember::fmod_out(out, ia, ib);
  EXPECT_TRUE(all_equal(out, {2, -2, 2, -2}));
  ember::remainder_out(out, ia, ib);
  EXPECT_TRUE(all_equal(out, {2, 1, -1, -2}));
  Tensor fout = ember::empty({2}, kFloat64);
  ember::atan2_out(fout, make1d({1, -1}, kFloat64), make1d({0, 0}, kFloat64));
  EXPECT_TRUE(all_close(fout, {M_PI / 2, -M_PI / 2}));
}

TEST(Math, OutFormsOfTheUnaryOps) {
  Tensor out = ember::empty({6}, kFloat64).slice(0, 0, 6, 2);
  ember::expm1_out(out, make1d({0, 1, -1}, kFloat64));
  EXPECT_TRUE(all_close(out, {0, std::expm1(1.0), std::expm1(-1.0)}));
  ember::floor_out(out, make1d({0.5, 1.5, -0.5}, kFloat64));
  EXPECT_TRUE(all_equal(out, {0, 1, -1}));
  ember::ceil_out(out, make1d({0.5, 1.5, -0.5}, kFloat64));
  EXPECT_TRUE(all_equal(out, {1, 2, -0}));
  ember::round_out(out, make1d({0.5, 1.5, -0.6}, kFloat64));
  EXPECT_TRUE(all_equal(out, {0, 2, -1}));
  ember::trunc_out(out, make1d({0.5, 1.5, -0.6}, kFloat64));
  EXPECT_TRUE(all_equal(out, {0, 1, -0}));
  ember::frac_out(out, make1d({0.5, 1.5, -0.75}, kFloat64));
  EXPECT_TRUE(all_equal(out, {0.5, 0.5, -0.75}));
  const std::vector<double> in = {0.1, 0.2, 0.3};
  ember::log1p_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::log1p(0.1), std::log1p(0.2), std::log1p(0.3)}));
  ember::log2_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::log2(0.1), std::log2(0.2), std::log2(0.3)}));
  ember::exp2_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::exp2(0.1), std::exp2(0.2), std::exp2(0.3)}));
  ember::erf_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::erf(0.1), std::erf(0.2), std::erf(0.3)}));
  ember::erfc_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::erfc(0.1), std::erfc(0.2), std::erfc(0.3)}));
  ember::tan_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::tan(0.1), std::tan(0.2), std::tan(0.3)}));
  ember::asin_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::asin(0.1), std::asin(0.2), std::asin(0.3)}));
  ember::acos_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::acos(0.1), std::acos(0.2), std::acos(0.3)}));
  ember::atan_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::atan(0.1), std::atan(0.2), std::atan(0.3)}));
  ember::sinh_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::sinh(0.1), std::sinh(0.2), std::sinh(0.3)}));
  ember::cosh_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::cosh(0.1), std::cosh(0.2), std::cosh(0.3)}));
  ember::asinh_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::asinh(0.1), std::asinh(0.2), std::asinh(0.3)}));
  ember::log10_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {std::log10(0.1), std::log10(0.2), std::log10(0.3)}));
  ember::reciprocal_out(out, make1d(in, kFloat64));
  EXPECT_TRUE(all_close(out, {10, 5, 1 / 0.3}));
}

}  // namespace
}  // namespace ember_test
