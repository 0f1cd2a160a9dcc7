// ReLU, GELU, Sigmoid, Tanh, Dropout.
#include "nn/modules/activation.h"

#include "nn/functional.h"

namespace ember {
namespace nn {

ReLUImpl::ReLUImpl(const ReLUOptions& options_) : Module("ReLU"), options(options_) {}
Tensor ReLUImpl::forward(Tensor input) { return functional::relu(std::move(input), options); }
void ReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "ReLU(" << (options.inplace() ? "inplace=true" : "") << ")";
}

GELUImpl::GELUImpl(const GELUOptions& options_) : Module("GELU"), options(options_) {
  EMBER_CHECK(options.approximate() == "none" || options.approximate() == "tanh", ValueError,
              "[GELU] approximate must be \"none\" or \"tanh\", got \"", options.approximate(), "\"");
}
Tensor GELUImpl::forward(const Tensor& input) { return functional::gelu(input, options); }
void GELUImpl::pretty_print(std::ostream& stream) const {
  stream << "GELU(" << (options.approximate() == "none" ? "" : "approximate=" + options.approximate()) << ")";
}

SigmoidImpl::SigmoidImpl() : Module("Sigmoid") {}
Tensor SigmoidImpl::forward(const Tensor& input) { return functional::sigmoid(input); }
void SigmoidImpl::pretty_print(std::ostream& stream) const { stream << "Sigmoid()"; }

TanhImpl::TanhImpl() : Module("Tanh") {}
Tensor TanhImpl::forward(const Tensor& input) { return functional::tanh(input); }
void TanhImpl::pretty_print(std::ostream& stream) const { stream << "Tanh()"; }

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : Module("Dropout"), options(options_) {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1, ValueError,
              "[Dropout] dropout probability has to be between 0 and 1, but got ", options.p());
}
Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(std::move(input),
                             DropoutFuncOptions().p(options.p()).training(is_training()).inplace(options.inplace()));
}
void DropoutImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "Dropout(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}

}  // namespace nn
}  // namespace ember
