// Tensor's autograd methods until the autograd layer lands: no tensor requires grad yet.
// (Replaced by autograd/variable.cpp.)
#include "core/tensor.h"

namespace ember {

Tensor& Tensor::requires_grad_(bool requires_grad) {
  EMBER_CHECK(!requires_grad, NotImplementedError, "[requires_grad_] autograd is not available in this build yet");
  return *this;
}
bool Tensor::requires_grad() const { return false; }
const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  return undefined;
}
bool Tensor::is_leaf() const { return true; }

}  // namespace ember
