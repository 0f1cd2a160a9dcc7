// Joining and indexing: cat (and out=), stack, index_select (and out=), gather (and out=),
// scatter / scatter_ with a tensor or a value, scatter_add / scatter_add_, masked_fill(_), and
// embedding; against references computed here and PyTorch 1.13's outputs, with the
// out-of-range index errors.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("cat.out", "cat", "stack", "index_select.out", "index_select", "gather.out", "gather", "scatter_.src",
                 "scatter.src", "scatter_.value", "scatter.value", "scatter_add_", "scatter_add", "masked_fill_.Scalar",
                 "masked_fill.Scalar", "embedding");

TEST(Cat, AlongEveryDimAndDtype) {
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> a = dt == kBool ? std::vector<double>{1, 0, 1, 1, 0, 0} : iota(6, 1);
    std::vector<double> b = dt == kBool ? std::vector<double>{0, 1} : std::vector<double>{7, 8};
    Tensor ta = make(a, {2, 3}, dt);
    // dim 0: [2, 3] + [1, 3] -> [3, 3]
    std::vector<double> b3 = dt == kBool ? std::vector<double>{0, 1, 1} : std::vector<double>{7, 8, 9};
    std::vector<double> want0 = a;
    want0.insert(want0.end(), b3.begin(), b3.end());
    EXPECT_TRUE(matches(ember::cat({ta, make(b3, {1, 3}, dt)}, 0), {3, 3}, dt, want0));
    // dim 1 (and -1): [2, 3] + [2, 1] -> [2, 4]
    std::vector<double> want1 = {a[0], a[1], a[2], b[0], a[3], a[4], a[5], b[1]};
    EXPECT_TRUE(matches(ember::cat({ta, make(b, {2, 1}, dt)}, 1), {2, 4}, dt, want1));
    EXPECT_TRUE(matches(ember::cat({ta, make(b, {2, 1}, dt)}, -1), {2, 4}, dt, want1));
  }
}

TEST(Cat, PromotionEmptyNonContiguousOutAndErrors) {
  // torch.cat([ones(2, int32), ones(1, float64)]) -> float64 [1, 1, 1]
  EXPECT_TRUE(matches(ember::cat({make1d({1, 1}, kInt32), make1d({1}, kFloat64)}), {3}, kFloat64, {1, 1, 1}));
  // Legacy: 1-D empty tensors are skipped: torch.cat([empty(0), ones(2, 2)]) -> ones(2, 2)
  EXPECT_TRUE(matches(ember::cat({ember::empty({0}), ember::ones({2, 2})}), {2, 2}, kFloat32, {1, 1, 1, 1}));
  EXPECT_TRUE(matches(ember::cat({ember::empty({0, 3}), make(iota(3), {1, 3})}), {1, 3}, kFloat32, {0, 1, 2}));
  // Non-contiguous inputs: a transposed and a stepped slice.
  Tensor t = make(iota(6), {3, 2}).t();                          // [[0, 2, 4], [1, 3, 5]]
  Tensor s = make(iota(12), {2, 6}).slice(1, 0, 6, 2);             // [[0, 2, 4], [6, 8, 10]]
  EXPECT_TRUE(matches(ember::cat({t, s}, 0), {4, 3}, kFloat32, {0, 2, 4, 1, 3, 5, 0, 2, 4, 6, 8, 10}));
  EXPECT_TRUE(matches(ember::cat({t, s}, 1), {2, 6}, kFloat32, {0, 2, 4, 0, 2, 4, 1, 3, 5, 6, 8, 10}));
  std::vector<Tensor> many;
  for (int i = 0; i < 5; ++i) many.push_back(make1d({double(i)}));
  EXPECT_TRUE(matches(ember::cat(many), {5}, kFloat32, {0, 1, 2, 3, 4}));
  Tensor out = ember::empty({1});
  EXPECT_TRUE(ember::cat_out(out, {make1d({1, 2}), make1d({3})}).is_same(out));
  EXPECT_TRUE(matches(out, {3}, kFloat32, {1, 2, 3}));
  ember::cat_outf({make1d({1}), make1d({2})}, 0, out);
  EXPECT_TRUE(matches(out, {2}, kFloat32, {1, 2}));
  // PyTorch 1.13 messages.
  EXPECT_THROW_MSG(ember::cat({ember::ones({2, 3}), ember::ones({2, 2})}), ValueError,
                   "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1 in the list.");
  EXPECT_THROW_MSG(ember::cat(std::vector<Tensor>{}), ValueError, "expected a non-empty list of Tensors");
  EXPECT_THROW_MSG(ember::cat({ember::ones({2, 3}), ember::ones({2})}), ValueError, "Tensors must have same number of dimensions");
  EXPECT_THROW_MSG(ember::cat({make({1}, {}), make({2}, {})}), ValueError, "zero-dimensional tensor cannot be concatenated");
  EXPECT_THROW_MSG(ember::cat({ember::ones({2}), ember::ones({2})}, 1), IndexError, "but got 1");
}

