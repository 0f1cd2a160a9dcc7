// nn::init: fan computation, gains, and the statistics (bounds, mean, std) of every initializer
// and of the modules' default initialization, on tensors large enough that the sample std is
// within a few percent of the target (100k elements: relative error ~0.3%).
#include <algorithm>
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace init = ember::nn::init;

struct Stats {
  double mean = 0, std = 0, min = 0, max = 0;
};

Stats stats_of(const Tensor& t) {
  std::vector<double> v = values(t);
  Stats s;
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.std += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(s.std / static_cast<double>(v.size() - 1));
  return s;
}

// U(-b, b): everything inside (up to float32 rounding of b), the extremes near b, std b / sqrt(3),
// mean near 0.
void expect_uniform(const Tensor& t, double b) {
  Stats s = stats_of(t);
  EXPECT_GE(s.min, -b * (1 + 1e-6));
  EXPECT_LE(s.max, b * (1 + 1e-6));
  EXPECT_GT(s.max, 0.99 * b);
  EXPECT_LT(s.min, -0.99 * b);
  EXPECT_NEAR(s.std, b / std::sqrt(3.0), 0.02 * b / std::sqrt(3.0));
  EXPECT_NEAR(s.mean, 0.0, 0.02 * b);
}

void expect_normal(const Tensor& t, double std) {
  Stats s = stats_of(t);
  EXPECT_NEAR(s.std, std, 0.02 * std);
  EXPECT_NEAR(s.mean, 0.0, 0.02 * std);
  EXPECT_GT(s.max, 3 * std);  // a normal sample of 100k reaches beyond 3 sigma
}

TEST(Init, FanInAndFanOut) {
  auto [in2, out2] = init::calculate_fan_in_and_fan_out(ember::empty({3, 2}));
  EXPECT_EQ(in2, 2);
  EXPECT_EQ(out2, 3);
  // Conv weight [out 16, in 3, 3, 5]: receptive field 15.
  auto [in4, out4] = init::_calculate_fan_in_and_fan_out(ember::empty({16, 3, 3, 5}));
  EXPECT_EQ(in4, 45);
  EXPECT_EQ(out4, 240);
  EXPECT_THROW_MSG(init::calculate_fan_in_and_fan_out(ember::empty({5})), ember::ValueError,
                   "fewer than 2 dimensions");
  EXPECT_THROW_MSG(init::xavier_uniform_(ember::empty({5})), ember::ValueError, "fewer than 2 dimensions");
}

TEST(Init, GainsAsPyTorch) {
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kConv2D), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kSigmoid), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kTanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kLeakyReLU), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kLeakyReLU, 0.2), std::sqrt(2.0 / 1.04));
  EXPECT_DOUBLE_EQ(init::calculate_gain(ember::kSELU), 0.75);
  // Linear's kaiming_uniform_(a = sqrt(5)): gain sqrt(1/3), so the bound is 1 / sqrt(fan_in).
  EXPECT_NEAR(init::calculate_gain(ember::kLeakyReLU, std::sqrt(5.0)) * std::sqrt(3.0), 1.0, 1e-15);
}

TEST(Init, UniformNormalConstant) {
  Tensor t = ember::empty({200, 500});
  init::uniform_(t, -2, 3);
  Stats s = stats_of(t);
  EXPECT_GE(s.min, -2);
  EXPECT_LE(s.max, 3);
  EXPECT_NEAR(s.mean, 0.5, 0.02);
  EXPECT_NEAR(s.std, 5 / std::sqrt(12.0), 0.02);
  init::normal_(t, 1.5, 0.5);
  s = stats_of(t);
  EXPECT_NEAR(s.mean, 1.5, 0.01);
  EXPECT_NEAR(s.std, 0.5, 0.01);
  init::constant_(t, 0.25);
  EXPECT_EQ(stats_of(t).min, 0.25);
  EXPECT_EQ(stats_of(t).max, 0.25);
  init::ones_(t);
  EXPECT_EQ(stats_of(t).min, 1.0);
  init::zeros_(t);
  EXPECT_EQ(stats_of(t).max, 0.0);
  Tensor e = ember::empty({2, 3});
  init::eye_(e);
  EXPECT_TRUE(all_equal(e, {1, 0, 0, 0, 1, 0}));
}

