// Backward ops of the neural-network ops and the losses: every backward op against central
// finite differences of its forward op in float64 (no autograd involved) and against small
// hand-computed cases; the float32 oneDNN convolution gradients against the float64 loops; the
// losses against values PyTorch 1.13 printed for the same inputs; and the errors the meta
// functions report.
#include <cmath>
#include <functional>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("convolution_backward.out", "convolution_backward", "max_pool2d_with_indices_backward.grad_input",
                 "max_pool2d_with_indices_backward", "avg_pool2d_backward.grad_input", "avg_pool2d_backward",
                 "_adaptive_avg_pool2d_backward.out", "_adaptive_avg_pool2d_backward", "native_batch_norm_backward.out",
                 "native_batch_norm_backward", "native_layer_norm_backward.out", "native_layer_norm_backward",
                 "_softmax_backward_data.out", "_softmax_backward_data", "_log_softmax_backward_data.out",
                 "_log_softmax_backward_data", "threshold_backward.grad_input", "threshold_backward",
                 "gelu_backward.grad_input", "gelu_backward", "silu_backward.grad_input", "silu_backward",
                 "sigmoid_backward.grad_input", "sigmoid_backward", "tanh_backward.grad_input", "tanh_backward",
                 "nll_loss_forward.output", "nll_loss_forward", "nll_loss_backward.grad_input", "nll_loss_backward",
                 "nll_loss", "cross_entropy_loss", "mse_loss", "binary_cross_entropy_with_logits");

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor rand64(const std::vector<int64_t>& shape, uint64_t seed, double lo = -1, double hi = 1) {
  return make(pseudo_random(numel_of(shape), lo, hi, seed), shape, kFloat64);
}

// Distinct values (no ties for max pooling), spaced 0.01 apart.
Tensor distinct64(const std::vector<int64_t>& shape) {
  const int64_t n = numel_of(shape);
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<double>((i * 7919) % n) * 0.01 - 0.3;
  return make(v, shape, kFloat64);
}

// d/d inputs[k] of sum(f(inputs) * weights), by central differences in float64.
std::vector<double> numeric_grad(const Fn& f, std::vector<Tensor> inputs, size_t k, const Tensor& weights,
                                 double eps = 1e-6) {
  const std::vector<double> base = values(inputs[k]);
  const std::vector<int64_t> shape = sizes_of(inputs[k]);
  const std::vector<double> w = values(weights);
  auto eval = [&](const std::vector<double>& v) {
    inputs[k] = make(v, shape, kFloat64);
    const std::vector<double> out = values(f(inputs));
    EXPECT_EQ(out.size(), w.size());
    double s = 0;
    for (size_t i = 0; i < out.size() && i < w.size(); ++i) s += out[i] * w[i];
    return s;
  };
  std::vector<double> grad(base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    std::vector<double> v = base;
    v[i] = base[i] + eps;
    const double plus = eval(v);
    v[i] = base[i] - eps;
    grad[i] = (plus - eval(v)) / (2 * eps);
  }
  return grad;
}

const Tol kNumeric{1e-5, 1e-6};

// ---- convolution ---------------------------------------------------------------------------------

struct ConvCase {
  std::vector<int64_t> input, weight;
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups;
};

const ConvCase kConvCases[] = {
    {{2, 3, 5, 5}, {4, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1},
    {{1, 2, 6, 5}, {3, 2, 3, 2}, {2, 1}, {1, 0}, {1, 1}, 1},   // stride, padding, uncovered input rows
    {{1, 2, 7, 7}, {2, 2, 3, 3}, {1, 1}, {2, 2}, {2, 2}, 1},   // dilation
    {{2, 4, 4, 4}, {6, 2, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 2},   // groups
    {{3, 5, 5}, {2, 3, 2, 2}, {1, 1}, {0, 0}, {1, 1}, 1},      // unbatched
};

TEST(ConvolutionBackward, MatchesFiniteDifferencesOfConvolution) {
  uint64_t seed = 1;
  for (const ConvCase& c : kConvCases) {
    SCOPED_TRACE(::testing::PrintToString(c.input) + " * " + ::testing::PrintToString(c.weight));
    const int64_t zero[2] = {0, 0};
    Fn conv = [&](const std::vector<Tensor>& t) {
      return ember::convolution(t[0], t[1], t[2], c.stride, c.padding, c.dilation, false, IntArrayRef(zero, 2), c.groups);
    };
    std::vector<Tensor> in = {rand64(c.input, seed++), rand64(c.weight, seed++), rand64({c.weight[0]}, seed++)};
    const Tensor out = conv(in);
    const Tensor go = rand64(sizes_of(out), seed++);
    auto [gi, gw, gb] = ember::convolution_backward(go, in[0], in[1], IntArrayRef{c.weight[0]}, c.stride, c.padding,
                                                    c.dilation, false, IntArrayRef(zero, 2), c.groups, {true, true, true});
    EXPECT_EQ(sizes_of(gi), c.input);
    EXPECT_EQ(sizes_of(gw), c.weight);
    EXPECT_TRUE(all_close(gi, numeric_grad(conv, in, 0, go), kNumeric));
    EXPECT_TRUE(all_close(gw, numeric_grad(conv, in, 1, go), kNumeric));
    EXPECT_TRUE(all_close(gb, numeric_grad(conv, in, 2, go), kNumeric));
  }
}

TEST(ConvolutionBackward, HandComputed3x3Input2x2Kernel) {
  const Tensor x = make(iota(9, 1), {1, 1, 3, 3}, kFloat64);
  const Tensor w = make({1, 2, 3, 4}, {1, 1, 2, 2}, kFloat64);
  const Tensor go = make({1, 1, 1, 1}, {1, 1, 2, 2}, kFloat64);
  auto [gi, gw, gb] = ember::convolution_backward(go, x, w, IntArrayRef{1}, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1,
                                                  {true, true, true});
  // Each input element gets the kernel taps that cover it; each tap sums the inputs it saw.
  EXPECT_TRUE(matches(gi, {1, 1, 3, 3}, kFloat64, {1, 3, 2, 4, 10, 6, 3, 7, 4}));
  EXPECT_TRUE(matches(gw, {1, 1, 2, 2}, kFloat64, {12, 16, 24, 28}));
  EXPECT_TRUE(matches(gb, {1}, kFloat64, {4}));
}

TEST(ConvolutionBackward, OutputMaskLeavesEmptyOutputs) {
  const Tensor x = rand64({1, 2, 4, 4}, 11), w = rand64({3, 2, 3, 3}, 12), go = rand64({1, 3, 2, 2}, 13);
  auto full = ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, {true, true, true});
  for (int k = 0; k < 3; ++k) {
    std::vector<bool> mask(3, false);
    mask[static_cast<size_t>(k)] = true;
    auto r = ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, mask);
    const Tensor got[3] = {std::get<0>(r), std::get<1>(r), std::get<2>(r)};
    const Tensor want[3] = {std::get<0>(full), std::get<1>(full), std::get<2>(full)};
    for (int j = 0; j < 3; ++j) {
      if (j == k) EXPECT_TRUE(all_close(got[j], values(want[j]), Tol{0, 0})) << "output " << j;
      else EXPECT_EQ(sizes_of(got[j]), std::vector<int64_t>{0}) << "masked output " << j;
    }
  }
  // out= form: the outputs are resized and written.
  Tensor o0 = ember::empty({0}, kFloat64), o1 = ember::empty({7}, kFloat64), o2 = ember::empty({1}, kFloat64);
  ember::convolution_backward_out(o0, o1, o2, go, x, w, IntArrayRef{3}, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1,
                                  {true, true, true});
  EXPECT_TRUE(all_close(o0, values(std::get<0>(full)), Tol{0, 0}));
  EXPECT_TRUE(all_close(o1, values(std::get<1>(full)), Tol{0, 0}));
  EXPECT_TRUE(all_close(o2, values(std::get<2>(full)), Tol{0, 0}));
}

