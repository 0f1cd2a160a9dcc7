// View ops with extreme arguments (INT64_MAX, 2^62, huge steps and counts): every result is the
// exact answer or a typed ember error, never signed overflow, a hang or an out-of-range address.
// Regression tests for issue 14; under `make check-sanitize` the old code failed them with
// UBSan reports, and chunk(t, 2^40) on an empty dimension hung.
#include <chrono>
#include <cmath>
#include <climits>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

constexpr int64_t kMax = INT64_MAX;
constexpr int64_t k2p62 = int64_t{1} << 62;

Tensor four() { return make1d({10, 11, 12, 13}); }

TEST(ViewOverflow, AsStridedGeometryThatOverflowsIsAValueError) {
  Tensor x = four();
  EXPECT_THROW_MSG(x.as_strided({2}, {k2p62}, 0), ValueError, "[as_strided] storage size calculation overflowed");
  EXPECT_THROW_MSG(x.as_strided({k2p62, 2}, {1, 1}, 0), ValueError, "overflowed");
  EXPECT_THROW_MSG(x.as_strided({2}, {kMax}, 0), ValueError, "overflowed");
  // The offset plus the extent: PyTorch 1.13 wraps around here and returns garbage.
  EXPECT_THROW_MSG(x.as_strided({2}, {1}, kMax), ValueError, "overflowed");
  EXPECT_THROW_MSG(x.as_strided({2}, {1}, kMax - 1), ValueError, "overflowed");
  // Inside int64 but past the storage: the bounds error, as before.
  EXPECT_THROW_MSG(x.as_strided({2}, {1}, 3), ValueError, "out of bounds for storage of size 16");
  EXPECT_TRUE(matches(x.as_strided({2}, {3}, 0), {2}, kFloat32, {10, 13}));
}

