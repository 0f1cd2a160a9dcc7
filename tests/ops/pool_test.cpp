// Pooling: max_pool2d / max_pool2d_with_indices (kernel, stride, padding, dilation, ceil_mode,
// indices), avg_pool2d (padding, count_include_pad, divisor_override, ceil_mode) and
// adaptive_avg_pool2d (sizes that do not divide) against float64 reference loops, plus PyTorch
// 1.13 outputs pasted for a few cases.
#include <cmath>

#include "support/nn_reference_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("max_pool2d_with_indices.out", "max_pool2d_with_indices", "max_pool2d", "avg_pool2d.out", "avg_pool2d",
                 "_adaptive_avg_pool2d.out", "_adaptive_avg_pool2d", "adaptive_avg_pool2d");

const PoolSpec kPoolSpecs[] = {
    // kh kw sh sw ph pw dh dw ceil
    {2, 2, 2, 2, 0, 0, 1, 1, false}, {3, 3, 1, 1, 0, 0, 1, 1, false}, {3, 2, 2, 1, 1, 1, 1, 1, false},
    {3, 3, 2, 2, 1, 0, 2, 1, false}, {2, 2, 2, 2, 0, 0, 1, 1, true},  {3, 3, 2, 2, 1, 1, 1, 1, true},
    {3, 2, 3, 2, 1, 1, 2, 2, true},  {1, 1, 1, 1, 0, 0, 1, 1, false},
};

TEST(Pool, MaxPool2dWithIndicesAgainstReference) {
  const int64_t n = 2, c = 3, h = 7, w = 8;
  // Quantized values: ties happen, and the first maximum's index must win.
  std::vector<double> in = pseudo_random(n * c * h * w, -3, 3, 70, 0.5);
  int k = 0;
  for (const PoolSpec& s : kPoolSpecs) {
    for (ScalarType dt : {kFloat32, kFloat64, kBFloat16}) {
      SCOPED_TRACE("spec " + std::to_string(k) + " " + dtype_str(dt));
      std::vector<double> vals, idx;
      int64_t oh, ow;
      max_pool_ref(in, n * c, h, w, s, &vals, &idx, &oh, &ow);
      Tensor x = make(in, {n, c, h, w}, dt);
      auto [v, i] = ember::max_pool2d_with_indices(x, {s.kh, s.kw}, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, s.ceil_mode);
      EXPECT_TRUE(matches(v, {n, c, oh, ow}, dt, vals));
      EXPECT_TRUE(matches(i, {n, c, oh, ow}, kInt64, idx));
      EXPECT_TRUE(matches(ember::max_pool2d(x, {s.kh, s.kw}, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, s.ceil_mode),
                          {n, c, oh, ow}, dt, vals));
      Tensor ov = ember::empty({0}, dt), oi = ember::empty({0}, kInt64);
      ember::max_pool2d_with_indices_out(ov, oi, x, {s.kh, s.kw}, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, s.ceil_mode);
      EXPECT_TRUE(matches(ov, {n, c, oh, ow}, dt, vals));
      EXPECT_TRUE(matches(oi, {n, c, oh, ow}, kInt64, idx));
    }
    ++k;
  }
}

TEST(Pool, MaxPoolDefaultsUnbatchedNonContiguousAndNan) {
  std::vector<double> in = iota(25);
  Tensor x = make(in, {1, 5, 5});  // unbatched [C, H, W]
  // stride defaults to the kernel size: torch max_pool2d(arange(25).view(1, 5, 5), 2) -> [[6, 8], [16, 18]]
  EXPECT_TRUE(matches(ember::max_pool2d(x, {2}), {1, 2, 2}, kFloat32, {6, 8, 16, 18}));
  auto [v, i] = ember::max_pool2d_with_indices(x, {2, 2});
  EXPECT_TRUE(matches(i, {1, 2, 2}, kInt64, {6, 8, 16, 18}));
  // ceil_mode: 5x5 input, kernel 2 stride 2 -> 3x3 (torch), 3/2 ceil -> 2x2.
  EXPECT_EQ(sizes_of(ember::max_pool2d(x, {2}, {2}, {0}, {1}, true)), (std::vector<int64_t>{1, 3, 3}));
  EXPECT_EQ(sizes_of(ember::max_pool2d(x, {3}, {2}, {0}, {1}, true)), (std::vector<int64_t>{1, 2, 2}));
  // Transposed planes.
  Tensor xt = make(in, {1, 5, 5}).transpose(1, 2);
  EXPECT_TRUE(matches(ember::max_pool2d(xt, {2}), {1, 2, 2}, kFloat32, {6, 16, 8, 18}));
  // All equal: index of the first element (torch: values 1, indices 0).
  auto [ev, ei] = ember::max_pool2d_with_indices(make({1, 1, 1, 1}, {1, 2, 2}), {2});
  EXPECT_TRUE(all_equal(ei, {0}));
  // NaN propagates and its index is reported.
  auto [nv, ni] = ember::max_pool2d_with_indices(make({1, NAN, 3, 2}, {1, 2, 2}), {2});
  EXPECT_TRUE(all_close(nv, {NAN}));
  EXPECT_TRUE(all_equal(ni, {1}));
}

