// Conv2d.
#include "nn/modules/conv.h"

#include <cmath>

#include "generated/functions.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace ember {
namespace nn {

Conv2dImpl::Conv2dImpl(const Conv2dOptions& options_) : Module("Conv2d"), options(options_) {
  int64_t in = options.in_channels(), out = options.out_channels(), groups = options.groups();
  EMBER_CHECK(in > 0 && out > 0, ValueError, "[Conv2d] in_channels and out_channels must be positive, got ", in, " and ", out);
  EMBER_CHECK(groups > 0, ValueError, "[Conv2d] groups must be a positive integer, got ", groups);
  EMBER_CHECK(in % groups == 0, ValueError, "[Conv2d] in_channels must be divisible by groups (", in, " and ", groups, ")");
  EMBER_CHECK(out % groups == 0, ValueError, "[Conv2d] out_channels must be divisible by groups (", out, " and ", groups, ")");
  for (size_t i = 0; i < 2; ++i) {
    EMBER_CHECK(options.kernel_size()[i] > 0 && options.stride()[i] > 0 && options.dilation()[i] > 0, ValueError,
                "[Conv2d] kernel_size, stride and dilation must be positive, got ", options.kernel_size(), ", ",
                options.stride(), ", ", options.dilation());
    EMBER_CHECK(options.padding()[i] >= 0, ValueError, "[Conv2d] padding must be non-negative, got ", options.padding());
  }
  weight = register_parameter("weight", ember::empty({out, in / groups, options.kernel_size()[0], options.kernel_size()[1]}));
  bias = options.bias() ? register_parameter("bias", ember::empty({out}))
                        : register_parameter("bias", Tensor(), /*requires_grad=*/false);
  reset_parameters();
}

void Conv2dImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = std::get<0>(init::calculate_fan_in_and_fan_out(weight));
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Conv2dImpl::forward(const Tensor& input) {
  return functional::conv2d(input, weight,
                            Conv2dFuncOptions()
                                .bias(bias)
                                .stride(options.stride())
                                .padding(options.padding())
                                .dilation(options.dilation())
                                .groups(options.groups()));
}

void Conv2dImpl::pretty_print(std::ostream& stream) const {
  stream << "Conv2d(" << options.in_channels() << ", " << options.out_channels()
         << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride();
  if (!options.padding().all_equal(0)) stream << ", padding=" << options.padding();
  if (!options.dilation().all_equal(1)) stream << ", dilation=" << options.dilation();
  if (options.groups() != 1) stream << ", groups=" << options.groups();
  if (!options.bias()) stream << ", bias=false";
  stream << ")";
}

}  // namespace nn
}  // namespace ember
