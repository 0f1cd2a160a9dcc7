// Factories: empty(_like), zeros(_like), ones(_like), full(_like) with dtype inference, fill_,
// zero_, arange (int / float / negative step, out=), linspace (steps 0 and 1, out=), eye (and
// out=), and the random family: rand, randn, randint (seeded determinism with manual_seed and
// generators, ranges, rough mean and variance), uniform_, normal_, random_, bernoulli_, dropout.
#include <cmath>
#include <numeric>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("empty.memory_format", "empty_like", "fill_.Scalar", "zero_", "zeros", "zeros_like", "ones", "ones_like",
                 "full", "full_like", "arange", "arange.start", "arange.start_step", "arange.start_out", "linspace",
                 "linspace.out", "eye", "eye.m", "eye.m_out", "uniform_", "normal_", "random_.from", "bernoulli_.float",
                 "rand", "rand.generator", "rand_like", "randn", "randn.generator", "randn_like", "randint", "randint.low",
                 "dropout");

TEST(Factory, EmptyZerosOnesFullOnEveryDtype) {
  EXPECT_EQ(ember::empty({2, 3}).scalar_type(), kFloat32);
  EXPECT_EQ(sizes_of(ember::empty({2, 0, 3})), (std::vector<int64_t>{2, 0, 3}));
  EXPECT_EQ(ember::empty({}).dim(), 0);
  EXPECT_TRUE(ember::empty({2, 3}).is_contiguous());
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    EXPECT_EQ(ember::empty({2}, dt).scalar_type(), dt);
    EXPECT_TRUE(matches(ember::zeros({2, 2}, dt), {2, 2}, dt, {0, 0, 0, 0}));
    EXPECT_TRUE(matches(ember::ones({3}, dt), {3}, dt, {1, 1, 1}));
    EXPECT_TRUE(matches(ember::full({2}, 1, dt), {2}, dt, {1, 1}));
    Tensor like = make1d({5, 6}, kInt16);
    EXPECT_TRUE(matches(ember::zeros_like(like, dt), {2}, dt, {0, 0}));
    EXPECT_TRUE(matches(ember::ones_like(like, dt), {2}, dt, {1, 1}));
    EXPECT_TRUE(matches(ember::full_like(like, 1, dt), {2}, dt, {1, 1}));
    EXPECT_EQ(ember::empty_like(like, dt).scalar_type(), dt);
    Tensor f = ember::empty({3}, dt);
    EXPECT_TRUE(f.fill_(dt == kBool ? 1 : 3).is_same(f));
    EXPECT_TRUE(matches(f, {3}, dt, std::vector<double>(3, dt == kBool ? 1 : 3)));
    f.zero_();
    EXPECT_TRUE(matches(f, {3}, dt, {0, 0, 0}));
  }
  // *_like keep shape and dtype by default, and ignore strides (contiguous result).
  Tensor like = make(iota(6), {2, 3}, kInt16).t();
  EXPECT_TRUE(matches(ember::zeros_like(like), {3, 2}, kInt16, std::vector<double>(6, 0)));
  EXPECT_TRUE(matches(ember::ones_like(like), {3, 2}, kInt16, std::vector<double>(6, 1)));
  EXPECT_TRUE(matches(ember::full_like(like, 7), {3, 2}, kInt16, std::vector<double>(6, 7)));
  EXPECT_TRUE(ember::empty_like(like).is_contiguous());
  EXPECT_EQ(sizes_of(ember::empty_like(like)), (std::vector<int64_t>{3, 2}));
  // fill_ through a view, and fill_ with a value that needs a cast.
  Tensor base = ember::zeros({2, 3});
  base.select(0, 1).fill_(2.5);
  EXPECT_TRUE(all_close(base, {0, 0, 0, 2.5, 2.5, 2.5}));
  EXPECT_TRUE(matches(ember::full({2}, 2.9, kInt32), {2}, kInt32, {2, 2}));
  EXPECT_TRUE(matches(ember::fill_(ember::empty({2}, kBool), 5), {2}, kBool, {1, 1}));
  EXPECT_TRUE(matches(ember::zero_(make1d({1, 2})), {2}, kFloat32, {0, 0}));
  EXPECT_THROW_MSG(ember::empty({2, -1}), ValueError, "[empty] negative dimension -1 in size [2, -1]");
}

