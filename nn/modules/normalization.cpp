// The normalization modules.
#include "nn/modules/normalization.h"

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "nn/init.h"

namespace ember {
namespace nn {

namespace F = functional;

template <size_t D, typename Derived, typename Options>
void NormImplBase<D, Derived, Options>::reset() {
  const int64_t c = options.num_features();
  EMBER_CHECK(c > 0, ValueError, "num_features must be positive, got ", c);
  if (options.affine()) {
    weight = this->register_parameter("weight", ember::empty({c}));
    bias = this->register_parameter("bias", ember::empty({c}));
  } else {
    weight = this->register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = this->register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = this->register_buffer("running_mean", ember::zeros({c}));
    running_var = this->register_buffer("running_var", ember::ones({c}));
    num_batches_tracked = this->register_buffer("num_batches_tracked", ember::zeros({}, kInt64));
  } else {
    running_mean = this->register_buffer("running_mean", Tensor());
    running_var = this->register_buffer("running_var", Tensor());
    num_batches_tracked = this->register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

template <size_t D, typename Derived, typename Options>
void NormImplBase<D, Derived, Options>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <size_t D, typename Derived, typename Options>
void NormImplBase<D, Derived, Options>::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

template <size_t D, typename Derived>
Tensor BatchNormImplBase<D, Derived>::forward(const Tensor& input) {
  this->_check_input_dim(input);
  const BatchNormOptions& o = this->options;
  double factor = o.momentum().value_or(0.0);
  if (this->is_training() && o.track_running_stats()) {
    NoGradGuard no_grad;
    this->num_batches_tracked.add_(1);
    if (!o.momentum()) factor = 1.0 / this->num_batches_tracked.template item<double>();
  }
  const bool use_batch_stats = this->is_training() || !o.track_running_stats();
  return F::batch_norm(input, this->running_mean, this->running_var,
                       F::BatchNormFuncOptions()
                           .weight(this->weight)
                           .bias(this->bias)
                           .training(use_batch_stats)
                           .momentum(factor)
                           .eps(o.eps()));
}

template <size_t D, typename Derived>
void BatchNormImplBase<D, Derived>::pretty_print(std::ostream& stream) const {
  const BatchNormOptions& o = this->options;
  stream << std::boolalpha << module_name_prefix() << "BatchNorm" << D << "d(" << o.num_features() << ", eps=" << o.eps()
         << ", momentum=";
  if (o.momentum()) stream << *o.momentum();
  else stream << "None";
  stream << ", affine=" << o.affine() << ", track_running_stats=" << o.track_running_stats() << ")";
}

template <size_t D, typename Derived>
Tensor InstanceNormImpl<D, Derived>::forward(const Tensor& input) {
  this->_check_input_dim(input);
  const InstanceNormOptions& o = this->options;
  // An unbatched input gets a batch dim of 1.
  const bool unbatched = input.dim() == static_cast<int64_t>(D) + 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor out = F::instance_norm(x, F::InstanceNormFuncOptions()
                                       .running_mean(this->running_mean)
                                       .running_var(this->running_var)
                                       .weight(this->weight)
                                       .bias(this->bias)
                                       .use_input_stats(this->is_training() || !o.track_running_stats())
                                       .momentum(o.momentum())
                                       .eps(o.eps()));
  return unbatched ? out.squeeze(0) : out;
}

template <size_t D, typename Derived>
void InstanceNormImpl<D, Derived>::pretty_print(std::ostream& stream) const {
  const InstanceNormOptions& o = this->options;
  stream << std::boolalpha << module_name_prefix() << "InstanceNorm" << D << "d(" << o.num_features() << ", eps=" << o.eps()
         << ", momentum=" << o.momentum() << ", affine=" << o.affine()
         << ", track_running_stats=" << o.track_running_stats() << ")";
}

template class NormImplBase<1, BatchNorm1dImpl, BatchNormOptions>;
template class NormImplBase<2, BatchNorm2dImpl, BatchNormOptions>;
template class NormImplBase<3, BatchNorm3dImpl, BatchNormOptions>;
template class NormImplBase<1, InstanceNorm1dImpl, InstanceNormOptions>;
template class NormImplBase<2, InstanceNorm2dImpl, InstanceNormOptions>;
template class NormImplBase<3, InstanceNorm3dImpl, InstanceNormOptions>;
template class BatchNormImplBase<1, BatchNorm1dImpl>;
template class BatchNormImplBase<2, BatchNorm2dImpl>;
template class BatchNormImplBase<3, BatchNorm3dImpl>;
template class InstanceNormImpl<1, InstanceNorm1dImpl>;
template class InstanceNormImpl<2, InstanceNorm2dImpl>;
template class InstanceNormImpl<3, InstanceNorm3dImpl>;

void BatchNorm1dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, ValueError, "expected 2D or 3D input (got ", input.dim(), "D input)");
}
void BatchNorm2dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 4, ValueError, "expected 4D input (got ", input.dim(), "D input)");
}
void BatchNorm3dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 5, ValueError, "expected 5D input (got ", input.dim(), "D input)");
}
void InstanceNorm1dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, ValueError, "expected 2D or 3D input (got ", input.dim(), "D input)");
}
void InstanceNorm2dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, ValueError, "expected 3D or 4D input (got ", input.dim(), "D input)");
}
void InstanceNorm3dImpl::_check_input_dim(const Tensor& input) {
  EMBER_CHECK(input.dim() == 4 || input.dim() == 5, ValueError, "expected 4D or 5D input (got ", input.dim(), "D input)");
}

