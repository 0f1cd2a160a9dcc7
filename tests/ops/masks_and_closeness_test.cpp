// isnan / isinf / isposinf / isneginf / isfinite, isclose / allclose / equal, nonzero,
// masked_select, type_as, resize_ / resize_as_: values as PyTorch 1.13 gives them, and the
// errors it raises.
#include <cmath>
#include <limits>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("isnan", "isinf", "isposinf", "isneginf", "isfinite", "isclose", "allclose", "equal", "nonzero",
                 "masked_select", "type_as", "resize_", "resize_as_");

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Masks, NanInfAndFinite) {
  for (ScalarType dt : {kFloat16, kFloat32, kFloat64}) {
    Tensor x = make1d({1, kNaN, kInf, -kInf, 0}, dt);
    EXPECT_TRUE(matches(ember::isnan(x), {5}, kBool, {0, 1, 0, 0, 0}));
    EXPECT_TRUE(matches(x.isinf(), {5}, kBool, {0, 0, 1, 1, 0}));
    EXPECT_TRUE(matches(ember::isposinf(x), {5}, kBool, {0, 0, 1, 0, 0}));
    EXPECT_TRUE(matches(ember::isneginf(x), {5}, kBool, {0, 0, 0, 1, 0}));
    EXPECT_TRUE(matches(x.isfinite(), {5}, kBool, {1, 0, 0, 0, 1}));
  }
  Tensor i = make1d({1, -2, 0}, kInt64);
  EXPECT_TRUE(matches(ember::isnan(i), {3}, kBool, {0, 0, 0}));
  EXPECT_TRUE(matches(ember::isinf(i), {3}, kBool, {0, 0, 0}));
  EXPECT_TRUE(matches(ember::isfinite(i), {3}, kBool, {1, 1, 1}));
}

TEST(Closeness, IscloseFollowsPyTorchsFormula) {
  Tensor a = make1d({1, 1, 1e-9, kNaN, kInf, 100}, kFloat64);
  Tensor b = make1d({1 + 1e-6, 1.01, 0, kNaN, kInf, 100.001}, kFloat64);
  EXPECT_TRUE(matches(ember::isclose(a, b), {6}, kBool, {1, 0, 1, 0, 1, 1}));
  EXPECT_TRUE(matches(ember::isclose(a, b, 1e-5, 1e-8, /*equal_nan=*/true), {6}, kBool, {1, 0, 1, 1, 1, 1}));
  EXPECT_TRUE(matches(ember::isclose(a, b, 0, 0), {6}, kBool, {0, 0, 0, 0, 1, 0}));
  EXPECT_TRUE(matches(a.isclose(b, 0.1, 0), {6}, kBool, {1, 1, 0, 0, 1, 1}));
  // Broadcasting, integers and bools.
  EXPECT_TRUE(matches(ember::isclose(make1d({1, 2}, kInt64), make(std::vector<double>{2}, {}, kInt64)), {2}, kBool, {0, 1}));
  EXPECT_TRUE(matches(ember::isclose(make1d({1, 0}, kBool), make1d({1, 1}, kBool)), {2}, kBool, {1, 0}));
  EXPECT_THROW_MSG(ember::isclose(a, make1d({1}, kFloat32)), TypeError, "Double did not match Float");
  EXPECT_THROW_MSG(ember::isclose(a, b, -1), ValueError, "rtol must be greater than or equal to zero");
  EXPECT_THROW_MSG(ember::isclose(a, b, 0, -1), ValueError, "atol must be greater than or equal to zero");
}