TEST(ViewOverflow, EmptyAsStridedViewWithAHugeOffset) {
  // PyTorch accepts any offset for an empty view (2^62 float32 elements are 2^64 bytes).
  Tensor x = four();
  Tensor e = x.as_strided({0}, {1}, k2p62);
  EXPECT_EQ(e.storage_offset(), k2p62);
  EXPECT_EQ(e.numel(), 0);
  // An empty tensor addresses nothing: its data pointer is the storage's, not base + 2^64.
  EXPECT_EQ(e.data_ptr(), x.data_ptr());
  EXPECT_TRUE(matches(e.sum(), {}, kFloat32, {0}));
  EXPECT_TRUE(matches(e + 1, {0}, kFloat32, {}));
  EXPECT_TRUE(matches(e.clone(), {0}, kFloat32, {}));
  EXPECT_TRUE(matches(e.view({0, 5}), {0, 5}, kFloat32, {}));
  // Used as an out= argument it is resized into fresh storage, not at base + 2^64.
  Tensor out = x.as_strided({0}, {1}, k2p62);
  ember::add_out(out, make1d({1, 2}), make1d({3, 4}));
  EXPECT_TRUE(matches(out, {2}, kFloat32, {4, 6}));
  EXPECT_EQ(out.storage_offset(), 0);
  EXPECT_TRUE(matches(x, {4}, kFloat32, {10, 11, 12, 13}));
  // The element index itself must fit in int64.
  EXPECT_THROW_MSG(x.as_strided({0}, {1}, kMax), ValueError, "overflowed");
  // Huge strides on an empty view, then index arithmetic on it.
  Tensor f = four().as_strided({0, 3}, {1, int64_t{1} << 59}, 0);
  EXPECT_EQ(f.select(1, 2).storage_offset(), int64_t{1} << 60);
  EXPECT_EQ(f.slice(1, 1, 3, 1).storage_offset(), int64_t{1} << 59);
  EXPECT_EQ(f.unsqueeze(1).sizes().vec(), (std::vector<int64_t>{0, 1, 3}));
  // A step whose stride * step does not fit picks one element; that dim's stride is kept.
  Tensor g = f.slice(1, 0, 3, 32);
  EXPECT_EQ(g.sizes().vec(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(g.strides().vec(), (std::vector<int64_t>{1, int64_t{1} << 59}));
}

TEST(ViewOverflow, SliceWithAHugeStepTakesOneElement) {
  Tensor x = four();
  Tensor a = x.slice(0, std::nullopt, std::nullopt, k2p62);
  EXPECT_TRUE(matches(a, {1}, kFloat32, {10}));
  Tensor b = x.slice(0, 1, std::nullopt, kMax);
  EXPECT_TRUE(matches(b, {1}, kFloat32, {11}));
  EXPECT_EQ(b.storage_offset(), 1);
  EXPECT_TRUE(matches(x.slice(0, INT64_MIN, kMax, 1), {4}, kFloat32, {10, 11, 12, 13}));
  EXPECT_TRUE(matches(x.slice(0, k2p62, std::nullopt, 1), {0}, kFloat32, {}));
  EXPECT_TRUE(matches(x.slice(0, -kMax, -2, 3), {1}, kFloat32, {10}));
}

TEST(ViewOverflow, NarrowWithAHugeLengthIsAnIndexError) {
  Tensor x = four();
  EXPECT_THROW_MSG(x.narrow(0, 1, kMax), IndexError, "start (1) + length (9223372036854775807) exceeds dimension size (4).");
  EXPECT_THROW_MSG(x.narrow(0, -1, kMax), IndexError, "start (3) + length (9223372036854775807) exceeds dimension size (4).");
  EXPECT_THROW_MSG(x.narrow(0, kMax, 1), IndexError, "exceeds dimension size (4)");
  EXPECT_TRUE(matches(x.narrow(0, 4, 0), {0}, kFloat32, {}));
  EXPECT_TRUE(matches(x.narrow(0, 1, 3), {3}, kFloat32, {11, 12, 13}));
}

TEST(ViewOverflow, ChunkAndSplitWithHugeCounts) {
  Tensor x = four();
  // ceil(4 / INT64_MAX) = 1: four chunks of one (PyTorch 1.13 overflows and raises instead).
  auto c = x.chunk(kMax, 0);
  ASSERT_EQ(c.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(matches(c[i], {1}, kFloat32, {10.0 + static_cast<double>(i)}));
  auto s = x.split(kMax, 0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(matches(s[0], {4}, kFloat32, {10, 11, 12, 13}));
  EXPECT_THROW_MSG(x.split_with_sizes({kMax, kMax, 2}, 0), ValueError, "expects split_sizes to sum exactly to 4");
}

TEST(ViewOverflow, ChunkOfAnEmptyDimensionDoesNotHang) {
  Tensor e = ember::empty({0, 3});
  // PyTorch returns `chunks` empty views.
  auto c = e.chunk(7, 0);
  ASSERT_EQ(c.size(), 7u);
  for (const auto& t : c) EXPECT_EQ(t.sizes().vec(), (std::vector<int64_t>{0, 3}));
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW_MSG(e.chunk(int64_t{1} << 40, 0), ValueError,
                   "[chunk] splitting an empty tensor into 1099511627776 pieces would create that many empty views");
  // The same for split and unbind of an empty tensor along a huge dimension.
  Tensor wide = ember::empty({0}).unsqueeze(1).expand({0, int64_t{1} << 40});
  EXPECT_THROW_MSG(wide.split(1, 1), ValueError, "[split] splitting an empty tensor into 1099511627776 pieces");
  EXPECT_THROW_MSG(wide.unbind(1), ValueError, "[unbind] splitting an empty tensor into 1099511627776 pieces");
  EXPECT_EQ(wide.split(int64_t{1} << 39, 1).size(), 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ViewOverflow, ShapesWhoseElementCountOverflows) {
  Tensor one = make1d({5});
  EXPECT_THROW_MSG(one.expand({k2p62, 4}), ValueError, "overflows int64");
  EXPECT_THROW_MSG(one.expand({kMax, kMax}), ValueError, "overflows int64");
  EXPECT_THROW_MSG(one.expand({INT64_MIN}), ValueError, "[expand] The expanded size of the tensor (-9223372036854775808) must be non-negative");
  EXPECT_THROW_MSG(one.expand({-2}), ValueError, "must be non-negative");
  EXPECT_THROW_MSG(four().view({k2p62, k2p62, 0}), ValueError, "is invalid for input of size 4");
  EXPECT_THROW_MSG(four().reshape({kMax, 2, 2}), ValueError, "is invalid for input of size 4");
  Tensor e = ember::empty({0});
  EXPECT_TRUE(matches(e.view({k2p62, 0}), {k2p62, 0}, kFloat32, {}));
  EXPECT_THROW_MSG(e.view({k2p62, k2p62, 0}), ValueError, "");  // its strides do not fit in int64
}

// Reducing all of an empty view whose other dim has a huge stride: nothing is read, and the byte
// strides of the walk (2^62 elements x itemsize) are not computed (UBSan found the overflow via the
// tensor_api fuzz target; seed regression_empty_view_huge_stride_reduce).
TEST(ViewOverflow, ReductionsOfAnEmptyViewWithAHugeStride) {
  Tensor v = ember::zeros({4}, kBFloat16).as_strided({2, 0}, {k2p62, 1}, 0);
  EXPECT_TRUE(std::isnan(v.var().item<double>()));
  EXPECT_EQ(v.sum().item<double>(), 0.0);
  EXPECT_TRUE(matches(v.sum(1), {2}, kBFloat16, {0, 0}));
}

// Recurrent cells whose weights do not hold 4 (LSTM) or 3 (GRU) gates: a ValueError (lstm_cell
// read past the chunks it got, uninitialized memory; found by the tensor_api fuzz target, seed
// regression_lstm_cell_gate_count).
TEST(ViewOverflow, RecurrentCellsCheckTheirGateCount) {
  Tensor x = ember::ones({1, 2}), h = ember::zeros({1, 1});
  std::vector<Tensor> hc{h, h};
  EXPECT_THROW_MSG(ember::lstm_cell(x, hc, ember::ones({2, 2}), ember::ones({2, 1})), ValueError,
                   "expected [batch, 4 * hidden_size]");
  EXPECT_THROW_MSG(ember::gru_cell(x, h, ember::ones({2, 2}), ember::ones({2, 1})), ValueError,
                   "expected [batch, 3 * hidden_size]");
  auto [h1, c1] = ember::lstm_cell(x, hc, ember::zeros({4, 2}), ember::zeros({4, 1}));
  EXPECT_TRUE(matches(c1, {1, 1}, kFloat32, {0}));  // sigmoid(0) * 0 + sigmoid(0) * tanh(0)
}

// repeat whose repeated size does not fit int64: a ValueError (signed overflow before; found by
// the tensor_api fuzz target, seed regression_repeat_huge).
TEST(ViewOverflow, RepeatWithAHugeCount) {
  EXPECT_THROW_MSG(make1d({1, 2, 3}).repeat({k2p62}), ValueError, "more elements than int64 can count");
  EXPECT_TRUE(matches(make1d({1, 2}).repeat({2, 2}), {2, 4}, kFloat32, {1, 2, 1, 2, 1, 2, 1, 2}));
}

// A convolution's groups so large that weight channels * groups overflows: PyTorch's channel
// error, not signed overflow.
TEST(ViewOverflow, ConvolutionWithHugeGroups) {
  EXPECT_THROW_MSG(ember::conv2d(ember::zeros({1, 3, 4, 4}), ember::zeros({2, 3, 1, 1}), std::nullopt, {1, 1}, {0, 0},
                                 {1, 1}, k2p62),
                   ValueError, "channels, but got 3 channels instead");
  EXPECT_THROW_MSG(ember::conv3d(ember::zeros({1, 3, 2, 2, 2}), ember::zeros({2, 3, 1, 1, 1}), std::nullopt, {1, 1, 1},
                                 {0, 0, 0}, {1, 1, 1}, k2p62),
                   ValueError, "channels, but got 3 channels instead");
}

// im2col / col2im with padding, dilation or kernel sizes near INT64_MAX: a ValueError, not signed
// overflow (col2im's 2 * padding was found by the tensor_api fuzz target under UBSan; seed
// regression_col2im_huge_padding); negative padding is PyTorch's error.
TEST(ViewOverflow, SlidingBlockOpsWithHugeArguments) {
  Tensor img = ember::zeros({1, 1, 4, 4});
  Tensor cols = ember::zeros({1, 4, 9});
  const std::vector<int64_t> one{1, 1}, two{2, 2};
  EXPECT_THROW_MSG(ember::col2im(cols, {4, 4}, two, one, {kMax - 1, kMax - 1}, one), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::im2col(img, two, one, {kMax - 1, 0}, one), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::im2col(img, {3, 3}, {k2p62, 1}, {0, 0}, one), ValueError, "overflows int64");
  EXPECT_THROW_MSG(ember::im2col(img, two, {k2p62, 1}, {0, 0}, one), ValueError, "must be at least one");
  EXPECT_THROW_MSG(ember::col2im(ember::zeros({1, 4, 1}), {4, 4}, {k2p62, k2p62}, one, {0, 0}, one), ValueError, "");
  EXPECT_THROW_MSG(ember::im2col(img, two, one, {-1, 0}, one), ValueError, "padding should be non-negative");
  // Ordinary arguments still give the blocks: 4x4 with 2x2 kernels, stride 1: 3 x 3 = 9 blocks.
  EXPECT_EQ(ember::im2col(img, two, one, {0, 0}, one).sizes(), IntArrayRef({1, 4, 9}));
  EXPECT_EQ(ember::col2im(cols, {4, 4}, two, one, {0, 0}, one).sizes(), IntArrayRef({1, 1, 4, 4}));
}

}  // namespace
}  // namespace ember_test
