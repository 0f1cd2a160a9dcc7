// CPU plugin: the vectorized float32 math (plugins/cpu/vec/) through the kernels that use it,
// against float64 / long double references, on sweeps of float bit patterns over each function's
// domain plus special values. The instruction set under test is whichever the plugin chose: the
// test suite runs this binary once per ISA the machine has (EMBER_CPU_ISA, tests/isa/isa_paths.cmake).
//
// Bounds (ulp of the float64 result, where the result is a normal float; subnormal results
// only need |error| <= FLT_MIN): exp, log, sin, cos, tanh, erf, sigmoid, silu, gelu(tanh) <= 2;
// gelu(erf) <= 2 for x >= 0 and <= 6 for x < 0 (beyond x = -4, x * erfc(|x| / sqrt2) / 2: several
// roundings of similar size remain in erfc's tail, measured 4.9; 2.0 within the table on
// [-4, 4)); pow <= 2. Backward kernels subtract terms
// of similar size near their zeros, so they are held to 8 ulp of the largest term (PyTorch's
// float formulas lose far more there).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

using Ref = std::function<long double(long double)>;

double ulp_of(long double r) {
  const double a = std::fabs(static_cast<double>(r));
  if (a < std::ldexp(1.0, -126)) return std::ldexp(1.0, -149);
  int e;
  std::frexp(a, &e);
  return std::ldexp(1.0, e - 24);
}

// Every `stride`-th float bit pattern inside [lo, hi], plus the given extras.
std::vector<float> sweep(float lo, float hi, uint32_t stride, std::vector<float> extras = {}) {
  std::vector<float> xs;
  for (uint64_t b = 0; b < (uint64_t(1) << 32); b += stride) {
    const uint32_t u = static_cast<uint32_t>(b);
    float x;
    std::memcpy(&x, &u, sizeof x);
    if (x >= lo && x <= hi) xs.push_back(x);
  }
  xs.insert(xs.end(), extras.begin(), extras.end());
  return xs;
}

TestTensor f32(const std::vector<float>& v) {
  return TestTensor::from<float>({static_cast<int64_t>(v.size())}, v, EMBER_DTYPE_FLOAT32);
}

// Runs `op` (self, [extra args], out) and returns out.
std::vector<float> run_unary(const std::string& op, const std::vector<float>& xs, const std::string& approximate = "") {
  TestTensor x = f32(xs), out({static_cast<int64_t>(xs.size())}, EMBER_DTYPE_FLOAT32);
  Args args;
  args.tensor(x);
  if (!approximate.empty()) args.str(approximate);
  args.tensor(out);
  CallResult r = cpu_plugin().call(op, args);
  EXPECT_TRUE(r.ok()) << op << ": " << r.message;
  return out.values<float>();
}

struct Bound {
  double ulps;
  float split = -std::numeric_limits<float>::infinity();  // below split, `below_ulps` applies
  double below_ulps = 0;
};

// Checks got against ref(x) in ulps where the reference is a normal float, and special
// values exactly (NaN where NaN, infinities with the sign).
void expect_ulps(const std::string& what, const std::vector<float>& xs, const std::vector<float>& got, const Ref& ref,
                 Bound bound) {
  ASSERT_EQ(xs.size(), got.size());
  double worst = 0;
  float worst_x = 0;
  int failures = 0;
  for (size_t i = 0; i < xs.size() && failures < 5; ++i) {
    const long double want = ref(xs[i]);
    const float g = got[i];
    if (std::isnan(static_cast<double>(want))) {
      if (!std::isnan(g)) {
        ADD_FAILURE() << what << "(" << xs[i] << ") = " << g << ", want NaN";
        ++failures;
      }
      continue;
    }
    if (std::fabs(want) > std::numeric_limits<float>::max()) {
      if (!(std::isinf(g) && (g > 0) == (want > 0))) {
        ADD_FAILURE() << what << "(" << xs[i] << ") = " << g << ", want " << static_cast<double>(want);
        ++failures;
      }
      continue;
    }
    const double error = std::fabs(static_cast<double>(g - want));
    if (std::fabs(want) < std::numeric_limits<float>::min()) {
      if (!(error <= std::numeric_limits<float>::min())) {
        ADD_FAILURE() << what << "(" << xs[i] << ") = " << g << ", want " << static_cast<double>(want) << " (subnormal)";
        ++failures;
      }
      continue;
    }
    const double ulps = error / ulp_of(want);
    const double allowed = xs[i] < bound.split ? bound.below_ulps : bound.ulps;
    if (!(ulps <= allowed)) {
      ADD_FAILURE() << what << "(" << std::hexfloat << xs[i] << std::defaultfloat << " = " << xs[i] << ") = " << g
                    << ", want " << static_cast<double>(want) << ": " << ulps << " ulp > " << allowed;
      ++failures;
    }
    if (ulps > worst) {
      worst = ulps;
      worst_x = xs[i];
    }
  }
  ::testing::Test::RecordProperty(what + "_max_ulp", std::to_string(worst) + " at " + std::to_string(worst_x));
}

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const std::vector<float> kSpecials = {0.0f, -0.0f, kInf, -kInf, kNaN, 1e-45f, -1e-45f, 1e-40f, 1.17549435e-38f, 1.0f, -1.0f};

