// The autograd engine and its user-facing behaviour: accumulation into leaves, retain_graph and
// freed graphs, version checks of saved tensors, no-grad and inference modes, detach, hooks,
// retain_grad, autograd::grad (create_graph, allow_unused), in-place rules, out= and integer
// results, and the error messages PyTorch users know.
#include <string>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor leaf(const std::vector<double>& v, IntArrayRef sizes = {}) {
  Tensor t = sizes.empty() ? make1d(v, kFloat64) : make(v, sizes, kFloat64);
  return t.requires_grad_();
}

// Runs fn, which must throw E whose message starts with (or, if !at_start, contains) text.
template <typename E, typename F>
::testing::AssertionResult throws_with(F&& fn, const std::string& text, bool at_start = false) {
  try {
    fn();
  } catch (const E& e) {
    std::string what = e.what();
    size_t at = what.find(text);
    if (at != std::string::npos && (!at_start || at == 0)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message was: " << what;
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw another type: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

TEST(AutogradEngine, GradientsAccumulateIntoLeavesAcrossBackwardCalls) {
  Tensor x = leaf({1, 2, 3});
  (x * 2.0).sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {2, 2, 2}));
  (x * x).sum().backward();  // a new graph: adds 2x
  EXPECT_TRUE(all_close(x.grad(), {4, 6, 8}));
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(x.grad().requires_grad());
}

TEST(AutogradEngine, RetainGraphAllowsASecondBackward) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = (x * x).sum();
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  EXPECT_TRUE(all_close(x.grad(), {4, 8, 12}));
  EXPECT_TRUE(throws_with<RuntimeError>([&] { y.backward(); }, "Trying to backward through the graph a second time",
                                        /*at_start=*/true));
}

TEST(AutogradEngine, SecondBackwardThroughAFreedGraphFails) {
  Tensor x = leaf({1, 2});
  Tensor y = (x.exp() * x).sum();
  y.backward();
  EXPECT_TRUE(throws_with<RuntimeError>(
      [&] { y.backward(); },
      "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
      "been freed)",
      true));
}

TEST(AutogradEngine, InplaceChangeOfASavedTensorIsDetected) {
  Tensor x = leaf({1, 2, 3});
  Tensor a = x * 1.0;  // non-leaf
  Tensor b = a * a;    // saves a
  a.add_(1.0);
  EXPECT_TRUE(throws_with<RuntimeError>(
      [&] { b.sum().backward(); },
      "one of the variables needed for gradient computation has been modified by an inplace operation", true));
}

TEST(AutogradEngine, InplaceChangeOfASavedOutputNamesTheNode) {
  Tensor x = leaf({0.5, 1.0});
  Tensor y = x.exp();  // ExpBackward0 saves its result
  Tensor z = y * 2.0;
  y.mul_(3.0);
  EXPECT_TRUE(throws_with<RuntimeError>([&] { y.sum().backward(); }, "which is output 0 of ExpBackward0"));
  (void)z;
}

TEST(AutogradEngine, NoGradRecordsNothing) {
  Tensor x = leaf({1, 2});
  Tensor y;
  {
    NoGradGuard no_grad;
    EXPECT_FALSE(GradMode::is_enabled());
    y = x * 2.0 + 1.0;
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_TRUE(y.is_leaf());
  // In-place on a leaf that requires grad is allowed under no_grad (optimizers do this).
  {
    NoGradGuard no_grad;
    x.sub_(make1d({1, 1}, kFloat64));
  }
  EXPECT_TRUE(all_close(x, {0, 1}));
  EXPECT_TRUE(x.requires_grad());
}

TEST(AutogradEngine, InferenceModeRecordsNothing) {
  Tensor x = leaf({1, 2});
  Tensor y;
  {
    InferenceMode guard;
    EXPECT_TRUE(InferenceMode::is_enabled());
    EXPECT_FALSE(GradMode::is_enabled());
    y = (x * x).sum();
  }
  EXPECT_FALSE(InferenceMode::is_enabled());
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_TRUE(all_close(y, {5}));
}

TEST(AutogradEngine, DetachSharesDataButNotHistory) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 2.0;
  Tensor d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.grad_fn(), nullptr);
  EXPECT_EQ(d.data_ptr(), y.data_ptr());
  Tensor z = (d * x).sum();  // d is a constant here
  z.backward();
  EXPECT_TRUE(all_close(x.grad(), {2, 4, 6}));
  // Modifying the detached tensor bumps the shared version counter.
  Tensor w = x * y;  // saves y
  d.add_(1.0);
  EXPECT_TRUE(throws_with<RuntimeError>([&] { w.sum().backward(); }, "modified by an inplace operation"));
}

