// GradScaler against hand-computed steps of PyTorch's rule: scaled gradients, unscale, skipped
// steps on inf and NaN, backoff and growth of the scale, float32 overflow of growth, a disabled
// scaler, and every out-of-order call PyTorch refuses.
#include "nn/optim/grad_scaler.h"
#include "nn/optim/optim.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

struct Fixture {
  Tensor w = make1d({1, 2}).requires_grad_();
  optim::SGD opt{{w}, optim::SGDOptions(0.1)};
  optim::GradScaler scaler{optim::GradScalerOptions().init_scale(4).growth_interval(2)};

  // loss = sum(w * x), backward of the scaled loss.
  void backward(const std::vector<double>& x) {
    opt.zero_grad();
    scaler.scale(sum(mul(w, make1d(x)))).backward();
  }
};

TEST(GradScaler, ScalesUnscalesStepsAndGrowsAsPyTorch) {
  Fixture f;
  f.backward({3, -4});
  EXPECT_TRUE(all_equal(f.w.grad(), {12, -16}));  // d(4 * sum(w * x))/dw
  f.scaler.unscale_(f.opt);
  EXPECT_TRUE(all_equal(f.w.grad(), {3, -4}));
  EXPECT_TRUE(f.scaler.step(f.opt));
  EXPECT_TRUE(all_close(f.w, {0.7, 2.4}, {1e-6, 1e-6}));
  f.scaler.update();
  EXPECT_EQ(f.scaler.get_scale(), 4);
  EXPECT_EQ(f.scaler.growth_tracker(), 1);

  f.backward({3, -4});
  EXPECT_TRUE(f.scaler.step(f.opt));  // unscales by itself
  EXPECT_TRUE(all_close(f.w, {0.4, 2.8}, {1e-6, 1e-6}));
  f.scaler.update();  // second good step in a row = growth_interval: scale * 2
  EXPECT_EQ(f.scaler.get_scale(), 8);
  EXPECT_EQ(f.scaler.growth_tracker(), 0);
}

TEST(GradScaler, SkipsTheStepAndBacksOffOnInfOrNaN) {
  for (double bad : {INFINITY, -INFINITY, NAN}) {
    SCOPED_TRACE(bad);
    Fixture f;
    f.backward({3, -4});
    f.scaler.step(f.opt);
    f.scaler.update();
    EXPECT_EQ(f.scaler.growth_tracker(), 1);
    f.backward({bad, 1});
    EXPECT_FALSE(f.scaler.step(f.opt));
    EXPECT_TRUE(all_close(f.w, {0.7, 2.4}, {1e-6, 1e-6}));  // unchanged by the skipped step
    f.scaler.update();
    EXPECT_EQ(f.scaler.get_scale(), 2);  // 4 * backoff 0.5
    EXPECT_EQ(f.scaler.growth_tracker(), 0);
  }
}

TEST(GradScaler, GrowthThatOverflowsFloat32KeepsTheScale) {
  Tensor w = make1d({1}).requires_grad_();
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  optim::GradScaler scaler(optim::GradScalerOptions().init_scale(3e38).growth_interval(1));
  scaler.scale(sum(mul(w, 1e-30))).backward();
  EXPECT_TRUE(scaler.step(opt));
  scaler.update();
  EXPECT_EQ(scaler.get_scale(), static_cast<double>(3e38f));
  EXPECT_EQ(scaler.growth_tracker(), 0);
}

TEST(GradScaler, UpdateWithANewScale) {
  Fixture f;
  f.backward({3, -4});
  f.scaler.step(f.opt);
  f.scaler.update(1024);
  EXPECT_EQ(f.scaler.get_scale(), 1024);
  f.backward({1, 1});
  EXPECT_TRUE(all_equal(f.w.grad(), {1024, 1024}));
  EXPECT_THROW(f.scaler.update(-1), ValueError);
}

TEST(GradScaler, DisabledPassesThrough) {
  Tensor w = make1d({1, 2}).requires_grad_();
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  optim::GradScaler scaler(optim::GradScalerOptions().enabled(false));
  Tensor loss = sum(mul(w, make1d({3, -4})));
  EXPECT_TRUE(scaler.scale(loss).is_same(loss));
  loss.backward();
  EXPECT_TRUE(scaler.step(opt));
  scaler.update();
  EXPECT_TRUE(all_close(w, {0.7, 2.4}, {1e-6, 1e-6}));
  EXPECT_EQ(scaler.get_scale(), 1);
}

TEST(GradScaler, OutOfOrderCallsAreErrors) {
  Fixture f;
  EXPECT_THROW(f.scaler.unscale_(f.opt), RuntimeError);  // before any scale()
  EXPECT_THROW(f.scaler.step(f.opt), RuntimeError);
  f.backward({3, -4});
  EXPECT_THROW(f.scaler.update(), RuntimeError);  // no inf check recorded
  f.scaler.unscale_(f.opt);
  EXPECT_THROW(f.scaler.unscale_(f.opt), RuntimeError);  // twice
  f.scaler.step(f.opt);
  EXPECT_THROW(f.scaler.unscale_(f.opt), RuntimeError);  // after step
  EXPECT_THROW(f.scaler.step(f.opt), RuntimeError);      // step twice
  f.scaler.update();
  f.backward({3, -4});
  EXPECT_TRUE(f.scaler.step(f.opt));  // the cycle starts again after update()
}

TEST(GradScaler, Float16GradientsAndBadOptionsAreRefused) {
  Tensor w = make1d({1, 2}, kFloat16).requires_grad_();
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  optim::GradScaler scaler;
  scaler.scale(sum(w)).backward();
  EXPECT_THROW(scaler.unscale_(opt), RuntimeError);
  using O = optim::GradScalerOptions;
  EXPECT_THROW(optim::GradScaler(O().init_scale(0)), ValueError);
  EXPECT_THROW(optim::GradScaler(O().growth_factor(1)), ValueError);
  EXPECT_THROW(optim::GradScaler(O().backoff_factor(1)), ValueError);
  EXPECT_THROW(optim::GradScaler(O().backoff_factor(0)), ValueError);
  EXPECT_THROW(optim::GradScaler(O().growth_interval(0)), ValueError);
}

}  // namespace
}  // namespace ember_test
