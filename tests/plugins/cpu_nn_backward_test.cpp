// CPU plugin: the float32 oneDNN convolution gradients against the same plugin's loops
// (`onednn: false`), for every output_mask and awkward geometries (stride with uncovered input
// rows, dilation, groups, depthwise, unbatched, non-contiguous grad_output); and the backward
// kernels' handling of masked-off outputs (never written) and of repeated calls (cached
// primitives, per-thread workspaces).
#include <gtest/gtest.h>

#include <cmath>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

struct ConvGeometry {
  std::vector<int64_t> input, weight, stride, padding, dilation;
  int64_t groups;
};

int64_t conv_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) { return (in + 2 * p - d * (k - 1) - 1) / s + 1; }

// Runs convolution_backward.out on `plugin`; outputs of masked-off gradients are [0] tensors
// filled with a sentinel the kernel must leave alone.
std::vector<TestTensor> conv_backward(const LoadedPlugin& plugin, const ConvGeometry& g, const TestTensor& go,
                                      const TestTensor& x, const TestTensor& w, const std::vector<int64_t>& mask) {
  std::vector<TestTensor> outs = {TestTensor(mask[0] ? g.input : std::vector<int64_t>{0}, EMBER_DTYPE_FLOAT32),
                                  TestTensor(mask[1] ? g.weight : std::vector<int64_t>{0}, EMBER_DTYPE_FLOAT32),
                                  TestTensor(mask[2] ? std::vector<int64_t>{g.weight[0]} : std::vector<int64_t>{0},
                                             EMBER_DTYPE_FLOAT32)};
  for (TestTensor& o : outs)
    for (int64_t i = 0; i < o.numel(); ++i) o.set_linear<float>(i, 12345.f);
  Args args;
  args.tensor(go).tensor(x).tensor(w).ints({g.weight[0]}).ints(g.stride).ints(g.padding).ints(g.dilation).b(false).ints({0, 0});
  args.i(g.groups).ints(mask).tensor(outs[0]).tensor(outs[1]).tensor(outs[2]);
  CallResult r = plugin.call("convolution_backward.out", args);
  EXPECT_TRUE(r.ok()) << r.message;
  return outs;
}

TEST(CpuConvBackward, OnednnMatchesLoopsWithin1e4) {
  const std::vector<ConvGeometry> cases = {
      {{2, 3, 9, 11}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
      {{1, 4, 10, 7}, {6, 2, 3, 2}, {2, 3}, {0, 1}, {1, 1}, 2},    // groups, stride leaving input rows uncovered
      {{2, 2, 12, 12}, {2, 1, 3, 3}, {2, 2}, {2, 2}, {2, 3}, 2},   // depthwise, dilation
      {{1, 3, 5, 5}, {5, 3, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1},     // 1x1
      {{8, 16, 16, 16}, {32, 16, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
      {{3, 7, 7}, {4, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1},        // unbatched
  };
  const std::vector<std::vector<int64_t>> masks = {{1, 1, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 1}};
  uint32_t seed = 1;
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const ConvGeometry& g = cases[ci];
    const bool batched = g.input.size() == 4;
    const size_t off = batched ? 1 : 0;
    std::vector<int64_t> out_shape;
    if (batched) out_shape.push_back(g.input[0]);
    out_shape.push_back(g.weight[0]);
    for (size_t i = 0; i < 2; ++i)
      out_shape.push_back(conv_out(g.input[off + 1 + i], g.weight[2 + i], g.stride[i], g.padding[i], g.dilation[i]));
    const TestTensor x = random_f32(g.input, seed++), w = random_f32(g.weight, seed++), go = random_f32(out_shape, seed++);
    for (const auto& mask : masks) {
      SCOPED_TRACE("case " + std::to_string(ci) + " mask " + std::to_string(mask[0]) + std::to_string(mask[1]) +
                   std::to_string(mask[2]));
      std::vector<TestTensor> fast = conv_backward(cpu_plugin(), g, go, x, w, mask);
      std::vector<TestTensor> loop = conv_backward(loop_plugin(), g, go, x, w, mask);
      for (size_t k = 0; k < 3; ++k) {
        const std::vector<double> a = fast[k].to_doubles(), b = loop[k].to_doubles();
        ASSERT_EQ(a.size(), b.size());
        if (!mask[k]) {
          EXPECT_TRUE(a.empty()) << "output " << k;
          continue;
        }
        double scale = 1;
        for (double v : b) scale = std::max(scale, std::fabs(v));
        for (size_t i = 0; i < a.size(); ++i)
          ASSERT_NEAR(a[i], b[i], 1e-4 * scale) << "output " << k << " element " << i;
      }
    }
  }
}

TEST(CpuConvBackward, NonContiguousGradOutputAndRepeatedCalls) {
  const ConvGeometry g{{2, 3, 8, 8}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1};
  const TestTensor x = random_f32(g.input, 50), w = random_f32(g.weight, 51);
  // grad_output [2, 4, 8, 8] stored as [2, 8, 8, 4] (channels last).
  const TestTensor go = random_f32({2, 8, 8, 4}, 52).transposed(1, 3).transposed(2, 3);
  ASSERT_EQ(go.sizes(), (std::vector<int64_t>{2, 4, 8, 8}));
  const std::vector<TestTensor> first = conv_backward(cpu_plugin(), g, go, x, w, {1, 1, 1});
  const std::vector<TestTensor> dense = conv_backward(cpu_plugin(), g, go.contiguous(), x, w, {1, 1, 1});
  for (int rep = 0; rep < 3; ++rep) {
    const std::vector<TestTensor> again = conv_backward(cpu_plugin(), g, go, x, w, {1, 1, 1});
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(again[k].to_doubles(), first[k].to_doubles()) << "output " << k << " differs on call " << rep + 2;
      EXPECT_EQ(dense[k].to_doubles(), first[k].to_doubles()) << "output " << k << " depends on grad_output's layout";
    }
  }
}

}  // namespace
}  // namespace ember_test