// bool[3] through the boxed convention (the interpreter's and fallbacks' path): the mask travels
// as an IValue bool list and reaches the kernel as it does in the typed call.
TEST(ConvolutionBackward, BoxedCallWithBoolListMask) {
  const Tensor x = rand64({1, 2, 4, 4}, 21), w = rand64({3, 2, 3, 3}, 22), go = rand64({1, 3, 2, 2}, 23);
  auto typed = ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, {false, true, false});
  OperatorHandle op = Dispatcher::singleton().find_or_throw("aten::convolution_backward");
  Stack stack = {IValue(go), IValue(x), IValue(w), IValue(), IValue(std::vector<int64_t>{1, 1}),
                 IValue(std::vector<int64_t>{0, 0}), IValue(std::vector<int64_t>{1, 1}), IValue(false),
                 IValue(std::vector<int64_t>{0, 0}), IValue(int64_t{1}), IValue(std::vector<bool>{false, true, false})};
  op.call_boxed(&stack);
  ASSERT_EQ(stack.size(), 3u);
  EXPECT_EQ(sizes_of(stack[0].to_tensor()), std::vector<int64_t>{0});
  EXPECT_TRUE(all_close(stack[1].to_tensor(), values(std::get<1>(typed)), Tol{0, 0}));
  EXPECT_EQ(sizes_of(stack[2].to_tensor()), std::vector<int64_t>{0});
}

// float32 runs through oneDNN (blocked formats, reorders); float64 through the loops.
TEST(ConvolutionBackward, Float32OnednnMatchesFloat64Loops) {
  struct Big {
    std::vector<int64_t> input, weight, stride, padding, dilation;
    int64_t groups;
  };
  const Big cases[] = {
      {{4, 8, 12, 12}, {16, 8, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
      {{2, 3, 17, 15}, {8, 3, 5, 3}, {2, 2}, {2, 1}, {1, 1}, 1},
      {{2, 8, 10, 10}, {8, 4, 3, 3}, {1, 2}, {2, 2}, {2, 2}, 2},
      {{2, 6, 9, 9}, {6, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 6},
  };
  uint64_t seed = 100;
  for (const Big& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input) + " * " + ::testing::PrintToString(c.weight));
    const Tensor x = rand64(c.input, seed++), w = rand64(c.weight, seed++);
    const Tensor y = ember::convolution(x, w, std::nullopt, c.stride, c.padding, c.dilation, false, {0, 0}, c.groups);
    const Tensor go = rand64(sizes_of(y), seed++);
    auto ref = ember::convolution_backward(go, x, w, IntArrayRef{c.weight[0]}, c.stride, c.padding, c.dilation, false, {0, 0},
                                           c.groups, {true, true, true});
    auto f32 = ember::convolution_backward(go.to(kFloat32), x.to(kFloat32), w.to(kFloat32), IntArrayRef{c.weight[0]}, c.stride,
                                           c.padding, c.dilation, false, {0, 0}, c.groups, {true, true, true});
    const Tensor refs[3] = {std::get<0>(ref), std::get<1>(ref), std::get<2>(ref)};
    const Tensor gots[3] = {std::get<0>(f32), std::get<1>(f32), std::get<2>(f32)};
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(gots[k].scalar_type(), kFloat32);
      double scale = 0;
      for (double v : values(refs[k])) scale = std::max(scale, std::fabs(v));
      EXPECT_TRUE(all_close(gots[k], values(refs[k]), Tol{1e-4, 1e-4 * scale})) << "output " << k;
    }
  }
}

TEST(ConvolutionBackward, HalfAndBFloat16FollowFloat64) {
  const Tensor x = rand64({2, 3, 6, 6}, 31), w = rand64({4, 3, 3, 3}, 32), go = rand64({2, 4, 4, 4}, 33);
  auto ref = ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, {true, true, true});
  for (ScalarType t : {kFloat16, kBFloat16}) {
    auto r = ember::convolution_backward(go.to(t), x.to(t), w.to(t), std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1,
                                         {true, true, true});
    const Tol tol = t == kFloat16 ? Tol{1e-2, 2e-2} : Tol{3e-2, 1e-1};
    EXPECT_TRUE(all_close(std::get<0>(r), values(std::get<0>(ref)), tol)) << dtype_str(t);
    EXPECT_TRUE(all_close(std::get<1>(r), values(std::get<1>(ref)), tol)) << dtype_str(t);
    EXPECT_TRUE(all_close(std::get<2>(r), values(std::get<2>(ref)), tol)) << dtype_str(t);
  }
}