constexpr uint32_t kStride = 2053;  // ~2M points over all floats

long double gelu_ref(long double x) { return 0.5L * x * std::erfc(-x / std::sqrt(2.0L)); }
long double gelu_tanh_ref(long double x) {
  const long double u = std::sqrt(2.0L / 3.14159265358979323846264338327950288L) * (x + 0.044715L * x * x * x);
  return x / (1 + std::exp(-2 * u));  // = 0.5 x (1 + tanh u) without cancellation
}

TEST(CpuVectorMath, UnaryFunctionsWithinTheirUlpBounds) {
  struct Case {
    const char* op;
    float lo, hi;
    Ref ref;
    Bound bound;
    const char* approximate;
  };
  const Case cases[] = {
      {"exp.out", -kInf, kInf, [](long double x) { return std::exp(x); }, {2}, ""},
      {"log.out", -kInf, kInf, [](long double x) { return x == 0 ? -INFINITY : x < 0 ? NAN : std::log(x); }, {2}, ""},
      {"sin.out", -kInf, kInf, [](long double x) { return std::isinf(x) ? NAN : std::sin(x); }, {2}, ""},
      {"cos.out", -kInf, kInf, [](long double x) { return std::isinf(x) ? NAN : std::cos(x); }, {2}, ""},
      {"tanh.out", -kInf, kInf, [](long double x) { return std::tanh(x); }, {2}, ""},
      {"erf.out", -kInf, kInf, [](long double x) { return std::erf(x); }, {2}, ""},
      {"sigmoid.out", -kInf, kInf, [](long double x) { return 1 / (1 + std::exp(-x)); }, {2}, ""},
      {"silu.out", -1e30f, 1e30f, [](long double x) { return x / (1 + std::exp(-x)); }, {2}, ""},
      {"gelu.out", -1e30f, 1e30f, gelu_ref, {2, 0.0f, 6}, "none"},
      {"gelu.out", -1e4f, 1e4f, gelu_tanh_ref, {2}, "tanh"},
  };
  for (const Case& c : cases) {
    std::vector<float> specials;
    for (float v : kSpecials)
      if ((v >= c.lo && v <= c.hi) || std::isnan(v)) specials.push_back(v);
    const std::vector<float> xs = sweep(c.lo, c.hi, kStride, specials);
    const std::string what = std::string(c.op) + (*c.approximate ? std::string(" ") + c.approximate : "");
    expect_ulps(what, xs, run_unary(c.op, xs, c.approximate), c.ref, c.bound);
  }
}

// Arguments large enough for the C library's reduction (the vector path stops at 2^17).
TEST(CpuVectorMath, SinCosOfLargeArguments) {
  const std::vector<float> xs = {131072.0f, 131073.5f, 1e6f, -1e7f, 3.4e38f, 1e20f, 8388607.5f, -123456789.0f};
  expect_ulps("sin large", xs, run_unary("sin.out", xs), [](long double x) { return std::sin(x); }, {1});
  expect_ulps("cos large", xs, run_unary("cos.out", xs), [](long double x) { return std::cos(x); }, {1});
}

