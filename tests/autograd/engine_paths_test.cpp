// The engine's pass restrictions and libtorch's autograd API details: grad() and
// backward(inputs=...) run only the nodes on paths to their inputs (a node off those paths never
// runs, and needs_input_grad is false for edges nobody asked for); non-leaf inputs of
// backward(inputs=...) get their .grad(); hooks can be removed; retain_grad follows an in-place
// op; bad gradients and empty inputs are errors; the warnings libtorch gives. Values are
// hand-computed.
#include "support/captured_warnings.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using namespace ember::autograd;

int g_identity_runs = 0;
struct CountingIdentity : public Function<CountingIdentity> {
  static Variable forward(AutogradContext*, Variable x) { return x.clone(); }
  static variable_list backward(AutogradContext*, variable_list g) {
    ++g_identity_runs;
    return g;
  }
};

struct RecordsNeeds : public Function<RecordsNeeds> {
  static std::vector<bool> seen;
  static Variable forward(AutogradContext*, Variable x, Variable y) { return x * y; }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    seen = {ctx->needs_input_grad(0), ctx->needs_input_grad(1)};
    return {g[0], g[0]};
  }
};
std::vector<bool> RecordsNeeds::seen;

TEST(EnginePaths, GradRunsOnlyNodesOnPathsToItsInputs) {
  Variable x = make1d({1, 2}).set_requires_grad(true);
  Variable y = make1d({3}).set_requires_grad(true);
  g_identity_runs = 0;
  Variable unrelated = CountingIdentity::apply(x);  // reaches x only
  Variable out = (unrelated * 2).sum() + (y * y).sum();
  auto gy = autograd::grad({out}, {y}, {}, std::nullopt, false, /*allow_unused=*/false);
  EXPECT_TRUE(matches(gy[0], {1}, kFloat32, {6}));
  EXPECT_EQ(g_identity_runs, 0);
  // An input no path reaches: undefined with allow_unused, the node on the other branch never runs.
  Variable z = make1d({1}).set_requires_grad(true);
  auto gz = autograd::grad({CountingIdentity::apply(x).sum()}, {z}, {}, std::nullopt, false, /*allow_unused=*/true);
  EXPECT_FALSE(gz[0].defined());
  EXPECT_EQ(g_identity_runs, 0);
  // A plain backward runs everything.
  CountingIdentity::apply(x).sum().backward();
  EXPECT_EQ(g_identity_runs, 1);
}

TEST(EnginePaths, NeedsInputGradFollowsWhatWasAskedFor) {
  Variable x = make1d({2}).set_requires_grad(true);
  Variable y = make1d({5}).set_requires_grad(true);
  autograd::grad({RecordsNeeds::apply(x, y)}, {x});
  EXPECT_EQ(RecordsNeeds::seen, (std::vector<bool>{true, false}));
  autograd::grad({RecordsNeeds::apply(x, y)}, {y});
  EXPECT_EQ(RecordsNeeds::seen, (std::vector<bool>{false, true}));
  RecordsNeeds::apply(x, y).backward(Tensor(), std::nullopt, false, std::vector<Tensor>{y});
  EXPECT_EQ(RecordsNeeds::seen, (std::vector<bool>{false, true}));
  EXPECT_FALSE(x.grad().defined());
  RecordsNeeds::apply(x, y).backward();
  EXPECT_EQ(RecordsNeeds::seen, (std::vector<bool>{true, true}));
}

TEST(EnginePaths, BackwardInputsMayBeNonLeaves) {
  Variable x = make1d({1, 2}).set_requires_grad(true);
  Variable y = make1d({3, 4}).set_requires_grad(true);
  Variable z = x * x;
  Variable w = y * z + x * y + y * y;
  w.backward(ember::ones({2}), std::nullopt, false, std::vector<Tensor>{x, z});
  EXPECT_TRUE(matches(x.grad(), {2}, kFloat32, {2 * 1 * 3 + 3, 2 * 2 * 4 + 4}));  // 2xy + y
  EXPECT_TRUE(matches(z.grad(), {2}, kFloat32, {3, 4}));                          // y
  EXPECT_FALSE(y.grad().defined());
  // The braced form libtorch programs write.
  Variable a = make1d({2}).set_requires_grad(true);
  (a * a).backward(ember::ones({1}), false, false, {a});
  EXPECT_TRUE(matches(a.grad(), {1}, kFloat32, {4}));
  EXPECT_THROW_MSG((a * a).backward(ember::ones({1}), false, false, std::vector<Tensor>{}), ValueError, "cannot be empty");
}

