// 2-d pooling over [N, C, H, W] or [C, H, W] (kernels/pool.cuh): max_pool2d_with_indices,
// avg_pool2d, _adaptive_avg_pool2d and their backward, with the CPU plugin's semantics. Output
// sizes come from the out views (the core computed them, ceil_mode included). The backward
// kernels gather over the windows covering each input element: deterministic, no atomics (max
// pooling's backward also honours indices outside their windows, and rejects ones outside the
// plane, as the CPU plugin: pool.cuh, pl_max_backward_fixup).
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "dense.h"
#include "device_errors.h"
#include "kernel_families.h"
#include "kernel_sources.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::dtype_bit;
using ember::sdk::kAllButBool;
using ember::sdk::kFloatingDTypes;

struct PlParams {  // kernels/pool.cuh pl_params
  const void* in;
  void* out;
  void* indices;
  int64_t planes, h, w, oh, ow;
  int32_t kh, kw, sh, sw, ph, pw, dh, dw;
  int32_t count_include_pad;
  int32_t pad;
  int64_t divisor_override;
};

const Program& pool_program(int device, int32_t dtype) {
  static const uint32_t family = family_id("pool");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype);
  key.arch = device_arch(device);
  return get_program(key, "pool",
                     {"pl_max_forward", "pl_max_backward", "pl_avg_forward", "pl_avg_backward", "pl_adaptive_forward",
                      "pl_adaptive_backward", "pl_max_backward_fixup"},
                     [&] {
                       const char* acc = dtype == EMBER_DTYPE_FLOAT64 ? "double"
                                         : ember::sdk::is_floating(dtype) ? "float"
                                                                          : "i64";
                       return typed_family_source(sources::pool, dtype, dtype, concat("#define PL_ACC ", acc, "\n"));
                     });
}

// Planes, input and output plane sizes from self (3-d or 4-d) and the pooled tensor.
void set_geometry(PlParams& p, const TensorView& self, const TensorView& pooled) {
  const int32_t nd = self.ndim();
  EMBER_SDK_CHECK(nd == 3 || nd == 4, EMBER_ERROR_VALUE, "expected 3-d or 4-d input, got ", nd, " dims");
  p.planes = 1;
  for (int32_t d = 0; d < nd - 2; ++d) p.planes *= self.size(d);
  p.h = self.size(nd - 2);
  p.w = self.size(nd - 1);
  p.oh = pooled.size(nd - 2);
  p.ow = pooled.size(nd - 1);
}

// A list of 1 or 2 ints; empty: the fallback (stride = kernel size).
void pair_of(ember::sdk::IntList list, int64_t fh, int64_t fw, int32_t* h, int32_t* w) {
  if (list.empty()) {
    *h = static_cast<int32_t>(fh);
    *w = static_cast<int32_t>(fw);
  } else {
    *h = static_cast<int32_t>(list[0]);
    *w = static_cast<int32_t>(list.size() == 1 ? list[0] : list[1]);
  }
}

void run(const KernelArgs& a, int kernel, PlParams& p, int64_t items, const char* op) {
  if (items == 0) return;
  void* args[] = {&p};
  launch(pool_program(a.device_index(), a.tensor(0).dtype()).kernel(kernel), dim3(blocks_for(items, 256)), dim3(256),
         0, to_cuda(a.stream()), args, a.device_index(), op);
}

void max_pool2d(KernelArgs& a) {
  using Op = ops::max_pool2d_with_indices_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out), idx = a.tensor(Op::indices);
  PlParams p{};
  set_geometry(p, self, out);
  pair_of(a.int_list(Op::kernel_size), 1, 1, &p.kh, &p.kw);
  pair_of(a.int_list(Op::stride), p.kh, p.kw, &p.sh, &p.sw);
  pair_of(a.int_list(Op::padding), 0, 0, &p.ph, &p.pw);
  pair_of(a.int_list(Op::dilation), 1, 1, &p.dh, &p.dw);
  p.in = dense_input(a, self);
  DenseOutput y(a, out), i(a, idx);
  p.out = y.data();
  p.indices = i.data();
  run(a, 0, p, p.planes * p.oh * p.ow, "max_pool2d_with_indices");
  y.commit();
  i.commit();
}