// Strided inputs and float16 / bfloat16 go through the same kernels, staged in float.
TEST(CpuVectorMath, StridedAndSixteenBitInputs) {
  TestTensor x = random_f32({64, 33}, 7).transposed(0, 1);
  TestTensor out({33, 64}, EMBER_DTYPE_FLOAT32);
  ASSERT_TRUE(cpu_plugin().call("exp.out", Args().tensor(x).tensor(out)).ok());
  const std::vector<double> in = x.to_doubles(), y = out.to_doubles();
  for (size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(y[i], std::exp(in[i]), 2.4e-7 * std::exp(in[i])) << i;
  for (int32_t dt : {EMBER_DTYPE_FLOAT16, EMBER_DTYPE_BFLOAT16}) {
    TestTensor h({1000}, dt), ho({1000}, dt);
    for (int64_t i = 0; i < 1000; ++i) {
      const float v = static_cast<float>(i - 500) / 100.0f;
      if (dt == EMBER_DTYPE_FLOAT16) h.set_linear<Half>(i, Half(v));
      else h.set_linear<BFloat16>(i, BFloat16(v));
    }
    ASSERT_TRUE(cpu_plugin().call("tanh.out", Args().tensor(h).tensor(ho)).ok());
    const std::vector<double> hin = h.to_doubles(), hy = ho.to_doubles();
    const double tol = dt == EMBER_DTYPE_FLOAT16 ? 1e-3 : 8e-3;  // one rounding to the 16-bit type
    for (size_t i = 0; i < hin.size(); ++i) EXPECT_NEAR(hy[i], std::tanh(hin[i]), tol) << "dtype " << dt << " at " << i;
  }
}

TEST(CpuVectorMath, PowElementwiseAndScalarExponents) {
  // Ordinary x > 0 against long double, over bases and exponents that keep results finite.
  std::vector<float> bases, exps;
  for (int i = 0; i < 200000; ++i) {
    bases.push_back(std::ldexp(1.0f + (i % 997) / 997.0f, (i % 61) - 30));
    exps.push_back(static_cast<float>((i * 7919) % 4001 - 2000) / 311.0f);
  }
  // C's special cases, lane by lane.
  const float special_x[] = {0.0f, -0.0f, -2.0f, -2.0f, 1.0f, kNaN, kInf, -kInf, 0.5f, -8.0f, 2.0f, 0.0f};
  const float special_y[] = {-1.0f, 3.0f, 3.0f, 0.5f, kNaN, 0.0f, -2.0f, 3.0f, kInf, 1.0f / 3, -kInf, 0.0f};
  for (size_t k = 0; k < sizeof special_x / sizeof special_x[0]; ++k) {
    bases.push_back(special_x[k]);
    exps.push_back(special_y[k]);
  }
  TestTensor x = f32(bases), y = f32(exps), out({static_cast<int64_t>(bases.size())}, EMBER_DTYPE_FLOAT32);
  ASSERT_TRUE(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(x).tensor(y).tensor(out)).ok());
  const std::vector<float> got = out.values<float>();
  for (size_t i = 0; i < bases.size(); ++i) {
    const long double want = std::pow(static_cast<long double>(bases[i]), static_cast<long double>(exps[i]));
    if (i >= 200000) {  // special cases: exactly what C's powf gives
      const float c = std::pow(bases[i], exps[i]);
      EXPECT_TRUE((std::isnan(c) && std::isnan(got[i])) || c == got[i])
          << "pow(" << bases[i] << ", " << exps[i] << ") = " << got[i] << ", C gives " << c;
      continue;
    }
    if (std::fabs(want) < std::numeric_limits<float>::min() || std::fabs(want) > std::numeric_limits<float>::max()) continue;
    EXPECT_LE(std::fabs(static_cast<double>(got[i] - want)) / ulp_of(want), 2.0)
        << "pow(" << bases[i] << ", " << exps[i] << ") = " << got[i] << ", want " << static_cast<double>(want);
  }
  // One exponent (pow.Tensor_Scalar broadcasts it): PyTorch's exact shortcuts.
  const std::vector<float> xs = {4.0f, 2.0f, 0.25f, 9.0f, 3.0f};
  const std::pair<float, std::function<float(float)>> shortcuts[] = {
      {2.0f, [](float v) { return v * v; }},
      {3.0f, [](float v) { return v * v * v; }},
      {0.5f, [](float v) { return std::sqrt(v); }},
      {-0.5f, [](float v) { return 1.0f / std::sqrt(v); }},
      {-1.0f, [](float v) { return 1.0f / v; }},
      {-2.0f, [](float v) { return 1.0f / (v * v); }}};
  for (const auto& [e, f] : shortcuts) {
    TestTensor base = f32(xs), scalar = f32({e}), o({5}, EMBER_DTYPE_FLOAT32);
    TestTensor exponent = scalar.expanded({5});
    ASSERT_TRUE(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(base).tensor(exponent).tensor(o)).ok());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(o.get_linear<float>(i), f(xs[i])) << "x = " << xs[i] << ", e = " << e;
  }
  // Any other single exponent takes the general path.
  TestTensor base = f32(xs), scalar = f32({1.5f}), o({5}, EMBER_DTYPE_FLOAT32);
  TestTensor exponent = scalar.expanded({5});
  ASSERT_TRUE(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(base).tensor(exponent).tensor(o)).ok());
  for (int i = 0; i < 5; ++i) {
    const long double want = std::pow(static_cast<long double>(xs[i]), 1.5L);
    EXPECT_LE(std::fabs(static_cast<double>(o.get_linear<float>(i) - want)) / ulp_of(want), 1.0) << xs[i];
  }
}