TEST(ConvolutionBackward, MetaErrors) {
  const Tensor x = rand64({1, 2, 4, 4}, 1), w = rand64({3, 2, 3, 3}, 2), go = rand64({1, 3, 2, 2}, 3);
  EXPECT_THROW_MSG(ember::convolution_backward(rand64({1, 3, 3, 3}, 4), x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false,
                                               {0, 0}, 1, {true, true, true}),
                   ValueError, "expected grad_output (the convolution's output) of size [1, 3, 2, 2]");
  EXPECT_THROW_MSG(ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, {true, true}),
                   ValueError, "output_mask must have 3 elements");
  EXPECT_THROW_MSG(ember::convolution_backward(go, x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, true, {0, 0}, 1, {true, true, true}),
                   NotImplementedError, "transposed");
  EXPECT_THROW_MSG(ember::convolution_backward(go.to(kFloat32), x, w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1,
                                               {true, true, true}),
                   TypeError, "expected grad_output to have dtype");
  EXPECT_THROW_MSG(ember::convolution_backward(go, x, w, IntArrayRef{4}, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1, {true, true, true}),
                   ValueError, "bias_sizes");
  EXPECT_THROW_MSG(ember::convolution_backward(go, rand64({1, 4, 4, 4}, 5), w, std::nullopt, {1, 1}, {0, 0}, {1, 1}, false,
                                               {0, 0}, 1, {true, true, true}),
                   ValueError, "channels");
}

// ---- pooling ---------------------------------------------------------------------------------------

TEST(MaxPool2dBackward, MatchesFiniteDifferencesOfMaxPool) {
  struct Case {
    std::vector<int64_t> input, kernel, stride, padding, dilation;
    bool ceil_mode;
  };
  const Case cases[] = {
      {{2, 3, 6, 6}, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false},
      {{1, 2, 7, 6}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, true},
      {{1, 1, 7, 7}, {3, 2}, {1, 2}, {1, 0}, {2, 2}, false},
      {{2, 5, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, false},  // overlapping windows, unbatched
  };
  uint64_t seed = 40;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input));
    Fn pool = [&](const std::vector<Tensor>& t) {
      return std::get<0>(ember::max_pool2d_with_indices(t[0], c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode));
    };
    const Tensor x = distinct64(c.input);
    auto [out, idx] = ember::max_pool2d_with_indices(x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode);
    const Tensor go = rand64(sizes_of(out), seed++);
    const Tensor gi = ember::max_pool2d_with_indices_backward(go, x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode, idx);
    EXPECT_TRUE(matches(gi, c.input, kFloat64, numeric_grad(pool, {x}, 0, go), kNumeric));
  }
}

TEST(MaxPool2dBackward, RepeatedIndicesSumAndDtypes) {
  // kernel 2, stride 1 over [1, 3, 2]: both windows pick the 3 in the middle.
  const Tensor x = make({1, 3, 2}, {1, 1, 1, 3}, kFloat64);
  auto [out, idx] = ember::max_pool2d_with_indices(x, {1, 2}, {1, 1}, {0, 0}, {1, 1}, false);
  EXPECT_TRUE(all_equal(idx, {1, 1}));
  const Tensor go = make({0.5, 2}, {1, 1, 1, 2}, kFloat64);
  EXPECT_TRUE(all_equal(ember::max_pool2d_with_indices_backward(go, x, {1, 2}, {1, 1}, {0, 0}, {1, 1}, false, idx), {0, 2.5, 0}));
  for (ScalarType t : {kFloat32, kFloat16, kBFloat16}) {
    Tensor gi = ember::max_pool2d_with_indices_backward(go.to(t), x.to(t), {1, 2}, {1, 1}, {0, 0}, {1, 1}, false, idx);
    EXPECT_TRUE(matches(gi, {1, 1, 1, 3}, t, {0, 2.5, 0})) << dtype_str(t);
  }
  // out= into a strided tensor.
  Tensor wide = ember::zeros({1, 1, 1, 6}, kFloat64);
  Tensor strided = wide.slice(3, 0, 6, 2);
  ember::max_pool2d_with_indices_backward_out(strided, go, x, {1, 2}, {1, 1}, {0, 0}, {1, 1}, false, idx);
  EXPECT_TRUE(all_equal(wide, {0, 0, 2.5, 0, 0, 0}));
}

TEST(MaxPool2dBackward, ErrorsAndDtypeMask) {
  const Tensor x = distinct64({1, 1, 4, 4});
  auto [out, idx] = ember::max_pool2d_with_indices(x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false);
  const Tensor go = rand64({1, 1, 2, 2}, 1);
  EXPECT_THROW_MSG(ember::max_pool2d_with_indices_backward(rand64({1, 1, 3, 3}, 2), x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, idx),
                   ValueError, "expected grad_output (the pooling's output) of size [1, 1, 2, 2]");
  EXPECT_THROW_MSG(ember::max_pool2d_with_indices_backward(go, x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, idx.reshape({1, 1, 4, 1})),
                   ValueError, "expected indices of size");
  EXPECT_THROW_MSG(ember::max_pool2d_with_indices_backward(go, x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, idx.to(kFloat64)),
                   TypeError, "expected indices to have dtype");
  EXPECT_THROW_MSG(ember::max_pool2d_with_indices_backward(go, x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, idx + 100),
                   IndexError, "out of range");
  // Integer gradients are not a thing: the kernel's mask is the floating dtypes.
  EXPECT_THROW_MSG(ember::max_pool2d_with_indices_backward(go.to(kInt64), x.to(kInt64), {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, idx),
                   NotImplementedError, "does not support dtype");
}

TEST(AvgPool2dBackward, MatchesFiniteDifferencesOfAvgPool) {
  struct Case {
    std::vector<int64_t> input, kernel, stride, padding;
    bool ceil_mode, count_include_pad;
    std::optional<int64_t> divisor;
  };
  const Case cases[] = {
      {{2, 2, 6, 6}, {2, 2}, {2, 2}, {0, 0}, false, true, std::nullopt},
      {{1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 1}, true, true, std::nullopt},
      {{1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 1}, true, false, std::nullopt},
      {{1, 1, 5, 6}, {3, 2}, {1, 2}, {1, 1}, false, false, 5},
      {{3, 5, 5}, {2, 2}, {1, 1}, {0, 0}, false, true, std::nullopt},
  };
  uint64_t seed = 60;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input));
    Fn pool = [&](const std::vector<Tensor>& t) {
      return ember::avg_pool2d(t[0], c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor);
    };
    const Tensor x = rand64(c.input, seed++);
    const Tensor go = rand64(sizes_of(pool({x})), seed++);
    const Tensor gi = ember::avg_pool2d_backward(go, x, c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor);
    EXPECT_TRUE(matches(gi, c.input, kFloat64, numeric_grad(pool, {x}, 0, go), kNumeric));
  }
}

