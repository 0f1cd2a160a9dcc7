// nn::functional pooling, as torch::nn::functional's: max / average / adaptive / fractional /
// LP pooling in 1, 2 and 3 dims, max unpooling. The *_with_indices forms also return the flat
// input position of each maximum (what max_unpool takes).
#pragma once

#include <tuple>

#include "core/tensor.h"
#include "nn/options/pooling.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
EMBER_API Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
EMBER_API Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& options);
EMBER_API Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
EMBER_API Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
EMBER_API Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const MaxPool3dFuncOptions& options);
EMBER_API Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options);
EMBER_API Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options);
EMBER_API Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input,
                                                                      const AdaptiveMaxPool1dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                                      const AdaptiveMaxPool2dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input,
                                                                      const AdaptiveMaxPool3dFuncOptions& options);
EMBER_API Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& options);
EMBER_API Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);
EMBER_API Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& options);
EMBER_API Tensor max_unpool1d(const Tensor& input, const Tensor& indices, const MaxUnpool1dFuncOptions& options);
EMBER_API Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const MaxUnpool2dFuncOptions& options);
EMBER_API Tensor max_unpool3d(const Tensor& input, const Tensor& indices, const MaxUnpool3dFuncOptions& options);
EMBER_API Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& options);
EMBER_API Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input,
                                                                        const FractionalMaxPool2dFuncOptions& options);
EMBER_API std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(const Tensor& input,
                                                                        const FractionalMaxPool3dFuncOptions& options);
EMBER_API Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& options);
EMBER_API Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& options);

// The output size of max unpooling (checked against a requested one), as libtorch's
// _unpool_output_size.
EMBER_API std::vector<int64_t> unpool_output_size(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                                  IntArrayRef padding, const std::optional<std::vector<int64_t>>& output_size);

}  // namespace functional
}  // namespace nn
}  // namespace ember
