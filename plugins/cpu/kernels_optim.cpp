// The multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_): one parallel pass
// over the elements of every parameter of the call, with nn/optim's formulas (PyTorch's), each
// element's update in its dtype's compute type (float for float16/bfloat16/float32, double for
// float64) and stored once. The core's meta checked the lists (one length, contiguous, one dtype,
// the parameters' shapes), so the kernels index them as flat arrays.
//
// Stateless kernels; thread-safe.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu_plugin.h"
#include "parallel.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

// Runs fn(tensor, begin, end) over the elements of every tensor in `params`, in parallel over
// their concatenation (many small parameters share a chunk; a big one is split).
template <typename F>
void for_each_element_range(const ember::sdk::TensorList& params, const F& fn) {
  std::vector<int64_t> start(static_cast<size_t>(params.size()) + 1, 0);
  for (int64_t i = 0; i < params.size(); ++i) start[i + 1] = start[i] + params[i].numel();
  parallel_for(0, start.back(), kGrainSize, [&](int64_t b, int64_t e) {
    int64_t t = std::upper_bound(start.begin(), start.end(), b) - start.begin() - 1;
    for (; b < e; ++t) {
      const int64_t end = std::min(e, start[t + 1]);
      if (end > b) fn(t, b - start[t], end - start[t]);
      b = end;
    }
  });
}

template <typename T>
T* data_of(const ember::sdk::TensorList& l, int64_t i) {
  return static_cast<T*>(l[i].data_ptr());
}

// The loops below keep stores unconditional and every option a loop-invariant select, so that
// the compiler vectorizes them (a branch per option in the body kept them scalar: 1.4x slower
// than libtorch's per-tensor step over ResNet-18's parameters). Exactness is kept where the
// per-parameter path's result is exact: g * -1 is -g, d + m * b is m * b + 1 * d.
template <typename T, typename C, bool kMomentum>
void sgd_range(T* p, const T* g, T* buf, int64_t b, int64_t e, C sign, C wd, bool decay, C mom, C keep, bool first,
               bool nesterov, C step) {
  for (int64_t i = b; i < e; ++i) {
    const C pv = static_cast<C>(p[i]);
    C d = static_cast<C>(g[i]) * sign;
    d = decay ? d + wd * pv : d;
    if constexpr (kMomentum) {
      const C m = first ? d : mom * static_cast<C>(buf[i]) + keep * d;
      buf[i] = static_cast<T>(m);
      d = nesterov ? d + mom * m : m;
    }
    p[i] = static_cast<T>(pv + step * d);
  }
}

void fused_sgd(KernelArgs& a) {
  using Op = ops::_fused_sgd_;
  const ember::sdk::TensorList params = a.tensor_list(Op::self), grads = a.tensor_list(Op::grads),
                               bufs = a.tensor_list(Op::momentum_buffer_list);
  const double weight_decay = a.double_(Op::weight_decay), momentum = a.double_(Op::momentum), lr = a.double_(Op::lr),
               dampening = a.double_(Op::dampening);
  const bool nesterov = a.bool_(Op::nesterov), maximize = a.bool_(Op::maximize), first = a.bool_(Op::is_first_step);
  ember::sdk::dispatch<kFloatingDTypes>(params[0].dtype(), "_fused_sgd_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ember::sdk::compute_t<T>;
    const C sign = maximize ? C(-1) : C(1), wd = static_cast<C>(weight_decay), mom = static_cast<C>(momentum),
            step = static_cast<C>(-lr), keep = static_cast<C>(1 - dampening);
    const bool decay = weight_decay != 0;
    for_each_element_range(params, [&](int64_t t, int64_t b, int64_t e) {
      T* p = data_of<T>(params, t);
      const T* g = data_of<T>(grads, t);
      if (momentum != 0)
        sgd_range<T, C, true>(p, g, data_of<T>(bufs, t), b, e, sign, wd, decay, mom, keep, first, nesterov, step);
      else
        sgd_range<T, C, false>(p, g, nullptr, b, e, sign, wd, decay, mom, keep, first, nesterov, step);
    });
  });
}