TEST(Stack, NewDimAnywhere) {
  Tensor a = make1d({1, 2}), b = make1d({3, 4});
  EXPECT_TRUE(matches(ember::stack({a, b}), {2, 2}, kFloat32, {1, 2, 3, 4}));
  // torch.stack([ones(2), zeros(2)], 1) -> [[1, 0], [1, 0]]
  EXPECT_TRUE(matches(ember::stack({a, b}, 1), {2, 2}, kFloat32, {1, 3, 2, 4}));
  EXPECT_TRUE(matches(ember::stack({a, b}, -1), {2, 2}, kFloat32, {1, 3, 2, 4}));
  // 0-d tensors stack to 1-D: torch.stack([tensor(1.), tensor(2.)]) -> [1., 2.]
  EXPECT_TRUE(matches(ember::stack({make({1}, {}), make({2}, {})}), {2}, kFloat32, {1, 2}));
  Tensor m = make(iota(6), {2, 3});
  EXPECT_TRUE(matches(ember::stack({m, m.neg()}, 2), {2, 3, 2}, kFloat32, {0, 0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5}));
  EXPECT_TRUE(matches(ember::stack({make1d({1}, kInt64), make1d({2.5})}), {2, 1}, kFloat32, {1, 2.5}));
  // "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"
  EXPECT_THROW_MSG(ember::stack({ember::ones({2}), ember::ones({3})}), ValueError,
                   "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1");
  EXPECT_THROW_MSG(ember::stack(std::vector<Tensor>{}), ValueError, "stack expects a non-empty TensorList");
}