TEST(AutogradEngine, DetachInPlaceMakesALeaf) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2.0;
  y.detach_();
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_TRUE(all_close(y, {2, 4}));
}

TEST(AutogradEngine, TensorHooksCanReplaceTheGradient) {
  Tensor x = leaf({1, 2});
  x.register_hook([](const Tensor& g) { return g * 10.0; });
  Tensor y = x * 3.0;
  std::vector<double> seen;
  y.register_hook([&](const Tensor& g) {
    seen = values(g);
    return g + 1.0;  // non-leaf hook: changes what flows on
  });
  y.sum().backward();
  EXPECT_EQ(seen, (std::vector<double>{1, 1}));
  EXPECT_TRUE(all_close(x.grad(), {60, 60}));  // (1 + 1) * 3 * 10
}

TEST(AutogradEngine, PostAccumulateGradHooksSeeTheAccumulatedGrad) {
  Tensor x = leaf({1, 2});
  int calls = 0;
  std::vector<double> seen;
  x.register_post_accumulate_grad_hook([&](const Tensor& t) {
    ++calls;
    seen = values(t.grad());
  });
  (x * 2.0).sum().backward();
  (x * 3.0).sum().backward();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(seen, (std::vector<double>{5, 5}));
  Tensor y = x * 2.0;
  EXPECT_TRUE(throws_with<RuntimeError>([&] { y.register_post_accumulate_grad_hook([](const Tensor&) {}); },
                                        "post accumulate grad hooks cannot be registered on non-leaf tensors"));
}

TEST(AutogradEngine, RetainGradKeepsANonLeafGradient) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 2.0;
  y.retain_grad();
  EXPECT_TRUE(y.retains_grad());
  (y * y).sum().backward();
  EXPECT_TRUE(all_close(y.grad(), {4, 8, 12}));
  EXPECT_TRUE(all_close(x.grad(), {8, 16, 24}));
  Tensor z = x * 1.0;
  EXPECT_FALSE(z.grad().defined());  // not retained
}

TEST(AutogradEngine, GradWithCreateGraphGivesSecondDerivatives) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x.pow(3).sum();
  std::vector<Tensor> g = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  EXPECT_TRUE(all_close(g[0], {3, 12, 27}));
  EXPECT_TRUE(g[0].requires_grad());
  std::vector<Tensor> gg = autograd::grad({g[0].sum()}, {x});
  EXPECT_TRUE(all_close(gg[0], {6, 12, 18}));  // d2/dx2 x^3 = 6x
  EXPECT_FALSE(x.grad().defined());            // autograd::grad does not accumulate
}

TEST(AutogradEngine, GradAllowUnused) {
  Tensor x = leaf({1, 2});
  Tensor z = leaf({5, 6});
  Tensor y = (x * x).sum();
  EXPECT_TRUE(throws_with<RuntimeError>([&] { autograd::grad({y}, {x, z}, {}, true); },
                                        "One of the differentiated Tensors appears to not have been used in the graph"));
  std::vector<Tensor> g = autograd::grad({y}, {x, z}, {}, true, false, /*allow_unused=*/true);
  EXPECT_TRUE(all_close(g[0], {2, 4}));
  EXPECT_FALSE(g[1].defined());
}

TEST(AutogradEngine, InplaceOnALeafThatRequiresGradFails) {
  Tensor x = leaf({1, 2});
  EXPECT_TRUE(throws_with<RuntimeError>([&] { x.add_(1.0); },
                                        "a leaf Variable that requires grad is being used in an in-place operation."));
  EXPECT_TRUE(throws_with<RuntimeError>([&] { x.mul_(x); }, "a leaf Variable that requires grad"));
  EXPECT_TRUE(all_close(x, {1, 2}));  // unchanged
}

