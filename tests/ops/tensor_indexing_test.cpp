// Tensor::index / index_put_ with libtorch's TensorIndex rules that differ from a plain
// select/slice: boolean scalars are 0-d bool index tensors (a new dim of one element or none, a
// copy, several of them broadcast into one dim), a 0-d integer tensor is an integer (a view), a
// 0-d tensor refuses integer indices with PyTorch's message; and ATen's list form with accumulate.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using namespace ember::indexing;

Tensor arange_f(int64_t n) { return ember::arange(n, TensorOptions(kFloat32)); }

TEST(TensorIndexing, BooleanScalarsAreAdvancedIndices) {
  Tensor a = arange_f(24).reshape({2, 3, 4});
  EXPECT_EQ(a.index({true}).sizes(), IntArrayRef({1, 2, 3, 4}));
  EXPECT_EQ(a.index({false}).sizes(), IntArrayRef({0, 2, 3, 4}));
  // Several booleans broadcast into one dim (numpy's rule): [1] with [0] is [0].
  EXPECT_EQ(a.index({false, true, "..."}).sizes(), IntArrayRef({0, 2, 3, 4}));
  EXPECT_EQ(a.index({true, true}).sizes(), IntArrayRef({1, 2, 3, 4}));
  Tensor b = arange_f(6).reshape({2, 3});
  EXPECT_EQ(b.index({true, true}).sizes(), IntArrayRef({1, 2, 3}));
  // Advanced indexing copies.
  Tensor c = b.index({true});
  EXPECT_NE(c.data_ptr(), b.data_ptr());
  EXPECT_TRUE(matches(c.reshape({6}), {6}, kFloat32, {0, 1, 2, 3, 4, 5}));
  // A boolean after a basic index, and the same through a 0-d bool tensor.
  EXPECT_EQ(b.index({0, true}).sizes(), IntArrayRef({1, 3}));
  EXPECT_EQ(b.index({ember::tensor(false)}).sizes(), IntArrayRef({0, 2, 3}));
  // Assignment through booleans.
  Tensor d = ember::zeros({2, 2});
  d.index_put_({true}, ember::ones({2, 2}));
  EXPECT_TRUE(matches(d.reshape({4}), {4}, kFloat32, {1, 1, 1, 1}));
  d.index_put_({false}, 5.0);
  EXPECT_TRUE(matches(d.reshape({4}), {4}, kFloat32, {1, 1, 1, 1}));
}

TEST(TensorIndexing, ZeroDimIntegerTensorsAreIntegers) {
  Tensor a = arange_f(12).reshape({3, 4});
  Tensor zero = ember::tensor(int64_t{0}), one = ember::tensor(int64_t{1});
  Tensor by_int = a.index({0, 1});
  Tensor by_tensor = a.index({zero, one});
  EXPECT_EQ(by_tensor.dim(), 0);
  EXPECT_EQ(by_int.data_ptr(), by_tensor.data_ptr());  // a view, as select
  EXPECT_EQ(by_tensor.item().to<double>(), 1.0);
  EXPECT_EQ(a.index({ember::tensor(int32_t{2})}).data_ptr(), a.index({2}).data_ptr());
  // Out of range like an integer.
  EXPECT_THROW_MSG(a.index({ember::tensor(int64_t{3})}), IndexError, "index 3 is out of bounds for dimension 0 with size 3");
  // ATen's list form keeps every tensor advanced (a copy).
  Tensor adv = ember::index(a, std::vector<std::optional<Tensor>>{zero});
  EXPECT_EQ(adv.sizes(), IntArrayRef({4}));
  EXPECT_NE(adv.data_ptr(), a.data_ptr());
}

TEST(TensorIndexing, ZeroDimTensorsRefuseIntegerIndices) {
  Tensor s = ember::tensor(3.0);
  EXPECT_THROW_MSG(s.index({0}), IndexError, "invalid index of a 0-dim tensor");
  EXPECT_THROW_MSG(s.index({Slice()}), IndexError, "invalid index of a 0-dim tensor");
  EXPECT_EQ(s.index({None}).sizes(), IntArrayRef({1}));
  EXPECT_EQ(s.index({"..."}).dim(), 0);
}

TEST(TensorIndexing, AtenListFormWithAccumulate) {
  Tensor y = ember::ones({4, 2});
  Tensor idx = ember::tensor(std::vector<int64_t>{0, 2, 0});
  y.index_put_({idx}, ember::full({3, 2}, 2.0), /*accumulate=*/true);
  EXPECT_TRUE(matches(y.reshape({8}), {8}, kFloat32, {5, 5, 1, 1, 3, 3, 1, 1}));  // row 0 gets 2 twice
  y.index_put_({idx}, ember::full({3, 2}, 7.0), /*accumulate=*/false);
  EXPECT_TRUE(matches(y.reshape({8}), {8}, kFloat32, {7, 7, 1, 1, 7, 7, 1, 1}));
  // A mask with accumulate: nothing selected changes nothing.
  Tensor mask = ember::zeros({4}, TensorOptions(kBool));
  y.index_put_({mask}, y.index({mask}), /*accumulate=*/true);
  EXPECT_TRUE(matches(y.reshape({8}), {8}, kFloat32, {7, 7, 1, 1, 7, 7, 1, 1}));
  // The free functions take the same list.
  Tensor z = ember::zeros({3});
  ember::index_put_(z, {ember::tensor(std::vector<int64_t>{1})}, ember::ones({1}));
  EXPECT_TRUE(matches(z, {3}, kFloat32, {0, 1, 0}));
  EXPECT_TRUE(matches(ember::index(z, {ember::tensor(std::vector<int64_t>{1, 1})}), {2}, kFloat32, {1, 1}));
}

}  // namespace
}  // namespace ember_test
