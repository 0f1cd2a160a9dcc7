// Samples for matrix products (mm, bmm, addmm), convolution, batch and layer normalization and
// 2-d pooling. Shapes are small (a reference in float64 must stay cheap) except one larger case
// per product, big enough to take the CPU plugin's oneDNN path for float32.
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

using Ints = std::vector<int64_t>;

// Integer products stay far from overflow with entries in [-2, 2].
Values matrix_values(const SampleBuilder& b) { return b.floating() ? Values::Any : Values::SmallIntegers; }

void mm_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(10);
  const Values v = matrix_values(b);
  struct Case { std::string label; Shape a, m; Layout layout_a, layout_m; };
  const std::vector<Case> cases = {
      {"[3, 4] x [4, 5]", {3, 4}, {4, 5}, Layout::Contiguous, Layout::Contiguous},
      {"transposed [3, 4] x [4, 5]", {3, 4}, {4, 5}, Layout::Transposed, Layout::Transposed},
      {"sliced [3, 4] x transposed [4, 2]", {3, 4}, {4, 2}, Layout::Sliced, Layout::Transposed},
      {"[1, 7] x [7, 1]", {1, 7}, {7, 1}, Layout::Contiguous, Layout::Contiguous},
      {"K = 0: [3, 0] x [0, 4]", {3, 0}, {0, 4}, Layout::Contiguous, Layout::Contiguous},
      {"M = 0: [0, 4] x [4, 5]", {0, 4}, {4, 5}, Layout::Contiguous, Layout::Contiguous},
      {"large [64, 96] x [96, 80]", {64, 96}, {96, 80}, Layout::Contiguous, Layout::Contiguous},
      {"large transposed [64, 96] x [96, 80]", {64, 96}, {96, 80}, Layout::Transposed, Layout::Sliced},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.a, v, c.layout_a)},
                                          {"mat2", b.tensor(c.m, v, c.layout_m)},
                                          {"out", b.out()}}));
}

void bmm_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(10);
  const Values v = matrix_values(b);
  struct Case { std::string label; Shape a, m; Layout layout; };
  const std::vector<Case> cases = {
      {"[2, 3, 4] x [2, 4, 5]", {2, 3, 4}, {2, 4, 5}, Layout::Contiguous},
      {"transposed [2, 3, 4] x [2, 4, 5]", {2, 3, 4}, {2, 4, 5}, Layout::Transposed},
      {"sliced [3, 2, 3] x [3, 3, 2]", {3, 2, 3}, {3, 3, 2}, Layout::Sliced},
      {"batch 0: [0, 3, 4] x [0, 4, 5]", {0, 3, 4}, {0, 4, 5}, Layout::Contiguous},
      {"large [4, 32, 48] x [4, 48, 24]", {4, 32, 48}, {4, 48, 24}, Layout::Contiguous},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.a, v, c.layout)},
                                          {"mat2", b.tensor(c.m, v, c.layout)},
                                          {"out", b.out()}}));
}

void addmm_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(10);
  const Values v = matrix_values(b);
  struct Case { std::string label; Shape self; Layout layout; IValue beta, alpha; };
  const std::vector<Case> cases = {
      {"self [3, 5]", {3, 5}, Layout::Contiguous, IValue(int64_t{1}), IValue(int64_t{1})},
      {"self [5] broadcast", {5}, Layout::Contiguous, IValue(int64_t{1}), IValue(int64_t{1})},
      {"self [1, 5] beta, alpha", {1, 5}, Layout::Contiguous, b.scalar(0.5, 2), b.scalar(2.0, 3)},
      {"transposed, beta 0", {3, 5}, Layout::Transposed, IValue(int64_t{0}), b.scalar(-1.5, -2)},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.self, v, c.layout)},
                                          {"mat1", b.tensor({3, 4}, v, c.layout)},
                                          {"mat2", b.tensor({4, 5}, v, c.layout)},
                                          {"beta", c.beta},
                                          {"alpha", c.alpha},
                                          {"out", b.out()}}));
}

