// Tensor::backward with `inputs` (only those tensors' .grad() is written; an empty list is an
// error, as libtorch's) and gradient hooks that return nothing (they observe the gradient and
// leave it unchanged). Gradients are hand-computed: d(sum(a * b))/da = b.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(BackwardApiTest, InputsLimitWhichGradsAreWritten) {
  Tensor a = make1d({1.0, 2.0}, kFloat64).requires_grad_();
  Tensor b = make1d({3.0, -4.0}, kFloat64).requires_grad_();
  (a * b).sum().backward(Tensor(), std::nullopt, false, std::vector<Tensor>{a});
  EXPECT_TRUE(all_close(a.grad(), {3.0, -4.0}, Tol{0, 0}));
  EXPECT_FALSE(b.grad().defined());
  (a * b).sum().backward(Tensor(), std::nullopt, false, {{b}});
  EXPECT_TRUE(all_close(b.grad(), {1.0, 2.0}, Tol{0, 0}));
  EXPECT_THROW_MSG((a * b).sum().backward(Tensor(), std::nullopt, false, std::vector<Tensor>{}), ember::ValueError,
                   "cannot be empty");
}

TEST(BackwardApiTest, HooksReturningNothingObserveTheGradient) {
  Tensor a = make1d({1.0, 2.0}, kFloat64).requires_grad_();
  Tensor seen;
  a.register_hook([&](const Tensor& g) { seen = g.clone(); });
  (a * 5.0).sum().backward();
  EXPECT_TRUE(all_close(seen, {5.0, 5.0}, Tol{0, 0}));
  EXPECT_TRUE(all_close(a.grad(), {5.0, 5.0}, Tol{0, 0}));
  // A hook taking the tensor by value works as well; a returning hook still replaces the gradient.
  Tensor c = make1d({1.0}, kFloat64).requires_grad_();
  int calls = 0;
  c.register_hook([&](Tensor) { ++calls; });
  c.register_hook([](const Tensor& g) { return g * 2; });
  (c * 3.0).sum().backward();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(all_close(c.grad(), {6.0}, Tol{0, 0}));
}

}  // namespace
}  // namespace ember_test
