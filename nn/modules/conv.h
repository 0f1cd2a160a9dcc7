// Conv2d, as torch::nn::Conv2d: weight [out, in / groups, kH, kW] and bias [out], initialized as
// PyTorch's (kaiming_uniform_(a = sqrt(5)); bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
// fan_in = in / groups * kH * kW). Zero padding only.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API Conv2dImpl : public Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options);

  void reset_parameters();
  // [N, C_in, H, W] (or [C_in, H, W]) -> [N, C_out, H_out, W_out].
  Tensor forward(const Tensor& input);
  // Conv2d(3, 16, kernel_size=[3, 3], stride=[1, 1], padding=[1, 1]); dilation, groups and
  // bias=false are shown when not the default.
  void pretty_print(std::ostream& stream) const override;

  Conv2dOptions options;
  Tensor weight;
  Tensor bias;
};
EMBER_MODULE(Conv2d);

}  // namespace nn
}  // namespace ember
