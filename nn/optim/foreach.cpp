// Multi-tensor optimizer buckets (see foreach.h).
#include "nn/optim/foreach.h"


namespace ember {
namespace optim {

bool fits_fused_call(const Tensor& state, const Tensor& param) {
  return state.defined() && state.is_contiguous() && state.scalar_type() == param.scalar_type() &&
         state.device() == param.device() && state.sizes() == param.sizes();
}

std::vector<ForeachBucket> foreach_buckets(const std::vector<Tensor>& params, const std::optional<bool>& foreach,
                                           std::vector<Tensor>* rest) {
  std::vector<ForeachBucket> buckets;
  for (const Tensor& p : params) {
    if (!p.grad().defined()) continue;
    const bool on = foreach.value_or(true);
    const Tensor& g = p.grad();
    if (!on || !p.is_floating_point() || !p.is_contiguous() || !fits_fused_call(g, p)) {
      rest->push_back(p);
      continue;
    }
    ForeachBucket* bucket = nullptr;  // few buckets (one per device and dtype): a linear search
    for (ForeachBucket& b : buckets)
      if (b.params[0].device() == p.device() && b.params[0].scalar_type() == p.scalar_type()) bucket = &b;
    if (!bucket) bucket = &buckets.emplace_back();
    bucket->params.push_back(p);
    bucket->grads.push_back(g);
  }
  return buckets;
}

}  // namespace optim
}  // namespace ember