TEST(IndexSelect, RowsColumnsDtypesAndErrors) {
  Tensor x = make(iota(12), {3, 4});
  // torch.index_select(x, 1, tensor([3, 0, 3])) -> [[3, 0, 3], [7, 4, 7], [11, 8, 11]]
  EXPECT_TRUE(matches(ember::index_select(x, 1, make1d({3, 0, 3}, kInt64)), {3, 3}, kFloat32, {3, 0, 3, 7, 4, 7, 11, 8, 11}));
  EXPECT_TRUE(matches(x.index_select(0, make1d({2, 0}, kInt32)), {2, 4}, kFloat32, {8, 9, 10, 11, 0, 1, 2, 3}));
  EXPECT_TRUE(matches(x.index_select(-2, make1d({}, kInt64)), {0, 4}, kFloat32, {}));
  EXPECT_TRUE(matches(x.t().index_select(0, make1d({1}, kInt64)), {1, 3}, kFloat32, {1, 5, 9}));  // strided source
  // Rows of a tensor with no columns (no memory at all): empty rows, no arithmetic on a null
  // address (found by the tensor_api fuzz target under UBSan; seed regression_index_select_empty).
  EXPECT_TRUE(matches(ember::empty({3, 0}).index_select(0, make1d({2, 0}, kInt64)), {2, 0}, kFloat32, {}));
  EXPECT_TRUE(matches(ember::empty({0, 3}).index_select(1, make1d({1}, kInt64)), {0, 1}, kFloat32, {}));
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> v = dt == kBool ? std::vector<double>{1, 0, 0, 1} : iota(4, 1);
    EXPECT_TRUE(matches(ember::index_select(make(v, {2, 2}, dt), 0, make1d({1, 1, 0}, kInt64)), {3, 2}, dt,
                        {v[2], v[3], v[2], v[3], v[0], v[1]}));
  }
  Tensor out = ember::empty({0});
  ember::index_select_out(out, x, 0, make({1}, {}, kInt64));  // a 0-d index selects one row
  EXPECT_TRUE(matches(out, {1, 4}, kFloat32, {4, 5, 6, 7}));
  // PyTorch 1.13: IndexError "index out of range in self" (for 3 and -1).
  EXPECT_THROW_MSG(ember::index_select(x, 0, make1d({3}, kInt64)), IndexError, "out of range");
  EXPECT_THROW_MSG(ember::index_select(x, 0, make1d({-1}, kInt64)), IndexError, "out of range");
  EXPECT_THROW_MSG(ember::index_select(x, 0, make1d({0.0})), TypeError, "Expected dtype int32/int64 for index");
  EXPECT_THROW_MSG(ember::index_select(x, 0, make({0, 1}, {1, 2}, kInt64)), ValueError, "Index is supposed to be a vector");
}

TEST(Gather, AlongBothDims) {
  Tensor x = make(iota(12), {3, 4});
  // torch.gather(x, 0, tensor([[2, 1, 0, 0]])) -> [[8, 5, 2, 3]]
  EXPECT_TRUE(matches(ember::gather(x, 0, make({2, 1, 0, 0}, {1, 4}, kInt64)), {1, 4}, kFloat32, {8, 5, 2, 3}));
  // torch.gather(x, 1, tensor([[3], [0], [1]])) -> [[3], [4], [9]]
  EXPECT_TRUE(matches(x.gather(1, make({3, 0, 1}, {3, 1}, kInt64)), {3, 1}, kFloat32, {3, 4, 9}));
  // General: out[i][j] = x[i][idx[i][j]] against a loop, on int64 data with a transposed source.
  std::vector<double> idx = {1, 0, 2, 2, 0, 1};
  Tensor src = make(iota(9, 10), {3, 3}, kInt64).t();  // src[i][k] = 10 + 3k + i
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) want.push_back(10 + 3 * idx[static_cast<size_t>(i * 3 + j)] + i);
  EXPECT_TRUE(matches(ember::gather(src, 1, make(idx, {2, 3}, kInt64)), {2, 3}, kInt64, want));
  Tensor out = ember::empty({0});
  ember::gather_out(out, x, -1, make({0, 0, 3}, {1, 3}, kInt64));
  EXPECT_TRUE(matches(out, {1, 3}, kFloat32, {0, 0, 3}));
  // "index 4 is out of bounds for dimension 1 with size 4"; "gather(): Expected dtype int64 for index"
  EXPECT_THROW_MSG(ember::gather(x, 1, make({0, 4}, {1, 2}, kInt64)), IndexError, "index 4 is out of bounds for dimension 1 with size 4");
  EXPECT_THROW_MSG(ember::gather(x, 0, make({1}, {1, 1})), TypeError, "Expected dtype int64 for index");
  EXPECT_THROW_MSG(ember::gather(x, 0, make1d({1}, kInt64)), ValueError, "Index tensor must have the same number of dimensions");
}

