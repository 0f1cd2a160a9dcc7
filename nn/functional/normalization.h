// nn::functional normalization: batch_norm, instance_norm, layer_norm, group_norm,
// local_response_norm, normalize (divide by the p-norm along dim, at least eps).
#pragma once

#include "core/tensor.h"
#include "nn/options/normalization.h"

namespace ember {
namespace nn {
namespace functional {

// Normalizes over all dimensions but 1 with the batch's statistics (training, which also updates
// running_mean / running_var in place when defined, with the unbiased variance) or with the
// running statistics (evaluation).
EMBER_API Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                            const BatchNormFuncOptions& options = {});
EMBER_API Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options = {});
EMBER_API Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);
EMBER_API Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);
EMBER_API Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options);
EMBER_API Tensor normalize(const Tensor& input, NormalizeFuncOptions options = {});

}  // namespace functional
}  // namespace nn
}  // namespace ember