// erf and gelu read per-interval polynomials from tables over [-4, 4) in steps of 1/4: every
// value within 64 ulp of each interval boundary, and of the +-4 edge where gelu's general form
// takes over.
TEST(CpuVectorMath, ErfAndGeluAtTheirTableBoundaries) {
  std::vector<float> xs;
  for (int k = -17; k <= 17; ++k) {
    float v = static_cast<float>(k) / 4;
    for (int i = 0; i < 64; ++i) v = std::nextafter(v, -kInf);
    for (int i = 0; i < 128; ++i, v = std::nextafter(v, kInf)) xs.push_back(v);
  }
  expect_ulps("erf boundaries", xs, run_unary("erf.out", xs), [](long double x) { return std::erf(x); }, {2});
  expect_ulps("gelu boundaries", xs, run_unary("gelu.out", xs, "none"), gelu_ref, {2, 0.0f, 6});
}

// gelu takes its general form for the lanes a vector holds beyond +-4; a lane's result depends
// on its own value alone, whatever its neighbours and its position in the vector.
TEST(CpuVectorMath, GeluLanesDoNotDependOnTheirNeighbours) {
  const float probes[] = {0.3f, -2.5f, 3.99999976f, -3.99999976f, 4.0f, -4.0f, -7.5f, 1e-20f, -0.0f};
  for (float probe : probes) {
    const float alone = run_unary("gelu.out", {probe}, "none")[0];
    for (float neighbour : {0.5f, 5.0f, -6.0f}) {
      for (int position = 0; position < 16; ++position) {
        std::vector<float> xs(37, neighbour);
        xs[static_cast<size_t>(position)] = probe;
        const float got = run_unary("gelu.out", xs, "none")[static_cast<size_t>(position)];
        EXPECT_EQ(std::memcmp(&got, &alone, sizeof got), 0)
            << "gelu(" << probe << ") = " << got << " beside " << neighbour << " at lane " << position << ", alone "
            << alone;
      }
    }
  }
}