TEST(Scatter, SrcValueAndAdd) {
  Tensor x = make(iota(12), {3, 4});
  Tensor idx = make({2, 0, 1, 0}, {1, 4}, kInt64);
  // torch: x.clone().scatter_(0, tensor([[2, 0, 1, 0]]), 7.5)
  std::vector<double> want_value = {0, 7.5, 2, 7.5, 4, 5, 7.5, 7, 7.5, 9, 10, 11};
  EXPECT_TRUE(matches(ember::scatter(x, 0, idx, 7.5), {3, 4}, kFloat32, want_value));
  Tensor y = x.clone();
  EXPECT_TRUE(y.scatter_(0, idx, 7.5).is_same(y));
  EXPECT_TRUE(all_close(y, want_value));
  EXPECT_TRUE(all_close(x, iota(12)));  // the functional form did not touch x
  // With a src tensor: out[idx[i][j]][j] = src[i][j] (dim 0).
  Tensor src = make({-1, -2, -3, -4}, {1, 4});
  std::vector<double> want_src = {0, -2, 2, -4, 4, 5, -3, 7, -1, 9, 10, 11};
  EXPECT_TRUE(matches(x.scatter(0, idx, src), {3, 4}, kFloat32, want_src));
  Tensor z = x.clone();
  z.scatter_(0, idx, src);
  EXPECT_TRUE(all_close(z, want_src));
  // Along dim 1 with a larger src (only the index's extent is used).
  Tensor z1 = ember::zeros({2, 3});
  z1.scatter_(1, make({2, 0}, {2, 1}, kInt64), make(iota(6, 1), {2, 3}));
  EXPECT_TRUE(all_close(z1, {0, 0, 1, 4, 0, 0}));
  // scatter_add accumulates duplicates: torch.scatter_add(zeros(5), 0, tensor([0, 1, 0, 4, 0]), ones(5))
  // -> [3, 1, 0, 0, 1]
  Tensor dup = make1d({0, 1, 0, 4, 0}, kInt64);
  EXPECT_TRUE(matches(ember::scatter_add(ember::zeros({5}), 0, dup, ember::ones({5})), {5}, kFloat32, {3, 1, 0, 0, 1}));
  Tensor acc = make1d({10, 10, 10, 10, 10}, kInt64);
  acc.scatter_add_(0, dup, make1d({1, 2, 3, 4, 5}, kInt64));
  EXPECT_TRUE(matches(acc, {5}, kInt64, {19, 12, 10, 10, 14}));
  EXPECT_TRUE(matches(ember::zeros({2, 2}).scatter_add(1, make({1, 1, 0, 1}, {2, 2}, kInt64), ember::ones({2, 2})),
                      {2, 2}, kFloat32, {0, 2, 1, 1}));
  // Version counters move for in-place scatters.
  uint32_t v0 = acc._version();
  acc.scatter_(0, make1d({0}, kInt64), 0);
  EXPECT_GT(acc._version(), v0);
}

TEST(Scatter, Errors) {
  Tensor x = make(iota(12), {3, 4});
  // PyTorch 1.13: "index 4 is out of bounds for dimension 1 with size 4";
  // "index -1 is out of bounds for dimension 0 with size 3".
  EXPECT_THROW_MSG(x.clone().scatter_(1, make({0, 4}, {1, 2}, kInt64), ember::ones({1, 2})), IndexError,
                   "index 4 is out of bounds for dimension 1 with size 4");
  EXPECT_THROW_MSG(x.clone().scatter_add_(0, make({-1}, {1, 1}, kInt64), ember::ones({1, 1})), IndexError,
                   "index -1 is out of bounds for dimension 0 with size 3");
  EXPECT_THROW_MSG(x.clone().scatter_(0, make({5}, {1, 1}, kInt64), 1.0), IndexError, "index 5 is out of bounds");
  EXPECT_THROW_MSG(x.scatter(0, make({0}, {1, 1}), ember::ones({1, 1})), TypeError, "Expected dtype int64 for index");
  EXPECT_THROW_MSG(x.scatter(0, make({0}, {1, 1}, kInt64), ember::ones({1, 1}, kFloat64)), TypeError,
                   "Expected self.dtype to be equal to src.dtype");
  EXPECT_THROW_MSG(x.scatter(0, make({0, 0}, {1, 2}, kInt64), ember::ones({1, 1})), ValueError, "to be smaller than src");
}

