// Negative log likelihood (nll_loss_forward, nll_loss_backward) over log-probabilities self
// [N, C] (or [C], one sample) and class indices target [N] (int64 or uint8), as PyTorch's CPU
// kernels compute it. With w = weight[t] (1 without weights) for a sample whose target t is not
// ignore_index:
//   reduction none (2-d self): output[i] = -w * self[i][t], 0 for ignored samples
//   sum / mean:                output = -sum(w * self[i][t]), divided by total_weight = sum(w)
//                              for mean (NaN when every sample is ignored), 0 / NaN for N = 0
//   backward:                  grad_input[i][t] = -w * grad (grad / total_weight for mean)
// A target outside [0, C) that is not ignore_index is an IndexError ("Target 5 is out of
// bounds."). Sums run in double over fixed blocks of samples combined in order, so results never
// depend on the thread count.
//
// Stateless kernels; thread-safe.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

constexpr int64_t kReductionNone = 0, kReductionMean = 1;
constexpr int64_t kSampleBlock = 16384;

// The targets as int64, whatever their index dtype.
std::vector<int64_t> targets_of(const TensorView& target) {
  std::vector<int64_t> out(static_cast<size_t>(target.numel()));
  OwnedView dense = OwnedView::contiguous(out.data(), EMBER_DTYPE_INT64, target.sizes().data(), target.ndim());
  if (target.dtype() == EMBER_DTYPE_UINT8) {
    pointwise<int64_t, uint8_t>(dense.get(), {target}, [](uint8_t v) { return static_cast<int64_t>(v); });
  } else {
    EMBER_SDK_CHECK(target.dtype() == EMBER_DTYPE_INT64, EMBER_ERROR_TYPE, "expected target of dtype int64, got ",
                    ember::sdk::dtype_name(target.dtype()));
    copy_same_dtype(dense.get(), target);
  }
  return out;
}

inline void check_target(int64_t t, int64_t classes) {
  EMBER_SDK_CHECK(t >= 0 && t < classes, EMBER_ERROR_INDEX, "Target ", t, " is out of bounds.");
}

// nll_loss_forward.output.
void nll_loss_forward(KernelArgs& a) {
  using Op = ops::nll_loss_forward_output;
  TensorView self = a.tensor(Op::self), output = a.tensor(Op::output), total_weight = a.tensor(Op::total_weight);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const int64_t reduction = a.int_(Op::reduction), ignore_index = a.int_(Op::ignore_index);
  const int64_t classes = self.size(-1);
  const std::vector<int64_t> target = targets_of(a.tensor(Op::target));
  const int64_t samples = static_cast<int64_t>(target.size());
  EMBER_SDK_CHECK(self.numel() == samples * classes, EMBER_ERROR_VALUE, "expected ", samples, " samples of ", classes,
                  " classes, got input of ", self.numel(), " elements");
  ember::sdk::dispatch<kFloatingDTypes>(self.dtype(), "nll_loss_forward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ember::sdk::compute_t<T>;
    DenseInput<T> x(self);
    std::optional<DenseInput<T>> w;
    if (weight) w.emplace(*weight);
    auto weight_of = [&](int64_t t) -> double { return w ? static_cast<double>(static_cast<C>(w->data()[t])) : 1.0; };
    if (reduction == kReductionNone && self.ndim() == 2) {
      DenseOutput<T> out(output);
      parallel_for(0, samples, kGrainSize / 4, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          const int64_t t = target[i];
          if (t == ignore_index) {
            out.data()[i] = T(0);
            continue;
          }
          check_target(t, classes);
          out.data()[i] = static_cast<T>(-weight_of(t) * static_cast<double>(static_cast<C>(x.data()[i * classes + t])));
        }
      });
      out.commit();
      *total_weight.data<T>() = T(0);
      return;
    }
    const int64_t blocks = (samples + kSampleBlock - 1) / kSampleBlock;
    std::vector<double> block_loss(static_cast<size_t>(blocks)), block_weight(static_cast<size_t>(blocks));
    parallel_for(0, blocks, 1, [&](int64_t bb, int64_t be) {
      for (int64_t blk = bb; blk < be; ++blk) {
        double loss = 0, weight_sum = 0;
        for (int64_t i = blk * kSampleBlock; i < std::min(samples, (blk + 1) * kSampleBlock); ++i) {
          const int64_t t = target[i];
          if (t == ignore_index) continue;
          check_target(t, classes);
          const double wt = weight_of(t);
          weight_sum += wt;
          loss -= wt * static_cast<double>(static_cast<C>(x.data()[i * classes + t]));
        }
        block_loss[blk] = loss;
        block_weight[blk] = weight_sum;
      }
    });
    double loss = 0, weight_sum = 0;
    for (int64_t blk = 0; blk < blocks; ++blk) {
      loss += block_loss[blk];
      weight_sum += block_weight[blk];
    }
    if (samples == 0) loss = reduction == kReductionMean ? std::numeric_limits<double>::quiet_NaN() : 0.0;
    else if (reduction == kReductionMean) loss /= weight_sum;
    *output.data<T>() = static_cast<T>(static_cast<C>(loss));
    *total_weight.data<T>() = static_cast<T>(static_cast<C>(weight_sum));
  });
}

// nll_loss_backward.grad_input.
void nll_loss_backward(KernelArgs& a) {
  using Op = ops::nll_loss_backward_grad_input;
  TensorView grad_output = a.tensor(Op::grad_output), self = a.tensor(Op::self), total_weight = a.tensor(Op::total_weight), grad_input = a.tensor(Op::grad_input);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const int64_t reduction = a.int_(Op::reduction), ignore_index = a.int_(Op::ignore_index);
  const int64_t classes = self.size(-1);
  const std::vector<int64_t> target = targets_of(a.tensor(Op::target));
  const int64_t samples = static_cast<int64_t>(target.size());
  EMBER_SDK_CHECK(grad_input.numel() == samples * classes, EMBER_ERROR_VALUE, "expected ", samples, " samples of ", classes,
                  " classes, got input of ", grad_input.numel(), " elements");
  ember::sdk::dispatch<kFloatingDTypes>(grad_input.dtype(), "nll_loss_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ember::sdk::compute_t<T>;
    DenseInput<T> g(grad_output);
    std::optional<DenseInput<T>> w;
    if (weight) w.emplace(*weight);
    DenseOutput<T> gi(grad_input);
    std::fill(gi.data(), gi.data() + samples * classes, T(0));
    const bool per_sample = reduction == kReductionNone && self.ndim() == 2;
    C scale = 0;
    if (!per_sample) {
      scale = -static_cast<C>(g.data()[0]);
      if (reduction == kReductionMean) scale /= static_cast<C>(*DenseInput<T>(total_weight).data());
    }
    parallel_for(0, samples, kGrainSize / 4, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t t = target[i];
        if (t == ignore_index) continue;
        check_target(t, classes);
        const C grad = per_sample ? -static_cast<C>(g.data()[i]) : scale;
        gi.data()[i * classes + t] = static_cast<T>(w ? static_cast<C>(w->data()[t]) * grad : grad);
      }
    });
    gi.commit();
  });
}

}  // namespace

void register_loss_kernels(Registrar& reg) {
  reg.kernel<ops::nll_loss_forward_output>(kDevice, kFloatingDTypes, nll_loss_forward);
  reg.kernel<ops::nll_loss_backward_grad_input>(kDevice, kFloatingDTypes, nll_loss_backward);
}

}  // namespace ember_cpu
