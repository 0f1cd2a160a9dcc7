// View ops: view, reshape (a view when possible, else a copy), view_as, reshape_as, as_strided,
// permute, transpose, t, expand, expand_as, slice (negative indices, steps), select, narrow,
// squeeze, unsqueeze, flatten, unflatten, chunk, split, split_with_sizes, unbind, alias; the
// in-place view ops transpose_, t_, squeeze_, unsqueeze_ (self's geometry changes, its data does
// not move).
// Views share storage (a write through the view is read in the base) and the version counter;
// shapes and strides match PyTorch's; errors as PyTorch 1.13.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("as_strided", "view", "reshape", "view_as", "reshape_as", "permute", "transpose.int", "t", "expand",
                 "expand_as", "slice.Tensor", "select.int", "narrow", "squeeze", "squeeze.dim", "unsqueeze",
                 "flatten.using_ints", "unflatten.int", "chunk", "split.Tensor", "split_with_sizes", "unbind.int", "alias",
                 "detach", "detach_", "transpose_", "t_", "squeeze_", "squeeze_.dim", "unsqueeze_");

// base = arange(12).view(3, 4)
Tensor base12() { return make(iota(12), {3, 4}); }

// The view shares base's storage: writing 100 + i through the view changes base where expected.
void expect_shares_storage(const Tensor& base, const Tensor& view) {
  EXPECT_EQ(view.impl()->storage(), base.impl()->storage());
  uint32_t v0 = base._version();
  view.fill_(-7);
  EXPECT_GT(base._version(), v0);             // one version counter for base and view
  EXPECT_EQ(base._version(), view._version());
  for (double v : values(view)) EXPECT_EQ(v, -7);
}

