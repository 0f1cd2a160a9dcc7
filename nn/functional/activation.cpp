#include "nn/functional/activation.h"

#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
Tensor softmax_with_dtype(const Tensor& input, int64_t dim, const std::optional<ScalarType>& dtype, bool log) {
  return log ? ember::log_softmax(input, dim, dtype) : ember::softmax(input, dim, dtype);
}
}  // namespace

Tensor elu(Tensor input, const ELUFuncOptions& options) {
  return options.inplace() ? ember::elu_(input, options.alpha()) : ember::elu(input, options.alpha());
}
Tensor selu(Tensor input, const SELUFuncOptions& options) {
  return options.inplace() ? ember::selu_(input) : ember::selu(input);
}
Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& options) {
  return ember::hardshrink(input, options.lambda());
}
Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options) {
  return options.inplace() ? ember::hardtanh_(input, options.min_val(), options.max_val())
                           : ember::hardtanh(input, options.min_val(), options.max_val());
}
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options) {
  return options.inplace() ? ember::leaky_relu_(input, options.negative_slope())
                           : ember::leaky_relu(input, options.negative_slope());
}
Tensor logsigmoid(const Tensor& input) { return ember::log_sigmoid(input); }

Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& options) {
  // Gumbel(0, 1) noise: -log(Exponential(1)) = -log(-log(U)).
  Tensor u = ember::empty_like(logits).uniform_(0, 1, std::nullopt);
  Tensor gumbels = -(-(u.clamp_min(1e-20)).log()).log();
  Tensor soft = ember::softmax((logits + gumbels) / options.tau(), options.dim(), std::nullopt);
  if (!options.hard()) return soft;
  Tensor index = std::get<1>(soft.max(options.dim(), true));
  Tensor hard = ember::zeros_like(logits).scatter(options.dim(), index, 1.0);
  return hard - soft.detach() + soft;
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return softmax_with_dtype(input, options.dim(), options.dtype(), false);
}
Tensor softmin(const Tensor& input, const SoftminFuncOptions& options) {
  return softmax_with_dtype(-input, options.dim(), options.dtype(), false);
}
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return softmax_with_dtype(input, options.dim(), options.dtype(), true);
}
Tensor glu(const Tensor& input, const GLUFuncOptions& options) { return ember::glu(input, options.dim()); }
Tensor gelu(const Tensor& input, const GELUFuncOptions& options) { return ember::gelu(input, options.approximate()); }
Tensor silu(const Tensor& input) { return ember::silu(input); }
Tensor mish(const Tensor& input) { return ember::mish(input); }
Tensor prelu(const Tensor& input, const Tensor& weight) { return ember::prelu(input, weight); }
Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  return options.inplace() ? ember::relu_(input) : ember::relu(input);
}
Tensor relu6(Tensor input, const ReLU6FuncOptions& options) {
  return options.inplace() ? ember::relu6_(input) : ember::relu6(input);
}
Tensor rrelu(Tensor input, const RReLUFuncOptions& options) {
  return options.inplace() ? ember::rrelu_(input, options.lower(), options.upper(), options.training())
                           : ember::rrelu(input, options.lower(), options.upper(), options.training());
}
Tensor celu(Tensor input, const CELUFuncOptions& options) {
  return options.inplace() ? ember::celu_(input, options.alpha()) : ember::celu(input, options.alpha());
}
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options) {
  return ember::softplus(input, options.beta(), options.threshold());
}
Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& options) {
  return ember::softshrink(input, options.lambda());
}
Tensor softsign(const Tensor& input) { return input / (input.abs() + 1); }
Tensor tanhshrink(const Tensor& input) { return input - input.tanh(); }
Tensor threshold(Tensor input, const ThresholdFuncOptions& options) {
  return options.inplace() ? ember::threshold_(input, options.threshold(), options.value())
                           : ember::threshold(input, options.threshold(), options.value());
}
Tensor sigmoid(const Tensor& input) { return ember::sigmoid(input); }
Tensor tanh(const Tensor& input) { return ember::tanh(input); }

}  // namespace functional
}  // namespace nn
}  // namespace ember