TEST(Factory, FullInfersItsDtypeFromTheValue) {
  // PyTorch 1.13: full((2,), 3) -> int64; full((2,), 2.5) -> float32; full((2,), True) -> bool.
  EXPECT_TRUE(matches(ember::full({2}, 3), {2}, kInt64, {3, 3}));
  EXPECT_TRUE(matches(ember::full({2}, 2.5), {2}, kFloat32, {2.5, 2.5}));
  EXPECT_TRUE(matches(ember::full({2}, true), {2}, kBool, {1, 1}));
  EXPECT_TRUE(matches(ember::full({}, -4), {}, kInt64, {-4}));
  ScalarType saved = default_dtype();
  set_default_dtype(kFloat64);
  EXPECT_EQ(ember::full({1}, 0.5).scalar_type(), kFloat64);
  EXPECT_EQ(ember::zeros({1}).scalar_type(), kFloat64);
  set_default_dtype(saved);
  // full_like keeps the tensor's dtype: full_like(int tensor, 2.7) -> 2.
  EXPECT_TRUE(matches(ember::full_like(make1d({0, 0}, kInt64), 2.7), {2}, kInt64, {2, 2}));
}

TEST(Factory, Arange) {
  // PyTorch 1.13: arange(5) int64; arange(5.) float32; arange(10, 0, -3) -> [10, 7, 4, 1];
  // arange(-1.5, 1, 0.5) -> [-1.5, -1, -0.5, 0, 0.5]; arange(0, 1, 0.1) has 10 elements.
  EXPECT_TRUE(matches(ember::arange(5), {5}, kInt64, {0, 1, 2, 3, 4}));
  EXPECT_TRUE(matches(ember::arange(5.0), {5}, kFloat32, {0, 1, 2, 3, 4}));
  EXPECT_TRUE(matches(ember::arange(10, 0, -3), {4}, kInt64, {10, 7, 4, 1}));
  EXPECT_TRUE(matches(ember::arange(-1.5, 1, 0.5), {5}, kFloat32, {-1.5, -1, -0.5, 0, 0.5}));
  Tensor tenth = ember::arange(0, 1, 0.1);
  EXPECT_EQ(tenth.numel(), 10);
  EXPECT_TRUE(all_close(tenth, iota(10, 0, 0.1), Tol{1e-6, 1e-6}));
  EXPECT_TRUE(matches(ember::arange(1, 4, kFloat64), {3}, kFloat64, {1, 2, 3}));
  EXPECT_TRUE(matches(ember::arange(0, 10, 3, kFloat32), {4}, kFloat32, {0, 3, 6, 9}));
  EXPECT_TRUE(matches(ember::arange(0.5, 3), {3}, kFloat32, {0.5, 1.5, 2.5}));
  EXPECT_TRUE(matches(ember::arange(1, 2.5, 0.5), {3}, kFloat32, {1, 1.5, 2}));
  EXPECT_TRUE(matches(ember::arange(-3, 0), {3}, kInt64, {-3, -2, -1}));
  EXPECT_TRUE(matches(ember::arange(0), {0}, kInt64, {}));
  EXPECT_TRUE(matches(ember::arange(5, 5), {0}, kInt64, {}));
  EXPECT_TRUE(matches(ember::arange(0, 5, 2, kInt8), {3}, kInt8, {0, 2, 4}));
  Tensor out = ember::empty({0}, kInt32);
  EXPECT_TRUE(ember::arange_out(out, 2, 8, 2).is_same(out));
  EXPECT_TRUE(matches(out, {3}, kInt32, {2, 4, 6}));
  ember::arange_outf(1.0, 0.0, -0.25, out = ember::empty({0}, kFloat64));
  EXPECT_TRUE(matches(out, {4}, kFloat64, {1, 0.75, 0.5, 0.25}));
  // PyTorch 1.13: "step must be nonzero"; "upper bound and larger bound inconsistent with step sign"
  EXPECT_THROW_MSG(ember::arange(0, 5, 0), ValueError, "step must be nonzero");
  EXPECT_THROW_MSG(ember::arange(0, 5, -1), ValueError, "upper bound and larger bound inconsistent with step sign");
  EXPECT_THROW_MSG(ember::arange(0, INFINITY, 1), ValueError, "unsupported range");
}

TEST(Factory, Linspace) {
  // PyTorch 1.13: linspace(-1, 1, 5) -> [-1, -0.5, 0, 0.5, 1]; linspace(0, 1, 0) -> [];
  // linspace(3, 7, 1) -> [3.]; linspace(10, 0, 3) -> [10, 5, 0]; linspace(0, 10, 5, int64) -> [0, 2, 5, 7, 10]
  EXPECT_TRUE(matches(ember::linspace(-1, 1, 5), {5}, kFloat32, {-1, -0.5, 0, 0.5, 1}));
  EXPECT_TRUE(matches(ember::linspace(0, 1, 0), {0}, kFloat32, {}));
  EXPECT_TRUE(matches(ember::linspace(3, 7, 1), {1}, kFloat32, {3}));
  EXPECT_TRUE(matches(ember::linspace(10, 0, 3), {3}, kFloat32, {10, 5, 0}));
  EXPECT_TRUE(matches(ember::linspace(0, 10, 5, kInt64), {5}, kInt64, {0, 2, 5, 7, 10}));
  std::vector<double> want;
  for (int i = 0; i < 101; ++i) want.push_back(-3 + 7.0 * i / 100);
  EXPECT_TRUE(matches(ember::linspace(-3, 4, 101, kFloat64), {101}, kFloat64, want, Tol{1e-12, 1e-12}));
  Tensor out = ember::empty({0});
  EXPECT_TRUE(ember::linspace_out(out, 0, 1, 3).is_same(out));
  EXPECT_TRUE(matches(out, {3}, kFloat32, {0, 0.5, 1}));
  ember::linspace_outf(2, 2, 2, out);
  EXPECT_TRUE(matches(out, {2}, kFloat32, {2, 2}));
  // "number of steps must be non-negative"
  EXPECT_THROW_MSG(ember::linspace(0, 1, -1), ValueError, "number of steps must be non-negative");
}

