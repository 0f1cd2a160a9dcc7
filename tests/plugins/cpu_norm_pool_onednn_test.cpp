// CPU plugin: the float32 oneDNN paths of native_batch_norm (training and eval), native_layer_norm
// and avg_pool2d against the same plugin's loops (`onednn: false`) within 1e-5, on contiguous and
// non-contiguous inputs and outputs, with and without weight / bias, and pooling geometries with
// ceil_mode, count_include_pad, uncovered input rows, unbatched inputs and divisor_override (the
// cases oneDNN cannot take must fall back to the loop and still agree).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

// Batch norm through oneDNN is opt-in (it is slower than the loops on plain NCHW memory).
const LoadedPlugin& onednn_batch_norm_plugin() {
  static const LoadedPlugin* p =
      new LoadedPlugin(cpu_plugin_path(), 2, {{"onednn_batch_norm", "true"}}, /*private_copy=*/true);
  return *p;
}

void expect_close(const TestTensor& got, const TestTensor& want, double tol, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  const std::vector<double> g = got.to_doubles(), w = want.to_doubles();
  for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], w[i], tol) << what << " element " << i;
}

// A tensor of `shape` whose storage is laid out with the last two dims swapped (non-contiguous).
TestTensor transposed_layout(std::vector<int64_t> shape, uint32_t seed) {
  const size_t d = shape.size();
  std::swap(shape[d - 1], shape[d - 2]);
  return random_f32(shape, seed).transposed(static_cast<int64_t>(d) - 1, static_cast<int64_t>(d) - 2);
}

// An output of `shape` that is a non-contiguous view (every other element of a wider last dim).
TestTensor strided_out(std::vector<int64_t> shape) {
  std::vector<int64_t> wide = shape;
  wide.back() *= 2;
  return TestTensor(wide, EMBER_DTYPE_FLOAT32).sliced(static_cast<int64_t>(shape.size()) - 1, 0, wide.back(), 2);
}

TEST(CpuOnednnNorm, BatchNormMatchesLoops) {
  const std::vector<std::vector<int64_t>> shapes = {{4, 3, 5, 6}, {8, 5}, {2, 4, 3, 2, 3}, {1, 16, 7, 7}};
  uint32_t seed = 1;
  for (const auto& shape : shapes) {
    const int64_t c = shape[1];
    for (int variant = 0; variant < 8; ++variant) {
      const bool training = variant & 1, affine = variant & 2, noncontig = variant & 4;
      SCOPED_TRACE("shape rank " + std::to_string(shape.size()) + " c " + std::to_string(c) + " variant " +
                   std::to_string(variant));
      const TestTensor x = noncontig ? transposed_layout(shape, seed++) : random_f32(shape, seed++);
      const TestTensor w = random_f32({c}, seed++), b = random_f32({c}, seed++), rm = random_f32({c}, seed++);
      TestTensor rv = random_f32({c}, seed++);
      for (int64_t i = 0; i < c; ++i) rv.set_linear<float>(i, 1.5f + rv.get_linear<float>(i));
      std::vector<TestTensor> results[2];
      for (int k = 0; k < 2; ++k) {
        TestTensor out = noncontig ? strided_out(shape) : TestTensor(shape, EMBER_DTYPE_FLOAT32);
        TestTensor sm(std::vector<int64_t>{training ? c : 0}, EMBER_DTYPE_FLOAT32);
        TestTensor si(std::vector<int64_t>{training ? c : 0}, EMBER_DTYPE_FLOAT32);
        Args args;
        args.tensor(x);
        if (affine) args.tensor(w).tensor(b); else args.none().none();
        args.tensor(rm).tensor(rv).b(training).d(0.1).d(1e-5).tensor(out).tensor(sm).tensor(si);
        CallResult r = (k == 0 ? onednn_batch_norm_plugin() : loop_plugin()).call("native_batch_norm.out", args);
        ASSERT_TRUE(r.ok()) << r.message;
        results[k] = {out, sm, si};
      }
      expect_close(results[0][0], results[1][0], 1e-5, "out");
      expect_close(results[0][1], results[1][1], 1e-5, "save_mean");
      expect_close(results[0][2], results[1][2], 1e-5, "save_invstd");
    }
  }
}

