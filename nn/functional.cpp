// nn::functional: layers as calls of ember's operators, and the losses.
#include "nn/functional.h"

#include <sstream>

#include "core/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {

std::optional<Tensor> optional_tensor(const Tensor& t) {
  return t.defined() ? std::optional<Tensor>(t) : std::nullopt;
}

Tensor reduce(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::None: return loss;
    case Reduction::Mean: return loss.mean();
    case Reduction::Sum: return loss.sum();
  }
  EMBER_FAIL(ValueError, "[loss] unknown reduction ", static_cast<int64_t>(reduction));
}

// The class dimension of a loss input: 0 for one sample [C], else 1.
int64_t class_dim(const Tensor& input) { return input.dim() == 1 ? 0 : 1; }

// Checks class-index targets against input [N, C, d...] / [C] and returns them as int64.
Tensor checked_class_targets(const char* op, const Tensor& input, const Tensor& target) {
  EMBER_CHECK(input.dim() >= 1, ValueError, "[", op, "] input must have at least 1 dimension (the classes), got 0");
  EMBER_CHECK(is_integral(target.scalar_type(), /*include_bool=*/false), TypeError, "[", op,
              "] expected class indices of an integer dtype (Long) as target, got ", target.scalar_type());
  if (input.dim() == 1) {
    EMBER_CHECK(target.dim() == 0, ValueError, "[", op, "] for an input of shape [C] the target must be 0-d, got shape ",
                target.sizes());
  } else {
    bool ok = target.dim() == input.dim() - 1 && target.size(0) == input.size(0);
    for (int64_t d = 2; ok && d < input.dim(); ++d) ok = target.size(d - 1) == input.size(d);
    if (!ok && target.dim() >= 1 && target.size(0) != input.size(0))
      EMBER_FAIL(ValueError, "[", op, "] Expected input batch_size (", input.size(0), ") to match target batch_size (",
                 target.size(0), ").");
    EMBER_CHECK(ok, ValueError, "[", op, "] expected target of shape [N, d1, ...] for input ", input.sizes(), ", got ",
                target.sizes());
  }
  return target.scalar_type() == kInt64 ? target : target.to(kInt64);
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

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  Tensor diff = input - target;
  return reduce(diff * diff, options.reduction());
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  Tensor t = checked_class_targets("nll_loss", input, target);
  int64_t cdim = class_dim(input), classes = input.size(cdim);
  const Tensor& weight = options.weight();
  if (weight.defined())
    EMBER_CHECK(weight.dim() == 1 && weight.size(0) == classes, ValueError, "[nll_loss] weight tensor should be defined "
                "either for all ", classes, " classes or no classes but got weight tensor of shape: ", weight.sizes());
  Tensor valid = t.ne(options.ignore_index());
  Tensor safe = t.masked_fill(valid.logical_not(), 0);
  Tensor out_of_range = (safe.lt(0)).logical_or(safe.ge(classes));
  if (out_of_range.any().item<bool>()) {
    int64_t first = out_of_range.flatten().to(kInt64).argmax().item<int64_t>();
    EMBER_FAIL(IndexError, "[nll_loss] Target ", t.flatten()[first].item<int64_t>(), " is out of bounds (", classes,
               " classes).");
  }
  Tensor picked = input.gather(cdim, safe.unsqueeze(cdim)).squeeze(cdim);
  Tensor w = weight.defined() ? weight.index_select(0, safe.flatten()).view(safe.sizes()).masked_fill(valid.logical_not(), 0)
                              : valid.to(input.scalar_type());
  Tensor loss = -(picked * w);
  switch (options.reduction()) {
    case Reduction::None: return loss;
    case Reduction::Sum: return loss.sum();
    case Reduction::Mean: return loss.sum() / w.sum();
  }
  EMBER_FAIL(ValueError, "[nll_loss] unknown reduction");
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options) {
  double eps = options.label_smoothing();
  EMBER_CHECK(eps >= 0 && eps <= 1, ValueError, "[cross_entropy] label_smoothing must be between 0.0 and 1.0. Got: ", eps);
  EMBER_CHECK(input.dim() >= 1, ValueError, "[cross_entropy] input must have at least 1 dimension (the classes), got 0");
  int64_t cdim = class_dim(input), classes = input.size(cdim);
  Tensor logp = ember::log_softmax(input, cdim);
  const Tensor& weight = options.weight();
  Tensor weight_view;  // weight shaped to broadcast along the class dimension
  if (weight.defined()) {
    EMBER_CHECK(weight.dim() == 1 && weight.size(0) == classes, ValueError, "[cross_entropy] weight tensor should be "
                "defined either for all ", classes, " classes or no classes but got weight tensor of shape: ", weight.sizes());
    std::vector<int64_t> shape(static_cast<size_t>(input.dim()), 1);
    shape[static_cast<size_t>(cdim)] = classes;
    weight_view = weight.view(shape);
  }

  if (is_floating_point(target.scalar_type())) {  // class probabilities
    EMBER_CHECK(target.sizes() == input.sizes(), ValueError, "[cross_entropy] class-probability targets must have the "
                "input's shape ", input.sizes(), ", got ", target.sizes());
    EMBER_CHECK(options.ignore_index() == -100, ValueError,
                "[cross_entropy] ignore_index is not supported for floating point target");
    Tensor p = eps > 0 ? target * (1 - eps) + eps / static_cast<double>(classes) : target;
    Tensor prod = weight.defined() ? logp * p * weight_view : logp * p;
    Tensor loss = -prod.sum(cdim);
    switch (options.reduction()) {
      case Reduction::None: return loss;
      case Reduction::Sum: return loss.sum();
      case Reduction::Mean: return loss.sum() / static_cast<double>(input.numel() / (classes ? classes : 1));
    }
    EMBER_FAIL(ValueError, "[cross_entropy] unknown reduction");
  }

  NLLLossFuncOptions nll_options = NLLLossFuncOptions(options.reduction()).weight(weight).ignore_index(options.ignore_index());
  Tensor nll = nll_loss(logp, target, nll_options);
  if (eps == 0) return nll;
  // PyTorch 1.13's label smoothing (LossNLL.cpp): the unweighted mean divides by all elements,
  // ignored ones included; the weighted mean by the weights of the counted targets.
  Tensor t = checked_class_targets("cross_entropy", input, target);
  Tensor ignored = t.eq(options.ignore_index());
  Tensor smooth = -(weight.defined() ? logp * weight_view : logp).sum(cdim);
  smooth = smooth.masked_fill(ignored, 0);
  Tensor reduced;
  switch (options.reduction()) {
    case Reduction::None: reduced = smooth; break;
    case Reduction::Sum: reduced = smooth.sum(); break;
    case Reduction::Mean:
      if (weight.defined()) {
        Tensor safe = t.masked_fill(ignored, 0);
        Tensor w = weight.index_select(0, safe.flatten()).view(safe.sizes()).masked_fill(ignored, 0);
        reduced = smooth.sum() / w.sum();
      } else {
        reduced = smooth.mean();
      }
      break;
  }
  return nll * (1 - eps) + reduced * (eps / static_cast<double>(classes));
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  EMBER_CHECK(target.sizes() == input.sizes(), ValueError, "[binary_cross_entropy_with_logits] Target size (",
              target.sizes(), ") must be the same as input size (", input.sizes(), ")");
  // log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|)), without overflow for large |x|.
  Tensor log_sigmoid = input.clamp_max(0) - (input.abs().neg().exp() + 1).log();
  if (options.pos_weight().defined()) log_sigmoid = log_sigmoid * ((options.pos_weight() - 1) * target + 1);
  Tensor loss = (1 - target) * input - log_sigmoid;
  if (options.weight().defined()) loss = loss * options.weight();
  return reduce(loss, options.reduction());
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
