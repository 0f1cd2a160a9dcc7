// Derivative helpers used by the formulas in ops.yaml (see functions.h).
#include "autograd/functions.h"

#include "core/tensor_operators.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace autograd {

Tensor sum_to(const Tensor& grad, IntArrayRef sizes) {
  if (grad.sizes() == sizes) return grad;
  int64_t lead = grad.dim() - static_cast<int64_t>(sizes.size());
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i = 0; i < static_cast<int64_t>(sizes.size()); ++i)
    if (sizes[static_cast<size_t>(i)] == 1 && grad.size(lead + i) != 1) dims.push_back(lead + i);
  Tensor r = dims.empty() ? grad : grad.sum(IntArrayRef(dims), true);
  if (lead > 0 || r.sizes() != sizes) r = r.reshape(sizes);
  return r;
}

}  // namespace autograd
}  // namespace ember
