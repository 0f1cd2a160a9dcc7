// An in-place op whose other input is self itself (y.pow_(y)): the node saves that input's value
// from before the op, so the graph holds no reference cycle (the tensor owns the node as its
// grad_fn) and backward uses the original value. Found by the tensor-API fuzz target as a leak
// (LeakSanitizer); regression test for issue 14.
#include <cmath>
#include <memory>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(InplaceAlias, SelfAsAnotherInputLeavesNoCycleAndDifferentiates) {
  Tensor x = make1d({1.5, 2.0}).requires_grad_(true);
  std::weak_ptr<autograd::Node> node;
  {
    Tensor y = x * 1.0;
    y.pow_(y);  // y^y
    node = y.grad_fn();
    ASSERT_FALSE(node.expired());
    y.sum().backward();
  }
  // d(y^y)/dy = y^y (ln y + 1), y = x.
  std::vector<double> want;
  for (double v : {1.5, 2.0}) want.push_back(std::pow(v, v) * (std::log(v) + 1));
  EXPECT_TRUE(all_close(x.grad(), want, Tol{1e-5, 1e-5}));
  // Nothing holds the node once y is gone.
  EXPECT_TRUE(node.expired());
}

}  // namespace
}  // namespace ember_test
