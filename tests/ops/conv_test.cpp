// 2-d convolution (conv2d, _convolution, convolution and its out= form) against a naive float64
// convolution: stride, padding, dilation, groups, bias, unbatched input, non-contiguous input;
// the CPU plugin's cached weights after every way of changing them; and the shape errors
// PyTorch reports.
#include <cmath>

#include "support/nn_reference_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("convolution.out", "convolution", "_convolution", "conv2d");

const ConvSpec kSpecs[] = {
    // n cin h  w  cout kh kw  sh sw ph pw dh dw groups bias
    {1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, false},
    {2, 3, 7, 6, 4, 3, 2, 1, 1, 0, 0, 1, 1, 1, true},
    {2, 2, 8, 9, 3, 3, 3, 2, 3, 0, 0, 1, 1, 1, true},   // stride
    {1, 3, 5, 5, 2, 3, 3, 1, 1, 1, 2, 1, 1, 1, true},   // padding
    {1, 2, 9, 8, 2, 3, 2, 1, 1, 0, 0, 2, 3, 1, false},  // dilation
    {2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, true},   // groups
    {1, 4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, true},   // depthwise
    {1, 2, 7, 6, 4, 3, 2, 2, 1, 1, 2, 2, 1, 2, false},  // everything at once (torch shape [1, 4, 3, 9])
    {1, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},   // 1x1 everything
};

TEST(Conv, Conv2dAgainstNaiveFloat64) {
  int seed = 0;
  for (const ConvSpec& s : kSpecs) {
    for (ScalarType dt : {kFloat32, kFloat64}) {
      SCOPED_TRACE("spec " + std::to_string(seed) + " " + dtype_str(dt));
      std::vector<double> in = pseudo_random(s.n * s.cin * s.h * s.w, -1, 1, 100 + seed);
      std::vector<double> w = pseudo_random(s.cout * (s.cin / s.groups) * s.kh * s.kw, -1, 1, 200 + seed);
      std::vector<double> b = pseudo_random(s.cout, -1, 1, 300 + seed);
      Tensor ti = make(in, {s.n, s.cin, s.h, s.w}, dt), tw = make(w, {s.cout, s.cin / s.groups, s.kh, s.kw}, dt);
      std::optional<Tensor> tb;
      if (s.bias) tb = make1d(b, dt);
      std::vector<int64_t> shape;
      std::vector<double> want = conv_ref(s, values(ti), values(tw), s.bias ? values(*tb) : b, &shape);
      Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-5} : Tol{1e-12, 1e-12};
      Tensor r = ember::conv2d(ti, tw, tb, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, s.groups);
      EXPECT_TRUE(matches(r, shape, dt, want, tol));
      int64_t zero[2] = {0, 0};
      Tensor r2 = ember::_convolution(ti, tw, tb, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, false, IntArrayRef(zero, 2),
                                      s.groups, false, false, true, true);
      EXPECT_TRUE(matches(r2, shape, dt, want, tol));
      Tensor r3 = ember::convolution(ti, tw, tb, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, false, IntArrayRef(zero, 2), s.groups);
      EXPECT_TRUE(matches(r3, shape, dt, want, tol));
      Tensor out = ember::empty({1}, dt);
      ember::convolution_out(out, ti, tw, tb, {s.sh, s.sw}, {s.ph, s.pw}, {s.dh, s.dw}, false, IntArrayRef(zero, 2), s.groups);
      EXPECT_TRUE(matches(out, shape, dt, want, tol));
    }
    ++seed;
  }
}

TEST(Conv, SingleIntArgumentsUnbatchedAndNonContiguous) {
  ConvSpec s = {1, 2, 6, 6, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, true};
  std::vector<double> in = pseudo_random(72, -1, 1, 7), w = pseudo_random(54, -1, 1, 8), b = {0.5, -0.5, 1};
  Tensor ti = make(in, {1, 2, 6, 6}, kFloat64), tw = make(w, {3, 2, 3, 3}, kFloat64), tb = make1d(b, kFloat64);
  std::vector<int64_t> shape;
  std::vector<double> want = conv_ref(s, in, w, b, &shape);
  // int[2] arguments given as one value apply to both dims.
  EXPECT_TRUE(matches(ember::conv2d(ti, tw, tb, {2}, {1}, {1}), shape, kFloat64, want, Tol{1e-12, 1e-12}));
  // Unbatched [C, H, W] input: torch.nn.functional.conv2d(ones(2, 5, 5), ones(1, 2, 3, 3)).shape -> [1, 3, 3].
  Tensor unbatched = ember::conv2d(ti.select(0, 0), tw, tb, {2, 2}, {1, 1});
  EXPECT_TRUE(matches(unbatched, {3, 3, 3}, kFloat64, want, Tol{1e-12, 1e-12}));
  EXPECT_EQ(sizes_of(ember::conv2d(ember::ones({2, 5, 5}), ember::ones({1, 2, 3, 3}))), (std::vector<int64_t>{1, 3, 3}));
  // Non-contiguous input: an NHWC buffer permuted to NCHW.
  std::vector<double> nhwc(72);
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 6; ++x) nhwc[static_cast<size_t>((y * 6 + x) * 2 + c)] = in[static_cast<size_t>((c * 6 + y) * 6 + x)];
  Tensor permuted = make(nhwc, {1, 6, 6, 2}, kFloat64).permute({0, 3, 1, 2});
  ASSERT_FALSE(permuted.is_contiguous());
  EXPECT_TRUE(matches(ember::conv2d(permuted, tw, tb, {2, 2}, {1, 1}), shape, kFloat64, want, Tol{1e-12, 1e-12}));
  // Hand-computed: ones(1, 1, 3, 3) with a ones(1, 1, 2, 2) kernel gives 4 everywhere.
  EXPECT_TRUE(matches(ember::conv2d(ember::ones({1, 1, 3, 3}), ember::ones({1, 1, 2, 2})), {1, 1, 2, 2}, kFloat32, {4, 4, 4, 4}));
}