TEST(EnginePaths, HooksCanBeRemoved) {
  Variable x = ember::ones({2}).set_requires_grad(true);
  Variable z = x * 3;
  int calls = 0;
  size_t h1 = z.register_hook([&](const Tensor&) { calls += 1; });
  size_t h2 = z.register_hook([&](const Tensor&) { calls += 10; });
  z.sum().backward(Tensor(), true);
  EXPECT_EQ(calls, 11);
  z.remove_hook(h2);
  z.sum().backward(Tensor(), true);
  EXPECT_EQ(calls, 12);
  z.remove_hook(h1);
  z.sum().backward(Tensor(), true);
  EXPECT_EQ(calls, 12);
  EXPECT_THROW_MSG(z.remove_hook(h1), RuntimeError, "Invalid index, no hook at position");
  EXPECT_THROW_MSG(z.remove_hook(7), RuntimeError, "Invalid index, no hook at position 7");
  // Leaves too; a removed doubling hook no longer changes the gradient.
  size_t hx = x.register_hook([](const Tensor& g) { return g * 2; });
  x.grad().zero_();
  (x * 1).sum().backward();
  EXPECT_TRUE(matches(x.grad(), {2}, kFloat32, {2, 2}));
  x.remove_hook(hx);
  x.grad().zero_();
  (x * 1).sum().backward();
  EXPECT_TRUE(matches(x.grad(), {2}, kFloat32, {1, 1}));
  EXPECT_THROW_MSG(x.remove_hook(hx), RuntimeError, "Invalid index");
}

TEST(EnginePaths, RetainGradFollowsInPlaceOps) {
  Variable a = ember::ones({3}).set_requires_grad(true).clone();
  a.retain_grad();
  a.mul_(2);
  (a * 5).sum().backward();
  EXPECT_TRUE(a.retains_grad());
  EXPECT_TRUE(matches(a.grad(), {3}, kFloat32, {5, 5, 5}));  // the gradient of a's new value
}

TEST(EnginePaths, ErrorsAndWarnings) {
  Variable x = make1d({1, 2}).set_requires_grad(true);
  EXPECT_THROW_MSG(autograd::grad({x * 2}, {}, {ember::ones({2})}), RuntimeError, "grad requires non-empty inputs.");

  struct WrongShape : public Function<WrongShape> {
    static Variable forward(AutogradContext*, Variable v) { return v * 2; }
    static variable_list backward(AutogradContext*, variable_list) { return {ember::ones({5})}; }
  };
  EXPECT_THROW_MSG(WrongShape::apply(x).sum().backward(), RuntimeError,
                   "returned an invalid gradient at index 0 - got [5] but expected shape compatible with [2]");

  CapturedWarnings w;
  WarningHandlerGuard guard(&w);
  Variable h = x * 3;
  EXPECT_FALSE(h.grad().defined());
  EXPECT_TRUE(w.contains("is not a leaf Tensor is being accessed")) << w.messages.size();
  w.messages.clear();
  h.retain_grad();
  EXPECT_FALSE(h.grad().defined());
  EXPECT_FALSE(x.grad().defined());
  EXPECT_TRUE(w.messages.empty());
  (x * x).sum().backward(Tensor(), std::nullopt, /*create_graph=*/true);
  EXPECT_TRUE(w.contains("Using backward() with create_graph=True"));
}

TEST(EnginePaths, TensorDataAndMakeVariable) {
  Variable x = make1d({1, 2}).set_requires_grad(true);
  Tensor d = (x * 2).tensor_data();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(matches(d, {2}, kFloat32, {2, 4}));
  Variable v = make_variable(d, /*requires_grad=*/true);
  EXPECT_TRUE(v.requires_grad());
  EXPECT_TRUE(v.is_leaf());
  EXPECT_EQ(v.data_ptr(), d.data_ptr());
  EXPECT_EQ(x.variable_data().data_ptr(), x.data_ptr());
}

}  // namespace
}  // namespace ember_test
