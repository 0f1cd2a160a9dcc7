// fill_ and _copy_same_device_ (dtype conversion with PyTorch's semantics).
//
// Conversions: to bool is (x != 0) (NaN is true); float to integer truncates toward zero, and a
// value outside the target's range (or NaN) gives what PyTorch gives on x86: the conversion
// goes through int32 for 8/16/32-bit targets (then wraps) and through int64 for int64, with
// out-of-range values becoming the minimum of that intermediate type; integer narrowing wraps;
// 16-bit floats convert through float.
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <limits>
#include <type_traits>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::compute_t;
using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllDTypes;

// Element conversion follows PyTorch's rules: ember::sdk::convert (SDK dtype.h).

// fill_.Scalar.
void fill(KernelArgs& a) {
  using Op = ops::fill__Scalar;
  TensorView self = a.tensor(Op::self);
  ember::sdk::Scalar value = a.scalar(Op::value);
  dispatch(self.dtype(), "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    pointwise_fill<T>(self, [v]() { return v; });
  });
}

// _copy_same_device_: src is already broadcast to self's shape.
void copy(KernelArgs& a) {
  using Op = ops::_copy_same_device_;
  TensorView self = a.tensor(Op::self), src = a.tensor(Op::src);
  if (self.dtype() == src.dtype()) {
    if (self.data_ptr() != src.data_ptr() || !self.is_contiguous() || !src.is_contiguous()) copy_same_dtype(self, src);
    return;
  }
  dispatch(self.dtype(), "copy_", [&](auto to_tag) {
    using To = typename decltype(to_tag)::type;
    dispatch(src.dtype(), "copy_", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      pointwise<To, From>(self, {src}, [](From v) { return ember::sdk::convert<To, From>(v); });
    });
  });
}

}  // namespace

void register_fill_copy_kernels(Registrar& reg) {
  reg.kernel<ops::fill__Scalar>(kDevice, kAllDTypes, fill);
  reg.kernel<ops::_copy_same_device_>(kDevice, kAllDTypes, copy);
}

}  // namespace ember_cpu