TEST(AvgPool2dBackward, HandComputedAndInt64) {
  const Tensor x = ember::zeros({1, 1, 2, 2}, kFloat64);
  EXPECT_TRUE(all_equal(ember::avg_pool2d_backward(make({8}, {1, 1, 1, 1}, kFloat64), x, {2, 2}, {2, 2}, {0, 0}, false, true,
                                                   std::nullopt),
                        {2, 2, 2, 2}));
  // int64 divides as integers, like the forward kernel.
  const Tensor xi = ember::zeros({1, 1, 2, 2}, kInt64);
  EXPECT_TRUE(matches(ember::avg_pool2d_backward(make({9}, {1, 1, 1, 1}, kInt64), xi, {2, 2}, {2, 2}, {0, 0}, false, true,
                                                 std::nullopt),
                      {1, 1, 2, 2}, kInt64, {2, 2, 2, 2}));
  EXPECT_THROW_MSG(ember::avg_pool2d_backward(make({1, 2}, {1, 1, 1, 2}, kFloat64), x, {2, 2}, {2, 2}, {0, 0}, false, true,
                                              std::nullopt),
                   ValueError, "expected grad_output (the pooling's output) of size [1, 1, 1, 1]");
}

TEST(AdaptiveAvgPool2dBackward, MatchesFiniteDifferences) {
  struct Case {
    std::vector<int64_t> input, output;
  };
  const Case cases[] = {{{1, 2, 5, 7}, {3, 3}}, {{2, 1, 4, 4}, {1, 1}}, {{3, 6, 5}, {4, 5}}, {{1, 1, 3, 3}, {5, 4}}};
  uint64_t seed = 80;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input));
    Fn pool = [&](const std::vector<Tensor>& t) { return ember::_adaptive_avg_pool2d(t[0], c.output); };
    const Tensor x = rand64(c.input, seed++);
    const Tensor go = rand64(sizes_of(pool({x})), seed++);
    EXPECT_TRUE(matches(ember::_adaptive_avg_pool2d_backward(go, x), c.input, kFloat64, numeric_grad(pool, {x}, 0, go), kNumeric));
  }
  // 3 -> 2 overlapping windows [0, 2) and [1, 3): the middle column gets both halves.
  const Tensor g = ember::_adaptive_avg_pool2d_backward(make({4, 8}, {1, 1, 1, 2}, kFloat64), ember::zeros({1, 1, 1, 3}, kFloat64));
  EXPECT_TRUE(all_equal(g, {2, 6, 4}));
  EXPECT_THROW_MSG(ember::_adaptive_avg_pool2d_backward(rand64({2, 2, 2, 2}, 1), rand64({1, 2, 4, 4}, 2)), ValueError,
                   "does not match input");
}

// ---- normalization ---------------------------------------------------------------------------------

TEST(BatchNormBackward, TrainingMatchesFiniteDifferences) {
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{4, 3}, {3, 2, 5}, {2, 3, 3, 4}}) {
    SCOPED_TRACE(::testing::PrintToString(shape));
    const int64_t c = shape[1];
    const double eps = 1e-5;
    Fn bn = [&](const std::vector<Tensor>& t) {
      return std::get<0>(ember::native_batch_norm(t[0], t[1], t[2], std::nullopt, std::nullopt, true, 0.1, eps));
    };
    std::vector<Tensor> in = {rand64(shape, 1), rand64({c}, 2, 0.5, 1.5), rand64({c}, 3)};
    auto [out, mean, invstd] = ember::native_batch_norm(in[0], in[1], in[2], std::nullopt, std::nullopt, true, 0.1, eps);
    const Tensor go = rand64(shape, 4);
    auto [gi, gw, gb] =
        ember::native_batch_norm_backward(go, in[0], in[1], std::nullopt, std::nullopt, mean, invstd, true, eps, {true, true, true});
    EXPECT_TRUE(matches(gi, shape, kFloat64, numeric_grad(bn, in, 0, go), kNumeric));
    EXPECT_TRUE(matches(gw, {c}, kFloat64, numeric_grad(bn, in, 1, go), kNumeric));
    EXPECT_TRUE(matches(gb, {c}, kFloat64, numeric_grad(bn, in, 2, go), kNumeric));
  }
}

TEST(BatchNormBackward, EvalMatchesFiniteDifferencesAndMasks) {
  const std::vector<int64_t> shape = {3, 2, 4};
  const Tensor rm = rand64({2}, 5), rv = rand64({2}, 6, 0.5, 2);
  Fn bn = [&](const std::vector<Tensor>& t) {
    return std::get<0>(ember::native_batch_norm(t[0], t[1], t[2], rm, rv, false, 0.1, 1e-3));
  };
  std::vector<Tensor> in = {rand64(shape, 7), rand64({2}, 8), rand64({2}, 9)};
  auto [out, mean, invstd] = ember::native_batch_norm(in[0], in[1], in[2], rm, rv, false, 0.1, 1e-3);
  const Tensor go = rand64(shape, 10);
  auto [gi, gw, gb] = ember::native_batch_norm_backward(go, in[0], in[1], rm, rv, mean, invstd, false, 1e-3, {true, true, true});
  EXPECT_TRUE(all_close(gi, numeric_grad(bn, in, 0, go), kNumeric));
  EXPECT_TRUE(all_close(gw, numeric_grad(bn, in, 1, go), kNumeric));
  EXPECT_TRUE(all_close(gb, numeric_grad(bn, in, 2, go), kNumeric));
  // Only the bias gradient: the others stay empty.
  auto [gi2, gw2, gb2] = ember::native_batch_norm_backward(go, in[0], in[1], rm, rv, mean, invstd, false, 1e-3, {false, false, true});
  EXPECT_EQ(sizes_of(gi2), std::vector<int64_t>{0});
  EXPECT_EQ(sizes_of(gw2), std::vector<int64_t>{0});
  EXPECT_TRUE(all_close(gb2, values(gb), Tol{0, 0}));
  // Without weight: the weight is 1.
  auto [gi3, gw3, gb3] = ember::native_batch_norm_backward(go, in[0], std::nullopt, rm, rv, mean, invstd, false, 1e-3,
                                                           {true, false, false});
  std::vector<double> want = values(go), r = values(rv);
  for (size_t i = 0; i < want.size(); ++i) want[i] /= std::sqrt(r[(i / 4) % 2] + 1e-3);
  EXPECT_TRUE(all_close(gi3, want, Tol{1e-12, 1e-12}));
}

