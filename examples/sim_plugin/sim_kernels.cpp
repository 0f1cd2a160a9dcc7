// The sim device's kernels, written with the typed SDK (<ember/sdk/ops.h> descriptors name the
// argument positions, so a schema change in ops.yaml is a compile error here, not a silent bug).
//
//   add.out, mul.out          every dtype but bool
//   tanh.out                  float16, bfloat16, float32, float64
//   fill_.Scalar              every dtype
//   _copy_same_device_        every (src, self) dtype pair, with PyTorch's conversion rules
//
// The core has validated shapes and dtypes and broadcast the inputs to the output's shape (with
// stride 0 on broadcast dims) before a kernel runs, so each kernel is one strided loop. 16-bit
// floats are computed in float, as on the CPU, so that results match it bit for bit.
//
// Everything else runs on the CPU when the CPU fallback is on (README.md), or is an error.
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

#include <ember/sdk/ops.h>

#include "sim_async.h"
#include "sim_plugin.h"

namespace sim {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::compute_t;
using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::StridedCounter;
using ember::sdk::TensorView;

// A kernel only ever sees sim tensors; anything else means the core routed a call wrongly.
void expect_sim(const TensorView& t, const char* role) {
  EMBER_SDK_CHECK(t.device_type() == sim_device_type_id(), EMBER_ERROR_VALUE, "expected ", role,
                  " on device sim, got a tensor of device type id ", t.device_type());
}

// One TensorView parameter per input type.
template <typename T>
using ViewFor = const TensorView&;

// out[i] = f(in[i]...) over out's shape; every input already has out's shape (strides may be 0).
template <typename Out, typename... In, typename F, size_t... I>
void elementwise_impl(const TensorView& out, const F& f, std::index_sequence<I...>, ViewFor<In>... in) {
  expect_sim(out, "out");
  (expect_sim(in, "an input"), ...);
  const int64_t n = out.numel();
  if (n == 0) return;
  Out* o = out.data<Out>();
  const std::tuple<const In*...> inputs(in.template data<In>()...);
  (void)inputs;  // unused by fill, which has no inputs
  if ((out.is_contiguous() && ... && in.is_contiguous())) {
    // The common case: one flat loop the compiler can vectorize.
    for (int64_t i = 0; i < n; ++i) o[i] = f(std::get<I>(inputs)[i]...);
    return;
  }
  // Operand 0 is out, operand k + 1 is input k.
  StridedCounter<1 + sizeof...(In)> it(out.ndim(), out.sizes().data(), {out.strides().data(), in.strides().data()...});
  for (int64_t i = 0; i < n; ++i, it.next()) o[it.offset(0)] = f(std::get<I>(inputs)[it.offset(I + 1)]...);
}

template <typename Out, typename... In, typename F>
void elementwise(const TensorView& out, const F& f, ViewFor<In>... in) {
  elementwise_impl<Out, In...>(out, f, std::index_sequence_for<In...>{}, in...);
}

// add.out(self, other, *, alpha, out): out = self + alpha * other.
void add_out(KernelArgs& a) {
  const ember::sdk::Scalar alpha = a.scalar(ops::add_out::alpha);
  TensorView self = a.tensor(ops::add_out::self), other = a.tensor(ops::add_out::other), out = a.tensor(ops::add_out::out);
  dispatch<ember::sdk::kAllButBool>(out.dtype(), "add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    const C al = alpha.to<C>();
#ifdef EMBER_SIM_INJECT_WRONG_ADD
    // Only in the conformance suite's deliberately broken build (tests/conformance): the suite
    // must report add.out as FAIL.
    elementwise<T, T, T>(out, [al](T x, T y) { return static_cast<T>(C(x) - al * C(y)); }, self, other);
#else
    elementwise<T, T, T>(out, [al](T x, T y) { return static_cast<T>(C(x) + al * C(y)); }, self, other);
#endif
  });
}

// mul.out(self, other, *, out).
void mul_out(KernelArgs& a) {
  TensorView self = a.tensor(ops::mul_out::self), other = a.tensor(ops::mul_out::other), out = a.tensor(ops::mul_out::out);
  dispatch<ember::sdk::kAllButBool>(out.dtype(), "mul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    elementwise<T, T, T>(out, [](T x, T y) { return static_cast<T>(C(x) * C(y)); }, self, other);
  });
}

// tanh.out(self, *, out).
void tanh_out(KernelArgs& a) {
  TensorView self = a.tensor(ops::tanh_out::self), out = a.tensor(ops::tanh_out::out);
  ember::sdk::dispatch_floating(out.dtype(), "tanh", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    elementwise<T, T>(out, [](T x) { return static_cast<T>(std::tanh(C(x))); }, self);
  });
}

// fill_.Scalar(self, value).
void fill_scalar(KernelArgs& a) {
  TensorView self = a.tensor(ops::fill__Scalar::self);
  const ember::sdk::Scalar value = a.scalar(ops::fill__Scalar::value);
  dispatch(self.dtype(), "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    elementwise<T>(self, [v]() { return v; });
  });
}

// Element conversion follows PyTorch's rules: ember::sdk::convert (SDK dtype.h).

// _copy_same_device_(self, src): src is already broadcast to self's shape; dtypes may differ.
void copy_same_device(KernelArgs& a) {
  TensorView self = a.tensor(ops::_copy_same_device_::self), src = a.tensor(ops::_copy_same_device_::src);
  if (self.dtype() == src.dtype() && self.is_contiguous() && src.is_contiguous()) {
    expect_sim(self, "self");
    expect_sim(src, "src");
    // A plain byte copy; memmove because an in-place copy of a tensor onto itself is legal.
    if (self.data_ptr() != src.data_ptr())
      std::memmove(self.data_ptr(), src.data_ptr(), static_cast<size_t>(self.numel()) * self.element_size());
    return;
  }
  dispatch(self.dtype(), "copy_", [&](auto to_tag) {
    using To = typename decltype(to_tag)::type;
    dispatch(src.dtype(), "copy_", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      elementwise<To, From>(self, [](From v) { return ember::sdk::convert<To, From>(v); }, src);
    });
  });
}

}  // namespace

void register_sim_kernels(ember::sdk::Registrar& reg) {
  using ember::sdk::kAllButBool;
  using ember::sdk::kAllDTypes;
  using ember::sdk::kFloatingDTypes;
  // Every kernel runs asynchronously on the call's stream (sim_async.h).
  reg.kernel<ops::add_out>(kDeviceName, kAllButBool, on_stream(add_out));
  reg.kernel<ops::mul_out>(kDeviceName, kAllButBool, on_stream(mul_out));
  reg.kernel<ops::tanh_out>(kDeviceName, kFloatingDTypes, on_stream(tanh_out));
  reg.kernel<ops::fill__Scalar>(kDeviceName, kAllDTypes, on_stream(fill_scalar));
  // The dtype mask is checked on src; every destination dtype is handled.
  reg.kernel<ops::_copy_same_device_>(kDeviceName, kAllDTypes, on_stream(copy_same_device));
}

}  // namespace sim
