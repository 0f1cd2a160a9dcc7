// Differentiable views and in-place ops on them (autograd/view_tracking.h), as PyTorch's: view
// tracking (is_view, _base), CopySlices on the base, regenerated view histories after the base or
// another view changed, the refusals with PyTorch's messages (and nothing written when refused),
// double backward and restricted passes through CopySlices, gradcheck. Expected gradients are
// hand-computed; the cases and messages were checked against PyTorch 1.13.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor leaf(const std::vector<double>& v) { return make1d(v, kFloat64).requires_grad_(true); }

TEST(ViewTracking, ViewOpsRecordTheirRootBase) {
  Tensor y = ember::zeros({2, 3});
  Tensor row = y.select(0, 1);
  Tensor part = row.narrow(0, 1, 2);
  EXPECT_TRUE(row.is_view());
  EXPECT_TRUE(part.is_view());
  EXPECT_TRUE(part._base().is_same(y));  // the root, not the intermediate view
  EXPECT_TRUE(y.t().is_view());
  EXPECT_TRUE(y.view({6})._base().is_same(y));
  EXPECT_TRUE(y.alias()._base().is_same(y));
  EXPECT_TRUE(y.index({1}).is_view());
  // Not views: copies, detach() and data() (fresh autograd identities), the base itself.
  EXPECT_FALSE(y.is_view());
  EXPECT_FALSE(y.clone().is_view());
  EXPECT_FALSE(y.detach().is_view());
  EXPECT_FALSE(y.data().is_view());
  EXPECT_THROW_MSG(y._base(), RuntimeError, "Can't get base of non-view Tensor");
  // InferenceMode does not track views (as PyTorch's).
  InferenceMode guard;
  EXPECT_FALSE(y.view({6}).is_view());
}

TEST(ViewInplace, AssigningThroughAnIndexDifferentiates) {
  // y = x.clone(); y[0] = 0: dy/dx = (0, 1, 1).
  Tensor x = leaf({1, 2, 3});
  Tensor y = x.clone();
  y.index_put_({0}, 0.0);
  EXPECT_EQ(y.grad_fn()->name(), "CopySlices");
  EXPECT_TRUE(all_close(y.detach(), {0, 2, 3}));
  y.sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {0, 1, 1}));
}

TEST(ViewInplace, WritingAGradientCarryingValueIntoAPlainTensorsSlice) {
  // The base needs no history of its own: it gets one through the slice.
  Tensor x = leaf({1, 2, 3});
  Tensor y = ember::zeros({2, 3}, kFloat64);
  y.index_put_({0}, x * 2.0);
  ASSERT_TRUE(y.requires_grad());
  (y * y).sum().backward();  // sum of (2x)^2: 8x
  EXPECT_TRUE(all_close(x.grad(), {8, 16, 24}));
}

TEST(ViewInplace, AnotherViewOfTheBaseSeesTheNewHistory) {
  // a and b overlap in y[1]; b is written with 2x.
  Tensor x = leaf({1, 2});
  Tensor y = ember::zeros({3}, kFloat64);
  Tensor a = y.narrow(0, 0, 2);
  Tensor b = y.narrow(0, 1, 2);
  EXPECT_FALSE(a.requires_grad());
  b.copy_(x * 2.0);
  EXPECT_TRUE(a.requires_grad());
  EXPECT_EQ(a.grad_fn()->name(), "AsStridedBackward0");
  EXPECT_TRUE(all_close(a.detach(), {0, 2}));
  (a * 3.0).sum().backward();  // a[1] = 2 x[0]
  EXPECT_TRUE(all_close(x.grad(), {6, 0}));
}

TEST(ViewInplace, InplaceOpWhoseOtherInputIsAViewOfTheSameBase) {
  // w = z.clone(); w[1:] *= z[1:]: sum(w) = z0 + z1^2 + z2^2.
  Tensor z = leaf({1, 2, 3});
  Tensor w = z.clone();
  Tensor u = w.narrow(0, 1, 2);
  u.mul_(z.narrow(0, 1, 2));
  EXPECT_EQ(u.grad_fn()->name(), "AsStridedBackward0");
  EXPECT_TRUE(all_close(w.detach(), {1, 4, 9}));
  w.sum().backward();
  EXPECT_TRUE(all_close(z.grad(), {1, 4, 6}));
}

