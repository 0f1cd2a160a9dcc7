// Identity, Linear, Bilinear, Flatten, Unflatten.
#include "nn/modules/linear.h"

#include <cmath>

#include "generated/functions.h"
#include "nn/init.h"

namespace ember {
namespace nn {

void IdentityImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Identity()"; }
Tensor IdentityImpl::forward(const Tensor& input) { return input; }

LinearImpl::LinearImpl(const LinearOptions& options_) : options(options_) {
  EMBER_CHECK(options.in_features() >= 0 && options.out_features() >= 0, ValueError,
              "[Linear] in_features and out_features must be non-negative, got ", options.in_features(), " and ",
              options.out_features());
  reset();
}

void LinearImpl::reset() {
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
  stream << std::boolalpha << module_name_prefix() << "Linear(in_features=" << options.in_features()
         << ", out_features=" << options.out_features() << ", bias=" << options.bias() << ")";
}

BilinearImpl::BilinearImpl(const BilinearOptions& options_) : options(options_) { reset(); }

void BilinearImpl::reset() {
  weight = register_parameter("weight",
                              ember::empty({options.out_features(), options.in1_features(), options.in2_features()}));
  if (options.bias()) {
    bias = register_parameter("bias", ember::empty({options.out_features()}));
  } else {
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void BilinearImpl::reset_parameters() {
  const double bound = 1.0 / std::sqrt(static_cast<double>(weight.size(1)));
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

Tensor BilinearImpl::forward(const Tensor& input1, const Tensor& input2) {
  return functional::bilinear(input1, input2, weight, bias);
}

void BilinearImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << module_name_prefix() << "Bilinear(in1_features=" << options.in1_features()
         << ", in2_features=" << options.in2_features() << ", out_features=" << options.out_features()
         << ", bias=" << options.bias() << ")";
}

FlattenImpl::FlattenImpl(const FlattenOptions& options_) : options(options_) {}

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }

void FlattenImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
}

UnflattenImpl::UnflattenImpl(UnflattenOptions options_) : options(std::move(options_)) {}

Tensor UnflattenImpl::forward(const Tensor& input) {
  EMBER_CHECK(options.namedshape().empty(), NotImplementedError,
              "[Unflatten] named dimensions are not supported (ember has no named tensors)");
  return input.unflatten(options.dim(), options.sizes());
}

void UnflattenImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Unflatten(dim=";
  if (options.namedshape().empty()) {
    stream << options.dim() << ", unflattened_size={";
    for (size_t i = 0; i < options.sizes().size(); ++i) stream << (i ? ", " : "") << options.sizes()[i];
    stream << "})";
    return;
  }
  stream << '"' << options.dimname() << "\", unflattened_size={";
  for (size_t i = 0; i < options.namedshape().size(); ++i)
    stream << (i ? ", " : "") << "{\"" << options.namedshape()[i].first << "\", " << options.namedshape()[i].second << "}";
  stream << "})";
}

}  // namespace nn
}  // namespace ember