TEST(Init, XavierBoundsAndStd) {
  Tensor t = ember::empty({200, 300});  // fan_in 300, fan_out 200
  init::xavier_uniform_(t);
  expect_uniform(t, std::sqrt(6.0 / 500));
  init::xavier_uniform_(t, 2.0);
  expect_uniform(t, 2.0 * std::sqrt(6.0 / 500));
  init::xavier_normal_(t);
  expect_normal(t, std::sqrt(2.0 / 500));
  init::xavier_normal_(t, init::calculate_gain(ember::kTanh));
  expect_normal(t, 5.0 / 3.0 * std::sqrt(2.0 / 500));
}

TEST(Init, KaimingBoundsAndStd) {
  Tensor t = ember::empty({250, 400});  // fan_in 400, fan_out 250
  init::kaiming_uniform_(t);  // a = 0, leaky_relu: gain ~sqrt(2), bound sqrt(6 / fan_in)
  expect_uniform(t, std::sqrt(2.0) * std::sqrt(3.0 / 400));
  init::kaiming_uniform_(t, 0, ember::kFanOut, ember::kReLU);
  expect_uniform(t, std::sqrt(6.0 / 250));
  init::kaiming_normal_(t, 0, ember::kFanIn, ember::kReLU);
  expect_normal(t, std::sqrt(2.0 / 400));
  init::kaiming_normal_(t, 0.2, ember::kFanOut);
  expect_normal(t, std::sqrt(2.0 / 1.04) / std::sqrt(250.0));
  Tensor conv = ember::empty({64, 32, 5, 5});  // fan_in 800
  init::kaiming_normal_(conv, 0, ember::kFanIn, ember::kReLU);
  expect_normal(conv, std::sqrt(2.0 / 800));
}

TEST(Init, WorksOnParametersUnderNoGradAndZeroElementTensors) {
  Tensor p = ember::empty({10, 10}).requires_grad_();
  init::kaiming_uniform_(p);
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
  EXPECT_FALSE(p.grad_fn());
  Tensor empty = ember::empty({0, 4});
  EXPECT_NO_THROW(init::kaiming_uniform_(empty));
  EXPECT_NO_THROW(init::xavier_normal_(empty));
}

TEST(Init, ModuleDefaultsAsPyTorch) {
  ember::manual_seed(1);
  nn::Linear fc(400, 300);  // weight and bias U(-1/sqrt(400), 1/sqrt(400)) = U(-0.05, 0.05)
  expect_uniform(fc->weight, 0.05);
  Stats b = stats_of(fc->bias);
  EXPECT_GE(b.min, -0.05 * (1 + 1e-6));
  EXPECT_LE(b.max, 0.05 * (1 + 1e-6));
  EXPECT_GT(b.max - b.min, 0.09);
  nn::Conv2d conv(nn::Conv2dOptions(32, 64, 5));  // fan_in 32 * 25 = 800
  expect_uniform(conv->weight, 1 / std::sqrt(800.0));
  Stats cb = stats_of(conv->bias);
  EXPECT_LE(std::max(-cb.min, cb.max), 1 / std::sqrt(800.0) * (1 + 1e-6));
  nn::Embedding emb(1000, 100);  // N(0, 1)
  expect_normal(emb->weight, 1.0);
  nn::BatchNorm2d bn(3);
  EXPECT_TRUE(all_equal(bn->weight, {1, 1, 1}));
  EXPECT_TRUE(all_equal(bn->bias, {0, 0, 0}));
  // Re-seeding reproduces the same initialization.
  ember::manual_seed(42);
  nn::Linear a(3, 2);
  ember::manual_seed(42);
  nn::Linear c(3, 2);
  EXPECT_EQ(values(a->weight), values(c->weight));
  EXPECT_EQ(values(a->bias), values(c->bias));
  a->reset_parameters();
  EXPECT_NE(values(a->weight), values(c->weight));
}

}  // namespace
}  // namespace ember_test
