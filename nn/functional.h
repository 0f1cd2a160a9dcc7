// nn::functional: the stateless forms of the nn layers and the losses, as
// torch::nn::functional (by convention `namespace F = ember::nn::functional;`):
//
//   F::linear(x, w, b);  F::conv2d(x, w, F::Conv2dFuncOptions().stride(2).padding(1));
//   F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().label_smoothing(0.1));
//
// Each maps its options onto ember's operators (the losses onto mse_loss, nll_loss,
// cross_entropy_loss and binary_cross_entropy_with_logits of ops.yaml), so it is differentiable
// wherever those are and runs on every device that has their kernels. Values follow PyTorch 1.13 (tests/nn compare with it).
// Thread-safe: no shared state (dropout draws from the default generator).
#pragma once

#include "core/tensor.h"
#include "nn/options.h"

namespace ember {
namespace nn {
namespace functional {

// Options types under the names libtorch's functional API uses.
using nn::AdaptiveAvgPool2dFuncOptions;
using nn::AvgPool2dFuncOptions;
using nn::BatchNormFuncOptions;
using nn::BinaryCrossEntropyWithLogitsFuncOptions;
using nn::Conv2dFuncOptions;
using nn::CrossEntropyFuncOptions;
using nn::DropoutFuncOptions;
using nn::EmbeddingFuncOptions;
using nn::GELUFuncOptions;
using nn::LayerNormFuncOptions;
using nn::LogSoftmaxFuncOptions;
using nn::MaxPool2dFuncOptions;
using nn::MSELossFuncOptions;
using nn::NLLLossFuncOptions;
using nn::ReLUFuncOptions;
using nn::SoftmaxFuncOptions;
using nn::FlattenOptions;

// ---- layers ------------------------------------------------------------------------------------
// x W^T + b over the last dimension; weight [out, in], bias [out] or undefined.
EMBER_API Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
// input [N, C, H, W] (or [C, H, W]), weight [out, C / groups, kH, kW].
EMBER_API Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
EMBER_API Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
EMBER_API Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
EMBER_API Tensor sigmoid(const Tensor& input);
EMBER_API Tensor tanh(const Tensor& input);
// Zeroes elements with probability p in training and scales the rest by 1 / (1 - p).
EMBER_API Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
EMBER_API Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
EMBER_API Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
EMBER_API Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);
EMBER_API Tensor flatten(const Tensor& input, const FlattenOptions& options = {});
// Normalizes over all dimensions but 1 with the batch's statistics (training, which also updates
// running_mean / running_var in place when defined, with the unbiased variance) or with the
// running statistics (evaluation).
EMBER_API Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                            const BatchNormFuncOptions& options = {});
EMBER_API Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);
// Rows of weight picked by the integer indices in input; output shape input.sizes() + [dim].
EMBER_API Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {});
EMBER_API Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
EMBER_API Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);

// ---- losses ------------------------------------------------------------------------------------
// mean / sum / none of (input - target)^2 (target broadcast to input).
EMBER_API Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {});
// input: log-probabilities [N, C] or [C] or [N, C, d1, ...]; target: int64 class indices [N]
// ([] or [N, d1, ...]). loss_i = -weight[t_i] * input[i, t_i], 0 where t_i == ignore_index; the mean
// divides by the sum of weight[t_i] over the counted elements.
EMBER_API Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});
// log_softmax over dimension 1 and nll_loss, with label smoothing as PyTorch:
// (1 - eps) * nll + eps / C * smooth, smooth_i = -sum_c weight[c] * logp[i, c]. target may also
// be class probabilities of the input's shape.
EMBER_API Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options = {});
// -w [pos_weight * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))], computed stably.
EMBER_API Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                  const BinaryCrossEntropyWithLogitsFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