void convolution_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("convolution is defined for floating dtypes only");
  b.set_tolerance_scale(10);
  struct Case { std::string label; Shape input, weight; bool bias; Ints stride, padding, dilation; int64_t groups; Layout layout; };
  const std::vector<Case> cases = {
      {"[2, 3, 7, 7] * [4, 3, 3, 3] with bias", {2, 3, 7, 7}, {4, 3, 3, 3}, true, {1, 1}, {0, 0}, {1, 1}, 1, Layout::Contiguous},
      {"no bias", {1, 3, 6, 6}, {2, 3, 3, 3}, false, {1, 1}, {0, 0}, {1, 1}, 1, Layout::Contiguous},
      {"stride 2, padding 1", {2, 3, 7, 7}, {4, 3, 3, 3}, true, {2, 2}, {1, 1}, {1, 1}, 1, Layout::Contiguous},
      {"stride [2, 1], padding [0, 1]", {1, 2, 6, 5}, {3, 2, 3, 2}, true, {2, 1}, {0, 1}, {1, 1}, 1, Layout::Contiguous},
      {"dilation 2", {1, 2, 9, 9}, {2, 2, 3, 3}, true, {1, 1}, {0, 0}, {2, 2}, 1, Layout::Contiguous},
      {"groups 2", {2, 4, 6, 6}, {6, 2, 3, 3}, true, {1, 1}, {1, 1}, {1, 1}, 2, Layout::Contiguous},
      {"unbatched [3, 5, 5]", {3, 5, 5}, {2, 3, 3, 3}, true, {1, 1}, {0, 0}, {1, 1}, 1, Layout::Contiguous},
      {"1x1 kernel", {1, 8, 4, 4}, {16, 8, 1, 1}, true, {1, 1}, {0, 0}, {1, 1}, 1, Layout::Contiguous},
      {"transposed input layout", {2, 3, 6, 6}, {4, 3, 3, 3}, true, {1, 1}, {1, 1}, {1, 1}, 1, Layout::Transposed},
  };
  for (const Case& c : cases) {
    b.add(c.label, complete_arguments(s, {{"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"weight", b.tensor(c.weight)},
                                          {"bias", c.bias ? IValue(b.tensor({c.weight[0]})) : IValue()},
                                          {"stride", IValue(c.stride)},
                                          {"padding", IValue(c.padding)},
                                          {"dilation", IValue(c.dilation)},
                                          {"transposed", IValue(false)},
                                          {"output_padding", IValue(Ints{0, 0})},
                                          {"groups", IValue(c.groups)},
                                          {"out", b.out()}}));
  }
}

void batch_norm_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("batch_norm needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  struct Case { std::string label; Shape input; Layout layout; bool training, affine, running; };
  const std::vector<Case> cases = {
      {"training [4, 3, 5, 5] with running stats", {4, 3, 5, 5}, Layout::Contiguous, true, true, true},
      {"training [8, 3], no affine, no running stats", {8, 3}, Layout::Contiguous, true, false, false},
      {"training transposed [6, 4]", {6, 4}, Layout::Transposed, true, true, true},
      {"eval [4, 3, 5, 5]", {4, 3, 5, 5}, Layout::Contiguous, false, true, true},
      {"eval sliced [5, 2, 3]", {5, 2, 3}, Layout::Sliced, false, false, true},
  };
  for (const Case& c : cases) {
    const int64_t channels = c.input[1];
    auto per_channel = [&](Values v) { return IValue(b.tensor({channels}, v)); };
    b.add(c.label, complete_arguments(s, {{"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"weight", c.affine ? per_channel(Values::Any) : IValue()},
                                          {"bias", c.affine ? per_channel(Values::Any) : IValue()},
                                          {"running_mean", c.running ? per_channel(Values::Any) : IValue()},
                                          {"running_var", c.running ? per_channel(Values::Positive) : IValue()},
                                          {"training", IValue(c.training)},
                                          {"momentum", IValue(0.1)},
                                          {"eps", IValue(1e-5)},
                                          {"out", b.out()},
                                          {"save_mean", b.out()},
                                          {"save_invstd", b.out()}}));
  }
}

void layer_norm_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("layer_norm needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  struct Case { std::string label; Shape input; Ints normalized; Layout layout; bool affine; };
  const std::vector<Case> cases = {
      {"[4, 5] over [5]", {4, 5}, {5}, Layout::Contiguous, true},
      {"[2, 3, 4] over [3, 4]", {2, 3, 4}, {3, 4}, Layout::Contiguous, true},
      {"no affine [3, 6] over [6]", {3, 6}, {6}, Layout::Contiguous, false},
      {"transposed [6, 5] over [5]", {6, 5}, {5}, Layout::Transposed, true},
      {"large [129, 257] over [257]", {129, 257}, {257}, Layout::Contiguous, true},
  };
  for (const Case& c : cases) {
    Shape normalized(c.normalized.begin(), c.normalized.end());
    b.add(c.label, complete_arguments(s, {{"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"normalized_shape", IValue(c.normalized)},
                                          {"weight", c.affine ? IValue(b.tensor(normalized)) : IValue()},
                                          {"bias", c.affine ? IValue(b.tensor(normalized)) : IValue()},
                                          {"eps", IValue(1e-5)},
                                          {"out0", b.out()},
                                          {"out1", b.out()},
                                          {"out2", b.out()}}));
  }
}

struct PoolCase {
  std::string label;
  Shape input;
  Ints kernel, stride, padding;
  bool ceil_mode;
  Layout layout;
};

const std::vector<PoolCase>& pool_cases() {
  static const std::vector<PoolCase> cases = {
      {"k2 [1, 2, 6, 6]", {1, 2, 6, 6}, {2, 2}, {}, {0, 0}, false, Layout::Contiguous},
      {"k3 s2 p1 [1, 2, 7, 7]", {1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 1}, false, Layout::Contiguous},
      {"k [3, 2] s [1, 2] [2, 1, 5, 6]", {2, 1, 5, 6}, {3, 2}, {1, 2}, {0, 0}, false, Layout::Contiguous},
      {"ceil_mode k3 s2 [1, 2, 6, 6]", {1, 2, 6, 6}, {3, 3}, {2, 2}, {0, 0}, true, Layout::Contiguous},
      {"unbatched [2, 5, 5]", {2, 5, 5}, {2, 2}, {1, 1}, {0, 0}, false, Layout::Contiguous},
      {"transposed [1, 2, 6, 6]", {1, 2, 6, 6}, {2, 2}, {2, 2}, {1, 1}, false, Layout::Transposed},
  };
  return cases;
}

void max_pool_samples(const FunctionSchema& s, SampleBuilder& b) {
  b.set_tolerance_scale(2);
  for (const PoolCase& c : pool_cases()) {
    // Distinct values: the index of each window's maximum is unambiguous.
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.input, Values::Distinct, c.layout)},
                                          {"kernel_size", IValue(c.kernel)},
                                          {"stride", IValue(c.stride)},
                                          {"padding", IValue(c.padding)},
                                          {"ceil_mode", IValue(c.ceil_mode)},
                                          {"out", b.out()},
                                          {"indices", b.out(kInt64)}}));
  }
  b.add("dilation 2 [1, 1, 9, 9]", complete_arguments(s, {{"self", b.tensor({1, 1, 9, 9}, Values::Distinct)},
                                                          {"kernel_size", IValue(Ints{3, 3})},
                                                          {"dilation", IValue(Ints{2, 2})},
                                                          {"out", b.out()},
                                                          {"indices", b.out(kInt64)}}));
}

