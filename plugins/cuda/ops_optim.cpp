// The multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_) on the GPU
// (kernels/optim.cuh): one launch per OPT_MAX_TENSORS parameters, where the per-tensor path costs
// two to five launches per parameter (a ResNet-50 SGD step: 4 launches instead of ~480). The
// parameters travel in the kernel's parameter block (OptParams mirrors opt_params), so a call
// makes no host-to-device copy. Formulas as the CPU plugin's kernels_optim.cpp.
//
// Stateless kernels; thread-safe.
#include <cmath>

#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "kernel_families.h"
#include "kernel_sources.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kFloatingDTypes;

constexpr int kMaxTensors = 48;        // OPT_MAX_TENSORS
constexpr int64_t kChunk = 65536;      // OPT_CHUNK
constexpr int kThreads = 512;

struct OptTensor {  // opt_tensor
  void* p;
  const void* g;
  void* s1;
  void* s2;
  void* s3;
  int64_t n;
  double step_size;
  double bc2_sqrt;
};

struct OptParams {  // opt_params
  OptTensor t[kMaxTensors];
  int32_t chunk_start[kMaxTensors + 1];
  int32_t count;
  int32_t flags;
  double lr, weight_decay, momentum, dampening, beta1, beta2, eps;
};
static_assert(sizeof(OptParams) <= 4096, "kernel parameters are limited to 4 KiB");

enum Flags : int32_t { kMaximize = 1, kNesterov = 2, kFirst = 4, kAmsgrad = 8, kDecoupled = 16 };

const Program& optim_program(int device, int32_t dtype) {
  static const uint32_t family = family_id("optim");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype);
  key.arch = device_arch(device);
  return get_program(key, "optim", {"fused_sgd", "fused_adam"},
                     [&] { return typed_family_source(sources::optim, dtype, dtype); });
}

// Fills the per-tensor part of `p` for parameters [first, first + count) (fill(i, t) sets t's
// pointers) and launches `kernel` over their chunks. Empty parameters take no chunk.
template <typename Fill>
void launch_batches(KernelArgs& a, int kernel, int64_t num_params, OptParams& p, const Fill& fill, const char* op) {
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  const Program& prog = optim_program(device, a.tensor_list(0)[0].dtype());
  for (int64_t first = 0; first < num_params;) {
    int count = 0;
    int64_t chunks = 0;
    for (; first < num_params && count < kMaxTensors; ++first) {
      OptTensor& t = p.t[count];
      t = OptTensor{};
      fill(first, t);
      if (t.n == 0) continue;
      const int64_t c = (t.n + kChunk - 1) / kChunk;
      if (chunks + c > INT32_MAX) break;
      p.chunk_start[count] = static_cast<int32_t>(chunks);
      chunks += c;
      ++count;
    }
    if (count == 0) continue;
    p.count = count;
    p.chunk_start[count] = static_cast<int32_t>(chunks);
    void* args[] = {&p};
    launch(prog.kernel(kernel), dim3(static_cast<unsigned>(chunks)), dim3(kThreads), 0, stream, args, device, op);
  }
}

void fused_sgd(KernelArgs& a) {
  using Op = ops::_fused_sgd_;
  const ember::sdk::TensorList params = a.tensor_list(Op::self), grads = a.tensor_list(Op::grads),
                               bufs = a.tensor_list(Op::momentum_buffer_list);
  OptParams p;
  p.lr = a.double_(Op::lr);
  p.weight_decay = a.double_(Op::weight_decay);
  p.momentum = a.double_(Op::momentum);
  p.dampening = a.double_(Op::dampening);
  p.beta1 = p.beta2 = p.eps = 0;
  p.flags = (a.bool_(Op::maximize) ? kMaximize : 0) | (a.bool_(Op::nesterov) ? kNesterov : 0) |
            (a.bool_(Op::is_first_step) ? kFirst : 0);
  const bool momentum = p.momentum != 0;
  launch_batches(a, 0, params.size(), p, [&](int64_t i, OptTensor& t) {
    t.p = params[i].data_ptr();
    t.g = grads[i].data_ptr();
    t.s1 = momentum ? bufs[i].data_ptr() : nullptr;
    t.n = params[i].numel();
  }, "_fused_sgd_");
}

void fused_adam_impl(KernelArgs& a, bool decoupled, const char* op) {
  using Op = ops::_fused_adam_;  // _fused_adamw_ has the same arguments (ops.yaml)
  const ember::sdk::TensorList params = a.tensor_list(Op::self), grads = a.tensor_list(Op::grads),
                               m1 = a.tensor_list(Op::exp_avgs), m2 = a.tensor_list(Op::exp_avg_sqs),
                               vmax = a.tensor_list(Op::max_exp_avg_sqs);
  const ember::sdk::IntList steps = a.int_list(Op::state_steps);
  OptParams p;
  p.lr = a.double_(Op::lr);
  p.beta1 = a.double_(Op::beta1);
  p.beta2 = a.double_(Op::beta2);
  p.weight_decay = a.double_(Op::weight_decay);
  p.eps = a.double_(Op::eps);
  p.momentum = p.dampening = 0;
  const bool amsgrad = a.bool_(Op::amsgrad);
  p.flags = (a.bool_(Op::maximize) ? kMaximize : 0) | (amsgrad ? kAmsgrad : 0) | (decoupled ? kDecoupled : 0);
  launch_batches(a, 1, params.size(), p, [&](int64_t i, OptTensor& t) {
    t.p = params[i].data_ptr();
    t.g = grads[i].data_ptr();
    t.s1 = m1[i].data_ptr();
    t.s2 = m2[i].data_ptr();
    t.s3 = amsgrad ? vmax[i].data_ptr() : nullptr;
    t.n = params[i].numel();
    const double step = static_cast<double>(steps[i]);
    t.step_size = -p.lr / (1 - std::pow(p.beta1, step));
    t.bc2_sqrt = std::sqrt(1 - std::pow(p.beta2, step));
  }, op);
}

void fused_adam(KernelArgs& a) { fused_adam_impl(a, false, "_fused_adam_"); }
void fused_adamw(KernelArgs& a) { fused_adam_impl(a, true, "_fused_adamw_"); }

}  // namespace

void register_optim_kernels(Registrar& reg) {
  reg.kernel<ops::_fused_sgd_>(kDevice, kFloatingDTypes, fused_sgd);
  reg.kernel<ops::_fused_adam_>(kDevice, kFloatingDTypes, fused_adam);
  reg.kernel<ops::_fused_adamw_>(kDevice, kFloatingDTypes, fused_adamw);
}

}  // namespace ember_cuda
