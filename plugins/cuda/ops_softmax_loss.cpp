// _softmax / _log_softmax (forward and backward) and nll_loss (forward and backward).
//
// softmax: the tensor is seen as [outer, D, inner] over a dense copy when needed. Rows (inner 1)
// of up to 8192 elements are read once into registers (a warp per row up to 1024, else a block);
// longer rows take two reads; inner > 1 runs a thread per column. half_to_float (half input,
// float output) is supported, as on PyTorch's CUDA backend.
//
// nll_loss, as PyTorch's CPU kernels (see kernels/loss.cuh): per sample -w * x[i][t] (reduction
// none), or their sum (divided by the total weight for mean; NaN when every sample is ignored).
// A target out of range is an IndexError, raised at the next synchronization (device_errors.h).
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "dense.h"
#include "device_errors.h"
#include "elementwise.h"
#include "kernel_families.h"
#include "kernel_sources.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kFloatingDTypes;

struct SmParams {  // kernels/softmax.cuh sm_params
  const void* x;
  const void* g;
  void* y;
  int64_t outer, dim, inner;
};

struct SoftmaxShape {
  int64_t outer = 1, dim = 1, inner = 1;
};

// dim: normalized by meta (in [0, ndim)).
SoftmaxShape shape_of(const TensorView& t, int64_t dim) {
  SoftmaxShape s;
  const int32_t nd = t.ndim();
  if (nd == 0) return s;
  for (int32_t d = 0; d < dim; ++d) s.outer *= t.size(d);
  s.dim = t.size(dim);
  for (int32_t d = static_cast<int32_t>(dim) + 1; d < nd; ++d) s.inner *= t.size(d);
  return s;
}

int next_pow2(int64_t v) {
  int p = 1;
  while (p < v) p <<= 1;
  return p;
}

const Program& softmax_program(int device, int32_t in, int32_t out, bool log, bool backward, int elems) {
  static const uint32_t family = family_id("softmax");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(in) | static_cast<uint32_t>(out) << 8 | (log ? 1u : 0u) << 16 | (backward ? 1u : 0u) << 17;
  key.b = static_cast<uint32_t>(elems);
  key.arch = device_arch(device);
  auto source = [&] {
    return typed_family_source(sources::softmax, in, out,
                               concat("#define SM_LOG ", log ? 1 : 0, "\n#define SM_ELEMS ", elems,
                                      "\n#define SM_BACKWARD ", backward ? 1 : 0, "\n"));
  };
  if (backward) return get_program(key, "softmax_backward", {"smb_rows", "smb_cols"}, source);
  return get_program(key, "softmax", {"sm_rows", "sm_rows_long", "sm_cols"}, source);
}

template <bool kLog>
void softmax(KernelArgs& a) {
  using Op = ops::_softmax_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out);
  const bool half_to_float = a.bool_(Op::half_to_float);
  EMBER_SDK_CHECK(!half_to_float || (self.dtype() == EMBER_DTYPE_FLOAT16 && out.dtype() == EMBER_DTYPE_FLOAT32),
                  EMBER_ERROR_VALUE, "half_to_float expects a float16 input and a float32 output");
  const SoftmaxShape s = shape_of(self, a.int_(Op::dim));
  if (s.outer * s.dim * s.inner == 0) return;
  const char* name = kLog ? "_log_softmax" : "_softmax";
  SmParams p{dense_input(a, self), nullptr, nullptr, s.outer, s.dim, s.inner};
  DenseOutput y(a, out);
  p.y = y.data();
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  void* args[] = {&p};
  if (s.inner == 1 && s.dim <= 8192) {
    const int lanes = s.dim <= 1024 ? 32 : 256;
    const int elems = next_pow2((s.dim + lanes - 1) / lanes);
    const Program& prog = softmax_program(device, self.dtype(), out.dtype(), kLog, false, elems);
    const int rows_per_block = lanes == 32 ? 8 : 1;
    launch(prog.kernel(0), dim3(blocks_for(s.outer, rows_per_block)), dim3(lanes, rows_per_block), 0, stream, args,
           device, name);
  } else if (s.inner == 1) {
    const Program& prog = softmax_program(device, self.dtype(), out.dtype(), kLog, false, 1);
    launch(prog.kernel(1), dim3(static_cast<unsigned>(s.outer)), dim3(256), 0, stream, args, device, name);
  } else {
    const Program& prog = softmax_program(device, self.dtype(), out.dtype(), kLog, false, 1);
    launch(prog.kernel(2), dim3(blocks_for(s.outer * s.inner, 256)), dim3(256), 0, stream, args, device, name);
  }
  y.commit();
}

