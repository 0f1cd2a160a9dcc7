// Factories that fill a given out: arange (start + i * step), linspace (PyTorch's two-sided
// formula, so the last value is exactly `end`) and eye.
//
// Stateless kernels; thread-safe.
#include <type_traits>

#include <ember/sdk/wrapping.h>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;

// arange.start_out: computed in double for floating outs and in int64 for integer outs (a
// fractional start/step is truncated first, as in PyTorch).
void arange(KernelArgs& a) {
  using Op = ops::arange_start_out;
  ember::sdk::Scalar start = a.scalar(Op::start), step = a.scalar(Op::step);
  TensorView out = a.tensor(Op::out);
  dispatch<kAllButBool>(out.dtype(), "arange", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (is_floating_v<T>) {
      const double s = start.to_double(), d = step.to_double();
      pointwise_indexed<T>(out, [s, d](int64_t i) {
        return static_cast<T>(static_cast<ember::sdk::compute_t<T>>(s + static_cast<double>(i) * d));
      });
    } else {
      // PyTorch checks start, end and step against int64; the values then stay in
      // [start, end), but the size came from double arithmetic, so the products wrap
      // instead of overflowing near int64's limits.
      (void)a.scalar(Op::end).to_int();
      const int64_t s = start.to_int(), d = step.to_int();
      pointwise_indexed<T>(out, [s, d](int64_t i) {
        return static_cast<T>(ember::sdk::wrapping_add(s, ember::sdk::wrapping_mul(i, d)));
      });
    }
  });
}

// linspace.out: step = (end - start) / (steps - 1); the first half counts up from start, the second
// half down from end.
void linspace(KernelArgs& a) {
  using Op = ops::linspace_out;
  ember::sdk::Scalar start_s = a.scalar(Op::start), end_s = a.scalar(Op::end);
  const int64_t steps = a.int_(Op::steps);
  TensorView out = a.tensor(Op::out);
  if (steps <= 0) return;
  dispatch<kAllButBool>(out.dtype(), "linspace", [&](auto tag) {
    using T = typename decltype(tag)::type;
    // Integer outputs step in double; floating outputs in their own precision (float for f16).
    using Step = std::conditional_t<is_floating_v<T>, ember::sdk::compute_t<T>, double>;
    const Step start = static_cast<Step>(static_cast<ember::sdk::compute_t<T>>(start_s.to<T>()));
    if (steps == 1) {  // end is never converted (PyTorch: linspace(2., -2., 1) on uint8 is [2])
      pointwise_indexed<T>(out, [start](int64_t) { return ember::sdk::convert<T>(start); });
      return;
    }
    const Step end = static_cast<Step>(static_cast<ember::sdk::compute_t<T>>(end_s.to<T>()));
    const Step step = (end - start) / static_cast<Step>(steps - 1);
    const int64_t halfway = steps / 2;
    pointwise_indexed<T>(out, [=](int64_t i) {
      Step v = i < halfway ? start + step * static_cast<Step>(i) : end - step * static_cast<Step>(steps - i - 1);
      // Integer outputs: int64's limits are not exact in double (INT64_MAX reads as 2^63), so the
      // conversion is PyTorch's defined one (ember::sdk::convert), not a bare cast.
      return ember::sdk::convert<T>(v);
    });
  });
}

// eye.m_out.
void eye(KernelArgs& a) {
  using Op = ops::eye_m_out;
  TensorView out = a.tensor(Op::out);
  const int64_t m = a.int_(Op::m);
  if (m <= 0) return;
  dispatch(out.dtype(), "eye", [&](auto tag) {
    using T = typename decltype(tag)::type;
    pointwise_indexed<T>(out, [m](int64_t k) { return static_cast<T>(k / m == k % m ? 1 : 0); });
  });
}

}  // namespace

void register_factory_kernels(Registrar& reg) {
  reg.kernel<ops::arange_start_out>(kDevice, kAllButBool, arange);
  reg.kernel<ops::linspace_out>(kDevice, kAllButBool, linspace);
  reg.kernel<ops::eye_m_out>(kDevice, kAllDTypes, eye);
}

}  // namespace ember_cpu