TEST(BatchNormBackward, Float32AndHalfFollowFloat64) {
  const std::vector<int64_t> shape = {8, 4, 6, 6};
  const Tensor x = rand64(shape, 21), w = rand64({4}, 22, 0.5, 1.5), go = rand64(shape, 23);
  auto [out, mean, invstd] = ember::native_batch_norm(x, w, std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5);
  auto ref = ember::native_batch_norm_backward(go, x, w, std::nullopt, std::nullopt, mean, invstd, true, 1e-5, {true, true, true});
  for (ScalarType t : {kFloat32, kFloat16}) {
    auto r = ember::native_batch_norm_backward(go.to(t), x.to(t), w.to(t), std::nullopt, std::nullopt, mean.to(t), invstd.to(t), true,
                                               1e-5, {true, true, true});
    const Tol tol = t == kFloat32 ? Tol{1e-4, 1e-4} : Tol{2e-2, 2e-2};
    EXPECT_TRUE(all_close(std::get<0>(r), values(std::get<0>(ref)), tol)) << dtype_str(t);
    EXPECT_TRUE(all_close(std::get<1>(r), values(std::get<1>(ref)), Tol{tol.rtol, tol.atol * 40})) << dtype_str(t);
    EXPECT_TRUE(all_close(std::get<2>(r), values(std::get<2>(ref)), Tol{tol.rtol, tol.atol * 40})) << dtype_str(t);
  }
}

TEST(BatchNormBackward, MetaErrors) {
  const Tensor x = rand64({4, 3}, 1), go = rand64({4, 3}, 2), s = rand64({3}, 3, 0.5, 1);
  EXPECT_THROW_MSG(ember::native_batch_norm_backward(go, x, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                                     true, 1e-5, {true, true, true}),
                   ValueError, "save_mean and save_invstd must be defined when train is true");
  EXPECT_THROW_MSG(ember::native_batch_norm_backward(go, x, std::nullopt, std::nullopt, std::nullopt, s, s, false, 1e-5,
                                                     {true, true, true}),
                   ValueError, "running_mean and running_var must be defined when train is false");
  EXPECT_THROW_MSG(ember::native_batch_norm_backward(rand64({4, 2}, 4), x, std::nullopt, std::nullopt, std::nullopt, s, s, true,
                                                     1e-5, {true, true, true}),
                   ValueError, "expected grad_out of size [4, 3]");
  EXPECT_THROW_MSG(ember::native_batch_norm_backward(go, x, rand64({2}, 5), std::nullopt, std::nullopt, s, s, true, 1e-5,
                                                     {true, true, true}),
                   ValueError, "expected weight with 3 elements");
  EXPECT_THROW_MSG(ember::native_batch_norm_backward(go, x, std::nullopt, std::nullopt, std::nullopt, s, s, true, 1e-5,
                                                     {true, true, true, true}),
                   ValueError, "output_mask must have 3 elements");
}

TEST(LayerNormBackward, MatchesFiniteDifferences) {
  struct Case {
    std::vector<int64_t> input, normalized;
    bool affine;
  };
  const Case cases[] = {{{4, 5}, {5}, true}, {{2, 3, 4}, {3, 4}, true}, {{3, 6}, {6}, false}, {{7}, {7}, true}};
  uint64_t seed = 90;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input));
    Fn ln = [&](const std::vector<Tensor>& t) {
      std::optional<Tensor> w, b;
      if (c.affine) {
        w = t[1];
        b = t[2];
      }
      return std::get<0>(ember::native_layer_norm(t[0], c.normalized, w, b, 1e-5));
    };
    std::vector<Tensor> in = {rand64(c.input, seed++), rand64(c.normalized, seed++, 0.5, 1.5), rand64(c.normalized, seed++)};
    std::optional<Tensor> w, b;
    if (c.affine) {
      w = in[1];
      b = in[2];
    }
    auto [out, mean, rstd] = ember::native_layer_norm(in[0], c.normalized, w, b, 1e-5);
    const Tensor go = rand64(c.input, seed++);
    auto [gi, gw, gb] = ember::native_layer_norm_backward(go, in[0], c.normalized, mean, rstd, w, b, {true, c.affine, c.affine});
    EXPECT_TRUE(matches(gi, c.input, kFloat64, numeric_grad(ln, in, 0, go), kNumeric));
    if (c.affine) {
      EXPECT_TRUE(matches(gw, c.normalized, kFloat64, numeric_grad(ln, in, 1, go), kNumeric));
      EXPECT_TRUE(matches(gb, c.normalized, kFloat64, numeric_grad(ln, in, 2, go), kNumeric));
    } else {
      EXPECT_EQ(sizes_of(gw), std::vector<int64_t>{0});
    }
  }
  EXPECT_THROW_MSG(ember::native_layer_norm_backward(rand64({3, 4}, 1), rand64({3, 4}, 2), {4}, rand64({2, 1}, 3),
                                                     rand64({3, 1}, 4), std::nullopt, std::nullopt, {true, false, false}),
                   ValueError, "expected mean and rstd with 3 elements");
  EXPECT_THROW_MSG(ember::native_layer_norm_backward(rand64({3, 4}, 1), rand64({3, 4}, 2), {3}, rand64({3, 1}, 3),
                                                     rand64({3, 1}, 4), std::nullopt, std::nullopt, {true, false, false}),
                   ValueError, "normalized_shape");
}

// ---- softmax ---------------------------------------------------------------------------------------

TEST(SoftmaxBackward, MatchesFiniteDifferences) {
  const Tensor x = rand64({2, 3, 4}, 5, -2, 2);
  uint64_t seed = 50;
  for (int64_t dim : {0, 1, 2, -1}) {
    for (bool log : {false, true}) {
      SCOPED_TRACE(std::string(log ? "log_softmax" : "softmax") + " dim " + std::to_string(dim));
      Fn f = [&](const std::vector<Tensor>& t) { return log ? ember::_log_softmax(t[0], dim, false) : ember::_softmax(t[0], dim, false); };
      const Tensor y = f({x});
      const Tensor go = rand64({2, 3, 4}, seed++);
      const Tensor gi = log ? ember::_log_softmax_backward_data(go, y, dim, kFloat64) : ember::_softmax_backward_data(go, y, dim, kFloat64);
      EXPECT_TRUE(matches(gi, {2, 3, 4}, kFloat64, numeric_grad(f, {x}, 0, go), kNumeric));
      // float32 against float64.
      const Tensor gi32 = log ? ember::_log_softmax_backward_data(go.to(kFloat32), y.to(kFloat32), dim, kFloat32)
                              : ember::_softmax_backward_data(go.to(kFloat32), y.to(kFloat32), dim, kFloat32);
      EXPECT_TRUE(all_close(gi32, values(gi), Tol{1e-5, 1e-6}));
    }
  }
  // softmax of [0, 0]: y = 0.5 each; grad [1, 0] -> 0.5 * (1 - 0.5), 0.5 * (0 - 0.5).
  EXPECT_TRUE(all_equal(ember::_softmax_backward_data(make1d({1, 0}, kFloat64), make1d({0.5, 0.5}, kFloat64), 0, kFloat64), {0.25, -0.25}));
  EXPECT_THROW_MSG(ember::_softmax_backward_data(rand64({2, 3}, 1), rand64({2, 3}, 2), 2, kFloat64), IndexError, "Dimension out of range");
  EXPECT_THROW_MSG(ember::_softmax_backward_data(rand64({2, 3}, 1), rand64({2, 3}, 2), 1, kFloat32), TypeError, "input_dtype");
  EXPECT_THROW_MSG(ember::_log_softmax_backward_data(rand64({2, 3}, 1), rand64({3, 2}, 2), 1, kFloat64), ValueError,
                   "expected grad_output (softmax's output) of size [3, 2]");
}