// A tensor's values in `dtype` (a converted scratch copy when it has another dtype), dense.
const void* dense_as(const KernelArgs& a, const TensorView& t, int32_t dtype) {
  if (t.dtype() == dtype) return dense_input(a, t);
  void* buf = a.scratch(static_cast<size_t>(t.numel()) * ember::sdk::element_size(dtype));
  const std::vector<int64_t> strides = contiguous_strides(t.sizes());
  Operand in{t.data_ptr(), t.dtype(), t.strides().data()}, o{buf, dtype, strides.data()};
  run_elementwise_raw(a, convert_op, 0, t.ndim(), t.sizes().data(), o, &in, 1, KernelScalars());
  return buf;
}

template <bool kLog>
void softmax_backward(KernelArgs& a) {
  using Op = ops::_softmax_backward_data_out;
  TensorView grad = a.tensor(Op::grad_output), output = a.tensor(Op::output), gi = a.tensor(Op::grad_input);
  const SoftmaxShape s = shape_of(output, a.int_(Op::dim));
  if (s.outer * s.dim * s.inner == 0) return;
  const int32_t dt = gi.dtype();
  SmParams p{dense_as(a, output, dt), dense_as(a, grad, dt), nullptr, s.outer, s.dim, s.inner};
  DenseOutput out(a, gi);
  p.y = out.data();
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  const Program& prog = softmax_program(device, dt, dt, kLog, true, 1);
  void* args[] = {&p};
  const char* name = kLog ? "_log_softmax_backward_data" : "_softmax_backward_data";
  if (s.inner == 1) {
    const int lanes = s.dim <= 1024 ? 32 : 256;
    const int rows_per_block = lanes == 32 ? 8 : 1;
    launch(prog.kernel(0), dim3(blocks_for(s.outer, rows_per_block)), dim3(lanes, rows_per_block), 0, stream, args,
           device, name);
  } else {
    launch(prog.kernel(1), dim3(blocks_for(s.outer * s.inner, 256)), dim3(256), 0, stream, args, device, name);
  }
  out.commit();
}

// ---- nll_loss ----
struct NlParams {  // kernels/loss.cuh nl_params
  const void* x;
  const void* target;
  const void* weight;
  const void* grad_out;
  const void* total_weight;
  void* out;
  void* total_out;
  int64_t n, c;
  int64_t ignore_index;
  int32_t reduction;
  int32_t per_sample;
  void* err;
  int32_t site;
  int32_t pad;
};

const Program& loss_program(int device, int32_t dtype, int32_t target_dtype) {
  EMBER_SDK_CHECK(target_dtype == EMBER_DTYPE_INT64 || target_dtype == EMBER_DTYPE_UINT8, EMBER_ERROR_TYPE,
                  "expected target of dtype int64, got ", ember::sdk::dtype_name(target_dtype));
  static const uint32_t family = family_id("nll_loss");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype) | static_cast<uint32_t>(target_dtype) << 8;
  key.arch = device_arch(device);
  return get_program(key, "nll_loss", {"nl_forward_none", "nl_forward_reduce", "nl_backward"}, [&] {
    return typed_family_source(sources::loss, dtype, dtype,
                               concat("typedef ", device_type_name(target_dtype), " T_TGT;\n"));
  });
}

