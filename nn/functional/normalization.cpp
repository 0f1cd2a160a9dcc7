#include "nn/functional/normalization.h"

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "nn/functional/padding.h"
#include "nn/functional/pooling.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }
}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  if (options.training()) {
    int64_t per_channel = input.numel() / std::max<int64_t>(input.size(1), 1);
    EMBER_CHECK(per_channel > 1, ValueError, "Expected more than 1 value per channel when training, got input size ",
                input.sizes());
  } else {
    EMBER_CHECK(running_mean.defined() && running_var.defined(), ValueError,
                "running_mean and running_var must be defined in evaluation mode");
  }
  return ember::batch_norm(input, optional_tensor(options.weight()), optional_tensor(options.bias()),
                           optional_tensor(running_mean), optional_tensor(running_var), options.training(),
                           options.momentum().value_or(0.0), options.eps(), false);
}

Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options) {
  return ember::instance_norm(input, optional_tensor(options.weight()), optional_tensor(options.bias()),
                              optional_tensor(options.running_mean()), optional_tensor(options.running_var()),
                              options.use_input_stats(), options.momentum(), options.eps(), false);
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  return ember::layer_norm(input, options.normalized_shape(), optional_tensor(options.weight()),
                           optional_tensor(options.bias()), options.eps(), false);
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  return ember::group_norm(input, options.num_groups(), optional_tensor(options.weight()),
                           optional_tensor(options.bias()), options.eps(), false);
}

Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options) {
  const int64_t dim = input.dim(), size = options.size();
  EMBER_CHECK(dim >= 3, ValueError, "Expected 3D or higher dimensionality input (got ", dim, " dimensions)");
  EMBER_CHECK(input.numel() > 0, ValueError, "local_response_norm: input must not be empty");
  Tensor div = input.mul(input).unsqueeze(1);
  if (dim == 3) {
    div = pad(div, PadFuncOptions({0, 0, size / 2, (size - 1) / 2}));
    div = avg_pool2d(div, AvgPool2dFuncOptions({size, 1}).stride(1)).squeeze(1);
  } else {
    DimVector sizes(input.sizes());
    div = div.view({sizes[0], 1, sizes[1], sizes[2], -1});
    div = pad(div, PadFuncOptions({0, 0, 0, 0, size / 2, (size - 1) / 2}));
    div = avg_pool3d(div, AvgPool3dFuncOptions({size, 1, 1}).stride(1)).squeeze(1);
    div = div.view(sizes);
  }
  div = div.mul(options.alpha()).add(options.k()).pow(options.beta());
  return input / div;
}

Tensor normalize(const Tensor& input, NormalizeFuncOptions options) {
  Tensor denom = ember::norm(input, options.p(), IntArrayRef(options.dim()), true).clamp_min(options.eps()).expand_as(input);
  if (!options.out()) return input / denom;
  return options.out()->copy_(input / denom);
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
