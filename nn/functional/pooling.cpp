#include "nn/functional/pooling.h"

#include <cmath>

#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
template <size_t D>
std::vector<int64_t> resolve(const ExpandingArrayWithOptional<D>& size, const Tensor& input) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < D; ++i) out.push_back(size[i] ? *size[i] : input.size(input.dim() - static_cast<int64_t>(D - i)));
  return out;
}
std::vector<int64_t> resolve(const ExpandingArray<1>& size, const Tensor&) { return {size[0]}; }
}  // namespace

Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& o) {
  return ember::avg_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), o.count_include_pad());
}
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  return ember::avg_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), o.count_include_pad(),
                           o.divisor_override());
}
Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& o) {
  return ember::avg_pool3d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), o.count_include_pad(),
                           o.divisor_override());
}

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}
Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& o) {
  return ember::max_pool3d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d_with_indices(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d_with_indices(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const MaxPool3dFuncOptions& o) {
  return ember::max_pool3d_with_indices(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& o) {
  return ember::adaptive_max_pool1d(input, resolve(o.output_size(), input));
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& o) {
  return ember::adaptive_max_pool2d(input, resolve<2>(o.output_size(), input));
}
std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& o) {
  return ember::adaptive_max_pool3d(input, resolve<3>(o.output_size(), input));
}
Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool1d_with_indices(input, o));
}
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool2d_with_indices(input, o));
}
Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool3d_with_indices(input, o));
}
Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& o) {
  return ember::adaptive_avg_pool1d(input, resolve(o.output_size(), input));
}
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  return ember::adaptive_avg_pool2d(input, resolve<2>(o.output_size(), input));
}
Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& o) {
  return ember::adaptive_avg_pool3d(input, resolve<3>(o.output_size(), input));
}

std::vector<int64_t> unpool_output_size(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                                        const std::optional<std::vector<int64_t>>& output_size) {
  const size_t dims = kernel_size.size();
  std::vector<int64_t> defaults;
  for (size_t d = 0; d < dims; ++d) {
    defaults.push_back((input.size(input.dim() - static_cast<int64_t>(dims - d)) - 1) * stride[d] - 2 * padding[d] +
                       kernel_size[d]);
  }
  if (!output_size) return defaults;
  std::vector<int64_t> size = *output_size;
  if (size.size() == dims + 2) size = std::vector<int64_t>(size.begin() + 2, size.end());
  EMBER_CHECK(size.size() == dims, ValueError, "output_size should be a sequence containing ", dims, " or ", dims + 2,
              " elements, but it has a length of '", output_size->size(), "'");
  for (size_t d = 0; d < dims; ++d) {
    const int64_t min_size = defaults[d] - stride[d], max_size = defaults[d] + stride[d];
    EMBER_CHECK(min_size < size[d] && size[d] < max_size, ValueError, "invalid output_size ", IntArrayRef(size),
                " (dim ", d, " must be between ", min_size, " and ", max_size, ")");
  }
  return size;
}

Tensor max_unpool1d(const Tensor& input, const Tensor& indices, const MaxUnpool1dFuncOptions& o) {
  auto size = unpool_output_size(input, o.kernel_size(), o.stride(), o.padding(), o.output_size());
  return ember::max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), {size[0], 1}).squeeze(-1);
}
Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const MaxUnpool2dFuncOptions& o) {
  auto size = unpool_output_size(input, o.kernel_size(), o.stride(), o.padding(), o.output_size());
  return ember::max_unpool2d(input, indices, size);
}
Tensor max_unpool3d(const Tensor& input, const Tensor& indices, const MaxUnpool3dFuncOptions& o) {
  auto size = unpool_output_size(input, o.kernel_size(), o.stride(), o.padding(), o.output_size());
  return ember::max_unpool3d(input, indices, size, o.stride(), o.padding());
}

namespace {
template <size_t D>
std::tuple<Tensor, Tensor> fractional(const Tensor& input, const FractionalMaxPoolOptions<D>& o) {
  EMBER_CHECK(o.output_size() || o.output_ratio(), ValueError, "fractional_max_pool", D,
              "d requires specifying either an output_size or an output_ratio");
  std::vector<int64_t> size;
  for (size_t i = 0; i < D; ++i) {
    if (o.output_size()) {
      size.push_back((*o.output_size())[i]);
    } else {
      const int64_t in = input.size(input.dim() - static_cast<int64_t>(D - i));
      size.push_back(static_cast<int64_t>(static_cast<double>(in) * (*o.output_ratio())[i]));
    }
  }
  Tensor samples = o._random_samples();
  if (!samples.defined()) {
    const int64_t batch = input.dim() == static_cast<int64_t>(D) + 1 ? 1 : input.size(0);
    samples = ember::rand({batch, input.size(-static_cast<int64_t>(D) - 1), static_cast<int64_t>(D)}, input.options());
  }
  if constexpr (D == 2) return ember::fractional_max_pool2d(input, o.kernel_size(), size, samples);
  else return ember::fractional_max_pool3d(input, o.kernel_size(), size, samples);
}
}  // namespace

std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input, const FractionalMaxPool2dFuncOptions& o) {
  return fractional<2>(input, o);
}
std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(const Tensor& input, const FractionalMaxPool3dFuncOptions& o) {
  return fractional<3>(input, o);
}
Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& o) {
  return std::get<0>(fractional<2>(input, o));
}
Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& o) {
  return std::get<0>(fractional<3>(input, o));
}

Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& o) {
  Tensor out = ember::avg_pool1d(input.pow(o.norm_type()), o.kernel_size(), o.stride(), {0}, o.ceil_mode(), true);
  return (out.sign() * out.abs().relu()).mul(static_cast<double>(o.kernel_size()[0])).pow(1.0 / o.norm_type());
}
Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& o) {
  Tensor out =
      ember::avg_pool2d(input.pow(o.norm_type()), o.kernel_size(), o.stride(), {0, 0}, o.ceil_mode(), true, std::nullopt);
  const double area = static_cast<double>(o.kernel_size()[0] * o.kernel_size()[1]);
  return (out.sign() * out.abs().relu()).mul(area).pow(1.0 / o.norm_type());
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