void nll_loss_forward(KernelArgs& a) {
  using Op = ops::nll_loss_forward_output;
  TensorView self = a.tensor(Op::self), target = a.tensor(Op::target), output = a.tensor(Op::output),
             total = a.tensor(Op::total_weight);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  static const int site = register_site("nll_loss");
  NlParams p{};
  p.x = dense_input(a, self);
  p.target = dense_input(a, target);
  p.weight = weight ? dense_input(a, *weight) : nullptr;
  p.n = target.numel();
  p.c = self.ndim() ? self.size(-1) : 1;
  p.ignore_index = a.int_(Op::ignore_index);
  p.reduction = static_cast<int32_t>(a.int_(Op::reduction));
  p.per_sample = p.reduction == 0 && self.ndim() == 2;
  p.err = device_error_record(a.device_index());
  p.site = site;
  EMBER_SDK_CHECK(self.numel() == p.n * p.c, EMBER_ERROR_VALUE, "expected ", p.n, " samples of ", p.c,
                  " classes, got input of ", self.numel(), " elements");
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  const Program& prog = loss_program(device, self.dtype(), target.dtype());
  DenseOutput out(a, output), tw(a, total);
  p.out = out.data();
  p.total_out = tw.data();
  void* args[] = {&p};
  if (p.per_sample) {
    if (p.n > 0) launch(prog.kernel(0), dim3(blocks_for(p.n, 256)), dim3(256), 0, stream, args, device, "nll_loss");
    DeviceScope scope(device);
    EMBER_CUDA_CHECK(cudaMemsetAsync(tw.data(), 0, total.element_size(), stream), "cudaMemsetAsync", device);
  } else {
    launch(prog.kernel(1), dim3(1), dim3(256), 0, stream, args, device, "nll_loss");
  }
  out.commit();
  tw.commit();
}

void nll_loss_backward(KernelArgs& a) {
  using Op = ops::nll_loss_backward_grad_input;
  TensorView grad = a.tensor(Op::grad_output), self = a.tensor(Op::self), target = a.tensor(Op::target),
             total = a.tensor(Op::total_weight), gi = a.tensor(Op::grad_input);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  static const int site = register_site("nll_loss_backward");
  NlParams p{};
  p.grad_out = dense_input(a, grad);
  p.target = dense_input(a, target);
  p.weight = weight ? dense_input(a, *weight) : nullptr;
  p.total_weight = dense_input(a, total);
  p.n = target.numel();
  p.c = self.ndim() ? self.size(-1) : 1;
  p.ignore_index = a.int_(Op::ignore_index);
  p.reduction = static_cast<int32_t>(a.int_(Op::reduction));
  p.per_sample = p.reduction == 0 && self.ndim() == 2;
  p.err = device_error_record(a.device_index());
  p.site = site;
  EMBER_SDK_CHECK(gi.numel() == p.n * p.c, EMBER_ERROR_VALUE, "expected ", p.n, " samples of ", p.c,
                  " classes, got input of ", gi.numel(), " elements");
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  DenseOutput out(a, gi);
  p.out = out.data();
  {
    DeviceScope scope(device);
    EMBER_CUDA_CHECK(cudaMemsetAsync(out.data(), 0, static_cast<size_t>(gi.numel()) * gi.element_size(), stream),
                     "cudaMemsetAsync", device);
  }
  if (p.n > 0) {
    const Program& prog = loss_program(device, gi.dtype(), target.dtype());
    void* args[] = {&p};
    launch(prog.kernel(2), dim3(blocks_for(p.n, 256)), dim3(256), 0, stream, args, device, "nll_loss_backward");
  }
  out.commit();
}

}  // namespace

void register_softmax_loss_kernels(Registrar& reg) {
  reg.kernel<ops::_softmax_out>(kDevice, kFloatingDTypes, softmax<false>);
  reg.kernel<ops::_log_softmax_out>(kDevice, kFloatingDTypes, softmax<true>);
  reg.kernel<ops::_softmax_backward_data_out>(kDevice, kFloatingDTypes, softmax_backward<false>);
  reg.kernel<ops::_log_softmax_backward_data_out>(kDevice, kFloatingDTypes, softmax_backward<true>);
  reg.kernel<ops::nll_loss_forward_output>(kDevice, kFloatingDTypes, nll_loss_forward);
  reg.kernel<ops::nll_loss_backward_grad_input>(kDevice, kFloatingDTypes, nll_loss_backward);
}

}  // namespace ember_cuda