TEST(Closeness, AllcloseAndEqual) {
  Tensor a = make1d({1, 2, 3}, kFloat32);
  EXPECT_TRUE(ember::allclose(a, make1d({1, 2, 3.00001}, kFloat32)));
  EXPECT_FALSE(a.allclose(make1d({1, 2, 3.1}, kFloat32)));
  EXPECT_TRUE(ember::allclose(a, make1d({1, 2, 3.1}, kFloat32), 0.1));
  EXPECT_TRUE(ember::equal(a, make1d({1, 2, 3}, kFloat32)));
  EXPECT_FALSE(a.equal(make1d({1, 2, 4}, kFloat32)));
  EXPECT_FALSE(a.equal(make1d({1, 2}, kFloat32)));          // size differs
  EXPECT_FALSE(make1d({kNaN}, kFloat32).equal(make1d({kNaN}, kFloat32)));
  EXPECT_TRUE(ember::equal(ember::empty({0, 3}), ember::empty({0, 3})));
  EXPECT_TRUE(a.equal(make(std::vector<double>{1, 2, 3}, {3}).t()));
  EXPECT_THROW_MSG(ember::equal(a, make1d({1, 2, 3}, kFloat64)), TypeError,
                   "Expected object of scalar type Float but got scalar type Double for argument 'other'");
}

TEST(Masks, NonzeroListsIndicesInRowMajorOrder) {
  Tensor x = make({0, 1, 0, 2, 0, 3}, {2, 3}, kFloat32);
  EXPECT_TRUE(matches(ember::nonzero(x), {3, 2}, kInt64, {0, 1, 1, 0, 1, 2}));
  EXPECT_TRUE(matches(x.t().nonzero(), {3, 2}, kInt64, {0, 1, 1, 0, 2, 1}));
  EXPECT_TRUE(matches(make1d({0, 0}, kBool).nonzero(), {0, 1}, kInt64, {}));
  EXPECT_TRUE(matches(make(std::vector<double>{5}, {}, kInt32).nonzero(), {1, 0}, kInt64, {}));
  EXPECT_TRUE(matches(make1d({kNaN, 0, -0.0}, kFloat64).nonzero(), {1, 1}, kInt64, {0}));
}

TEST(Masks, MaskedSelectBroadcastsAndIsDifferentiable) {
  Tensor x = make({1, 2, 3, 4, 5, 6}, {2, 3}, kFloat64);
  Tensor mask = make1d({1, 0, 1}, kBool);
  EXPECT_TRUE(matches(ember::masked_select(x, mask), {4}, kFloat64, {1, 3, 4, 6}));
  EXPECT_TRUE(matches(make1d({7, 8, 9}, kFloat32).masked_select(make({1, 0, 0, 0, 1, 1}, {2, 3}, kBool)), {3}, kFloat32,
                      {7, 8, 9}));
  Tensor w = x.clone().requires_grad_();
  w.masked_select(mask).sum().backward();
  EXPECT_TRUE(all_equal(w.grad(), {1, 0, 1, 1, 0, 1}));
  EXPECT_THROW_MSG(ember::masked_select(x, make1d({1, 0}, kBool)), ValueError, "does not broadcast");
  EXPECT_THROW_MSG(ember::masked_select(x, make1d({1, 0, 1}, kFloat32)), TypeError, "expected a bool mask");
}

TEST(Tensors, TypeAsTakesTheOthersDtype) {
  Tensor r = make1d({1.5, -2.5}, kFloat32).type_as(make1d({0}, kInt64));
  EXPECT_TRUE(matches(r, {2}, kInt64, {1, -2}));
}

TEST(Tensors, ResizeKeepsStorageContentsAndGrows) {
  Tensor t = make1d({1, 2, 3, 4, 5, 6}, kFloat32);
  ember::resize_(t, {2, 2});
  EXPECT_TRUE(matches(t, {2, 2}, kFloat32, {1, 2, 3, 4}));
  t.resize_({3, 2});
  EXPECT_TRUE(matches(t, {3, 2}, kFloat32, {1, 2, 3, 4, 5, 6}));
  t.resize_({4, 3});  // grows: the first six elements stay
  EXPECT_EQ(sizes_of(t), (std::vector<int64_t>{4, 3}));
  EXPECT_TRUE(all_equal(t.reshape({-1}).slice(0, 0, 6), {1, 2, 3, 4, 5, 6}));
  Tensor u = ember::empty({0});
  u.resize_as_(make({1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(sizes_of(u), (std::vector<int64_t>{2, 2}));
  EXPECT_THROW_MSG(t.resize_({-1}), ValueError, "negative dimension");
  Tensor g = ember::ones({2}, ember::requires_grad());
  EXPECT_THROW_MSG(g.resize_({3}), RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation");
}

}  // namespace
}  // namespace ember_test