// Results across float's whole range: bases over every binade with exponents aimed at results
// from 2^-150 to 2^150, and bases near 1 with large exponents (where log2 x must be accurate to
// ~2^-33). Normal results within 2 ulp, subnormal ones within FLT_MIN, beyond FLT_MAX inf.
TEST(CpuVectorMath, PowOverTheWholeRange) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> bases, exps;
  for (int i = 0; i < 200000; ++i) {
    const float x = i % 2 ? std::ldexp(1.0f + unit(rng), static_cast<int>(unit(rng) * 250) - 125)
                          : 1.0f + (unit(rng) - 0.5f) * std::ldexp(1.0f, -static_cast<int>(unit(rng) * 24) - 3);
    const float y = (unit(rng) * 2 - 1) * 150 / std::log2(x);
    if (!std::isfinite(y)) continue;
    bases.push_back(x);
    exps.push_back(y);
  }
  for (float y : {3e38f, -3e38f, 1e10f}) {  // 1^y = 1 exactly, as C
    bases.push_back(1.0f);
    exps.push_back(y);
  }
  TestTensor x = f32(bases), y = f32(exps), out({static_cast<int64_t>(bases.size())}, EMBER_DTYPE_FLOAT32);
  ASSERT_TRUE(cpu_plugin().call("pow.Tensor_Tensor_out", Args().tensor(x).tensor(y).tensor(out)).ok());
  const std::vector<float> got = out.values<float>();
  const long double kMax = std::numeric_limits<float>::max();
  int failures = 0;
  for (size_t i = 0; i < bases.size() && failures < 5; ++i) {
    const long double want = std::pow(static_cast<long double>(bases[i]), static_cast<long double>(exps[i]));
    bool ok;
    if (want > kMax * (1 + 0x1p-23L)) ok = std::isinf(got[i]);
    else if (want > kMax) ok = std::isinf(got[i]) || got[i] == std::numeric_limits<float>::max();
    else if (want < std::numeric_limits<float>::min()) ok = std::fabs(got[i] - want) <= std::numeric_limits<float>::min();
    else ok = std::fabs(static_cast<double>(got[i] - want)) / ulp_of(want) <= 2.0;
    if (!ok) {
      ADD_FAILURE() << "pow(" << std::hexfloat << bases[i] << ", " << exps[i] << ") = " << got[i] << ", want "
                    << static_cast<double>(want);
      ++failures;
    }
  }
}

// grad * f'(x) with grad = 1, against long double; error relative to the largest term.
TEST(CpuVectorMath, ActivationBackwardKernels) {
  const long double kPi = 3.14159265358979323846264338327950288L;
  struct Case {
    const char* op;
    const char* approximate;
    float lo, hi;
    // Returns f'(x) and stores the magnitude of its largest term.
    std::function<long double(long double, long double*)> ref;
  };
  const Case cases[] = {
      {"gelu_backward.grad_input", "none", -30.0f, 30.0f,
       [&](long double x, long double* scale) {
         const long double cdf = 0.5L * std::erfc(-x / std::sqrt(2.0L)), pdf = std::exp(-x * x / 2) / std::sqrt(2 * kPi);
         *scale = std::max(std::fabs(cdf), std::fabs(x * pdf));
         return cdf + x * pdf;
       }},
      {"gelu_backward.grad_input", "tanh", -30.0f, 30.0f,
       [&](long double x, long double* scale) {
         const long double b = std::sqrt(2 / kPi), k = 0.044715L, u = b * (x + k * x * x * x), s = 1 / (1 + std::exp(-2 * u));
         const long double right = 2 * x * s * (1 - s) * b * (1 + 3 * k * x * x);
         *scale = std::max(std::fabs(s), std::fabs(right));
         return s + right;
       }},
      {"silu_backward.grad_input", "", -80.0f, 80.0f,
       [](long double x, long double* scale) {
         const long double s = 1 / (1 + std::exp(-x));
         *scale = std::max(std::fabs(s), std::fabs(s * x * (1 - s)));
         return s * (1 + x * (1 - s));
       }},
      {"sigmoid_backward.grad_input", "", -2.0f, 2.0f,
       [](long double y, long double* scale) {
         *scale = std::fabs(y);
         return (1 - y) * y;
       }},
      {"tanh_backward.grad_input", "", -2.0f, 2.0f,
       [](long double y, long double* scale) {
         *scale = 1;
         return 1 - y * y;
       }},
  };
  for (const Case& c : cases) {
    const std::vector<float> xs = sweep(c.lo, c.hi, kStride);
    const std::vector<float> ones(xs.size(), 1.0f);
    TestTensor g = f32(ones), x = f32(xs), out({static_cast<int64_t>(xs.size())}, EMBER_DTYPE_FLOAT32);
    Args args;
    args.tensor(g).tensor(x);
    if (*c.approximate) args.str(c.approximate);
    args.tensor(out);
    ASSERT_TRUE(cpu_plugin().call(c.op, args).ok()) << c.op;
    const std::vector<float> got = out.values<float>();
    int failures = 0;
    for (size_t i = 0; i < xs.size() && failures < 5; ++i) {
      long double scale = 0;
      const long double want = c.ref(xs[i], &scale);
      const double allowed = 8 * ulp_of(std::max(scale, std::fabs(want))) + std::numeric_limits<float>::min();
      if (!(std::fabs(static_cast<double>(got[i] - want)) <= allowed)) {
        ADD_FAILURE() << c.op << " " << c.approximate << " at x = " << xs[i] << ": " << got[i] << ", want "
                      << static_cast<double>(want);
        ++failures;
      }
    }
  }
}

