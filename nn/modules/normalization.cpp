// BatchNorm2d and LayerNorm.
#include "nn/modules/normalization.h"

#include "autograd/grad_mode.h"
#include "generated/functions.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace ember {
namespace nn {

BatchNorm2dImpl::BatchNorm2dImpl(const BatchNorm2dOptions& options_) : Module("BatchNorm2d"), options(options_) {
  int64_t c = options.num_features();
  EMBER_CHECK(c > 0, ValueError, "[BatchNorm2d] num_features must be positive, got ", c);
  if (options.affine()) {
    weight = register_parameter("weight", ember::empty({c}));
    bias = register_parameter("bias", ember::empty({c}));
  } else {
    weight = register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", ember::zeros({c}));
    running_var = register_buffer("running_var", ember::ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", ember::zeros({}, kInt64));
  } else {
    running_mean = register_buffer("running_mean", Tensor());
    running_var = register_buffer("running_var", Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

void BatchNorm2dImpl::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void BatchNorm2dImpl::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

Tensor BatchNorm2dImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() == 4, ValueError, "[BatchNorm2d] expected 4D input (got ", input.dim(), "D input)");
  EMBER_CHECK(input.size(1) == options.num_features(), ValueError, "[BatchNorm2d] expected ", options.num_features(),
              " channels (dimension 1), got input of shape ", input.sizes());
  double factor = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats()) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    if (!options.momentum()) factor = 1.0 / num_batches_tracked.item<double>();
  }
  bool use_batch_stats = is_training() || !options.track_running_stats();
  // Running statistics are passed in training only when tracked (they are undefined otherwise).
  return functional::batch_norm(input, running_mean, running_var,
                                BatchNormFuncOptions()
                                    .weight(weight)
                                    .bias(bias)
                                    .training(use_batch_stats)
                                    .momentum(factor)
                                    .eps(options.eps()));
}

void BatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "BatchNorm2d(" << options.num_features() << ", eps=" << options.eps() << ", momentum=";
  if (options.momentum()) stream << *options.momentum(); else stream << "None";
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats() << ")";
}

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options_) : Module("LayerNorm"), options(options_) {
  EMBER_CHECK(!options.normalized_shape().empty(), ValueError, "[LayerNorm] normalized_shape must not be empty");
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", ember::empty(options.normalized_shape()));
    bias = register_parameter("bias", ember::empty(options.normalized_shape()));
  } else {
    weight = register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return functional::layer_norm(input,
                                LayerNormFuncOptions(options.normalized_shape()).weight(weight).bias(bias).eps(options.eps()));
}

void LayerNormImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "LayerNorm(" << IntArrayRef(options.normalized_shape())
         << ", elementwise_affine=" << options.elementwise_affine() << ", eps=" << options.eps() << ")";
}

}  // namespace nn
}  // namespace ember
