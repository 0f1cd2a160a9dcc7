// nn::functional activations, as torch::nn::functional's: each maps its options onto ember's
// operators (elu, hardtanh, softplus, ... of ops.yaml); `inplace` options use the in-place forms.
#pragma once

#include "core/tensor.h"
#include "nn/options/activation.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor elu(Tensor input, const ELUFuncOptions& options = {});
EMBER_API Tensor selu(Tensor input, const SELUFuncOptions& options = {});
EMBER_API Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& options = {});
EMBER_API Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options = {});
EMBER_API Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options = {});
EMBER_API Tensor logsigmoid(const Tensor& input);
// softmax(logits + Gumbel noise) / tau; hard: one-hot of the maximum, with the soft gradient.
EMBER_API Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& options = {});
EMBER_API Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
EMBER_API Tensor softmin(const Tensor& input, const SoftminFuncOptions& options);
EMBER_API Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);
EMBER_API Tensor glu(const Tensor& input, const GLUFuncOptions& options = {});
EMBER_API Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
EMBER_API Tensor silu(const Tensor& input);
EMBER_API Tensor mish(const Tensor& input);
EMBER_API Tensor prelu(const Tensor& input, const Tensor& weight);
EMBER_API Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
EMBER_API Tensor relu6(Tensor input, const ReLU6FuncOptions& options = {});
EMBER_API Tensor rrelu(Tensor input, const RReLUFuncOptions& options = {});
EMBER_API Tensor celu(Tensor input, const CELUFuncOptions& options = {});
EMBER_API Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options = {});
EMBER_API Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& options = {});
EMBER_API Tensor softsign(const Tensor& input);
EMBER_API Tensor tanhshrink(const Tensor& input);
EMBER_API Tensor threshold(Tensor input, const ThresholdFuncOptions& options);
EMBER_API Tensor sigmoid(const Tensor& input);
EMBER_API Tensor tanh(const Tensor& input);

}  // namespace functional
}  // namespace nn
}  // namespace ember