// ---- pointwise backward ----------------------------------------------------------------------------

TEST(ActivationBackward, MatchesFiniteDifferencesOfForward) {
  const Tensor x = make({-3, -1.5, -0.7, -0.2, 0.3, 0.9, 1.7, 3.2}, {2, 4}, kFloat64);
  const Tensor go = rand64({2, 4}, 70);
  struct Case {
    const char* name;
    Fn forward;
    std::function<Tensor()> backward;
  };
  const std::vector<Case> cases = {
      {"relu", [](const std::vector<Tensor>& t) { return ember::relu(t[0]); },
       [&] { return ember::threshold_backward(go, ember::relu(x), 0); }},
      {"gelu", [](const std::vector<Tensor>& t) { return ember::gelu(t[0]); }, [&] { return ember::gelu_backward(go, x); }},
      {"gelu tanh", [](const std::vector<Tensor>& t) { return ember::gelu(t[0], "tanh"); },
       [&] { return ember::gelu_backward(go, x, "tanh"); }},
      {"silu", [](const std::vector<Tensor>& t) { return ember::silu(t[0]); }, [&] { return ember::silu_backward(go, x); }},
      {"sigmoid", [](const std::vector<Tensor>& t) { return ember::sigmoid(t[0]); },
       [&] { return ember::sigmoid_backward(go, ember::sigmoid(x)); }},
      {"tanh", [](const std::vector<Tensor>& t) { return ember::tanh(t[0]); },
       [&] { return ember::tanh_backward(go, ember::tanh(x)); }},
  };
  for (const Case& c : cases) EXPECT_TRUE(matches(c.backward(), {2, 4}, kFloat64, numeric_grad(c.forward, {x}, 0, go), kNumeric)) << c.name;
}

TEST(ActivationBackward, PyTorchValuesAndDtypes) {
  const Tensor x = make1d({-3.0, -1.0, -0.25, 0.0, 0.5, 2.0}, kFloat64);
  const Tensor ones = ember::ones_like(x);
  // PyTorch 1.13: torch.ops.aten.gelu_backward / silu_backward with grad 1.
  EXPECT_TRUE(all_close(ember::gelu_backward(ones, x),
                        {-0.01194564720418392, -0.083315470587686347, 0.304626645116364, 0.5, 0.86749512465616285, 1.0852318010781969},
                        Tol{1e-14, 1e-15}));
  EXPECT_TRUE(all_close(ember::gelu_backward(ones, x, "tanh"),
                        {-0.011584166630969648, -0.082964083845782521, 0.30464590484893955, 0.5, 0.86736990353464238,
                         1.0860992566236183},
                        Tol{1e-14, 1e-15}));
  EXPECT_TRUE(all_close(ember::silu_backward(ones, x),
                        {-0.088104106015169617, 0.072329488128513253, 0.37628997842980233, 0.5, 0.73996118730265192,
                         1.0907842487848955},
                        Tol{1e-14, 1e-15}));
  // threshold_backward: the gradient passes where self > threshold (not at it), in every
  // non-bool dtype; grad broadcasts.
  for (ScalarType t : {kUInt8, kInt32, kInt64, kFloat16, kFloat32}) {
    const Tensor self = make1d({0, 1, 2, 3}, t), grad = make1d({5}, t);
    EXPECT_TRUE(matches(ember::threshold_backward(grad, self, 1), {4}, t, {0, 0, 5, 5})) << dtype_str(t);
  }
  Tensor out = ember::empty({4}, kFloat32);
  ember::threshold_backward_out(out, make1d({1, 2, 3, 4}), make1d({-1, 0, 0.5, 2}), 0);
  EXPECT_TRUE(all_equal(out, {0, 0, 3, 4}));
  // Float-only ops refuse integers in the core; the kernels' masks are the floating dtypes.
  EXPECT_THROW_MSG(ember::sigmoid_backward(make1d({1}, kInt64), make1d({1}, kInt64)), TypeError, "expected floating point");
  EXPECT_THROW_MSG(ember::threshold_backward(make1d({1}, kBool), make1d({1}, kBool), 0), TypeError, "bool");
  EXPECT_THROW_MSG(ember::gelu_backward(ones, x, "cubic"), ValueError, "approximate");
  for (ScalarType t : {kFloat16, kBFloat16, kFloat32}) {
    const Tensor y = make1d({0.25, 0.5}, t), g = make1d({2, -1}, t);
    EXPECT_TRUE(matches(ember::sigmoid_backward(g, y), {2}, t, {0.375, -0.25})) << dtype_str(t);
    EXPECT_TRUE(matches(ember::tanh_backward(g, y), {2}, t, {1.875, -0.75})) << dtype_str(t);
  }
}

// ---- nll_loss --------------------------------------------------------------------------------------

const std::vector<double> kLogits = {1.0, 2.0, 0.5, -1.0, 0.1, -0.3, 2.2, 0.0, 1.5, 1.5, -0.5, 0.3};

Tensor logits() { return make(kLogits, {3, 4}, kFloat64); }
Tensor targets() { return make({1, 3, 0}, {3}, kInt64); }
Tensor class_weights() { return make1d({0.2, 1.0, 0.5, 2.0}, kFloat64); }

