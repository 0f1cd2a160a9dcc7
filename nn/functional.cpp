// nn::functional: layers and losses as calls of ember's operators.
#include "nn/functional.h"

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {

std::optional<Tensor> optional_tensor(const Tensor& t) {
  return t.defined() ? std::optional<Tensor>(t) : std::nullopt;
}

}  // namespace

// ---- layers ------------------------------------------------------------------------------------

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  return ember::linear(input, weight, optional_tensor(bias));
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  return ember::conv2d(input, weight, optional_tensor(options.bias()), options.stride(), options.padding(),
                       options.dilation(), options.groups());
}

Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  if (options.inplace()) return input.relu_();
  return ember::relu(input);
}

Tensor gelu(const Tensor& input, const GELUFuncOptions& options) {
  EMBER_CHECK(options.approximate() == "none" || options.approximate() == "tanh", ValueError,
              "[gelu] approximate must be \"none\" or \"tanh\", got \"", options.approximate(), "\"");
  return ember::gelu(input, options.approximate());
}

Tensor sigmoid(const Tensor& input) { return ember::sigmoid(input); }
Tensor tanh(const Tensor& input) { return ember::tanh(input); }

Tensor dropout(Tensor input, const DropoutFuncOptions& options) {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1, ValueError,
              "[dropout] dropout probability has to be between 0 and 1, but got ", options.p());
  Tensor out = ember::dropout(input, options.p(), options.training());
  if (options.inplace() && !out.is_same(input)) {
    input.copy_(out);
    return input;
  }
  return out;
}

Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options) {
  return ember::max_pool2d(input, options.kernel_size(), options.stride(), options.padding(), options.dilation(),
                           options.ceil_mode());
}

Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options) {
  return ember::avg_pool2d(input, options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                           options.count_include_pad(), options.divisor_override());
}

Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options) {
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, ValueError,
              "[adaptive_avg_pool2d] expected a 3D or 4D input, got ", input.dim(), "D");
  const auto& size = options.output_size();
  int64_t out[2] = {size[0] ? *size[0] : input.size(-2), size[1] ? *size[1] : input.size(-1)};
  return ember::adaptive_avg_pool2d(input, out);
}

Tensor flatten(const Tensor& input, const FlattenOptions& options) {
  return ember::flatten(input, options.start_dim(), options.end_dim());
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  return ember::batch_norm(input, optional_tensor(options.weight()), optional_tensor(options.bias()),
                           optional_tensor(running_mean), optional_tensor(running_var), options.training(),
                           options.momentum(), options.eps(), /*cudnn_enabled=*/true);
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  return ember::layer_norm(input, options.normalized_shape(), optional_tensor(options.weight()),
                           optional_tensor(options.bias()), options.eps());
}

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  EMBER_CHECK(weight.dim() == 2, ValueError, "[embedding] weight must be 2-D [num_embeddings, embedding_dim], got shape ",
              weight.sizes());
  int64_t padding_idx = -1;
  if (options.padding_idx()) {
    int64_t p = *options.padding_idx(), n = weight.size(0);
    EMBER_CHECK(p < n && p >= -n, IndexError, "[embedding] Padding_idx must be within num_embeddings (", n, "), got ", p);
    padding_idx = p < 0 ? p + n : p;
  }
  return ember::embedding(weight, input, padding_idx, options.scale_grad_by_freq(), /*sparse=*/false);
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return ember::softmax(input, options.dim(), options.dtype());
}

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return ember::log_softmax(input, options.dim(), options.dtype());
}

// ---- losses ------------------------------------------------------------------------------------
// The loss operators (ops.yaml) hold the formulas; these map the options onto their arguments.

namespace {
int64_t reduction_code(Reduction r) { return static_cast<int64_t>(r); }
}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  return ember::mse_loss(input, target, reduction_code(options.reduction()));
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  return ember::nll_loss(input, target, optional_tensor(options.weight()), reduction_code(options.reduction()),
                         options.ignore_index());
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options) {
  return ember::cross_entropy_loss(input, target, optional_tensor(options.weight()), reduction_code(options.reduction()),
                                   options.ignore_index(), options.label_smoothing());
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  return ember::binary_cross_entropy_with_logits(input, target, optional_tensor(options.weight()),
                                                 optional_tensor(options.pos_weight()),
                                                 reduction_code(options.reduction()));
}

}  // namespace functional

std::ostream& operator<<(std::ostream& os, Reduction r) {
  switch (r) {
    case Reduction::None: return os << "none";
    case Reduction::Mean: return os << "mean";
    case Reduction::Sum: return os << "sum";
  }
  return os << "Reduction(" << static_cast<int64_t>(r) << ")";
}

}  // namespace nn
}  // namespace ember