// ---- LayerNorm, GroupNorm, LocalResponseNorm, CrossMapLRN2d ------------------------------------

LayerNormImpl::LayerNormImpl(LayerNormOptions options_) : options(std::move(options_)) { reset(); }

void LayerNormImpl::reset() {
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
  return F::layer_norm(input, F::LayerNormFuncOptions(options.normalized_shape()).weight(weight).bias(bias).eps(options.eps()));
}

void LayerNormImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << module_name_prefix() << "LayerNorm(" << IntArrayRef(options.normalized_shape()) << ", eps=" << options.eps()
         << ", elementwise_affine=" << options.elementwise_affine() << ")";
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options_) : options(options_) { reset(); }

void GroupNormImpl::reset() {
  if (options.affine()) {
    weight = register_parameter("weight", ember::empty({options.num_channels()}));
    bias = register_parameter("bias", ember::empty({options.num_channels()}));
  } else {
    weight = register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (!options.affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  return F::group_norm(input, F::GroupNormFuncOptions(options.num_groups()).weight(weight).bias(bias).eps(options.eps()));
}

void GroupNormImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << module_name_prefix() << "GroupNorm(" << options.num_groups() << ", " << options.num_channels()
         << ", eps=" << options.eps() << ", affine=" << options.affine() << ")";
}

Tensor LocalResponseNormImpl::forward(const Tensor& input) { return F::local_response_norm(input, options); }

void LocalResponseNormImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "LocalResponseNorm(" << options.size() << ", alpha=" << options.alpha() << ", beta=" << options.beta()
         << ", k=" << options.k() << ")";
}

Tensor CrossMapLRN2dImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() == 4, ValueError, "CrossMapLRN2d: Expected input to be 4D, got ", input.dim(), "D instead.");
  // The channels c - (pre_pad - 1) .. c + (pre_pad - 1), as Lua Torch's running window sums them.
  const int64_t pre_pad = (options.size() - 1) / 2 + 1;
  const int64_t reach = pre_pad - 1, channels = input.size(1);
  Tensor squares = input * input;
  Tensor padded = ember::constant_pad_nd(squares, {0, 0, 0, 0, reach, reach}, 0);
  Tensor window_sum = ember::zeros_like(input);
  for (int64_t offset = 0; offset <= 2 * reach; ++offset) window_sum = window_sum + padded.narrow(1, offset, channels);
  Tensor scale = window_sum * (options.alpha() / static_cast<double>(options.size())) + static_cast<double>(options.k());
  return scale.pow(-options.beta()) * input;
}

void CrossMapLRN2dImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "CrossMapLRN2d(" << options.size() << ", alpha=" << options.alpha() << ", beta=" << options.beta()
         << ", k=" << options.k() << ")";
}

}  // namespace nn
}  // namespace ember