TEST(NllLoss, ForwardMatchesPyTorch) {
  const Tensor lsm = ember::log_softmax(logits(), 1);
  auto [mean, mean_total] = ember::nll_loss_forward(lsm, targets(), class_weights(), 1, 1);
  EXPECT_TRUE(matches(mean, {}, kFloat64, {2.3301419474423319}, Tol{1e-14, 1e-14}));
  EXPECT_TRUE(matches(mean_total, {}, kFloat64, {2.2}, Tol{1e-14, 1e-14}));
  auto [sum, sum_total] = ember::nll_loss_forward(lsm, targets(), class_weights(), 2, 1);
  EXPECT_TRUE(matches(sum, {}, kFloat64, {5.1263122843731308}, Tol{1e-14, 1e-14}));
  auto [none, none_total] = ember::nll_loss_forward(lsm, targets(), class_weights(), 0, 1);
  EXPECT_TRUE(matches(none, {3}, kFloat64, {0, 4.9481973466194509, 0.17811493775368015}, Tol{1e-14, 1e-14}));
  EXPECT_TRUE(all_equal(none_total, {0}));
  // One sample ([C], 0-d target); every target ignored: mean is NaN as in PyTorch.
  auto [one, one_total] = ember::nll_loss_forward(make1d({-1, -2, -3}, kFloat64), make({2}, {}, kInt64), std::nullopt, 1, -100);
  EXPECT_TRUE(matches(one, {}, kFloat64, {3}));
  auto [nan, nan_total] = ember::nll_loss_forward(lsm, make({1, 1, 1}, {3}, kInt64), std::nullopt, 1, 1);
  EXPECT_TRUE(std::isnan(values(nan)[0]));
  // uint8 targets, float32 input, out= form.
  Tensor out = ember::empty({5}, kFloat32), total = ember::empty({}, kFloat32);
  ember::nll_loss_forward_out(out, total, lsm.to(kFloat32), targets().to(kUInt8), std::nullopt, 2, -100);
  EXPECT_TRUE(matches(out, {}, kFloat32, {values(std::get<0>(ember::nll_loss_forward(lsm, targets(), std::nullopt, 2, -100)))[0]}));
  EXPECT_TRUE(all_equal(total, {3}));
}

TEST(NllLoss, BackwardMatchesFiniteDifferences) {
  const Tensor lsm = ember::log_softmax(logits(), 1);
  uint64_t seed = 30;
  for (int64_t reduction : {0, 1, 2}) {
    for (bool weighted : {false, true}) {
      SCOPED_TRACE("reduction " + std::to_string(reduction) + (weighted ? " weighted" : ""));
      std::optional<Tensor> w;
      if (weighted) w = class_weights();
      Fn f = [&](const std::vector<Tensor>& t) { return std::get<0>(ember::nll_loss_forward(t[0], targets(), w, reduction, 3)); };
      auto [out, total] = ember::nll_loss_forward(lsm, targets(), w, reduction, 3);
      const Tensor go = rand64(sizes_of(out), seed++);
      const Tensor gi = ember::nll_loss_backward(go, lsm, targets(), w, reduction, 3, total);
      EXPECT_TRUE(matches(gi, {3, 4}, kFloat64, numeric_grad(f, {lsm}, 0, go), kNumeric));
    }
  }
  // Hand-computed: mean over weights 1.0 (target 1) and 0.2 (target 0), sample 1 ignored.
  const Tensor gi = ember::nll_loss_backward(make({1}, {}, kFloat64), lsm, targets(), class_weights(), 1, 3, make({1.2}, {}, kFloat64));
  EXPECT_TRUE(all_close(gi, {0, -1 / 1.2, 0, 0, 0, 0, 0, 0, -0.2 / 1.2, 0, 0, 0}, Tol{1e-15, 1e-15}));
}

TEST(NllLoss, Errors) {
  const Tensor lsm = ember::log_softmax(logits(), 1);
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm, make({1, 5, 0}, {3}, kInt64), std::nullopt, 1, -100), IndexError,
                   "Target 5 is out of bounds.");
  EXPECT_THROW_MSG(ember::nll_loss(lsm, make({1, -1, 0}, {3}, kInt64)), IndexError, "Target -1 is out of bounds.");
  EXPECT_THROW_MSG(ember::nll_loss_backward(make({1}, {}, kFloat64), lsm, make({1, 5, 0}, {3}, kInt64), std::nullopt, 1, -100,
                                            make({3}, {}, kFloat64)),
                   IndexError, "Target 5 is out of bounds.");
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm, targets(), std::nullopt, 3, -100), ValueError, "3 is not a valid value for reduction");
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm, make({1, 0}, {2}, kInt64), std::nullopt, 1, -100), ValueError,
                   "size mismatch (got input: [3, 4], target: [2])");
  EXPECT_THROW_MSG(ember::nll_loss(lsm, make({1, 0}, {2}, kInt64)), ValueError,
                   "Expected input batch_size (3) to match target batch_size (2).");
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm, targets(), make1d({1, 1}, kFloat64), 1, -100), ValueError,
                   "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2]");
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm, targets().to(kFloat64), std::nullopt, 1, -100), TypeError, "target");
  EXPECT_THROW_MSG(ember::nll_loss_forward(lsm.reshape({3, 2, 2}), targets(), std::nullopt, 1, -100), ValueError,
                   "input tensor should be 1D or 2D");
  EXPECT_THROW_MSG(ember::nll_loss_backward(make1d({1, 2}, kFloat64), lsm, targets(), std::nullopt, 1, -100, make({3}, {}, kFloat64)),
                   ValueError, "Expected a single element grad_output tensor");
  EXPECT_THROW_MSG(ember::nll_loss_backward(make1d({1, 2}, kFloat64), lsm, targets(), std::nullopt, 0, -100, make({3}, {}, kFloat64)),
                   ValueError, "Expected a tensor of dimension 1 and tensor.size[0] == 3");
}

// ---- losses ----------------------------------------------------------------------------------------

TEST(CrossEntropyLoss, MatchesPyTorch) {
  const Tol tol{1e-13, 1e-14};
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), targets()), {}, kFloat64, {1.2866184200546606}, tol));
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), targets(), class_weights(), 1, 3, 0.1), {}, kFloat64,
                      {0.82741636378300121}, tol));
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), targets(), std::nullopt, 0, 0, 0.2), {3}, kFloat64,
                      {0.77018189808585613, 2.3740986733097253, 0}, tol));
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), targets(), class_weights(), 2, -100, 0.05), {}, kFloat64,
                      {5.6380627791186209}, tol));
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), targets(), std::nullopt, 1, 3, 0.1), {}, kFloat64,
                      {0.80162829342712838}, tol));
  // Class probabilities as targets.
  const Tensor probs = make({0.1, 0.6, 0.2, 0.1, 0.0, 0.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25}, {3, 4}, kFloat64);
  EXPECT_TRUE(matches(ember::cross_entropy_loss(logits(), probs, class_weights(), 1, -100, 0.1), {}, kFloat64,
                      {1.8310205530177974}, tol));
  // [N, C, H, W] input.
  const Tensor l4 = make({0.3, -1.2, 2.0, 0.7, 1.1, -0.4, 0.0, 0.9, -2.0, 0.5, 1.5, 0.25}, {1, 3, 2, 2}, kFloat64);
  const Tensor t4 = make({0, 2, 1, 2}, {1, 2, 2}, kInt64);
  EXPECT_TRUE(matches(ember::cross_entropy_loss(l4, t4, std::nullopt, 0), {1, 2, 2}, kFloat64,
                      {1.2017101781814681, 0.46326421016308622, 2.5549569196419908, 1.5004827246780044}, tol));
  EXPECT_TRUE(matches(ember::cross_entropy_loss(l4, t4, make1d({1.0, 2.0, 0.5}, kFloat64), 1, -100, 0.3), {}, kFloat64,
                      {1.740648287713197}, tol));
  EXPECT_THROW_MSG(ember::cross_entropy_loss(logits(), targets(), std::nullopt, 1, -100, 1.5), ValueError,
                   "label_smoothing must be between 0.0 and 1.0. Got: 1.5");
  EXPECT_THROW_MSG(ember::cross_entropy_loss(logits(), targets(), std::nullopt, 7), ValueError, "7 is not a valid value for reduction");
}