TEST(Pool, AvgPool2dAgainstReference) {
  const int64_t n = 2, c = 2, h = 7, w = 6;
  std::vector<double> in = pseudo_random(n * c * h * w, -2, 2, 71);
  const PoolSpec specs[] = {
      {2, 2, 2, 2, 0, 0, 1, 1, false}, {3, 3, 2, 2, 1, 1, 1, 1, false}, {3, 2, 1, 2, 1, 1, 1, 1, true},
      {3, 3, 2, 2, 1, 1, 1, 1, true},  {2, 3, 3, 2, 0, 1, 1, 1, true},
  };
  int k = 0;
  for (const PoolSpec& s : specs) {
    for (bool include_pad : {true, false}) {
      for (std::optional<int64_t> div : {std::optional<int64_t>(), std::optional<int64_t>(5)}) {
        SCOPED_TRACE("spec " + std::to_string(k) + (include_pad ? " include_pad" : "") + (div ? " divisor 5" : ""));
        int64_t oh, ow;
        std::vector<double> want = avg_pool_ref(in, n * c, h, w, s, include_pad, div, &oh, &ow);
        Tensor x = make(in, {n, c, h, w}, kFloat64);
        Tensor r = ember::avg_pool2d(x, {s.kh, s.kw}, {s.sh, s.sw}, {s.ph, s.pw}, s.ceil_mode, include_pad, div);
        EXPECT_TRUE(matches(r, {n, c, oh, ow}, kFloat64, want, Tol{1e-12, 1e-12}));
        Tensor xf = make(in, {n, c, h, w}, kFloat32);
        Tensor out = ember::empty({0});
        ember::avg_pool2d_out(out, xf, {s.kh, s.kw}, {s.sh, s.sw}, {s.ph, s.pw}, s.ceil_mode, include_pad, div);
        EXPECT_TRUE(matches(out, {n, c, oh, ow}, kFloat32, want, Tol{1e-5, 1e-6}));
      }
    }
    ++k;
  }
  // PyTorch 1.13: avg_pool2d(arange(25.).view(1, 1, 5, 5), 3, 2, padding=1, ceil_mode=True,
  // count_include_pad=True / False)
  Tensor x = make(iota(25), {1, 1, 5, 5});
  EXPECT_TRUE(matches(ember::avg_pool2d(x, {3}, {2}, {1}, true, true), {1, 1, 3, 3}, kFloat32,
                      {12.0 / 9, 3, 24.0 / 9, 7, 12, 9, 8, 13, 84.0 / 9}, Tol{1e-5, 1e-4}));
  EXPECT_TRUE(matches(ember::avg_pool2d(x, {3}, {2}, {1}, true, false), {1, 1, 3, 3}, kFloat32,
                      {3, 4.5, 6, 10.5, 12, 13.5, 18, 19.5, 21}));
  // avg_pool2d(x, 2, 2, ceil_mode=True): the last row/column windows are partial.
  EXPECT_TRUE(matches(ember::avg_pool2d(x, {2}, {2}, {0}, true), {1, 1, 3, 3}, kFloat32,
                      {3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24}));
  // int64 input (PyTorch allows it): avg_pool2d(ones(1, 2, 2, long), 2) -> [[[1]]]
  EXPECT_TRUE(matches(ember::avg_pool2d(make({1, 1, 1, 1}, {1, 2, 2}, kInt64), {2}), {1, 1, 1}, kInt64, {1}));
}

