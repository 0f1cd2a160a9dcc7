// Composite ops are differentiable through their decomposition: gradcheck (and gradgradcheck) on
// the Composite ops of ops.yaml that have float results, none of which has formulas of its own.
#include <functional>

#include "autograd/gradcheck.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor leaf(const std::vector<int64_t>& shape, double lo = -2, double hi = 2, uint64_t seed = 3) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return make(pseudo_random(n, lo, hi, seed), shape, kFloat64).requires_grad_();
}

struct CompositeCase {
  const char* name;
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> fn;
  std::vector<Tensor> inputs;
};

std::vector<CompositeCase> cases() {
  using V = std::vector<Tensor>;
  return {
      {"matmul batched broadcast", [](const V& x) { return V{ember::matmul(x[0], x[1])}; }, {leaf({2, 1, 2, 3}), leaf({3, 3, 2}, -2, 2, 5)}},
      {"matmul vector", [](const V& x) { return V{ember::matmul(x[0], x[1])}; }, {leaf({3}), leaf({3, 2}, -2, 2, 6)}},
      {"matmul 3-d @ 2-d", [](const V& x) { return V{ember::matmul(x[0], x[1])}; }, {leaf({2, 2, 3}), leaf({3, 2}, -2, 2, 6)}},
      {"mv", [](const V& x) { return V{x[0].mv(x[1])}; }, {leaf({2, 3}), leaf({3}, -2, 2, 7)}},
      {"dot", [](const V& x) { return V{x[0].dot(x[1])}; }, {leaf({4}), leaf({4}, -2, 2, 8)}},
      {"linear", [](const V& x) { return V{ember::linear(x[0], x[1], x[2])}; },
       {leaf({2, 3}), leaf({4, 3}, -2, 2, 9), leaf({4}, -2, 2, 10)}},
      {"linear 3-d no bias", [](const V& x) { return V{ember::linear(x[0], x[1])}; }, {leaf({2, 2, 3}), leaf({4, 3}, -2, 2, 9)}},
      {"reshape non-contiguous", [](const V& x) { return V{x[0].t().reshape({6})}; }, {leaf({2, 3})}},
      {"flatten / unflatten", [](const V& x) { return V{x[0].flatten().unflatten(0, {3, 2})}; }, {leaf({2, 3})}},
      {"narrow", [](const V& x) { return V{x[0].narrow(1, 1, 2)}; }, {leaf({2, 4})}},
      {"t", [](const V& x) { return V{x[0].t() * 2.0}; }, {leaf({2, 3})}},
      {"expand_as / view_as", [](const V& x) { return V{x[0].expand_as(x[1]).view_as(x[1]) * x[1]}; },
       {leaf({1, 3}), leaf({2, 3}, -2, 2, 4)}},
      {"chunk", [](const V& x) { return x[0].chunk(2, 1); }, {leaf({2, 4})}},
      {"split_with_sizes", [](const V& x) { return x[0].split_with_sizes({1, 3}, 1); }, {leaf({2, 4})}},
      {"unbind", [](const V& x) { return x[0].unbind(0); }, {leaf({3, 2})}},
      {"stack", [](const V& x) { return V{ember::stack({x[0], x[1]}, 1)}; }, {leaf({2, 3}), leaf({2, 3}, -2, 2, 4)}},
      {"std", [](const V& x) { return V{x[0].std()}; }, {leaf({2, 3})}},
      {"std.dim", [](const V& x) { return V{x[0].std({1}, true, true)}; }, {leaf({2, 3})}},
      {"var.dim", [](const V& x) { return V{x[0].var({0}, false, false)}; }, {leaf({3, 2})}},
      {"prod", [](const V& x) { return V{x[0].prod()}; }, {leaf({2, 3}, 0.5, 2)}},
      {"max / min", [](const V& x) { return V{x[0].max(), x[0].min()}; }, {leaf({2, 3})}},
      {"rsub / scalar forms", [](const V& x) { return V{ember::rsub(x[0], 2.0, 3.0), x[0] - 1.5, x[0] * 4.0, x[0] / 2.0}; },
       {leaf({3})}},
      {"pow forms", [](const V& x) { return V{ember::pow(2.0, x[0]), x[1].pow(3)}; }, {leaf({3}), leaf({3}, 0.5, 2, 4)}},
      {"where with scalars", [](const V& x) {
         Tensor c = make1d({1, 0, 1}, kBool);
         return V{ember::where(c, x[0], 0.5), ember::where(c, -1.0, x[0])};
       }, {leaf({3})}},
      {"clamp_min / clamp_max", [](const V& x) { return V{x[0].clamp_min(0.2), x[0].clamp_max(-0.3)}; },
       {make1d({-1.5, -0.1, 0.45, 1.7}, kFloat64).requires_grad_()}},
      {"contiguous / to", [](const V& x) { return V{x[0].t().contiguous(), x[0].to(kFloat64, false, true)}; }, {leaf({2, 3})}},
      {"embedding", [](const V& x) { return V{ember::embedding(x[0], make({2, 0, 2, 1}, {2, 2}, kInt64))}; }, {leaf({3, 2})}},
      {"dropout (eval)", [](const V& x) { return V{ember::dropout(x[0], 0.5, false)}; }, {leaf({4})}},
      {"in-place scalar forms", [](const V& x) {
         Tensor y = x[0] * 1.0;
         y.add_(2.0).mul_(3.0).div_(4.0).sub_(1.0).pow_(2);
         return V{y};
       }, {leaf({3})}},
  };
}

TEST(CompositeAutograd, DifferentiableThroughTheirDecomposition) {
  for (const CompositeCase& c : cases()) {
    SCOPED_TRACE(c.name);
    autograd::GradcheckResult r = autograd::gradcheck(c.fn, c.inputs);
    EXPECT_TRUE(r.ok) << c.name << ": " << r.message;
    r = autograd::gradgradcheck(c.fn, c.inputs);
    EXPECT_TRUE(r.ok) << c.name << " (second derivatives): " << r.message;
  }
}

TEST(CompositeAutograd, NamesComeFromTheDecomposition) {
  Tensor a = leaf({2, 3});
  EXPECT_EQ(a.reshape({3, 2}).grad_fn()->name(), "ViewBackward0");
  EXPECT_EQ(a.t().reshape({6}).grad_fn()->name(), "ViewBackward0");  // copy, then view
  EXPECT_EQ(a.narrow(1, 0, 2).grad_fn()->name(), "SliceBackward0");
  EXPECT_EQ((a - 1.0).grad_fn()->name(), "SubBackward0");
  EXPECT_EQ((a / 2.0).grad_fn()->name(), "DivBackward0");
  EXPECT_EQ(a.std().grad_fn()->name(), "SqrtBackward0");
}

}  // namespace
}  // namespace ember_test
