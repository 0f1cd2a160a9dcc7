// Custom autograd functions (autograd::Function<T>): forward/backward with saved tensors and
// saved data, and needs_input_grad by index and by IndexRange lists, checked against
// hand-computed gradients of f(x, y) = x + k*y + x*y.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using namespace ember::autograd;

struct MulAdd : public Function<MulAdd> {
  static Variable forward(AutogradContext* ctx, Variable x, Variable y, int64_t k) {
    ctx->saved_data["k"] = k;
    ctx->save_for_backward({x, y});
    return x + k * y + x * y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    auto saved = ctx->get_saved_variables();
    int64_t k = ctx->saved_data["k"].to_int();
    // Ranges and single indices agree.
    EXPECT_EQ(ctx->needs_input_grad({IndexRange{0, 1}}), ctx->needs_input_grad(0));
    EXPECT_EQ(ctx->needs_input_grad({IndexRange{1, 2}}), ctx->needs_input_grad(1));
    EXPECT_EQ(ctx->needs_input_grad({IndexRange{0, 1}, IndexRange{1, 2}}),
              ctx->needs_input_grad(0) || ctx->needs_input_grad(1));
    EXPECT_EQ(ctx->needs_input_grad({IndexRange{0, 2}}), ctx->needs_input_grad(0) || ctx->needs_input_grad(1));
    EXPECT_FALSE(ctx->needs_input_grad({IndexRange{1, 1}}));  // empty range
    Variable gx, gy;
    if (ctx->needs_input_grad(0)) gx = grad_output[0] * (1 + saved[1]);
    if (ctx->needs_input_grad(1)) gy = grad_output[0] * (saved[0] + static_cast<double>(k));
    return {gx, gy, Variable()};
  }
};

TEST(CustomFunction, NeedsInputGradByIndexAndRange) {
  Variable x = make1d({1, 2}).set_requires_grad(true);
  Variable y = make1d({3, 5}).set_requires_grad(true);
  // Only x: dy is not computed.
  Variable out = MulAdd::apply(x, y, 2);
  EXPECT_TRUE(matches(out.detach(), {2}, kFloat32, {1 + 6 + 3, 2 + 10 + 10}));
  auto gx = autograd::grad({out.sum()}, {x});
  EXPECT_TRUE(matches(gx[0], {2}, kFloat32, {4, 6}));  // 1 + y
  // Only y.
  out = MulAdd::apply(x, y, 2);
  auto gy = autograd::grad({out.sum()}, {y});
  EXPECT_TRUE(matches(gy[0], {2}, kFloat32, {3, 4}));  // x + k
  // Both.
  out = MulAdd::apply(x, y, 2);
  auto both = autograd::grad({out.sum()}, {x, y});
  EXPECT_TRUE(matches(both[0], {2}, kFloat32, {4, 6}));
  EXPECT_TRUE(matches(both[1], {2}, kFloat32, {3, 4}));
}

}  // namespace
}  // namespace ember_test