// The CPU plugin keeps float32 weights in oneDNN's layout between calls (conv_weight_cache.h),
// trusting the core's content versions while the core tracks the storage and fingerprinting the
// bytes once it does not: every way of changing the weights shows in the next call. Each way gets
// its own weight tensor (kept alive: a weight changed twice stops being cached).
TEST(Conv, CachedWeightsFollowEveryWayOfChangingThem) {
  ember::manual_seed(7);
  struct Shape {
    int64_t c, h, o, k, pad;
  };
  // 3x3 stride 1 over 196 output pixels (Winograd where oneDNN has it); 5x5 at batch 1 (direct,
  // reordered weights cached).
  for (const Shape& s : {Shape{64, 14, 64, 3, 1}, Shape{32, 10, 48, 5, 2}}) {
    Tensor x = ember::randn({1, s.c, s.h, s.h});
    std::vector<Tensor> alive;
    auto check = [&](const Tensor& w, const std::string& what) {
      Tensor got = ember::conv2d(x, w, std::nullopt, {1, 1}, {s.pad, s.pad});
      Tensor want = ember::conv2d(x.to(kFloat64), w.to(kFloat64), std::nullopt, {1, 1}, {s.pad, s.pad});
      const double err = (got.to(kFloat64) - want).abs().max().item<double>();
      EXPECT_LT(err, 1e-4) << what << " (kernel " << s.k << ")";
    };
    auto fresh = [&] {
      alive.push_back(ember::randn({s.o, s.c, s.k, s.k}).mul_(0.1));
      check(alive.back(), "first call");
      check(alive.back(), "cached");
      return alive.back();
    };
    Tensor w = fresh();
    w.mul_(1.5);
    check(w, "after mul_");
    check(w, "after mul_, cached");
    w = fresh();
    w.select(0, 1).fill_(0.25);
    check(w, "after fill_ of a view");
    w = fresh();
    w.copy_(ember::randn(w.sizes()).mul_(0.1));
    check(w, "after copy_");
    w = fresh();
    float* raw = w.data_ptr<float>();  // the application holds the address: untracked from here on
    check(w, "untracked");
    raw[5] += 1.0f;
    check(w, "after a write through the address");
    raw[9] -= 1.0f;
    check(w, "after a second write through the address");
    // Training (an in-place update per step: the cache steps aside), then evaluation (the
    // weights settle and are cached again), then training again.
    w = fresh();
    for (int step = 0; step < 4; ++step) {
      w.add_(ember::randn(w.sizes()).mul_(0.01));
      check(w, "training step " + std::to_string(step));
    }
    for (int call = 0; call < 5; ++call) check(w, "evaluation call " + std::to_string(call));
    w.mul_(0.5);
    check(w, "training again");
    check(w, "training again, next call");
  }
}

TEST(Conv, Errors) {
  // PyTorch 1.13 messages.
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 3, 5, 5}), ember::ones({4, 2, 3, 3}), std::nullopt, {1}, {0}, {1}, 2),
                   ValueError, "Given groups=2, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 2, 2}), ember::ones({1, 2, 3, 3})), ValueError,
                   "Kernel size can't be greater than actual input size");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 5, 5}), ember::ones({1, 2, 3, 3}), ember::ones({2})), ValueError,
                   "Given weight of size [1, 2, 3, 3], expected bias to be 1-dimensional with 1 elements, but got bias of size [2] instead");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 5}), ember::ones({1, 2, 3})), ValueError, "expected a 4-D weight");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({2, 5}), ember::ones({1, 2, 3, 3})), ValueError,
                   "Expected 3D (unbatched) or 4D (batched) input to conv2d");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 5, 5}), ember::ones({1, 2, 3, 3}), std::nullopt, {0}), ValueError,
                   "stride and dilation must be positive");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 5, 5}), ember::ones({1, 2, 3, 3}, kFloat64)), TypeError,
                   "expected both inputs to have the same dtype");
  EXPECT_THROW_MSG(ember::conv2d(ember::ones({1, 2, 5, 5}), ember::ones({2, 2, 3, 3}), std::nullopt, {1}, {0}, {1}, 0),
                   ValueError, "non-positive groups is not supported");
  int64_t zero[2] = {0, 0};
  EXPECT_THROW_MSG(ember::convolution(ember::ones({1, 2, 5, 5}), ember::ones({2, 2, 3, 3}), std::nullopt, {1, 1}, {0, 0},
                                      {1, 1}, true, IntArrayRef(zero, 2), 1),
                   NotImplementedError, "transposed convolution is not supported yet");
}

}  // namespace
}  // namespace ember_test