TEST(Pool, AdaptiveAvgPool2d) {
  // 5x7 planes to 3x2: windows [floor(i*H/OH), ceil((i+1)*H/OH)). PyTorch 1.13 on arange(35.).view(1, 5, 7):
  // [[5.0, 8.0], [15.5, 18.5], [26.0, 29.0]]
  Tensor x = make(iota(35), {1, 5, 7});
  EXPECT_TRUE(matches(ember::adaptive_avg_pool2d(x, {3, 2}), {1, 3, 2}, kFloat32, {5, 8, 15.5, 18.5, 26, 29}));
  // General reference over several non-divisible sizes, batched.
  const int64_t n = 2, c = 3, h = 7, w = 5;
  std::vector<double> in = pseudo_random(n * c * h * w, -1, 1, 72);
  for (auto [oh, ow] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 2}, {4, 4}, {7, 5}, {5, 3}, {2, 5}}) {
    SCOPED_TRACE(std::to_string(oh) + "x" + std::to_string(ow));
    std::vector<double> want;
    for (int64_t p = 0; p < n * c; ++p)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          int64_t hs = i * h / oh, he = ((i + 1) * h + oh - 1) / oh;
          int64_t ws = j * w / ow, we = ((j + 1) * w + ow - 1) / ow;
          double s = 0;
          for (int64_t y = hs; y < he; ++y)
            for (int64_t xx = ws; xx < we; ++xx) s += in[static_cast<size_t>((p * h + y) * w + xx)];
          want.push_back(s / static_cast<double>((he - hs) * (we - ws)));
        }
    Tensor t = make(in, {n, c, h, w}, kFloat64);
    EXPECT_TRUE(matches(ember::adaptive_avg_pool2d(t, {oh, ow}), {n, c, oh, ow}, kFloat64, want, Tol{1e-12, 1e-12}));
    EXPECT_TRUE(matches(ember::_adaptive_avg_pool2d(t, {oh, ow}), {n, c, oh, ow}, kFloat64, want, Tol{1e-12, 1e-12}));
    Tensor out = ember::empty({0}, kFloat64);
    ember::_adaptive_avg_pool2d_out(out, t, {oh, ow});
    EXPECT_TRUE(matches(out, {n, c, oh, ow}, kFloat64, want, Tol{1e-12, 1e-12}));
  }
  // One int for both sizes; non-contiguous input.
  EXPECT_TRUE(matches(ember::adaptive_avg_pool2d(make(iota(16), {1, 4, 4}).transpose(1, 2), {2}), {1, 2, 2}, kFloat32,
                      {2.5, 10.5, 4.5, 12.5}));
}

TEST(Pool, Errors) {
  Tensor x = make(iota(25), {1, 1, 5, 5});
  // PyTorch 1.13: "pad should be at most half of kernel size, but got pad=2 and kernel_size=2"
  EXPECT_THROW_MSG(ember::max_pool2d(x, {2}, {2}, {2}), ValueError, "pad should be at most half of effective kernel size");
  EXPECT_THROW_MSG(ember::max_pool2d(ember::ones({5, 5}), {2}), ValueError, "Expected 3D or 4D (batch mode) tensor for input");
  // "divisor must be not zero"
  EXPECT_THROW_MSG(ember::avg_pool2d(x, {2}, {2}, {0}, false, true, 0), ValueError, "divisor must be not zero");
  // "Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small"
  EXPECT_THROW_MSG(ember::max_pool2d(ember::ones({1, 1, 1, 1}), {2}), ValueError, "Calculated output size is too small");
  EXPECT_THROW_MSG(ember::max_pool2d(x, {0}), ValueError, "kernel_size, stride and dilation must be greater than zero");
  EXPECT_THROW_MSG(ember::max_pool2d(x, {2, 2, 2}), ValueError, "kernel_size must be a single int or a pair of ints");
  EXPECT_THROW_MSG(ember::avg_pool2d(make({1, 1, 1, 1}, {1, 2, 2}, kInt32), {2}), TypeError, "expected a floating input");
  EXPECT_THROW_MSG(ember::adaptive_avg_pool2d(ember::ones({4, 4}), {2}), ValueError, "Expected 3D or 4D tensor");
  EXPECT_THROW_MSG(ember::adaptive_avg_pool2d(x, {-1, 2}), ValueError, "output size must be non-negative");
}

}  // namespace
}  // namespace ember_test
