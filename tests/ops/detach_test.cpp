// detach and detach_: views of the same data outside autograd (tests/autograd covers their
// interaction with graphs).
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("detach", "detach_");

TEST(Detach, SharesDataAndGeometry) {
  Tensor x = make({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);
  Tensor d = ember::detach(x);
  EXPECT_EQ(d.data_ptr(), x.data_ptr());
  EXPECT_EQ(sizes_of(d), sizes_of(x));
  EXPECT_EQ(d.strides().vec(), x.strides().vec());
  EXPECT_TRUE(matches(d, {3, 2}, kFloat32, values(x)));
  d.fill_(7);
  EXPECT_TRUE(matches(x, {3, 2}, kFloat32, std::vector<double>(6, 7)));
  EXPECT_FALSE(x.detach().requires_grad());
}

TEST(Detach, InPlaceReturnsSelf) {
  Tensor x = make({1, 2}, {2}, kFloat64);
  Tensor& r = x.detach_();
  EXPECT_TRUE(r.is_same(x));
  EXPECT_TRUE(matches(ember::detach_(x), {2}, kFloat64, {1, 2}));
}

}  // namespace
}  // namespace ember_test