void max_pool2d_backward(KernelArgs& a) {
  using Op = ops::max_pool2d_with_indices_backward_grad_input;
  TensorView grad = a.tensor(Op::grad_output), self = a.tensor(Op::self), gi = a.tensor(Op::grad_input);
  PlParams p{};
  set_geometry(p, self, grad);
  pair_of(a.int_list(Op::kernel_size), 1, 1, &p.kh, &p.kw);
  pair_of(a.int_list(Op::stride), p.kh, p.kw, &p.sh, &p.sw);
  pair_of(a.int_list(Op::padding), 0, 0, &p.ph, &p.pw);
  pair_of(a.int_list(Op::dilation), 1, 1, &p.dh, &p.dw);
  p.in = dense_input(a, grad);
  p.indices = const_cast<void*>(dense_input(a, a.tensor(Op::indices)));
  DenseOutput out(a, gi);
  p.out = out.data();
  run(a, 1, p, p.planes * p.h * p.w, "max_pool2d_with_indices_backward");
  if (p.planes > 0 && p.oh * p.ow > 0) {
    // Indices outside their windows (not from the forward) or outside the plane: pool.cuh.
    void* err = device_error_record(a.device_index());
    int site = register_site("max_pool2d_with_indices_backward");
    void* args[] = {&p, &err, &site};
    launch(pool_program(a.device_index(), gi.dtype()).kernel(6), dim3(static_cast<unsigned>(p.planes)), dim3(256), 0,
           to_cuda(a.stream()), args, a.device_index(), "max_pool2d_with_indices_backward");
  }
  out.commit();
}

void avg_params(const KernelArgs& a, PlParams& p, int ks, int st, int pd, int cip, int div) {
  pair_of(a.int_list(ks), 1, 1, &p.kh, &p.kw);
  pair_of(a.int_list(st), p.kh, p.kw, &p.sh, &p.sw);
  pair_of(a.int_list(pd), 0, 0, &p.ph, &p.pw);
  p.dh = p.dw = 1;
  p.count_include_pad = a.bool_(cip) ? 1 : 0;
  const std::optional<int64_t> d = a.optional_int(div);
  EMBER_SDK_CHECK(!d || *d != 0, EMBER_ERROR_VALUE, "divisor must be not zero");
  p.divisor_override = d ? *d : 0;
}

void avg_pool2d(KernelArgs& a) {
  using Op = ops::avg_pool2d_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out);
  PlParams p{};
  set_geometry(p, self, out);
  avg_params(a, p, Op::kernel_size, Op::stride, Op::padding, Op::count_include_pad, Op::divisor_override);
  p.in = dense_input(a, self);
  DenseOutput y(a, out);
  p.out = y.data();
  run(a, 2, p, p.planes * p.oh * p.ow, "avg_pool2d");
  y.commit();
}

void avg_pool2d_backward(KernelArgs& a) {
  using Op = ops::avg_pool2d_backward_grad_input;
  TensorView grad = a.tensor(Op::grad_output), self = a.tensor(Op::self), gi = a.tensor(Op::grad_input);
  PlParams p{};
  set_geometry(p, self, grad);
  avg_params(a, p, Op::kernel_size, Op::stride, Op::padding, Op::count_include_pad, Op::divisor_override);
  p.in = dense_input(a, grad);
  DenseOutput out(a, gi);
  p.out = out.data();
  run(a, 3, p, p.planes * p.h * p.w, "avg_pool2d_backward");
  out.commit();
}

void adaptive_avg_pool2d(KernelArgs& a) {
  using Op = ops::_adaptive_avg_pool2d_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out);
  PlParams p{};
  set_geometry(p, self, out);
  p.in = dense_input(a, self);
  DenseOutput y(a, out);
  p.out = y.data();
  run(a, 4, p, p.planes * p.oh * p.ow, "adaptive_avg_pool2d");
  y.commit();
}

void adaptive_avg_pool2d_backward(KernelArgs& a) {
  using Op = ops::_adaptive_avg_pool2d_backward_out;
  TensorView grad = a.tensor(Op::grad_output), self = a.tensor(Op::self), gi = a.tensor(Op::out);
  PlParams p{};
  set_geometry(p, self, grad);
  p.in = dense_input(a, grad);
  DenseOutput out(a, gi);
  p.out = out.data();
  run(a, 5, p, p.planes * p.h * p.w, "adaptive_avg_pool2d_backward");
  out.commit();
}

}  // namespace

void register_pool_kernels(Registrar& reg) {
  const uint32_t avg = kFloatingDTypes | dtype_bit(EMBER_DTYPE_INT64);
  reg.kernel<ops::max_pool2d_with_indices_out>(kDevice, kAllButBool, max_pool2d);
  reg.kernel<ops::max_pool2d_with_indices_backward_grad_input>(kDevice, kFloatingDTypes, max_pool2d_backward);
  reg.kernel<ops::avg_pool2d_out>(kDevice, avg, avg_pool2d);
  reg.kernel<ops::avg_pool2d_backward_grad_input>(kDevice, avg, avg_pool2d_backward);
  reg.kernel<ops::_adaptive_avg_pool2d_out>(kDevice, kFloatingDTypes, adaptive_avg_pool2d);
  reg.kernel<ops::_adaptive_avg_pool2d_backward_out>(kDevice, kFloatingDTypes, adaptive_avg_pool2d_backward);
}

}  // namespace ember_cuda
