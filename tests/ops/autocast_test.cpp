// Autocast on cpu (bfloat16) against PyTorch 1.13's torch.autocast("cpu") outputs and against
// the same ops run by hand on casted inputs; the op lists, nesting, autograd through the casts
// and the error paths.
#include "ops/autocast.h"

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor a23() { return make({0.1, 0.2, 0.3, 1.7, -2.3, 0.05}, {2, 3}); }
Tensor b32() { return make({1.1, -0.7, 0.33, 2.9, -1.25, 0.6}, {3, 2}); }

TEST(Autocast, MmRunsInBFloat16OnCpuAsPyTorch) {
  AutocastGuard autocast("cpu");
  EXPECT_TRUE(is_autocast_enabled("cpu"));
  EXPECT_EQ(autocast_dtype("cpu"), kBFloat16);
  Tensor y = mm(a23(), b32());
  EXPECT_EQ(y.scalar_type(), kBFloat16);
  // torch.mm(a, b) under torch.autocast("cpu", dtype=torch.bfloat16), PyTorch 1.13.
  EXPECT_TRUE(all_equal(y, {-0.19921875, 0.69140625, 1.0546875, -7.84375}));
}

TEST(Autocast, LowerPrecisionOpsEqualTheOpOnCastedInputs) {
  Tensor a = a23(), b = b32();
  Tensor want_mm = mm(a.to(kBFloat16), b.to(kBFloat16));
  Tensor want_linear = linear(a.to(kBFloat16), b.t().to(kBFloat16));
  Tensor want_matmul = matmul(a.to(kBFloat16), b.to(kBFloat16));
  AutocastGuard autocast("cpu");
  EXPECT_TRUE(all_equal(mm(a, b), values(want_mm)));
  Tensor l = linear(a, b.t());
  EXPECT_EQ(l.scalar_type(), kBFloat16);
  EXPECT_TRUE(all_equal(l, values(want_linear)));
  EXPECT_TRUE(all_equal(matmul(a, b), values(want_matmul)));
}

TEST(Autocast, Float32ListCastsUpAndUnlistedOpsKeepTheirDtype) {
  AutocastGuard autocast("cpu");
  Tensor a = a23().to(kBFloat16);
  Tensor l = mse_loss(a, mul(a, 2));
  EXPECT_EQ(l.scalar_type(), kFloat32);
  EXPECT_FLOAT_EQ(static_cast<float>(values(l)[0]), 1.3865569829940796f);  // PyTorch 1.13
  EXPECT_EQ(exp(a).scalar_type(), kBFloat16);         // exp is on cuda's float32 list, not cpu's
  EXPECT_EQ(exp(a23()).scalar_type(), kFloat32);
  EXPECT_EQ(sum(a).scalar_type(), kBFloat16);         // as torch 1.13 on cpu
  EXPECT_EQ(cat({a, a23()}).scalar_type(), kFloat32);  // promote
}

TEST(Autocast, Float64AndIntegerInputsAreNotCast) {
  Tensor a = a23().to(kFloat64), b = b32().to(kFloat64);
  Tensor want = mm(a, b);
  AutocastGuard autocast("cpu");
  Tensor y = mm(a, b);
  EXPECT_EQ(y.scalar_type(), kFloat64);
  EXPECT_TRUE(all_equal(y, values(want)));
  Tensor i = make({1, 2, 3, 4}, {2, 2}, kInt64);
  EXPECT_EQ(mm(i, i).scalar_type(), kInt64);
}

TEST(Autocast, OutAndInPlaceOverloadsKeepTheirDtypes) {
  AutocastGuard autocast("cpu");
  Tensor out = empty({2, 2});
  mm_out(out, a23(), b32());
  EXPECT_EQ(out.scalar_type(), kFloat32);
  EXPECT_TRUE(all_close(out, values(mm(a23().to(kFloat64), b32().to(kFloat64))), {1e-6, 1e-6}));
}

TEST(Autocast, GuardsNestAndRestore) {
  EXPECT_FALSE(is_autocast_enabled("cpu"));
  {
    AutocastGuard on("cpu");
    {
      AutocastGuard off("cpu", std::nullopt, /*enabled=*/false);
      EXPECT_FALSE(is_autocast_enabled("cpu"));
      EXPECT_EQ(mm(a23(), b32()).scalar_type(), kFloat32);
      {
        AutocastGuard half("cpu", kFloat16);
        EXPECT_EQ(autocast_dtype("cpu"), kFloat16);
        EXPECT_EQ(mm(a23(), b32()).scalar_type(), kFloat16);
      }
      EXPECT_EQ(autocast_dtype("cpu"), kBFloat16);
    }
    EXPECT_TRUE(is_autocast_enabled("cpu"));
    EXPECT_EQ(mm(a23(), b32()).scalar_type(), kBFloat16);
  }
  EXPECT_FALSE(is_autocast_enabled("cpu"));
  EXPECT_FALSE(tls_local_dispatch_key_set().included.has(kAutocastFunctionality));
  EXPECT_EQ(mm(a23(), b32()).scalar_type(), kFloat32);
}

TEST(Autocast, GradientsFlowBackToFloat32LeavesAsPyTorch) {
  Tensor a = a23().requires_grad_();
  Tensor y;
  {
    AutocastGuard autocast("cpu");
    y = mm(a, b32());
  }
  y.to(kFloat32).sum().backward();
  ASSERT_TRUE(a.grad().defined());
  EXPECT_EQ(a.grad().scalar_type(), kFloat32);
  // PyTorch 1.13: a.grad after the same steps.
  EXPECT_TRUE(all_equal(a.grad(), {0.40234375, 3.234375, -0.6484375, 0.40234375, 3.234375, -0.6484375}));
}

TEST(Autocast, PolicyListsFollowPyTorch) {
  EXPECT_EQ(autocast_policy("mm", "cpu"), AutocastPolicy::LowerPrecision);
  EXPECT_EQ(autocast_policy("conv2d", "cpu"), AutocastPolicy::LowerPrecision);
  EXPECT_EQ(autocast_policy("mse_loss", "cpu"), AutocastPolicy::Float32);
  EXPECT_EQ(autocast_policy("exp", "cpu"), AutocastPolicy::None);
  EXPECT_EQ(autocast_policy("exp", "cuda"), AutocastPolicy::Float32);
  EXPECT_EQ(autocast_policy("linear", "cuda"), AutocastPolicy::LowerPrecision);
  EXPECT_EQ(autocast_policy("softmax", "cuda"), AutocastPolicy::Float32SetDtype);
  EXPECT_EQ(autocast_policy("sum", "cuda"), AutocastPolicy::Float32SetDtype);
  EXPECT_EQ(autocast_policy("cat", "cuda"), AutocastPolicy::Promote);
  EXPECT_EQ(autocast_policy("binary_cross_entropy", "cuda"), AutocastPolicy::Banned);
  EXPECT_EQ(autocast_policy("add", "cuda"), AutocastPolicy::None);
}

TEST(Autocast, BadArgumentsAreTypedErrors) {
  EXPECT_THROW(AutocastGuard("no_such_device"), ValueError);
  EXPECT_THROW(AutocastGuard("cpu", kFloat32), ValueError);
  EXPECT_THROW(is_autocast_enabled("no_such_device"), ValueError);
  EXPECT_FALSE(tls_local_dispatch_key_set().included.has(kAutocastFunctionality));
}

}  // namespace
}  // namespace ember_test