// Softmax rows: exp(x - max) / sum, with the sum in double; log-softmax x - max - log(sum).
TEST(CpuVectorMath, SoftmaxRowsAndColumns) {
  for (int64_t dim : {1, 0}) {
    TestTensor x = random_f32({37, 1029}, 3);
    for (int64_t i = 0; i < x.numel(); ++i) x.set_linear<float>(i, x.get_linear<float>(i) * 30.0f);
    for (bool log : {false, true}) {
      TestTensor out({37, 1029}, EMBER_DTYPE_FLOAT32);
      ASSERT_TRUE(cpu_plugin().call(log ? "_log_softmax.out" : "_softmax.out", Args().tensor(x).i(dim).b(false).tensor(out)).ok());
      const int64_t outer = dim == 1 ? 37 : 1029, inner = dim == 1 ? 1029 : 37;
      for (int64_t o = 0; o < outer; ++o) {
        auto at = [&](int64_t k) { return dim == 1 ? o * 1029 + k : k * 1029 + o; };
        long double m = -INFINITY, sum = 0;
        for (int64_t k = 0; k < inner; ++k) m = std::max<long double>(m, x.get_linear<float>(at(k)));
        // x - max is rounded to float first, as the kernel (and PyTorch) computes it.
        auto shifted = [&](int64_t k) { return static_cast<long double>(static_cast<float>(x.get_linear<float>(at(k)) - m)); };
        for (int64_t k = 0; k < inner; ++k) sum += std::exp(shifted(k));
        for (int64_t k = 0; k < inner; ++k) {
          const long double v = shifted(k);
          const long double want = log ? v - std::log(sum) : std::exp(v) / sum;
          const float got = out.get_linear<float>(at(k));
          ASSERT_NEAR(got, static_cast<double>(want), 4 * ulp_of(want) + (log ? ulp_of(v) : 1e-38))
              << (log ? "log_softmax" : "softmax") << " dim " << dim << " row " << o << " k " << k;
        }
      }
    }
  }
}

// The configuration names an instruction set this plugin does not know: init fails, clearly.
TEST(CpuVectorMath, UnknownIsaOptionIsRejected) {
  LoadedPlugin bad(cpu_plugin_path(), 1, {{"isa", "avx1024"}}, /*private_copy=*/true);
  ASSERT_FALSE(bad.loaded());
  EXPECT_NE(bad.error().find("option 'isa'"), std::string::npos) << bad.error();
  EXPECT_NE(bad.error().find("avx1024"), std::string::npos) << bad.error();
}

// The plugin reports the vector instruction set it runs.
TEST(CpuVectorMath, ReportsTheActiveIsa) {
  cpu_plugin();
  const char* forced = std::getenv("EMBER_CPU_ISA");
  bool found = false;
  for (const std::string& line : logged_lines()) {
    if (line.find("vector kernels: ") == std::string::npos) continue;
    found = true;
    if (forced && *forced) {
      EXPECT_NE(line.find(std::string("vector kernels: ") + forced), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ember_test
