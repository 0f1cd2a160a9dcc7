// Multi-tensor (foreach) optimizer steps: which parameters of a group one _fused_sgd_ /
// _fused_adam_ / _fused_adamw_ call updates (ops.yaml), so that a GPU step costs a few launches
// for the whole model instead of several per parameter.
//
// The `foreach` option of SGDOptions / AdamOptions decides: unset (the default) or true means on,
// false turns it off. PyTorch leaves it off on the CPU by default; ember does not, since its CPU
// step is one vectorized parallel pass (bench/optim_bench.cpp: about half libtorch's time over
// ResNet-18's parameters, where the per-parameter path is slower than libtorch's). A
// parameter goes to a bucket only when the multi-tensor kernel can take it as it is: a floating,
// contiguous tensor whose gradient is contiguous, of its dtype, shape and device; the others
// take the per-parameter path, with the same result. Buckets group parameters by (device, dtype).
//
// Pure functions over the caller's tensors; thread-safety as the optimizer that calls them.
#pragma once

#include <optional>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace optim {

struct ForeachBucket {
  std::vector<Tensor> params;
  std::vector<Tensor> grads;
};

// Splits the parameters that have a gradient into buckets (when foreach applies) and `rest`.
std::vector<ForeachBucket> foreach_buckets(const std::vector<Tensor>& params, const std::optional<bool>& foreach,
                                           std::vector<Tensor>* rest);

// Whether a state tensor (a momentum buffer, a moment) can go into a fused call with `param`:
// defined, contiguous, of the parameter's dtype, shape and device.
bool fits_fused_call(const Tensor& state, const Tensor& param);

}  // namespace optim
}  // namespace ember
