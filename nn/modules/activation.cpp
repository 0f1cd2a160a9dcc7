// The activation modules' forward and printing.
#include "nn/modules/activation.h"

#include "generated/functions.h"

namespace ember {
namespace nn {

namespace F = functional;

namespace {
void print_inplace(std::ostream& stream, bool inplace, bool first) {
  if (inplace) stream << (first ? "" : ", ") << "inplace=true";
}
}  // namespace

Tensor ELUImpl::forward(Tensor input) { return F::elu(std::move(input), options); }
void ELUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "ELU(alpha=" << options.alpha();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

Tensor SELUImpl::forward(Tensor input) { return F::selu(std::move(input), options); }
void SELUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "SELU(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}

Tensor HardshrinkImpl::forward(const Tensor& input) { return F::hardshrink(input, options); }
void HardshrinkImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Hardshrink(" << options.lambda() << ")";
}

HardtanhImpl::HardtanhImpl(const HardtanhOptions& options_) : options(options_) { reset(); }
void HardtanhImpl::reset() {
  EMBER_CHECK(options.max_val() > options.min_val(), ValueError, "max_val must be greater than min_val");
}
Tensor HardtanhImpl::forward(Tensor input) { return F::hardtanh(std::move(input), options); }
void HardtanhImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Hardtanh(min_val=" << options.min_val() << ", max_val=" << options.max_val();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

Tensor LeakyReLUImpl::forward(Tensor input) { return F::leaky_relu(std::move(input), options); }
void LeakyReLUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "LeakyReLU(negative_slope=" << options.negative_slope();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

Tensor GLUImpl::forward(const Tensor& input) { return F::glu(input, options); }
void GLUImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "GLU(dim=" << options.dim() << ")"; }

Tensor GELUImpl::forward(const Tensor& input) { return F::gelu(input, options); }
void GELUImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "GELU()"; }

Tensor ReLUImpl::forward(Tensor input) { return F::relu(std::move(input), options); }
void ReLUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "ReLU(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}

Tensor ReLU6Impl::forward(Tensor input) { return F::relu6(std::move(input), options); }
void ReLU6Impl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "ReLU6(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}

Tensor RReLUImpl::forward(Tensor input) {
  return F::rrelu(std::move(input), F::RReLUFuncOptions()
                                        .lower(options.lower())
                                        .upper(options.upper())
                                        .inplace(options.inplace())
                                        .training(is_training()));
}
void RReLUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "RReLU(lower=" << options.lower() << ", upper=" << options.upper();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

Tensor CELUImpl::forward(Tensor input) { return F::celu(std::move(input), options); }
void CELUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "CELU(alpha=" << options.alpha();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

Tensor SoftplusImpl::forward(const Tensor& input) { return F::softplus(input, options); }
void SoftplusImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Softplus(beta=" << options.beta() << ", threshold=" << options.threshold() << ")";
}

Tensor SoftshrinkImpl::forward(const Tensor& input) { return F::softshrink(input, options); }
void SoftshrinkImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Softshrink(" << options.lambda() << ")";
}

Tensor LogSigmoidImpl::forward(const Tensor& input) { return F::logsigmoid(input); }
void LogSigmoidImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "LogSigmoid()"; }

Tensor Softmax2dImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() == 4 || input.dim() == 3, ValueError, "[Softmax2d] Softmax2d requires a 3D or 4D tensor as input");
  return ember::softmax(input, -3, std::nullopt);
}
void Softmax2dImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Softmax2d()"; }

Tensor SiLUImpl::forward(const Tensor& input) { return F::silu(input); }
void SiLUImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "SiLU()"; }
Tensor MishImpl::forward(const Tensor& input) { return F::mish(input); }
void MishImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Mish()"; }
Tensor SigmoidImpl::forward(const Tensor& input) { return ember::sigmoid(input); }
void SigmoidImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Sigmoid()"; }
Tensor SoftsignImpl::forward(const Tensor& input) { return F::softsign(input); }
void SoftsignImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Softsign()"; }
Tensor TanhImpl::forward(const Tensor& input) { return ember::tanh(input); }
void TanhImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Tanh()"; }
Tensor TanhshrinkImpl::forward(const Tensor& input) { return F::tanhshrink(input); }
void TanhshrinkImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Tanhshrink()"; }

Tensor SoftmaxImpl::forward(const Tensor& input) { return F::softmax(input, options.dim()); }
void SoftmaxImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Softmax(dim=" << options.dim() << ")"; }
Tensor SoftminImpl::forward(const Tensor& input) { return F::softmin(input, options.dim()); }
void SoftminImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Softmin(dim=" << options.dim() << ")"; }
Tensor LogSoftmaxImpl::forward(const Tensor& input) { return F::log_softmax(input, options.dim()); }
void LogSoftmaxImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "LogSoftmax(dim=" << options.dim() << ")";
}

Tensor ThresholdImpl::forward(Tensor input) { return F::threshold(std::move(input), options); }
void ThresholdImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "Threshold(threshold=" << options.threshold() << ", value=" << options.value();
  print_inplace(stream, options.inplace(), false);
  stream << ")";
}

PReLUImpl::PReLUImpl(const PReLUOptions& options_) : options(options_) { reset(); }
void PReLUImpl::reset() {
  weight = register_parameter("weight", ember::full({options.num_parameters()}, options.init()));
}
Tensor PReLUImpl::forward(const Tensor& input) { return F::prelu(input, weight); }
void PReLUImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "PReLU(num_parameters=" << options.num_parameters() << ")";
}

}  // namespace nn
}  // namespace ember