TEST(AutogradEngine, InplaceOnANonLeafIsRecorded) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 1.0;
  y.mul_(x);  // y = x * x, in place
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");
  y.exp_();
  EXPECT_EQ(y.grad_fn()->name(), "ExpBackward0");
  y.sum().backward();
  // d/dx exp(x^2) = 2x exp(x^2)
  EXPECT_TRUE(all_close(x.grad(), {2 * 1 * std::exp(1.0), 2 * 2 * std::exp(4.0), 2 * 3 * std::exp(9.0)}, {1e-12, 1e-9}));
}

TEST(AutogradEngine, BackwardOnANonScalarNeedsAGradient) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2.0;
  EXPECT_TRUE(throws_with<RuntimeError>([&] { y.backward(); }, "grad can be implicitly created only for scalar outputs",
                                        true));
  y.backward(make1d({1, -1}, kFloat64));
  EXPECT_TRUE(all_close(x.grad(), {2, -2}));
}

TEST(AutogradEngine, BackwardOnATensorWithoutGradFails) {
  Tensor x = make1d({1, 2}, kFloat64);
  EXPECT_TRUE(throws_with<RuntimeError>([&] { x.sum().backward(); },
                                        "element 0 of tensors does not require grad and does not have a grad_fn"));
}

TEST(AutogradEngine, OutFormsRefuseInputsThatRequireGrad) {
  Tensor x = leaf({1, 2});
  Tensor out = make1d({0, 0}, kFloat64);
  EXPECT_TRUE(throws_with<RuntimeError>(
      [&] { ember::add_out(out, x, x); },
      "add(): functions with out=... arguments don't support automatic differentiation, but one of the arguments "
      "requires grad.",
      true));
  {
    NoGradGuard no_grad;
    ember::add_out(out, x, x);
  }
  EXPECT_TRUE(all_close(out, {2, 4}));
}

TEST(AutogradEngine, IntegerAndBoolResultsDoNotRequireGrad) {
  Tensor x = leaf({1, 5, 3});
  Tensor idx = x.argmax();
  EXPECT_FALSE(idx.requires_grad());
  Tensor mask = x > 2.0;
  EXPECT_FALSE(mask.requires_grad());
  EXPECT_EQ(mask.grad_fn(), nullptr);
  auto [values_, indices] = x.max(0, false);
  EXPECT_TRUE(values_.requires_grad());
  EXPECT_FALSE(indices.requires_grad());
  EXPECT_FALSE(ember::zeros_like(x).requires_grad());
  EXPECT_FALSE(ember::rand_like(x).requires_grad());
}

TEST(AutogradEngine, BroadcastGradientsAreSummedToTheInputShape) {
  Tensor a = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = leaf({10, 20, 30});
  Tensor c = leaf({2});
  (a * b + c).sum().backward();
  EXPECT_TRUE(all_close(a.grad(), {10, 20, 30, 10, 20, 30}));
  EXPECT_TRUE(all_close(b.grad(), {5, 7, 9}));
  EXPECT_TRUE(all_close(c.grad(), {6}));
}

TEST(AutogradEngine, MixedDtypesGetGradientsInTheirOwnDtype) {
  Tensor a = make1d({1, 2}, kFloat32).requires_grad_();
  Tensor b = make1d({3, 4}, kFloat64).requires_grad_();
  (a * b).sum().backward();
  EXPECT_EQ(a.grad().scalar_type(), kFloat32);
  EXPECT_EQ(b.grad().scalar_type(), kFloat64);
  EXPECT_TRUE(all_close(a.grad(), {3, 4}));
}