TEST(CrossEntropyLoss, GradientThroughAutogradMatchesPyTorch) {
  Tensor x = logits().clone();
  x.requires_grad_();
  Tensor loss = ember::cross_entropy_loss(x, targets(), class_weights(), 1, 3, 0.1);
  loss.backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_TRUE(all_close(x.grad(),
                        {0.18127188284403301, -0.26675909390259545, 0.10205749910421186, -0.016570288045649504, 0, 0, 0, 0,
                         -0.060967165578967419, 0.07236616775436594, 0.002196514210548109, -0.013595516385946665},
                        Tol{1e-12, 1e-14}));
}

TEST(BinaryCrossEntropyWithLogits, MatchesPyTorchAndStaysFinite) {
  const Tensor x = make({-100.0, -2.0, 0.0, 0.5, 3.0, 100.0, -0.7, 1.2}, {2, 4}, kFloat64);
  const Tensor t = make({0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.3, 1.0}, {2, 4}, kFloat64);
  const Tensor w = make1d({1.0, 2.0, 0.5, 1.0}, kFloat64), pw = make1d({1.0, 3.0, 0.5, 2.0}, kFloat64);
  const Tol tol{1e-13, 1e-14};
  EXPECT_TRUE(matches(ember::binary_cross_entropy_with_logits(x, t, std::nullopt, std::nullopt, 0), {2, 4}, kFloat64,
                      {0, 2.1269280110429727, 0.69314718055994529, 0.97407698418010669, 0.048587351573741965, 100,
                       0.61318604888545791, 0.26328246733803129},
                      tol));
  EXPECT_TRUE(matches(ember::binary_cross_entropy_with_logits(x, t, w, pw), {}, kFloat64, {26.838492275325503}, tol));
  EXPECT_TRUE(matches(ember::binary_cross_entropy_with_logits(x, t, std::nullopt, pw, 2), {}, kFloat64, {108.72429503539145}, tol));
  // float32 at +-100 stays finite.
  for (double v : values(ember::binary_cross_entropy_with_logits(x.to(kFloat32), t.to(kFloat32), std::nullopt, std::nullopt, 0)))
    EXPECT_TRUE(std::isfinite(v));
  Tensor xg = x.clone();
  xg.requires_grad_();
  ember::binary_cross_entropy_with_logits(xg, t, w, pw).backward();
  EXPECT_TRUE(all_close(xg.grad(),
                        {4.6500949700260445e-45, -0.66059780848341187, -0.015625, 0.077807416400231824, -0.0059282341471958294,
                         0.25, 0.0082525246035661717, -0.057868804125245615},
                        Tol{1e-12, 1e-15}));
  EXPECT_THROW_MSG(ember::binary_cross_entropy_with_logits(x, t.reshape({4, 2})), ValueError,
                   "Target size ([4, 2]) must be the same as input size ([2, 4])");
}

TEST(MseLoss, ReductionsAndBroadcast) {
  const Tensor x = make({1, 2, 3, 4}, {2, 2}, kFloat64), t = make({0.5, 2.5, 3, 0}, {2, 2}, kFloat64);
  EXPECT_TRUE(matches(ember::mse_loss(x, t), {}, kFloat64, {4.125}));
  EXPECT_TRUE(matches(ember::mse_loss(x, t, 2), {}, kFloat64, {16.5}));
  EXPECT_TRUE(matches(ember::mse_loss(x, t, 0), {2, 2}, kFloat64, {0.25, 0.25, 0, 16}));
  EXPECT_TRUE(matches(ember::mse_loss(x, make1d({1, 2}, kFloat64), 0), {2, 2}, kFloat64, {0, 0, 4, 4}));
  EXPECT_THROW_MSG(ember::mse_loss(x, t, -1), ValueError, "-1 is not a valid value for reduction");
  Tensor xg = x.clone();
  xg.requires_grad_();
  ember::mse_loss(xg, t).backward();
  EXPECT_TRUE(all_close(xg.grad(), {0.25, -0.25, 0, 2}, Tol{1e-15, 1e-15}));
}

TEST(NllLossComposite, KDimensionalInputAndWeights) {
  const Tensor l4 = ember::log_softmax(make({0.3, -1.2, 2.0, 0.7, 1.1, -0.4, 0.0, 0.9, -2.0, 0.5, 1.5, 0.25}, {1, 3, 2, 2}, kFloat64), 1);
  const Tensor t4 = make({0, 2, 1, 2}, {1, 2, 2}, kInt64);
  const Tensor none = ember::nll_loss(l4, t4, std::nullopt, 0);
  EXPECT_TRUE(matches(none, {1, 2, 2}, kFloat64, {1.2017101781814681, 0.46326421016308622, 2.5549569196419908, 1.5004827246780044},
                      Tol{1e-13, 1e-14}));
  // Mean with class weights divides by the summed weights of the targets.
  const Tensor w = make1d({1.0, 2.0, 0.5}, kFloat64);
  const std::vector<double> n = values(none);
  const double want = (1.0 * n[0] + 0.5 * n[1] + 2.0 * n[2] + 0.5 * n[3]) / (1.0 + 0.5 + 2.0 + 0.5);
  EXPECT_TRUE(matches(ember::nll_loss(l4, t4, w), {}, kFloat64, {want}, Tol{1e-14, 1e-14}));
  EXPECT_THROW_MSG(ember::nll_loss(l4, make({0, 2}, {1, 2}, kInt64)), ValueError, "Expected target size [1, 2, 2], got [1, 2]");
}

}  // namespace
}  // namespace ember_test