void avg_pool_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating() && b.dtype() != kInt64) return b.skip("avg_pool2d is defined for floating dtypes and int64 only");
  b.set_tolerance_scale(2);
  for (const PoolCase& c : pool_cases()) {
    for (bool include_pad : {true, false}) {
      if (!include_pad && c.padding[0] == 0 && c.padding[1] == 0) continue;
      b.add(c.label + (include_pad ? "" : " count_include_pad=False"),
            complete_arguments(s, {{"self", b.tensor(c.input, Values::Any, c.layout)},
                                   {"kernel_size", IValue(c.kernel)},
                                   {"stride", IValue(c.stride)},
                                   {"padding", IValue(c.padding)},
                                   {"ceil_mode", IValue(c.ceil_mode)},
                                   {"count_include_pad", IValue(include_pad)},
                                   {"out", b.out()}}));
    }
  }
  b.add("divisor_override 3", complete_arguments(s, {{"self", b.tensor({1, 2, 6, 6})},
                                                     {"kernel_size", IValue(Ints{2, 2})},
                                                     {"divisor_override", IValue(int64_t{3})},
                                                     {"out", b.out()}}));
}

void adaptive_avg_pool_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("adaptive_avg_pool2d is defined for floating dtypes only");
  b.set_tolerance_scale(2);
  struct Case { std::string label; Shape input; Ints output; Layout layout; };
  const std::vector<Case> cases = {
      {"[1, 2, 7, 7] -> [3, 3]", {1, 2, 7, 7}, {3, 3}, Layout::Contiguous},
      {"[2, 3, 5, 4] -> [1, 1]", {2, 3, 5, 4}, {1, 1}, Layout::Contiguous},
      {"unbatched [2, 5, 5] -> [5, 5]", {2, 5, 5}, {5, 5}, Layout::Contiguous},
      {"transposed [1, 3, 6, 6] -> [4, 2]", {1, 3, 6, 6}, {4, 2}, Layout::Transposed},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.input, Values::Any, c.layout)},
                                          {"output_size", IValue(c.output)},
                                          {"out", b.out()}}));
}

}  // namespace

void register_nn_samples(SampleRegistry& r) {
  r["mm.out"] = &mm_samples;
  r["bmm.out"] = &bmm_samples;
  r["addmm.out"] = &addmm_samples;
  r["convolution.out"] = &convolution_samples;
  r["native_batch_norm.out"] = &batch_norm_samples;
  r["native_layer_norm.out"] = &layer_norm_samples;
  r["max_pool2d_with_indices.out"] = &max_pool_samples;
  r["avg_pool2d.out"] = &avg_pool_samples;
  r["_adaptive_avg_pool2d.out"] = &adaptive_avg_pool_samples;
}

}  // namespace conformance
}  // namespace ember
