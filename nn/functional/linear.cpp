#include "nn/functional/linear.h"

#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
std::optional<Tensor> optional_tensor(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }
}  // namespace

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  return ember::linear(input, weight, optional_tensor(bias));
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias) {
  return ember::bilinear(input1, input2, weight, optional_tensor(bias));
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
