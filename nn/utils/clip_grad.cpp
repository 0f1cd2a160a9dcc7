#include "nn/utils/clip_grad.h"

#include <cmath>
#include <limits>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace nn {
namespace utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type, bool error_if_nonfinite) {
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  std::vector<Tensor> norms;
  Tensor total;
  if (std::isinf(norm_type)) {
    for (const Tensor& g : grads) norms.push_back(g.abs().amax().to(kFloat64));
    total = norms.size() == 1 ? norms[0] : ember::stack(norms, 0).amax();
  } else {
    for (const Tensor& g : grads) norms.push_back(ember::norm(g.to(kFloat64), norm_type, IntArrayRef(), false));
    total = norms.size() == 1 ? norms[0] : ember::norm(ember::stack(norms, 0), norm_type, IntArrayRef(), false);
  }
  const double total_norm = total.item<double>();
  EMBER_CHECK(!error_if_nonfinite || std::isfinite(total_norm), RuntimeError, "The total norm of order ", norm_type,
              " for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale "
              "the gradients with the non-finite norm anyway, set `error_if_nonfinite=false`");
  const double coef = std::min(max_norm / (total_norm + 1e-6), 1.0);
  for (const Tensor& g : grads) g.mul_(coef);
  return total_norm;
}

double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type, error_if_nonfinite);
}
double clip_grad_norm_(Tensor parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{std::move(parameter)}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) p.grad().clamp_(-clip_value, clip_value);
}
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}
void clip_grad_value_(Tensor parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{std::move(parameter)}, clip_value);
}

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  std::vector<Tensor> flat;
  Device device = parameters.empty() ? Device("cpu") : parameters.front().device();
  for (const Tensor& p : parameters) {
    EMBER_CHECK(p.device() == device, ValueError, "Found two parameters on different devices, this is currently not supported.");
    flat.push_back(p.reshape({-1}));
  }
  return ember::cat(flat, 0);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
  EMBER_CHECK(vec.dim() == 1, ValueError, "expected vec to be a 1-D tensor, but got ", vec.dim(), "-D");
  int64_t offset = 0;
  for (const Tensor& p : parameters) {
    const int64_t n = p.numel();
    p.set_data(vec.narrow(0, offset, n).view_as(p).detach());
    offset += n;
  }
}

}  // namespace utils
}  // namespace nn
}  // namespace ember