TEST(AutogradEngine, GradFnNamesFollowPyTorch) {
  Tensor a = leaf({1, 2, 3, 4}, {2, 2});
  Tensor b = leaf({5, 6, 7, 8}, {2, 2});
  EXPECT_EQ((a + b).grad_fn()->name(), "AddBackward0");
  EXPECT_EQ((a + 2.0).grad_fn()->name(), "AddBackward0");
  EXPECT_EQ((a - b).grad_fn()->name(), "SubBackward0");
  EXPECT_EQ((a * b).grad_fn()->name(), "MulBackward0");
  EXPECT_EQ((a / b).grad_fn()->name(), "DivBackward0");
  EXPECT_EQ(a.pow(2).grad_fn()->name(), "PowBackward0");
  EXPECT_EQ(a.pow(b).grad_fn()->name(), "PowBackward1");
  EXPECT_EQ(a.sum().grad_fn()->name(), "SumBackward0");
  EXPECT_EQ(a.sum(0).grad_fn()->name(), "SumBackward1");
  EXPECT_EQ(a.mean().grad_fn()->name(), "MeanBackward0");
  EXPECT_EQ(a.mean({0}).grad_fn()->name(), "MeanBackward1");
  EXPECT_EQ(a.clamp(0, 1).grad_fn()->name(), "ClampBackward1");
  EXPECT_EQ(a.mm(b).grad_fn()->name(), "MmBackward0");
  EXPECT_EQ(ember::matmul(a, b).grad_fn()->name(), "MmBackward0");
  EXPECT_EQ(a.view({4}).grad_fn()->name(), "ViewBackward0");
  EXPECT_EQ(a.transpose(0, 1).grad_fn()->name(), "TransposeBackward0");
  EXPECT_EQ(a[0].grad_fn()->name(), "SelectBackward0");
  EXPECT_EQ(a.clone().grad_fn()->name(), "CloneBackward0");
  EXPECT_EQ(a.to(kFloat32).grad_fn()->name(), "ToCopyBackward0");
  EXPECT_EQ(a.exp().grad_fn()->name(), "ExpBackward0");
  EXPECT_EQ(std::get<0>(a.max(1)).grad_fn()->name(), "MaxBackward0");
  EXPECT_EQ(ember::cat({a, b}).grad_fn()->name(), "CatBackward0");
  EXPECT_EQ(a.squeeze().grad_fn()->name(), "SqueezeBackward0");
  EXPECT_EQ(a.unsqueeze(0).squeeze(0).grad_fn()->name(), "SqueezeBackward1");
}

TEST(AutogradEngine, PrintingShowsGradFnAndRequiresGradLikePyTorch) {
  Tensor a = leaf({1, 2});
  EXPECT_EQ(a.toString(), "tensor([1., 2.], dtype=torch.float64, requires_grad=True)");
  Tensor f = make1d({1, 2}, kFloat32).requires_grad_();
  EXPECT_EQ(f.toString(), "tensor([1., 2.], requires_grad=True)");
  EXPECT_EQ((f * f).toString(), "tensor([1., 4.], grad_fn=<MulBackward0>)");
  EXPECT_EQ((f + f).sum().toString(), "tensor(6., grad_fn=<SumBackward0>)");
  EXPECT_EQ(f.detach().toString(), "tensor([1., 2.])");
  // Printing records nothing.
  Tensor y = f * 2.0;
  auto fn = y.grad_fn();
  (void)y.toString();
  EXPECT_EQ(y.grad_fn(), fn);
}

TEST(AutogradEngine, ViewsDifferentiateAndTheirInplaceChangesReachTheBase) {
  Tensor x = leaf({1, 2, 3, 4});
  Tensor y = x * 1.0;
  Tensor v = y.view({2, 2});
  (v[1] * 3.0).sum().backward(Tensor(), /*retain_graph=*/true);
  EXPECT_TRUE(all_close(x.grad(), {0, 0, 3, 3}));
  // y = x with its second half doubled (in place, through the view): dy/dx = (1, 1, 2, 2).
  x.mutable_grad() = Tensor();
  v[1].mul_(2.0);
  EXPECT_EQ(y.grad_fn()->name(), "CopySlices");
  y.sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {1, 1, 2, 2}));
}

TEST(AutogradEngine, SeveralRootsAndGradOutputs) {
  Tensor x = leaf({1, 2});
  Tensor a = x * 2.0, b = x * x;
  autograd::backward({a, b}, {make1d({1, 1}, kFloat64), make1d({1, 0}, kFloat64)});
  EXPECT_TRUE(all_close(x.grad(), {4, 2}));
}

}  // namespace
}  // namespace ember_test
