// Samples for the backward ops of convolution, normalization, pooling and softmax, and for
// nll_loss_forward / nll_loss_backward. Gradients are random tensors of the shape the forward op
// would produce; saved statistics (save_invstd, rstd, running_var) are positive, indices and
// targets in range. The pointwise backward ops (threshold_backward, gelu_backward, ...) get
// their samples from op_samples_pointwise.cpp.
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

using Ints = std::vector<int64_t>;

IValue mask_of(bool a, bool b, bool c) { return IValue(std::vector<bool>{a, b, c}); }

int64_t conv_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) { return (in + 2 * p - d * (k - 1) - 1) / s + 1; }

void convolution_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("convolution is defined for floating dtypes only");
  b.set_tolerance_scale(10);
  struct Case {
    std::string label;
    Shape input, weight;
    Ints stride, padding, dilation;
    int64_t groups;
    bool mask[3];
    Layout layout;
  };
  const std::vector<Case> cases = {
      {"[2, 3, 7, 7] * [4, 3, 3, 3] all gradients", {2, 3, 7, 7}, {4, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1, {true, true, true}, Layout::Contiguous},
      {"stride 2, padding 1", {2, 3, 7, 7}, {4, 3, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 1, {true, true, true}, Layout::Contiguous},
      {"stride [2, 1], padding [0, 1], input only", {1, 2, 6, 5}, {3, 2, 3, 2}, {2, 1}, {0, 1}, {1, 1}, 1, {true, false, false}, Layout::Contiguous},
      {"dilation 2, weight only", {1, 2, 9, 9}, {2, 2, 3, 3}, {1, 1}, {0, 0}, {2, 2}, 1, {false, true, false}, Layout::Contiguous},
      {"groups 2, bias only", {2, 4, 6, 6}, {6, 2, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 2, {false, false, true}, Layout::Contiguous},
      {"depthwise, input and weight", {1, 4, 5, 5}, {4, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 4, {true, true, false}, Layout::Contiguous},
      {"unbatched [3, 5, 5]", {3, 5, 5}, {2, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1, {true, true, true}, Layout::Contiguous},
      {"transposed input layout", {2, 3, 6, 6}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, {true, true, true}, Layout::Transposed},
      {"large [4, 16, 12, 12] * [16, 16, 3, 3]", {4, 16, 12, 12}, {16, 16, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, {true, true, true}, Layout::Contiguous},
  };
  for (const Case& c : cases) {
    const bool batched = c.input.size() == 4;
    const size_t off = batched ? 1 : 0;
    Shape grad;
    if (batched) grad.push_back(c.input[0]);
    grad.push_back(c.weight[0]);
    for (size_t i = 0; i < 2; ++i)
      grad.push_back(conv_out(c.input[off + 1 + i], c.weight[2 + i], c.stride[i], c.padding[i], c.dilation[i]));
    b.add(c.label, complete_arguments(s, {{"grad_output", b.tensor(grad)},
                                          {"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"weight", b.tensor(c.weight)},
                                          {"bias_sizes", IValue(Ints{c.weight[0]})},
                                          {"stride", IValue(c.stride)},
                                          {"padding", IValue(c.padding)},
                                          {"dilation", IValue(c.dilation)},
                                          {"transposed", IValue(false)},
                                          {"output_padding", IValue(Ints{0, 0})},
                                          {"groups", IValue(c.groups)},
                                          {"output_mask", mask_of(c.mask[0], c.mask[1], c.mask[2])},
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
      {"k2 [1, 2, 6, 6]", {1, 2, 6, 6}, {2, 2}, {2, 2}, {0, 0}, false, Layout::Contiguous},
      {"k3 s2 p1 [1, 2, 7, 7]", {1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 1}, false, Layout::Contiguous},
      {"k [3, 2] s [1, 2] [2, 1, 5, 6]", {2, 1, 5, 6}, {3, 2}, {1, 2}, {0, 0}, false, Layout::Contiguous},
      {"ceil_mode k3 s2 [1, 2, 6, 6]", {1, 2, 6, 6}, {3, 3}, {2, 2}, {0, 0}, true, Layout::Contiguous},
      {"unbatched [2, 5, 5]", {2, 5, 5}, {2, 2}, {1, 1}, {0, 0}, false, Layout::Contiguous},
      {"transposed [1, 2, 6, 6]", {1, 2, 6, 6}, {2, 2}, {2, 2}, {1, 1}, false, Layout::Transposed},
      {"large [8, 16, 32, 32]", {8, 16, 32, 32}, {2, 2}, {2, 2}, {0, 0}, false, Layout::Contiguous},
  };
  return cases;
}

int64_t pooled(int64_t in, int64_t k, int64_t s, int64_t p, bool ceil_mode) {
  const int64_t num = in + 2 * p - (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t out = num / s + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

Shape pooled_shape(const PoolCase& c) {
  Shape out = c.input;
  const size_t nd = out.size();
  for (size_t i = 0; i < 2; ++i) out[nd - 2 + i] = pooled(c.input[nd - 2 + i], c.kernel[i], c.stride[i], c.padding[i], c.ceil_mode);
  return out;
}

void max_pool_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("max_pool2d_with_indices_backward is defined for floating dtypes only");
  for (const PoolCase& c : pool_cases()) {
    const Shape out = pooled_shape(c);
    const int64_t plane = c.input[c.input.size() - 2] * c.input.back();
    b.add(c.label, complete_arguments(s, {{"grad_output", b.tensor(out)},
                                          {"self", b.tensor(c.input, Values::Any, c.layout)},
                                          {"kernel_size", IValue(c.kernel)},
                                          {"stride", IValue(c.stride)},
                                          {"padding", IValue(c.padding)},
                                          {"dilation", IValue(Ints{1, 1})},
                                          {"ceil_mode", IValue(c.ceil_mode)},
                                          {"indices", b.indices(out, plane)},
                                          {"grad_input", b.out()}}));
  }
}

void avg_pool_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating() && b.dtype() != kInt64) return b.skip("avg_pool2d is defined for floating dtypes and int64 only");
  b.set_tolerance_scale(2);
  for (const PoolCase& c : pool_cases()) {
    for (bool include_pad : {true, false}) {
      if (!include_pad && c.padding[0] == 0 && c.padding[1] == 0) continue;
      b.add(c.label + (include_pad ? "" : " count_include_pad=False"),
            complete_arguments(s, {{"grad_output", b.tensor(pooled_shape(c))},
                                   {"self", b.tensor(c.input, Values::Any, c.layout)},
                                   {"kernel_size", IValue(c.kernel)},
                                   {"stride", IValue(c.stride)},
                                   {"padding", IValue(c.padding)},
                                   {"ceil_mode", IValue(c.ceil_mode)},
                                   {"count_include_pad", IValue(include_pad)},
                                   {"divisor_override", IValue()},
                                   {"grad_input", b.out()}}));
    }
  }
  b.add("divisor_override 3", complete_arguments(s, {{"grad_output", b.tensor({1, 2, 3, 3})},
                                                     {"self", b.tensor({1, 2, 6, 6})},
                                                     {"kernel_size", IValue(Ints{2, 2})},
                                                     {"stride", IValue(Ints{2, 2})},
                                                     {"padding", IValue(Ints{0, 0})},
                                                     {"ceil_mode", IValue(false)},
                                                     {"count_include_pad", IValue(true)},
                                                     {"divisor_override", IValue(int64_t{3})},
                                                     {"grad_input", b.out()}}));
}

void adaptive_avg_pool_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("adaptive_avg_pool2d is defined for floating dtypes only");
  b.set_tolerance_scale(2);
  struct Case { std::string label; Shape input, grad; Layout layout; };
  const std::vector<Case> cases = {
      {"[1, 2, 7, 7] -> [3, 3]", {1, 2, 7, 7}, {1, 2, 3, 3}, Layout::Contiguous},
      {"[2, 3, 5, 4] -> [1, 1]", {2, 3, 5, 4}, {2, 3, 1, 1}, Layout::Contiguous},
      {"unbatched [2, 5, 5] -> [5, 5]", {2, 5, 5}, {2, 5, 5}, Layout::Contiguous},
      {"transposed [1, 3, 6, 6] -> [4, 2]", {1, 3, 6, 6}, {1, 3, 4, 2}, Layout::Transposed},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"grad_output", b.tensor(c.grad, Values::Any, c.layout)},
                                          {"self", b.tensor(c.input)},
                                          {"out", b.out()}}));
}

void batch_norm_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("batch_norm needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  struct Case { std::string label; Shape input; Layout layout; bool train, affine; bool mask[3]; };
  const std::vector<Case> cases = {
      {"train [4, 3, 5, 5] all gradients", {4, 3, 5, 5}, Layout::Contiguous, true, true, {true, true, true}},
      {"train [8, 3] no weight, input only", {8, 3}, Layout::Contiguous, true, false, {true, false, false}},
      {"train transposed [6, 4] weight and bias", {6, 4}, Layout::Transposed, true, true, {false, true, true}},
      {"eval [4, 3, 5, 5] all gradients", {4, 3, 5, 5}, Layout::Contiguous, false, true, {true, true, true}},
      {"eval sliced [5, 2, 3]", {5, 2, 3}, Layout::Sliced, false, false, {true, true, false}},
      {"train large [8, 16, 16, 16]", {8, 16, 16, 16}, Layout::Contiguous, true, true, {true, true, true}},
  };
  for (const Case& c : cases) {
    const int64_t channels = c.input[1];
    auto per_channel = [&](Values v) { return IValue(b.tensor({channels}, v)); };
    b.add(c.label, complete_arguments(s, {{"grad_out", b.tensor(c.input)},
                                          {"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"weight", c.affine ? per_channel(Values::Any) : IValue()},
                                          {"running_mean", per_channel(Values::Any)},
                                          {"running_var", per_channel(Values::Positive)},
                                          {"save_mean", c.train ? per_channel(Values::Any) : IValue(b.tensor({0}))},
                                          {"save_invstd", c.train ? per_channel(Values::Positive) : IValue(b.tensor({0}))},
                                          {"train", IValue(c.train)},
                                          {"eps", IValue(1e-5)},
                                          {"output_mask", mask_of(c.mask[0], c.mask[1], c.mask[2])},
                                          {"out0", b.out()},
                                          {"out1", b.out()},
                                          {"out2", b.out()}}));
  }
}

void layer_norm_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("layer_norm needs a floating dtype (the core rejects others)");
  b.set_tolerance_scale(10);
  struct Case { std::string label; Shape input; Ints normalized; Layout layout; bool affine; bool mask[3]; };
  const std::vector<Case> cases = {
      {"[4, 5] over [5]", {4, 5}, {5}, Layout::Contiguous, true, {true, true, true}},
      {"[2, 3, 4] over [3, 4]", {2, 3, 4}, {3, 4}, Layout::Contiguous, true, {true, true, true}},
      {"no affine [3, 6] over [6], input only", {3, 6}, {6}, Layout::Contiguous, false, {true, false, false}},
      {"transposed [6, 5] over [5], weight and bias", {6, 5}, {5}, Layout::Transposed, true, {false, true, true}},
      {"large [129, 257] over [257]", {129, 257}, {257}, Layout::Contiguous, true, {true, true, true}},
  };
  for (const Case& c : cases) {
    const Shape normalized(c.normalized.begin(), c.normalized.end());
    Shape stats = c.input;
    for (size_t d = c.input.size() - normalized.size(); d < c.input.size(); ++d) stats[d] = 1;
    b.add(c.label, complete_arguments(s, {{"grad_out", b.tensor(c.input)},
                                          {"input", b.tensor(c.input, Values::Any, c.layout)},
                                          {"normalized_shape", IValue(c.normalized)},
                                          {"mean", b.tensor(stats)},
                                          {"rstd", b.tensor(stats, Values::Positive)},
                                          {"weight", c.affine ? IValue(b.tensor(normalized)) : IValue()},
                                          {"bias", c.affine ? IValue(b.tensor(normalized)) : IValue()},
                                          {"output_mask", mask_of(c.mask[0], c.mask[1], c.mask[2])},
                                          {"out0", b.out()},
                                          {"out1", b.out()},
                                          {"out2", b.out()}}));
  }
}

void softmax_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("softmax is defined for floating dtypes only");
  b.set_tolerance_scale(4);
  struct Case { std::string label; Shape shape; int64_t dim; Layout layout; };
  const std::vector<Case> cases = {
      {"[4, 5] dim 1", {4, 5}, 1, Layout::Contiguous},
      {"[4, 5] dim 0", {4, 5}, 0, Layout::Contiguous},
      {"[2, 3, 4] dim -2", {2, 3, 4}, -2, Layout::Contiguous},
      {"transposed [5, 6] dim 1", {5, 6}, 1, Layout::Transposed},
      {"0-d", {}, 0, Layout::Contiguous},
      {"large [129, 257] dim 1", {129, 257}, 1, Layout::Contiguous},
  };
  // The formulas hold for any output values, so no forward op runs to make real ones.
  for (const Case& c : cases) {
    b.add(c.label, complete_arguments(s, {{"grad_output", b.tensor(c.shape)},
                                          {"output", b.tensor(c.shape, Values::Any, c.layout)},
                                          {"dim", IValue(c.dim)},
                                          {"input_dtype", IValue(b.dtype())},
                                          {"grad_input", b.out()}}));
  }
}

void nll_loss_forward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("nll_loss is defined for floating dtypes only");
  b.set_tolerance_scale(4);
  struct Case { std::string label; Shape input; bool weight; int64_t reduction, ignore_index; };
  const std::vector<Case> cases = {
      {"[6, 4] mean", {6, 4}, false, 1, -100},
      {"[6, 4] sum with weight", {6, 4}, true, 2, -100},
      {"[6, 4] none with weight, ignore_index 2", {6, 4}, true, 0, 2},
      {"[6, 4] mean with weight, ignore_index 1", {6, 4}, true, 1, 1},
      {"[5] one sample", {5}, false, 1, -100},
      {"large [40000, 3] mean", {40000, 3}, false, 1, -100},
  };
  for (const Case& c : cases) {
    const int64_t classes = c.input.back();
    const Shape target = c.input.size() == 2 ? Shape{c.input[0]} : Shape{};
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.input)},
                                          {"target", b.indices(target, classes)},
                                          {"weight", c.weight ? IValue(b.tensor({classes}, Values::Positive)) : IValue()},
                                          {"reduction", IValue(c.reduction)},
                                          {"ignore_index", IValue(c.ignore_index)},
                                          {"output", b.out()},
                                          {"total_weight", b.out()}}));
  }
}