TEST(CpuOnednnNorm, LayerNormMatchesLoops) {
  struct Case {
    std::vector<int64_t> shape, normalized;
  };
  const std::vector<Case> cases = {{{6, 20}, {20}}, {{2, 3, 4, 5}, {4, 5}}, {{3, 7, 33}, {33}}, {{4, 9}, {4, 9}}};
  uint32_t seed = 100;
  for (const Case& cs : cases) {
    int64_t rows = 1, len = 1;
    for (size_t i = 0; i < cs.shape.size(); ++i) (i < cs.shape.size() - cs.normalized.size() ? rows : len) *= cs.shape[i];
    std::vector<int64_t> stat_shape = cs.shape;
    for (size_t i = cs.shape.size() - cs.normalized.size(); i < cs.shape.size(); ++i) stat_shape[i] = 1;
    for (int variant = 0; variant < 8; ++variant) {
      const bool weight = variant & 1, bias = variant & 2, noncontig = variant & 4;
      SCOPED_TRACE("rows " + std::to_string(rows) + " len " + std::to_string(len) + " variant " + std::to_string(variant));
      const TestTensor x = noncontig ? transposed_layout(cs.shape, seed++) : random_f32(cs.shape, seed++);
      const TestTensor w = random_f32(cs.normalized, seed++), b = random_f32(cs.normalized, seed++);
      std::vector<TestTensor> results[2];
      for (int k = 0; k < 2; ++k) {
        TestTensor out = noncontig ? strided_out(cs.shape) : TestTensor(cs.shape, EMBER_DTYPE_FLOAT32);
        TestTensor mean(stat_shape, EMBER_DTYPE_FLOAT32), rstd(stat_shape, EMBER_DTYPE_FLOAT32);
        Args args;
        args.tensor(x).ints(cs.normalized);
        if (weight) args.tensor(w); else args.none();
        if (bias) args.tensor(b); else args.none();
        args.d(1e-5).tensor(out).tensor(mean).tensor(rstd);
        CallResult r = (k == 0 ? cpu_plugin() : loop_plugin()).call("native_layer_norm.out", args);
        ASSERT_TRUE(r.ok()) << r.message;
        results[k] = {out, mean, rstd};
      }
      expect_close(results[0][0], results[1][0], 1e-5, "out");
      expect_close(results[0][1], results[1][1], 1e-5, "mean");
      expect_close(results[0][2], results[1][2], 1e-5, "rstd");
    }
  }
}

int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p, bool ceil_mode) {
  int64_t out = (in + 2 * p - k + (ceil_mode ? s - 1 : 0)) / s + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

TEST(CpuOnednnPool, AvgPoolMatchesLoops) {
  struct Case {
    std::vector<int64_t> input, kernel, stride, padding;
  };
  const std::vector<Case> cases = {
      {{2, 3, 8, 8}, {2, 2}, {2, 2}, {0, 0}},
      {{2, 3, 7, 6}, {3, 3}, {2, 2}, {1, 1}},     // ceil_mode: partial last windows
      {{1, 4, 9, 11}, {3, 2}, {2, 3}, {1, 0}},    // uneven; stride leaving input rows uncovered
      {{2, 2, 5, 5}, {2, 2}, {2, 2}, {1, 1}},     // ceil_mode windows past the right padding
      {{3, 10, 10}, {3, 3}, {1, 1}, {1, 1}},      // unbatched
      {{4, 16, 13, 13}, {5, 4}, {3, 3}, {2, 2}},
      {{1, 1, 6, 7}, {6, 7}, {1, 1}, {0, 0}},     // global window
  };
  uint32_t seed = 200;
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const Case& cs = cases[ci];
    const size_t nd = cs.input.size();
    for (int variant = 0; variant < 16; ++variant) {
      const bool ceil_mode = variant & 1, include_pad = variant & 2, noncontig = variant & 4, override_div = variant & 8;
      SCOPED_TRACE("case " + std::to_string(ci) + " variant " + std::to_string(variant));
      std::vector<int64_t> out_shape = cs.input;
      for (size_t i = 0; i < 2; ++i)
        out_shape[nd - 2 + i] = pool_out(cs.input[nd - 2 + i], cs.kernel[i], cs.stride[i], cs.padding[i], ceil_mode);
      const TestTensor x = noncontig ? transposed_layout(cs.input, seed++) : random_f32(cs.input, seed++);
      TestTensor results[2];
      for (int k = 0; k < 2; ++k) {
        TestTensor out = noncontig ? strided_out(out_shape) : TestTensor(out_shape, EMBER_DTYPE_FLOAT32);
        Args args;
        args.tensor(x).ints(cs.kernel).ints(cs.stride).ints(cs.padding).b(ceil_mode).b(include_pad);
        if (override_div) args.i(3); else args.none();
        args.tensor(out);
        CallResult r = (k == 0 ? cpu_plugin() : loop_plugin()).call("avg_pool2d.out", args);
        ASSERT_TRUE(r.ok()) << r.message;
        results[k] = out;
      }
      expect_close(results[0], results[1], 1e-5, "out");
    }
  }
}

// Repeated calls reuse cached primitives and per-thread buffers; results must not change.
TEST(CpuOnednnPool, RepeatedCallsAreStable) {
  const TestTensor x = random_f32({2, 8, 12, 12}, 300);
  TestTensor first({2, 8, 6, 6}, EMBER_DTYPE_FLOAT32);
  for (int i = 0; i < 3; ++i) {
    TestTensor out({2, 8, 6, 6}, EMBER_DTYPE_FLOAT32);
    CallResult r = cpu_plugin().call("avg_pool2d.out",
                                     Args().tensor(x).ints({3}).ints({2}).ints({1}).b(false).b(true).none().tensor(out));
    ASSERT_TRUE(r.ok()) << r.message;
    if (i == 0) first = out;
    else EXPECT_EQ(out.to_doubles(), first.to_doubles());
  }
}

}  // namespace
}  // namespace ember_test
