#include "nn/functional/conv.h"

#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {

std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }

// The symmetric padding to pass to the op, after padding `input` itself for an asymmetric 'same'.
template <size_t D>
std::vector<int64_t> resolve_padding(Tensor& input, const Tensor& weight, const detail::conv_padding_t<D>& padding,
                                     const ExpandingArray<D>& stride, const ExpandingArray<D>& dilation) {
  if (const auto* p = std::get_if<ExpandingArray<D>>(&padding)) return std::vector<int64_t>((*p)->begin(), (*p)->end());
  std::vector<int64_t> sym(D, 0);
  if (std::holds_alternative<enumtype::kValid>(padding)) return sym;
  for (size_t i = 0; i < D; ++i)
    EMBER_CHECK(stride[i] == 1, ValueError, "padding='same' is not supported for strided convolutions");
  std::vector<int64_t> extra;  // constant_pad_nd order: last dim first
  bool asymmetric = false;
  for (size_t i = D; i-- > 0;) {
    const int64_t total = dilation[i] * (weight.size(static_cast<int64_t>(i) + 2) - 1);
    const int64_t left = total / 2;
    sym[i] = left;
    extra.push_back(0);
    extra.push_back(total - 2 * left);
    asymmetric = asymmetric || total % 2 != 0;
  }
  if (asymmetric) input = ember::constant_pad_nd(input, extra, 0);
  return sym;
}

}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options) {
  Tensor x = input;
  auto pad = resolve_padding<1>(x, weight, options.padding(), options.stride(), options.dilation());
  return ember::conv1d(x, weight, optional_tensor(options.bias()), options.stride(), pad, options.dilation(), options.groups());
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  Tensor x = input;
  auto pad = resolve_padding<2>(x, weight, options.padding(), options.stride(), options.dilation());
  return ember::conv2d(x, weight, optional_tensor(options.bias()), options.stride(), pad, options.dilation(), options.groups());
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& options) {
  Tensor x = input;
  auto pad = resolve_padding<3>(x, weight, options.padding(), options.stride(), options.dilation());
  return ember::conv3d(x, weight, optional_tensor(options.bias()), options.stride(), pad, options.dilation(), options.groups());
}
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const ConvTranspose1dFuncOptions& options) {
  return ember::conv_transpose1d(input, weight, optional_tensor(options.bias()), options.stride(), options.padding(),
                                 options.output_padding(), options.groups(), options.dilation());
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options) {
  return ember::conv_transpose2d(input, weight, optional_tensor(options.bias()), options.stride(), options.padding(),
                                 options.output_padding(), options.groups(), options.dilation());
}
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const ConvTranspose3dFuncOptions& options) {
  return ember::conv_transpose3d(input, weight, optional_tensor(options.bias()), options.stride(), options.padding(),
                                 options.output_padding(), options.groups(), options.dilation());
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