TEST(View, ViewAndReshape) {
  Tensor x = base12();
  Tensor v = x.view({4, 3});
  EXPECT_TRUE(matches(v, {4, 3}, kFloat32, iota(12)));
  EXPECT_EQ(v.strides().vec(), (std::vector<int64_t>{3, 1}));
  EXPECT_TRUE(matches(x.view({-1}), {12}, kFloat32, iota(12)));
  EXPECT_TRUE(matches(x.view({2, -1, 2}), {2, 3, 2}, kFloat32, iota(12)));
  EXPECT_TRUE(matches(make({5}, {1}).view({}), {}, kFloat32, {5}));
  expect_shares_storage(x, x.view({2, 6}).select(0, 1));
  EXPECT_TRUE(all_close(x, {0, 1, 2, 3, 4, 5, -7, -7, -7, -7, -7, -7}));
  // view of a non-contiguous tensor that still fits: a column slice viewed with a split dim.
  Tensor cols = make(iota(24), {2, 3, 4}).slice(2, 0, 2);  // [2, 3, 2], strides [12, 4, 1]
  EXPECT_TRUE(matches(cols.view({6, 2}), {6, 2}, kFloat32, values(cols)));
  EXPECT_TRUE(matches(make(iota(6), {2, 3}).t().view({3, 2}), {3, 2}, kFloat32, {0, 3, 1, 4, 2, 5}));
  // PyTorch 1.13: view of a transposed tensor fails and says to use reshape.
  EXPECT_THROW_MSG(x.t().view({12}), ValueError, "view size is not compatible with input tensor's size and stride");
  EXPECT_THROW_MSG(x.t().view({12}), ValueError, "Use .reshape(...) instead.");
  EXPECT_THROW_MSG(x.view({5, 2}), ValueError, "shape '[5, 2]' is invalid for input of size 12");
  EXPECT_THROW_MSG(x.view({-1, -1}), ValueError, "only one dimension can be inferred");
  EXPECT_THROW_MSG(x.view({-2, 6}), ValueError, "invalid shape dimension -2");

  // reshape: a view when the layout allows, a copy otherwise.
  Tensor y = base12();
  Tensor r = y.reshape({6, 2});
  EXPECT_EQ(r.data_ptr(), y.data_ptr());
  Tensor rc = ember::reshape(y.t(), {12});
  EXPECT_NE(rc.impl()->storage(), y.impl()->storage());
  EXPECT_TRUE(matches(rc, {12}, kFloat32, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_TRUE(matches(ember::ones({2, 0}).reshape({0, 5}), {0, 5}, kFloat32, {}));
  EXPECT_TRUE(matches(ember::empty({0}).view({2, 0, 3}), {2, 0, 3}, kFloat32, {}));
  EXPECT_THROW_MSG(y.reshape({7}), ValueError, "shape '[7]' is invalid for input of size 12");
  // view_as / reshape_as.
  EXPECT_TRUE(matches(y.view_as(ember::empty({2, 6})), {2, 6}, kFloat32, iota(12)));
  EXPECT_TRUE(matches(y.t().reshape_as(ember::empty({4, 3})), {4, 3}, kFloat32, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
}

TEST(View, PermuteTransposeT) {
  Tensor x = make(iota(24), {2, 3, 4});
  Tensor p = x.permute({2, 0, 1});
  EXPECT_EQ(sizes_of(p), (std::vector<int64_t>{4, 2, 3}));
  EXPECT_EQ(p.strides().vec(), (std::vector<int64_t>{1, 12, 4}));
  std::vector<double> want;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) want.push_back(i * 12 + j * 4 + k);
  EXPECT_TRUE(all_close(p, want));
  EXPECT_TRUE(matches(ember::permute(x, {-1, -3, -2}), {4, 2, 3}, kFloat32, want));
  EXPECT_TRUE(matches(x.transpose(0, 2), {4, 3, 2}, kFloat32, values(x.permute({2, 1, 0}))));
  EXPECT_TRUE(matches(ember::transpose(x, -1, 1), {2, 4, 3}, kFloat32, values(x.permute({0, 2, 1}))));
  Tensor m = base12();
  EXPECT_TRUE(matches(m.t(), {4, 3}, kFloat32, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_TRUE(matches(ember::t(make1d({1, 2})), {2}, kFloat32, {1, 2}));  // 1-D and 0-D: unchanged
  EXPECT_TRUE(matches(make({3}, {}).t(), {}, kFloat32, {3}));
  expect_shares_storage(m, m.t().select(0, 0));  // column 0
  EXPECT_TRUE(all_close(m, {-7, 1, 2, 3, -7, 5, 6, 7, -7, 9, 10, 11}));
  // PyTorch 1.13 messages (minus the sparse_coo prefix).
  EXPECT_THROW_MSG(m.permute({0, 0}), ValueError, "repeated dim in permute");
  EXPECT_THROW_MSG(m.permute({0}), ValueError, "number of dims don't match in permute");
  EXPECT_THROW_MSG(m.permute({0, 2}), IndexError, "but got 2");
  EXPECT_THROW_MSG(ember::ones({3, 4, 5}).t(), ValueError, "t() expects a tensor with <= 2 dimensions, but self is 3D");
  EXPECT_THROW_MSG(m.transpose(0, 2), IndexError, "expected to be in range of [-2, 1], but got 2");
}

TEST(View, ExpandAndAsStrided) {
  Tensor row = make1d({1, 2, 3});
  Tensor e = row.expand({2, 3});
  EXPECT_TRUE(matches(e, {2, 3}, kFloat32, {1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(e.strides().vec(), (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(matches(make({1, 2}, {2, 1}).expand({-1, 3}), {2, 3}, kFloat32, {1, 1, 1, 2, 2, 2}));
  EXPECT_TRUE(matches(make({4}, {}).expand({2, 2}), {2, 2}, kFloat32, {4, 4, 4, 4}));
  EXPECT_TRUE(matches(row.expand_as(ember::empty({2, 2, 3})), {2, 2, 3}, kFloat32, {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(e.impl()->storage(), row.impl()->storage());
  // PyTorch 1.13: "The expanded size of the tensor (2) must match the existing size (3) at
  // non-singleton dimension 0.  Target sizes: [2, 4].  Tensor sizes: [3, 4]"
  EXPECT_THROW_MSG(base12().expand({2, 4}), ValueError,
                   "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2, 4].  Tensor sizes: [3, 4]");
  EXPECT_THROW_MSG(base12().expand({4}), ValueError,
                   "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)");
  EXPECT_THROW_MSG(row.expand({-1, 3}), ValueError, "isn't allowed in a leading, non-existing dimension 0");
  // as_strided: any geometry inside the storage; the storage offset defaults to the tensor's.
  Tensor x = base12();
  EXPECT_TRUE(matches(x.as_strided({2, 2}, {4, 1}), {2, 2}, kFloat32, {0, 1, 4, 5}));
  EXPECT_TRUE(matches(ember::as_strided(x, {3}, {5}, 1), {3}, kFloat32, {1, 6, 11}));  // a diagonal
  EXPECT_TRUE(matches(x.select(0, 1).as_strided({2}, {2}), {2}, kFloat32, {4, 6}));
  EXPECT_TRUE(matches(x.as_strided({2, 2}, {0, 0}, 3), {2, 2}, kFloat32, {3, 3, 3, 3}));
  expect_shares_storage(x, x.as_strided({2}, {6}, 1));
  EXPECT_TRUE(all_close(x, {0, -7, 2, 3, 4, 5, 6, -7, 8, 9, 10, 11}));
  EXPECT_THROW_MSG(x.as_strided({4, 4}, {4, 1}), ValueError, "out of bounds for storage of size 48");
  EXPECT_THROW_MSG(x.as_strided({2}, {1, 1}), ValueError, "mismatch in length of strides and shape");
  EXPECT_THROW_MSG(x.as_strided({2}, {1}, -1), ValueError, "invalid storage offset -1");
}

TEST(View, SliceSelectNarrow) {
  Tensor x = base12();
  // x[:, ::2]
  EXPECT_TRUE(matches(x.slice(1, 0, 4, 2), {3, 2}, kFloat32, {0, 2, 4, 6, 8, 10}));
  // x[-2:] and x[:, -3:-1], x[1:100]
  EXPECT_TRUE(matches(x.slice(0, -2), {2, 4}, kFloat32, {4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(matches(ember::slice(x, 1, -3, -1), {3, 2}, kFloat32, {1, 2, 5, 6, 9, 10}));
  EXPECT_TRUE(matches(x.slice(0, 1, 100), {2, 4}, kFloat32, {4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(matches(x.slice(0, -100, 1), {1, 4}, kFloat32, {0, 1, 2, 3}));
  EXPECT_TRUE(matches(x.slice(1, 3, 1), {3, 0}, kFloat32, {}));  // empty, start after end
  EXPECT_TRUE(matches(make1d(iota(10)).slice(0, 1, std::nullopt, 3), {3}, kFloat32, {1, 4, 7}));
  EXPECT_TRUE(matches(make1d(iota(10)).slice(0, std::nullopt, -1, 4), {3}, kFloat32, {0, 4, 8}));
  Tensor s = x.slice(1, 1, 4, 2);  // columns 1 and 3
  EXPECT_EQ(s.storage_offset(), 1);
  EXPECT_EQ(s.strides().vec(), (std::vector<int64_t>{4, 2}));
  expect_shares_storage(x, s);
  EXPECT_TRUE(all_close(x, {0, -7, 2, -7, 4, -7, 6, -7, 8, -7, 10, -7}));
  EXPECT_THROW_MSG(x.slice(1, 0, 4, 0), ValueError, "slice step must be positive");
  EXPECT_THROW_MSG(x.slice(1, 0, 4, -1), ValueError, "slice step must be positive");
  EXPECT_THROW_MSG(make({1}, {}).slice(0), IndexError, "slice() cannot be applied to a 0-dim tensor");
  // select, negative indices, operator[].
  Tensor y = base12();
  EXPECT_TRUE(matches(y.select(0, 1), {4}, kFloat32, {4, 5, 6, 7}));
  EXPECT_TRUE(matches(y.select(1, -1), {3}, kFloat32, {3, 7, 11}));
  EXPECT_TRUE(matches(ember::select(y, -2, -3), {4}, kFloat32, {0, 1, 2, 3}));
  EXPECT_TRUE(matches(y[2], {4}, kFloat32, {8, 9, 10, 11}));
  EXPECT_TRUE(matches(y[2][1], {}, kFloat32, {9}));
  EXPECT_EQ(y[2][1].item<double>(), 9);
  expect_shares_storage(y, y[1]);
  EXPECT_TRUE(all_close(y, {0, 1, 2, 3, -7, -7, -7, -7, 8, 9, 10, 11}));
  // PyTorch 1.13: "select(): index 3 out of range for tensor of size [3, 4] at dimension 0"
  EXPECT_THROW_MSG(y.select(0, 3), IndexError, "index 3 is out of bounds for dimension 0 with size 3");
  EXPECT_THROW_MSG(y.select(1, -5), IndexError, "index -5 is out of bounds for dimension 1 with size 4");
  EXPECT_THROW_MSG(make({1}, {}).select(0, 0), IndexError, "select() cannot be applied to a 0-dim tensor");
  // narrow, negative start: x.narrow(1, -2, 2) -> columns 2 and 3.
  Tensor z = base12();
  EXPECT_TRUE(matches(z.narrow(1, -2, 2), {3, 2}, kFloat32, {2, 3, 6, 7, 10, 11}));
  EXPECT_TRUE(matches(ember::narrow(z, 0, 1, 2), {2, 4}, kFloat32, {4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(matches(z.narrow(0, 3, 0), {0, 4}, kFloat32, {}));
  // "start (3) + length (2) exceeds dimension size (4)."
  EXPECT_THROW_MSG(z.narrow(1, 3, 2), IndexError, "start (3) + length (2) exceeds dimension size (4).");
}

TEST(View, SqueezeUnsqueezeFlattenUnflatten) {
  Tensor x = make(iota(3), {1, 3, 1});
  EXPECT_TRUE(matches(x.squeeze(), {3}, kFloat32, {0, 1, 2}));
  EXPECT_TRUE(matches(ember::squeeze(x, 0), {3, 1}, kFloat32, {0, 1, 2}));
  EXPECT_TRUE(matches(x.squeeze(-1), {1, 3}, kFloat32, {0, 1, 2}));
  EXPECT_TRUE(matches(x.squeeze(1), {1, 3, 1}, kFloat32, {0, 1, 2}));  // size 3: unchanged
  EXPECT_TRUE(matches(make({5}, {1, 1}).squeeze(), {}, kFloat32, {5}));
  EXPECT_TRUE(matches(make({5}, {}).squeeze(0), {}, kFloat32, {5}));
  EXPECT_THROW_MSG(x.squeeze(3), IndexError, "but got 3");
  // unsqueeze: strides as PyTorch (ones(3).unsqueeze(1) -> (1, 1); ones(2, 3).unsqueeze(1) -> (3, 3, 1)).
  Tensor v = make1d({1, 2, 3});
  EXPECT_TRUE(matches(v.unsqueeze(0), {1, 3}, kFloat32, {1, 2, 3}));
  EXPECT_TRUE(matches(ember::unsqueeze(v, -1), {3, 1}, kFloat32, {1, 2, 3}));
  EXPECT_EQ(v.unsqueeze(1).strides().vec(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(ember::ones({2, 3}).unsqueeze(1).strides().vec(), (std::vector<int64_t>{3, 3, 1}));
  EXPECT_TRUE(matches(make({5}, {}).unsqueeze(0), {1}, kFloat32, {5}));
  // "Dimension out of range (expected to be in range of [-3, 2], but got 3)"
  EXPECT_THROW_MSG(base12().unsqueeze(3), IndexError, "expected to be in range of [-3, 2], but got 3");
  // flatten / unflatten
  Tensor t = make(iota(24), {2, 3, 4});
  EXPECT_TRUE(matches(t.flatten(), {24}, kFloat32, iota(24)));
  EXPECT_TRUE(matches(ember::flatten(t, 1), {2, 12}, kFloat32, iota(24)));
  EXPECT_TRUE(matches(t.flatten(0, 1), {6, 4}, kFloat32, iota(24)));
  EXPECT_TRUE(matches(t.flatten(-1, -1), {2, 3, 4}, kFloat32, iota(24)));
  EXPECT_TRUE(matches(make({5}, {}).flatten(), {1}, kFloat32, {5}));
  EXPECT_EQ(t.flatten(1).data_ptr(), t.data_ptr());  // a view when contiguous
  EXPECT_TRUE(matches(t.transpose(0, 1).flatten(1), {3, 8}, kFloat32, values(t.transpose(0, 1))));  // copies
  EXPECT_THROW_MSG(t.flatten(1, 0), ValueError, "flatten() has invalid args: start_dim cannot come after end_dim");
  EXPECT_TRUE(matches(base12().unflatten(1, {2, -1}), {3, 2, 2}, kFloat32, iota(12)));
  EXPECT_TRUE(matches(ember::unflatten(t, -1, {2, 2}), {2, 3, 2, 2}, kFloat32, iota(24)));
  EXPECT_THROW_MSG(base12().unflatten(1, {3, 2}), ValueError, "shape '[3, 2]' is invalid for input of size 4");
  EXPECT_THROW_MSG(base12().unflatten(1, {}), ValueError, "sizes must be non-empty");
}

TEST(View, ChunkSplitUnbindAlias) {
  Tensor x = base12();
  // chunk(2, 1) -> two [3, 2]; arange(5).chunk(3) -> sizes 2, 2, 1; arange(6).chunk(4) -> 2, 2, 2.
  auto c = x.chunk(2, 1);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_TRUE(matches(c[0], {3, 2}, kFloat32, {0, 1, 4, 5, 8, 9}));
  EXPECT_TRUE(matches(c[1], {3, 2}, kFloat32, {2, 3, 6, 7, 10, 11}));
  auto c5 = ember::chunk(make1d(iota(5)), 3);
  ASSERT_EQ(c5.size(), 3u);
  EXPECT_TRUE(matches(c5[2], {1}, kFloat32, {4}));
  EXPECT_EQ(ember::chunk(make1d(iota(6)), 4).size(), 3u);
  EXPECT_THROW_MSG(x.chunk(0), ValueError, "chunk expects `chunks` to be greater than 0, got: 0");
  // split: equal parts with a smaller last one.
  auto s = make1d(iota(5)).split(2);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(matches(s[0], {2}, kFloat32, {0, 1}));
  EXPECT_TRUE(matches(s[2], {1}, kFloat32, {4}));
  auto s1 = ember::split(x, 3, 1);
  ASSERT_EQ(s1.size(), 2u);
  EXPECT_TRUE(matches(s1[1], {3, 1}, kFloat32, {3, 7, 11}));
  EXPECT_THROW_MSG(x.split(-1), ValueError, "split expects split_size be non-negative");
  // split_with_sizes
  auto sw = x.split_with_sizes({1, 2}, 0);
  ASSERT_EQ(sw.size(), 2u);
  EXPECT_TRUE(matches(sw[0], {1, 4}, kFloat32, {0, 1, 2, 3}));
  EXPECT_TRUE(matches(sw[1], {2, 4}, kFloat32, {4, 5, 6, 7, 8, 9, 10, 11}));
  auto sw0 = ember::split_with_sizes(x, {0, 4}, 1);
  EXPECT_TRUE(matches(sw0[0], {3, 0}, kFloat32, {}));
  // "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]"
  EXPECT_THROW_MSG(x.split_with_sizes({1, 1}, 0), ValueError,
                   "expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]");
  // unbind
  auto u = x.unbind(1);
  ASSERT_EQ(u.size(), 4u);
  EXPECT_TRUE(matches(u[3], {3}, kFloat32, {3, 7, 11}));
  EXPECT_EQ(ember::unbind(x).size(), 3u);
  // Every piece is a view: writes reach the base.
  Tensor y = base12();
  expect_shares_storage(y, y.chunk(2, 1)[1]);
  expect_shares_storage(y, ember::split(y, 1, 0)[0]);
  expect_shares_storage(y, y.unbind(1)[0]);
  EXPECT_TRUE(all_close(y, {-7, -7, -7, -7, -7, 5, -7, -7, -7, 9, -7, -7}));
  // alias: a new handle on the same data and geometry.
  Tensor z = base12().t();
  Tensor a = ember::alias(z);
  EXPECT_FALSE(a.is_same(z));
  EXPECT_EQ(a.strides().vec(), z.strides().vec());
  EXPECT_TRUE(matches(z.alias(), {4, 3}, kFloat32, values(z)));
  expect_shares_storage(z, a);
  for (double v : values(z)) EXPECT_EQ(v, -7);
}

TEST(View, VersionCounterIsSharedAcrossViewsOfViews) {
  Tensor x = base12();
  Tensor v1 = x.view({2, 6}), v2 = v1.t().slice(0, 1, 3), v3 = v2.select(1, 0);
  uint32_t v0 = x._version();
  v3.add_(1.0);
  EXPECT_EQ(x._version(), v0 + 1);
  EXPECT_EQ(v1._version(), x._version());
  EXPECT_EQ(v2._version(), x._version());
  EXPECT_TRUE(all_close(x, {0, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11}));  // v3 is x's elements 1 and 2
  // A copy has its own counter.
  Tensor c = x.clone();
  c.add_(1.0);
  EXPECT_EQ(x._version(), v0 + 1);
}

TEST(View, DetachSharesDataOutsideAutograd) {
  Tensor x = base12().t();
  x.requires_grad_(true);
  Tensor d = ember::detach(x);
  EXPECT_FALSE(d.requires_grad());
  EXPECT_FALSE(d.is_same(x));
  EXPECT_TRUE(matches(d, {4, 3}, kFloat32, values(x)));
  EXPECT_EQ(d.strides().vec(), x.strides().vec());
  // Same storage and version counter: an in-place change of the detached tensor is seen by x.
  uint32_t v0 = x._version();
  d.select(0, 0).fill_(-1);
  EXPECT_EQ(x._version(), v0 + 1);
  EXPECT_TRUE(all_close(x.select(0, 0), {-1, -1, -1}));
  EXPECT_TRUE(x.requires_grad());  // x itself is untouched
  // detach_ in place: the same tensor, no longer requiring grad, data unchanged.
  Tensor y = make1d({1, 2});
  y.requires_grad_(true);
  Tensor& same = y.detach_();
  EXPECT_TRUE(same.is_same(y));
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(all_close(y, {1, 2}));
  EXPECT_TRUE(ember::detach_(make1d({3})).defined());
  EXPECT_TRUE(matches(make1d({5, 6}).detach(), {2}, kFloat32, {5, 6}));
}

TEST(Views, InplaceViewOpsChangeTheGeometryNotTheData) {
  Tensor a = base12();  // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
  const void* data = a.data_ptr();
  uint32_t v0 = a._version();
  Tensor& same = a.transpose_(0, 1);
  EXPECT_TRUE(same.is_same(a));
  EXPECT_TRUE(matches(a, {4, 3}, kFloat32, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_EQ(a.strides(), IntArrayRef({1, 4}));
  EXPECT_EQ(a.data_ptr(), data);
  EXPECT_GT(a._version(), v0);  // saved copies of the old shape must not be reused
  a.t_();
  EXPECT_TRUE(matches(a, {3, 4}, kFloat32, iota(12)));
  a.unsqueeze_(1);
  EXPECT_EQ(a.sizes(), IntArrayRef({3, 1, 4}));
  a.squeeze_(0);  // not size 1: unchanged
  EXPECT_EQ(a.sizes(), IntArrayRef({3, 1, 4}));
  a.squeeze_(-2);
  EXPECT_EQ(a.sizes(), IntArrayRef({3, 4}));
  Tensor b = make(iota(3), {1, 3, 1});
  b.squeeze_();
  EXPECT_TRUE(matches(b, {3}, kFloat32, {0, 1, 2}));
  Tensor s = make1d({5});
  s.t_();  // 1-d: as it is
  EXPECT_EQ(s.sizes(), IntArrayRef({1}));
  // Errors as the out-of-place ops', and nothing changes.
  EXPECT_THROW_MSG(a.transpose_(0, 2), IndexError, "");
  EXPECT_EQ(a.sizes(), IntArrayRef({3, 4}));
  EXPECT_THROW_MSG(make(iota(8), {2, 2, 2}).t_(), ValueError, "t() expects a tensor with <= 2 dimensions");
}

}  // namespace
}  // namespace ember_test
