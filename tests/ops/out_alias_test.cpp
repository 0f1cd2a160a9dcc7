// An out= tensor that is also an input: fine when it keeps its shape (add(x, x, out=x)), refused
// with a ValueError when it would have to be resized (the input would change or lose its memory
// under the kernel). Found by the tensor-API fuzz target: cat([x, x, x, x], out=x) overflowed the
// heap. Regression tests for issue 14.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(OutAlias, ResizingAnOutThatIsAlsoAnInputIsRefused) {
  Tensor x = make({1, 2, 3}, {3, 1}, kFloat64);
  EXPECT_THROW_MSG(ember::cat_out(x, {x, x, x, x}, 0), ValueError,
                   "[cat] the out= tensor of shape [3, 1] shares memory with an input and cannot be resized to [12, 1]");
  EXPECT_TRUE(matches(x, {3, 1}, kFloat64, {1, 2, 3}));  // untouched
  Tensor one = make1d({5});
  EXPECT_THROW_MSG(ember::add_out(one, one, make1d({1, 2, 3})), ValueError, "shares memory with an input");
  // A view of an input's storage counts too.
  Tensor base = make1d({1, 2, 3, 4});
  Tensor head = base.narrow(0, 0, 1);
  EXPECT_THROW_MSG(ember::mul_out(head, base, base), ValueError, "shares memory with an input");
}

TEST(OutAlias, SameShapeAliasingAndUnrelatedOutsStillWork) {
  Tensor x = make1d({1, 2, 3});
  ember::add_out(x, x, x);
  EXPECT_TRUE(matches(x, {3}, kFloat32, {2, 4, 6}));
  Tensor out = make1d({0});
  ember::cat_out(out, {x, x}, 0);
  EXPECT_TRUE(matches(out, {6}, kFloat32, {2, 4, 6, 2, 4, 6}));
}

}  // namespace
}  // namespace ember_test