TEST(ViewInplace, ChangingTheBaseRegeneratesAViewsHistory) {
  Tensor z = leaf({1, 2, 3});
  Tensor w = z.clone();
  Tensor v = w.narrow(0, 0, 2);
  EXPECT_EQ(v.grad_fn()->name(), "SliceBackward0");
  w.mul_(2.0);
  EXPECT_EQ(v.grad_fn()->name(), "AsStridedBackward0");
  v.sum().backward();
  EXPECT_TRUE(all_close(z.grad(), {2, 2, 0}));
}

TEST(ViewInplace, ChangesWithoutGradModeAreNotRecordedButViewsFollowThem) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x.clone();
  Tensor v = y.narrow(0, 0, 2);
  {
    NoGradGuard no_grad;
    v.mul_(5.0);
  }
  EXPECT_EQ(y.grad_fn()->name(), "CloneBackward0");
  EXPECT_TRUE(all_close(y.detach(), {5, 10, 3}));
  v.sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {1, 1, 0}));
}

TEST(ViewInplace, RetainedGradOfTheBaseIsTheGradientOfItsNewValue) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 1.0;
  y.retain_grad();
  y.narrow(0, 0, 1).mul_(3.0);
  (y * y).sum().backward();  // y = (3, 2): d/dy = 2y
  EXPECT_TRUE(all_close(y.grad(), {6, 4}));
  EXPECT_TRUE(all_close(x.grad(), {18, 4}));
}

TEST(ViewInplace, PrintingShowsTheNewHistories) {
  Tensor x = make1d({1, 2}).requires_grad_(true);
  Tensor y = x * 1.0f;
  Tensor v = y.narrow(0, 0, 1);
  v.mul_(2.0);
  EXPECT_EQ(y.toString(), "tensor([2., 2.], grad_fn=<CopySlices>)");
  EXPECT_EQ(v.toString(), "tensor([2.], grad_fn=<AsStridedBackward0>)");
}

TEST(ViewInplace, DoubleBackwardThroughCopySlices) {
  // y = x.clone(); y[0:2] *= x[0:2]: y = (x0^2, x1^2, x2); dy/dx summed = (2x0, 2x1, 1).
  Tensor x = leaf({1.5, -2, 4});
  Tensor y = x.clone();
  y.narrow(0, 0, 2).mul_(x.narrow(0, 0, 2));
  auto g = autograd::grad({y.sum()}, {x}, {}, true, true);
  EXPECT_TRUE(all_close(g[0].detach(), {3, -4, 1}));
  g[0].sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {2, 2, 0}));
}

TEST(ViewInplace, GradOfEitherInputOfTheInplaceOp) {
  // y = a.clone(); y[0:1] *= b: grad wrt a = (b, 1, 1), wrt b = a0. Each grad() runs only the
  // paths to its input; the in-place op's backward (outside the graph) still computes what the
  // path needs.
  Tensor a = leaf({2, 3, 4});
  Tensor b = leaf({5});
  Tensor y = a.clone();
  y.narrow(0, 0, 1).mul_(b);
  auto ga = autograd::grad({y.sum()}, {a}, {}, true);
  EXPECT_TRUE(all_close(ga[0], {5, 1, 1}));
  auto gb = autograd::grad({y.sum()}, {b}, {}, true);
  EXPECT_TRUE(all_close(gb[0], {2}));
}

TEST(ViewInplace, Gradcheck) {
  auto fn = [](const std::vector<Tensor>& in) {
    Tensor y = in[0].clone();
    y.narrow(0, 1, 2).mul_(in[0].narrow(0, 0, 2));
    y.select(0, 0).add_(in[1].sum());
    Tensor t = y.view({2, 2}).t();  // a transposed (non-contiguous) view of the result
    t.select(0, 1).div_(3.0);
    return std::vector<Tensor>{y};
  };
  std::vector<Tensor> in{leaf({0.5, -1.25, 2, 0.75}), leaf({1.5, -0.5})};
  auto r = autograd::gradcheck(fn, in);
  EXPECT_TRUE(r.ok) << r.message;
  auto rr = autograd::gradgradcheck(fn, in);
  EXPECT_TRUE(rr.ok) << rr.message;
}

