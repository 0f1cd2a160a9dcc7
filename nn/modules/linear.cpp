// Linear and Flatten.
#include "nn/modules/linear.h"

#include <cmath>

#include "generated/functions.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace ember {
namespace nn {

LinearImpl::LinearImpl(const LinearOptions& options_) : Module("Linear"), options(options_) {
  EMBER_CHECK(options.in_features() >= 0 && options.out_features() >= 0, ValueError,
              "[Linear] in_features and out_features must be non-negative, got ", options.in_features(), " and ",
              options.out_features());
  weight = register_parameter("weight", ember::empty({options.out_features(), options.in_features()}));
  if (options.bias()) {
    bias = register_parameter("bias", ember::empty({options.out_features()}));
  } else {
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = std::get<0>(init::calculate_fan_in_and_fan_out(weight));
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor LinearImpl::forward(const Tensor& input) { return functional::linear(input, weight, bias); }

void LinearImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "Linear(in_features=" << options.in_features()
         << ", out_features=" << options.out_features() << ", bias=" << options.bias() << ")";
}

FlattenImpl::FlattenImpl(const FlattenOptions& options_) : Module("Flatten"), options(options_) {}

Tensor FlattenImpl::forward(const Tensor& input) { return functional::flatten(input, options); }

void FlattenImpl::pretty_print(std::ostream& stream) const {
  stream << "Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
}

}  // namespace nn
}  // namespace ember
