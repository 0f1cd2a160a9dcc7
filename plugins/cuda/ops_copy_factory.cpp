// _copy_same_device_ (layout and dtype conversion), fill_, and the factories that fill a given
// out: arange, linspace, eye. Formulas are the CPU plugin's (pointwise_ops.cpp).
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <cstring>

#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "elementwise.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
namespace pw = pointwise;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;

Operand operand(const TensorView& t, int32_t dtype) {
  Operand o;
  o.data = t.data_ptr();
  o.dtype = dtype;
  o.strides = t.strides().data();
  return o;
}

// _copy_same_device_ (self 0, src 1): src is already broadcast to self's shape.
void copy(KernelArgs& a) {
  using Op = ops::_copy_same_device_;
  TensorView self = a.tensor(Op::self), src = a.tensor(Op::src);
  if (self.numel() == 0) return;
  if (self.dtype() == src.dtype()) {
    if (self.data_ptr() == src.data_ptr() && self.is_contiguous() && src.is_contiguous()) return;
    bool same_layout = self.is_contiguous() && src.is_contiguous();
    for (int d = 0; d < src.ndim() && same_layout; ++d)
      if (src.size(d) != 1 && src.stride(d) == 0) same_layout = false;
    if (same_layout) {
      DeviceScope scope(a.device_index());
      EMBER_CUDA_CHECK(cudaMemcpyAsync(self.data_ptr(), src.data_ptr(), self.numel() * self.element_size(),
                                       cudaMemcpyDeviceToDevice, to_cuda(a.stream())),
                       "cudaMemcpyAsync (copy_)", a.device_index());
      after_library_call(to_cuda(a.stream()), a.device_index(), "copy_");
      return;
    }
    // Same dtype: move bits through the integer type of the same size (exact for every value).
    const int32_t bits = bit_copy_dtype(self.dtype());
    Operand in = operand(src, bits);
    run_elementwise_raw(a, convert_op, 0, self.ndim(), self.sizes().data(), operand(self, bits), &in, 1, KernelScalars());
    return;
  }
  Operand in = operand(src, src.dtype());
  run_elementwise_raw(a, convert_op, 0, self.ndim(), self.sizes().data(), operand(self, self.dtype()), &in, 1,
                      KernelScalars());
}

// The value as the CPU's value.to<T>(), in the slot the body reads.
void set_value(KernelScalars& s, int k, const ember::sdk::Scalar& v, int32_t dtype) {
  if (dtype == EMBER_DTYPE_FLOAT16) s.d[k] = static_cast<float>(v.to<ember::sdk::Half>());
  else if (dtype == EMBER_DTYPE_BFLOAT16) s.d[k] = static_cast<float>(v.to<ember::sdk::BFloat16>());
  else set_scalar(s, k, v, dtype);
}

// An integer converted to an integral dtype, wrapping as static_cast<T> does.
int64_t wrap_to(int32_t dtype, int64_t v) {
  switch (dtype) {
    case EMBER_DTYPE_UINT8: return static_cast<uint8_t>(v);
    case EMBER_DTYPE_INT8: return static_cast<int8_t>(v);
    case EMBER_DTYPE_INT16: return static_cast<int16_t>(v);
    case EMBER_DTYPE_INT32: return static_cast<int32_t>(v);
    default: return v;
  }
}

// Runs a body that writes every element of out (x0 is out itself, unread by the body).
void generate(const KernelArgs& a, const PointwiseOp& op, const TensorView& out, const KernelScalars& s) {
  Operand self = operand(out, out.dtype());
  run_elementwise_raw(a, op, 0, out.ndim(), out.sizes().data(), self, &self, 1, s);
}

// fill_.Scalar (self 0, value 1).
void fill(KernelArgs& a) {
  using Op = ops::fill__Scalar;
  TensorView self = a.tensor(Op::self);
  if (self.numel() == 0) return;
  KernelScalars s;
  set_value(s, 0, a.scalar(Op::value), self.dtype());
  const bool zero = ember::sdk::is_floating(self.dtype()) ? (s.d[0] == 0.0 && !std::signbit(s.d[0])) : s.i[0] == 0;
  if (zero && self.is_contiguous()) {
    DeviceScope scope(a.device_index());
    EMBER_CUDA_CHECK(cudaMemsetAsync(self.data_ptr(), 0, self.numel() * self.element_size(), to_cuda(a.stream())),
                     "cudaMemsetAsync (fill_)", a.device_index());
    after_library_call(to_cuda(a.stream()), a.device_index(), "fill_");
    return;
  }
  generate(a, pw::fill, self, s);
}

// arange.start_out (start 0, end 1, step 2, out 3).
void arange(KernelArgs& a) {
  using Op = ops::arange_start_out;
  TensorView out = a.tensor(Op::out);
  const ember::sdk::Scalar start = a.scalar(Op::start), step = a.scalar(Op::step);
  KernelScalars s;
  if (ember::sdk::is_floating(out.dtype())) {
    s.d[0] = start.to_double();
    s.d[1] = step.to_double();
  } else {
    s.i[0] = start.to_int();
    s.i[1] = step.to_int();
  }
  generate(a, pw::arange, out, s);
}

// linspace.out (start 0, end 1, steps 2, out 3): the CPU's two-sided formula.
void linspace(KernelArgs& a) {
  using Op = ops::linspace_out;
  TensorView out = a.tensor(Op::out);
  const int64_t steps = a.int_(Op::steps);
  if (steps <= 0) return;
  const int32_t d = out.dtype();
  KernelScalars s;
  set_value(s, 0, a.scalar(Op::start), d);
  set_value(s, 1, a.scalar(Op::end), d);
  double start = ember::sdk::is_floating(d) ? s.d[0] : static_cast<double>(wrap_to(d, s.i[0]));
  double end = ember::sdk::is_floating(d) ? s.d[1] : static_cast<double>(wrap_to(d, s.i[1]));
  if (!ember::sdk::is_floating(d)) {
    // Integer outs step in double from the values as T (set_value stored them as integers).
    s.d[0] = start;
    s.d[1] = end;
  }
  if (steps == 1) {
    s.d[2] = 0;
  } else if (d == EMBER_DTYPE_FLOAT64 || !ember::sdk::is_floating(d)) {
    s.d[2] = (end - start) / static_cast<double>(steps - 1);
  } else {  // float, half, bfloat16 step in float
    s.d[2] = static_cast<double>((static_cast<float>(end) - static_cast<float>(start)) / static_cast<float>(steps - 1));
  }
  s.i[0] = steps == 1 ? 1 : steps / 2;  // halfway (steps == 1: only the start)
  s.i[1] = steps;
  generate(a, pw::linspace, out, s);
}

// eye.m_out (n 0, m 1, out 2).
void eye(KernelArgs& a) {
  using Op = ops::eye_m_out;
  TensorView out = a.tensor(Op::out);
  const int64_t m = a.int_(Op::m);
  if (m <= 0) return;
  KernelScalars s;
  s.i[0] = m;
  generate(a, pw::eye, out, s);
}

}  // namespace

void register_copy_factory_kernels(Registrar& reg) {
  reg.kernel<ops::_copy_same_device_>(kDevice, kAllDTypes, copy);
  reg.kernel<ops::fill__Scalar>(kDevice, kAllDTypes, fill);
  reg.kernel<ops::arange_start_out>(kDevice, kAllButBool, arange);
  reg.kernel<ops::linspace_out>(kDevice, kAllButBool, linspace);
  reg.kernel<ops::eye_m_out>(kDevice, kAllDTypes, eye);
}

}  // namespace ember_cuda