void nll_loss_backward_samples(const FunctionSchema& s, SampleBuilder& b) {
  if (!b.floating()) return b.skip("nll_loss is defined for floating dtypes only");
  struct Case { std::string label; Shape input; bool weight; int64_t reduction, ignore_index; };
  const std::vector<Case> cases = {
      {"[6, 4] mean", {6, 4}, false, 1, -100},
      {"[6, 4] sum with weight", {6, 4}, true, 2, -100},
      {"[6, 4] none with weight, ignore_index 2", {6, 4}, true, 0, 2},
      {"[5] one sample", {5}, false, 1, -100},
  };
  for (const Case& c : cases) {
    const int64_t classes = c.input.back();
    const bool per_sample = c.reduction == 0 && c.input.size() == 2;
    const Shape target = c.input.size() == 2 ? Shape{c.input[0]} : Shape{};
    b.add(c.label, complete_arguments(s, {{"grad_output", b.tensor(per_sample ? Shape{c.input[0]} : Shape{})},
                                          {"self", b.tensor(c.input)},
                                          {"target", b.indices(target, classes)},
                                          {"weight", c.weight ? IValue(b.tensor({classes}, Values::Positive)) : IValue()},
                                          {"reduction", IValue(c.reduction)},
                                          {"ignore_index", IValue(c.ignore_index)},
                                          {"total_weight", b.tensor({}, Values::Positive)},
                                          {"grad_input", b.out()}}));
  }
}

}  // namespace

void register_nn_backward_samples(SampleRegistry& r) {
  r["convolution_backward.out"] = &convolution_backward_samples;
  r["max_pool2d_with_indices_backward.grad_input"] = &max_pool_backward_samples;
  r["avg_pool2d_backward.grad_input"] = &avg_pool_backward_samples;
  r["_adaptive_avg_pool2d_backward.out"] = &adaptive_avg_pool_backward_samples;
  r["native_batch_norm_backward.out"] = &batch_norm_backward_samples;
  r["native_layer_norm_backward.out"] = &layer_norm_backward_samples;
  r["_softmax_backward_data.out"] = &softmax_backward_samples;
  r["_log_softmax_backward_data.out"] = &softmax_backward_samples;
  r["nll_loss_forward.output"] = &nll_loss_forward_samples;
  r["nll_loss_backward.grad_input"] = &nll_loss_backward_samples;
}

}  // namespace conformance
}  // namespace ember