TEST(Factory, Eye) {
  EXPECT_TRUE(matches(ember::eye(3), {3, 3}, kFloat32, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  // torch.eye(2, 3) -> [[1, 0, 0], [0, 1, 0]]
  EXPECT_TRUE(matches(ember::eye(2, 3), {2, 3}, kFloat32, {1, 0, 0, 0, 1, 0}));
  EXPECT_TRUE(matches(ember::eye(3, 2, kInt64), {3, 2}, kInt64, {1, 0, 0, 1, 0, 0}));
  EXPECT_TRUE(matches(ember::eye(2, kBool), {2, 2}, kBool, {1, 0, 0, 1}));
  EXPECT_TRUE(matches(ember::eye(0), {0, 0}, kFloat32, {}));
  Tensor out = ember::full({5}, 9.0);
  EXPECT_TRUE(ember::eye_out(out, 2, 2).is_same(out));
  EXPECT_TRUE(matches(out, {2, 2}, kFloat32, {1, 0, 0, 1}));
  ember::eye_outf(1, 3, out);
  EXPECT_TRUE(matches(out, {1, 3}, kFloat32, {1, 0, 0}));
  // "n must be greater or equal to 0, got -1"
  EXPECT_THROW_MSG(ember::eye(-1), ValueError, "must be greater or equal to 0");
}

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
double var_of(const std::vector<double>& v) {
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}

TEST(Random, SeededDeterminismWithManualSeedAndGenerators) {
  manual_seed(1234);
  std::vector<double> a = values(ember::rand({100})), an = values(ember::randn({100})), ai = values(ember::randint(10, {100}));
  manual_seed(1234);
  EXPECT_TRUE(all_equal(ember::rand({100}), a));
  EXPECT_TRUE(all_equal(ember::randn({100}), an));
  EXPECT_TRUE(all_equal(ember::randint(10, {100}), ai));
  // Later draws differ from the first ones; another seed gives other values.
  EXPECT_NE(values(ember::rand({100})), a);
  manual_seed(4321);
  EXPECT_NE(values(ember::rand({100})), a);
  // An explicit generator: the same seed gives the same values, independent of the default one.
  Generator g1(99), g2(99);
  std::vector<double> r1 = values(ember::rand({50}, g1)), r2 = values(ember::rand({50}, g2));
  EXPECT_EQ(r1, r2);
  EXPECT_TRUE(all_equal(ember::randn({50}, Generator(7)), values(ember::randn({50}, Generator(7)))));
  Generator g3(5);
  std::vector<double> first = values(ember::rand({10}, g3));
  g3.manual_seed(5);
  EXPECT_TRUE(all_equal(ember::rand({10}, g3), first));
  EXPECT_EQ(g3.seed(), 5u);
  // In-place forms with a generator.
  Tensor u1 = ember::empty({20}), u2 = ember::empty({20});
  u1.uniform_(-2, 3, Generator(11));
  u2.uniform_(-2, 3, Generator(11));
  EXPECT_TRUE(all_equal(u1, values(u2)));
}

TEST(Random, RangesMeansAndVariances) {
  manual_seed(42);
  const int64_t n = 20000;
  std::vector<double> u = values(ember::rand({n}));
  EXPECT_GE(*std::min_element(u.begin(), u.end()), 0.0);
  EXPECT_LT(*std::max_element(u.begin(), u.end()), 1.0);
  EXPECT_NEAR(mean_of(u), 0.5, 0.01);
  EXPECT_NEAR(var_of(u), 1.0 / 12, 0.005);
  std::vector<double> z = values(ember::randn({n}, kFloat64));
  EXPECT_NEAR(mean_of(z), 0, 0.03);
  EXPECT_NEAR(var_of(z), 1, 0.05);
  std::vector<double> r = values(ember::randint(3, 7, {n}));
  EXPECT_EQ(*std::min_element(r.begin(), r.end()), 3);
  EXPECT_EQ(*std::max_element(r.begin(), r.end()), 6);
  EXPECT_NEAR(mean_of(r), 4.5, 0.05);
  EXPECT_EQ(ember::randint(5, {3}).scalar_type(), kInt64);
  EXPECT_EQ(ember::randint(5, {3}, kInt16).scalar_type(), kInt16);
  // uniform_(from, to), normal_(mean, std), random_(from, to), bernoulli_(p).
  std::vector<double> uf = values(ember::empty({n}, kFloat64).uniform_(-3, 5));
  EXPECT_GE(*std::min_element(uf.begin(), uf.end()), -3.0);
  EXPECT_LT(*std::max_element(uf.begin(), uf.end()), 5.0);
  EXPECT_NEAR(mean_of(uf), 1, 0.1);
  std::vector<double> nf = values(ember::normal_(ember::empty({n}, kFloat64), 10, 0.5));
  EXPECT_NEAR(mean_of(nf), 10, 0.02);
  EXPECT_NEAR(std::sqrt(var_of(nf)), 0.5, 0.02);
  std::vector<double> ri = values(ember::empty({n}, kInt32).random_(-5, -2));  // torch: values in [-5, -2)
  EXPECT_EQ(*std::min_element(ri.begin(), ri.end()), -5);
  EXPECT_EQ(*std::max_element(ri.begin(), ri.end()), -3);
  std::vector<double> bern = values(ember::empty({n}).bernoulli_(0.3));
  for (double b : bern) ASSERT_TRUE(b == 0 || b == 1);
  EXPECT_NEAR(mean_of(bern), 0.3, 0.02);
  EXPECT_TRUE(all_equal(ember::empty({10}).bernoulli_(0), std::vector<double>(10, 0)));
  EXPECT_TRUE(all_equal(ember::empty({10}).bernoulli_(1), std::vector<double>(10, 1)));
  // *_like: shape and dtype of the argument.
  Tensor like = ember::empty({3, 4}, kFloat64);
  EXPECT_EQ(sizes_of(ember::rand_like(like)), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(ember::randn_like(like).scalar_type(), kFloat64);
  std::vector<double> rl = values(ember::rand_like(like));
  for (double v : rl) EXPECT_TRUE(v >= 0 && v < 1);
  // A non-contiguous tensor is filled in full.
  Tensor base = ember::full({4, 4}, -1.0);
  base.t().uniform_(0, 1);
  for (double v : values(base)) EXPECT_TRUE(v >= 0 && v < 1);
  // Float16 rand stays in range.
  for (double v : values(ember::rand({1000}, kFloat16))) ASSERT_TRUE(v >= 0 && v <= 1);
}

TEST(Random, Errors) {
  // "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"
  EXPECT_THROW_MSG(ember::randint(5, 5, {2}), ValueError, "expects 'from' to be less than 'to', but got from=5 >= to=5");
  EXPECT_THROW_MSG(ember::empty({2}).random_(5, 3), ValueError, "from=5 >= to=3");
  EXPECT_THROW_MSG(ember::rand({2}, kInt64), TypeError, "expected a floating tensor");
  EXPECT_THROW_MSG(ember::empty({2}).uniform_(0, INFINITY), ValueError, "parameters must be finite");
  EXPECT_THROW_MSG(ember::empty({2}).bernoulli_(1.5), ValueError, "Expected p_in >= 0 && p_in <= 1");
}

TEST(Dropout, TrainAndEval) {
  Tensor x = make(pseudo_random(10000, 1, 2, 80), {100, 100});
  std::vector<double> xv = values(x);
  EXPECT_TRUE(ember::dropout(x, 0.5, false).is_same(x));  // eval: the input itself
  EXPECT_TRUE(all_close(ember::dropout(x, 0.0, true), xv));
  EXPECT_TRUE(all_close(ember::dropout(x, 1.0, true), std::vector<double>(10000, 0)));
  manual_seed(3);
  std::vector<double> d = values(ember::dropout(x, 0.25, true));
  int64_t zeros = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] == 0) {
      ++zeros;
    } else {
      ASSERT_NEAR(d[i], xv[i] / 0.75, 1e-5);  // kept values are scaled by 1 / (1 - p)
    }
  }
  EXPECT_NEAR(static_cast<double>(zeros) / 10000, 0.25, 0.02);
  manual_seed(3);
  EXPECT_TRUE(all_equal(ember::dropout(x, 0.25, true), d));  // seeded
  // "dropout probability has to be between 0 and 1, but got 1.5"
  EXPECT_THROW_MSG(ember::dropout(x, 1.5, true), ValueError, "dropout probability has to be between 0 and 1, but got 1.5");
}

}  // namespace
}  // namespace ember_test