TEST(MaskedFill, BroadcastMaskDtypesAndErrors) {
  Tensor x = make(iota(12), {3, 4});
  Tensor mask = make1d({1, 0, 0, 1}, kBool);  // broadcast over rows
  // x.masked_fill(tensor([True, False, False, True]), -1)
  std::vector<double> want = {-1, 1, 2, -1, -1, 5, 6, -1, -1, 9, 10, -1};
  EXPECT_TRUE(matches(ember::masked_fill(x, mask, -1), {3, 4}, kFloat32, want));
  EXPECT_TRUE(all_close(x, iota(12)));
  Tensor y = x.clone();
  EXPECT_TRUE(y.masked_fill_(mask, -1).is_same(y));
  EXPECT_TRUE(all_close(y, want));
  // An int tensor filled with a float value truncates: tensor([1, 2, 3]).masked_fill(mask, 2.7) -> [2, 2, 2]
  EXPECT_TRUE(matches(make1d({1, 2, 3}, kInt64).masked_fill(make1d({1, 0, 1}, kBool), 2.7), {3}, kInt64, {2, 2, 2}));
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    EXPECT_TRUE(matches(ember::masked_fill(make1d({0, 0, 0}, dt), make1d({0, 1, 1}, kBool), 1), {3}, dt, {0, 1, 1}));
  }
  // Through a transposed view: writes land in the base.
  Tensor base = ember::zeros({2, 3});
  base.t().masked_fill_(make({1, 0, 0, 0, 0, 1}, {3, 2}, kBool), 5);
  EXPECT_TRUE(all_close(base, {5, 0, 0, 0, 0, 5}));
  // A 0-d mask fills everything.
  EXPECT_TRUE(all_close(ember::masked_fill(make1d({1, 2}), make({1}, {}, kBool), 0), {0, 0}));
  EXPECT_THROW_MSG(x.masked_fill(make1d({1, 0, 0, 1}, kInt64), 0), TypeError, "only supports boolean masks");
  EXPECT_THROW_MSG(make1d({1, 2}).masked_fill_(make({1, 0, 1, 0}, {2, 2}, kBool), 0), ValueError, "cannot be broadcast to self");
}

TEST(Embedding, LooksUpRows) {
  Tensor weight = make(iota(12), {4, 3});
  Tensor idx = make({3, 0, 3, 1}, {2, 2}, kInt64);
  EXPECT_TRUE(matches(ember::embedding(weight, idx), {2, 2, 3}, kFloat32, {9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5}));
  EXPECT_TRUE(matches(ember::embedding(weight, make1d({2}, kInt32)), {1, 3}, kFloat32, {6, 7, 8}));
  EXPECT_TRUE(matches(ember::embedding(weight, make({1}, {}, kInt64)), {3}, kFloat32, {3, 4, 5}));
  EXPECT_TRUE(matches(ember::embedding(weight, make1d({0}, kInt64), 0), {1, 3}, kFloat32, {0, 1, 2}));  // padding_idx only affects grads
  EXPECT_TRUE(matches(ember::embedding(weight.t().contiguous().t(), make1d({1}, kInt64)), {1, 3}, kFloat32, {3, 4, 5}));
  // PyTorch 1.13: IndexError "index out of range in self".
  EXPECT_THROW_MSG(ember::embedding(weight, make1d({4}, kInt64)), IndexError, "out of range");
  EXPECT_THROW_MSG(ember::embedding(weight, make1d({1})), TypeError,
                   "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int");
  EXPECT_THROW_MSG(ember::embedding(make1d({1, 2}), make1d({0}, kInt64)), ValueError, "'weight' must be 2-D");
}

}  // namespace
}  // namespace ember_test