template <typename T, typename C, bool kAmsgrad>
void adam_range(T* p, const T* g, T* m, T* v, T* vmax, int64_t b, int64_t e, C sign, bool coupled, C wd, C pscale,
                C b1, C one_b1, C b2, C one_b2, C bc2_sqrt, C eps, C step_size) {
  for (int64_t i = b; i < e; ++i) {
    C d = static_cast<C>(g[i]) * sign;
    const C pv = static_cast<C>(p[i]) * pscale;  // AdamW's decay (pscale 1: exact)
    d = coupled ? d + wd * pv : d;
    const C mv = static_cast<C>(m[i]) * b1 + one_b1 * d;
    C vv = static_cast<C>(v[i]) * b2 + one_b2 * (d * d);
    m[i] = static_cast<T>(mv);
    v[i] = static_cast<T>(vv);
    if constexpr (kAmsgrad) {
      const C old = static_cast<C>(vmax[i]);
      vv = (old > vv || old != old) ? old : vv;  // maximum, NaN-propagating as ember::maximum
      vmax[i] = static_cast<T>(vv);
    }
    const C denom = std::sqrt(vv) / bc2_sqrt + eps;
    p[i] = static_cast<T>(pv + step_size * (mv / denom));
  }
}

// Adam and AdamW (decoupled: the parameter decays before the update; else the gradient gets
// weight_decay * p).
void fused_adam_impl(KernelArgs& a, bool decoupled) {
  using Op = ops::_fused_adam_;  // _fused_adamw_ has the same arguments (ops.yaml)
  const ember::sdk::TensorList params = a.tensor_list(Op::self), grads = a.tensor_list(Op::grads),
                               m1 = a.tensor_list(Op::exp_avgs), m2 = a.tensor_list(Op::exp_avg_sqs),
                               vmax = a.tensor_list(Op::max_exp_avg_sqs);
  const ember::sdk::IntList steps = a.int_list(Op::state_steps);
  const double lr = a.double_(Op::lr), beta1 = a.double_(Op::beta1), beta2 = a.double_(Op::beta2),
               weight_decay = a.double_(Op::weight_decay), eps = a.double_(Op::eps);
  const bool amsgrad = a.bool_(Op::amsgrad), maximize = a.bool_(Op::maximize);
  ember::sdk::dispatch<kFloatingDTypes>(params[0].dtype(), "_fused_adam_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ember::sdk::compute_t<T>;
    const C sign = maximize ? C(-1) : C(1), b1 = static_cast<C>(beta1), b2 = static_cast<C>(beta2),
            one_b1 = static_cast<C>(1 - beta1), one_b2 = static_cast<C>(1 - beta2), wd = static_cast<C>(weight_decay),
            epsilon = static_cast<C>(eps);
    const bool coupled = weight_decay != 0 && !decoupled;
    const C pscale = weight_decay != 0 && decoupled ? static_cast<C>(1 - lr * weight_decay) : C(1);
    for_each_element_range(params, [&](int64_t t, int64_t b, int64_t e) {
      const double step = static_cast<double>(steps[t]);
      const C step_size = static_cast<C>(-lr / (1 - std::pow(beta1, step)));
      const C bc2_sqrt = static_cast<C>(std::sqrt(1 - std::pow(beta2, step)));
      T* p = data_of<T>(params, t);
      const T* g = data_of<T>(grads, t);
      T* m = data_of<T>(m1, t);
      T* v = data_of<T>(m2, t);
      if (amsgrad)
        adam_range<T, C, true>(p, g, m, v, data_of<T>(vmax, t), b, e, sign, coupled, wd, pscale, b1, one_b1, b2, one_b2,
                               bc2_sqrt, epsilon, step_size);
      else
        adam_range<T, C, false>(p, g, m, v, nullptr, b, e, sign, coupled, wd, pscale, b1, one_b1, b2, one_b2, bc2_sqrt,
                                epsilon, step_size);
    });
  });
}

void fused_adam(KernelArgs& a) { fused_adam_impl(a, false); }
void fused_adamw(KernelArgs& a) { fused_adam_impl(a, true); }

}  // namespace

void register_optim_kernels(Registrar& reg) {
  reg.kernel<ops::_fused_sgd_>(kDevice, kFloatingDTypes, fused_sgd);
  reg.kernel<ops::_fused_adam_>(kDevice, kFloatingDTypes, fused_adam);
  reg.kernel<ops::_fused_adamw_>(kDevice, kFloatingDTypes, fused_adamw);
}

}  // namespace ember_cpu