TEST(InplaceViewOps, TheirHistoryFollowsTheNewGeometry) {
  // y = 2x, transposed in place: d sum(y * w) / dx = 2 w^T.
  Tensor x = make(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}, kFloat64).requires_grad_(true);
  Tensor y = x * 2.0;
  y.t_();
  EXPECT_EQ(y.grad_fn()->name(), "TBackward0");
  Tensor w = make(std::vector<double>{1, 2, 3, 4, 5, 6}, {3, 2}, kFloat64);
  (y * w).sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {2, 6, 10, 4, 8, 12}));
  // On a view: the view keeps its base, and a later in-place change through it reaches the base
  // with the new geometry. y2 = x with row 0 doubled.
  x.mutable_grad() = Tensor();
  Tensor y2 = x * 1.0;
  Tensor row = y2.narrow(0, 0, 1);
  row.squeeze_(0);
  EXPECT_EQ(row.sizes(), IntArrayRef({3}));
  EXPECT_TRUE(row._base().is_same(y2));
  row.mul_(2.0);
  y2.sum().backward();
  EXPECT_TRUE(all_close(x.grad(), {2, 2, 2, 1, 1, 1}));
}

TEST(InplaceViewOps, TensorsSavedBeforeAreNotUsedWithTheNewShape) {
  Tensor x = make(std::vector<double>{1, 2, 3, 4}, {2, 2}, kFloat64).requires_grad_(true);
  Tensor y = x * 1.0;
  Tensor z = y * y;  // saves y
  y.t_();
  EXPECT_THROW_MSG(z.sum().backward(), RuntimeError, "modified by an inplace operation");
  EXPECT_THROW_MSG(x.t_(), RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation");
  EXPECT_EQ(x.sizes(), IntArrayRef({2, 2}));
}

// In-place activations composed as self.copy_(f(self)) on a tensor that requires grad: f's saved
// input must not be the overwritten self (backward raised "modified by an inplace operation",
// and the saved tensor held self in a reference cycle; found by the tensor_api fuzz target's leak
// check). Gradients of sum(y * (1, 2, 3, 4)) at x = (-2, 0.5, 3, 7) from PyTorch 1.13.
TEST(InplaceActivations, DifferentiateAsPyTorchs) {
  const std::vector<std::pair<const char*, std::function<void(const Tensor&)>>> cases = {
      {"hardtanh_", [](const Tensor& y) { ember::hardtanh_(y, -1, 6); }},
      {"elu_", [](const Tensor& y) { ember::elu_(y); }},
      {"selu_", [](const Tensor& y) { ember::selu_(y); }},
      {"celu_", [](const Tensor& y) { ember::celu_(y); }},
      {"hardswish_", [](const Tensor& y) { ember::hardswish_(y); }},
      {"mish_", [](const Tensor& y) { ember::mish_(y); }},
      {"relu6_", [](const Tensor& y) { ember::relu6_(y); }}};
  const std::map<std::string, std::vector<double>> want = {
      {"hardtanh_", {0.0, 2.0, 3.0, 0.0}},
      {"elu_", {0.135335283236613, 2.0, 3.0, 4.0}},
      {"selu_", {0.237932872251682, 2.101401974710961, 3.152102962066441, 4.202803949421922}},
      {"celu_", {0.135335283236613, 2.0, 3.0, 4.0}},
      {"hardswish_", {-0.166666666666667, 1.333333333333333, 4.5, 4.0}},
      {"mish_", {-0.108355092420394, 1.772848750715454, 3.063320732788331, 4.000086236643556}},
      {"relu6_", {0.0, 2.0, 3.0, 0.0}}};
  for (const auto& [name, apply] : cases) {
    SCOPED_TRACE(name);
    Tensor x = leaf({-2.0, 0.5, 3.0, 7.0});
    std::weak_ptr<autograd::Node> node;
    {
      Tensor y = x * 1.0;
      apply(y);
      node = y.grad_fn();
      (y * make1d({1, 2, 3, 4}, kFloat64)).sum().backward(Tensor(), /*retain_graph=*/true);
    }
    EXPECT_TRUE(all_close(x.grad(), want.at(name), Tol{1e-12, 1e-12}));
    EXPECT_TRUE(node.expired());  // no reference cycle kept the graph
  }
}

// ---- refusals: PyTorch's messages, and nothing written -----------------------------------------

TEST(ViewInplaceRefusals, ViewOfALeafThatRequiresGrad) {
  Tensor z = leaf({1, 2, 3});
  EXPECT_THROW_MSG(z.select(0, 0).mul_(2.0), RuntimeError,
                   "a view of a leaf Variable that requires grad is being used in an in-place operation.");
  EXPECT_TRUE(all_close(z.detach(), {1, 2, 3}));
}

TEST(ViewInplaceRefusals, ViewMadeInNoGradMode) {
  Tensor x = leaf({1, 2, 3}).clone();
  Tensor v;
  {
    NoGradGuard no_grad;
    v = x.view({3});
  }
  EXPECT_TRUE(v.requires_grad());  // its base does
  EXPECT_TRUE(v.grad_fn() == nullptr);
  EXPECT_THROW_MSG(v.mul_(2.0), RuntimeError,
                   "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given "
                   "that this use case is ambiguous and error-prone, it is forbidden.");
  EXPECT_TRUE(all_close(x.detach(), {1, 2, 3}));
  // Its base changed: it may not take the base's new history either.
  x.mul_(1.0);
  EXPECT_THROW_MSG(v.grad_fn(), RuntimeError,
                   "A view was created in no_grad mode and its base or another view of its base has been modified "
                   "inplace with grad mode enabled.");
  // Written with a value that requires grad, a plain tensor's no-grad view is refused too.
  Tensor q = ember::zeros({3}, kFloat64);
  Tensor qv;
  {
    NoGradGuard no_grad;
    qv = q.narrow(0, 0, 2);
  }
  EXPECT_THROW_MSG(qv.copy_(leaf({1, 2}) * 1.0), RuntimeError, "A view was created in no_grad mode");
  EXPECT_TRUE(all_close(q, {0, 0, 0}));
  // Without a value that requires grad nothing is recorded, so nothing is refused.
  qv.copy_(make1d({1, 2}, kFloat64));
  EXPECT_TRUE(all_close(q, {1, 2, 0}));
}

struct ReturnsAView : public autograd::Function<ReturnsAView> {
  static Tensor forward(autograd::AutogradContext*, Tensor x) { return x.view({-1}); }
  static autograd::variable_list backward(autograd::AutogradContext*, autograd::variable_list g) { return g; }
};

TEST(ViewInplaceRefusals, ViewReturnedByACustomFunction) {
  Tensor x = leaf({1, 2}).clone();
  Tensor out = ReturnsAView::apply(x);
  ASSERT_TRUE(out.is_view());
  EXPECT_THROW_MSG(out.mul_(2.0), RuntimeError,
                   "ReturnsAView is a view and is being modified inplace. This view was created inside a "
                   "custom Function");
  EXPECT_TRUE(all_close(x.detach(), {1, 2}));
}

TEST(ViewInplace, NoReferenceCycleThroughTheBase) {
  std::weak_ptr<autograd::Node> copy_slices;
  Tensor x = leaf({1, 2, 3});
  {
    Tensor y = x.clone();
    Tensor v = y.narrow(0, 1, 2);
    v.mul_(y.narrow(0, 0, 2));  // the op's other input is another view of the same base
    copy_slices = y.grad_fn();
    ASSERT_FALSE(copy_slices.expired());
    // y = (x0, x1 x0, x2 x1), with the old values: the saved input is its value before the op.
    EXPECT_TRUE(all_close(y.detach(), {1, 2, 6}));
    y.sum().backward(Tensor(), /*retain_graph=*/true);
  }
  EXPECT_TRUE(copy_slices.expired());
  EXPECT_TRUE(all_close(x.grad(), {3, 4, 2}));
}

}  // namespace
}  // namespace ember_test
