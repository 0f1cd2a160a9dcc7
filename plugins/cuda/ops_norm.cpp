// native_batch_norm and native_layer_norm, forward and backward (kernels/batch_norm.cuh,
// kernels/layer_norm.cuh), with the CPU plugin's formulas:
//   batch norm over [N, C, *]: training uses the batch mean and biased variance and saves mean and
//   invstd = 1 / sqrt(var + eps); eval uses the running statistics (the core, not the kernel,
//   updates running statistics); backward as PyTorch's CPU kernel (see batch_norm.cuh).
//   layer norm over the trailing normalized_shape: mean / rstd per row; grad_weight and grad_bias
//   are column sums taken with the reduction engine.
// Per-channel parameters and statistics travel as double arrays (dense.h), so any dtype works.
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "dense.h"
#include "kernel_families.h"
#include "kernel_sources.h"
#include "launcher.h"
#include "reduce.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kFloatingDTypes;

struct BnParams {  // kernels/batch_norm.cuh bn_params
  const void* a;
  const void* b;
  void* out;
  int64_t n, c, s;
  int64_t chunk_len, n_chunks;
  double* partial;
  double* mean;
  double* invstd;
  const double* var;
  const double* weight;
  const double* bias;
  double* k1;
  double* k2;
  double* k3;
  double* grad_weight;
  double* grad_bias;
  double eps;
  int32_t training;
  int32_t raw_f32;
  const void* raw_weight;
  const void* raw_bias;
  const void* raw_mean;
  const void* raw_var;
  const void* raw_invstd;
  void* out_mean;
  void* out_invstd;
  void* out_grad_weight;
  void* out_grad_bias;
  Divider div_s;
  Divider div_c;
  uint32_t total32;
  uint32_t pad2;
};
static_assert(sizeof(BnParams) == 272, "bn_params layout");

// raw_f32 bits (kernels/batch_norm.cuh BN_*).
enum RawArray : int32_t {
  kWeight = 1, kBias = 2, kMean = 4, kVar = 8, kInvstd = 16,
  kOutMean = 32, kOutInvstd = 64, kOutGradWeight = 128, kOutGradBias = 256,
};

// Per-channel arrays the kernels use in place when they are contiguous [C] arrays of the data's
// dtype or of float32 (autocast's float32 parameters of float16 / bfloat16 data): each saves a
// conversion launch, about seven per training batch norm. Others go through double arrays.
bool in_place_ok(const TensorView& t, const TensorView& input, int64_t c) {
  return (t.dtype() == input.dtype() || t.dtype() == EMBER_DTYPE_FLOAT32) && t.ndim() == 1 && t.size(0) == c &&
         (c <= 1 || t.stride(0) == 1);
}
// An input array: in place (raw, with its raw_f32 bit), else converted to a double array.
void bind_input(const KernelArgs& a, BnParams& p, const TensorView& t, const TensorView& input, RawArray bit,
                const void** raw, const double** converted) {
  if (in_place_ok(t, input, p.c)) {
    *raw = t.data_ptr();
    if (t.dtype() != input.dtype()) p.raw_f32 |= bit;
  } else {
    *converted = to_double_array(a, t);
  }
}
// An output array: in place when it can be, else `fallback` (a double array converted after).
void bind_output(BnParams& p, const TensorView& t, const TensorView& input, RawArray bit, void** raw, double** converted,
                 double* fallback) {
  if (in_place_ok(t, input, p.c)) {
    *raw = t.data_ptr();
    if (t.dtype() != input.dtype()) p.raw_f32 |= bit;
  } else {
    *converted = fallback;
  }
}

const Program& bn_program(int device, int32_t dtype) {
  static const uint32_t family = family_id("batch_norm");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype);
  key.arch = device_arch(device);
  return get_program(key, "batch_norm",
                     {"bn_stats", "bn_finish_stats", "bn_bwd_sums", "bn_finish_bwd", "bn_apply", "bn_apply_flat"},
                     [&] { return typed_family_source(sources::batch_norm, dtype, dtype); });
}

// Chunks per channel: about 2,048 blocks in all (enough loads in flight to fill an H100's memory
// bandwidth) when the channels are few, at least 2,048 elements each; fixed by the shape, so the
// statistics do not depend on the device.
void set_chunks(BnParams& p) {
  const int64_t m = p.n * p.s;
  int64_t chunks = std::max<int64_t>(1, std::min<int64_t>((2048 + p.c - 1) / p.c, m / 2048));
  int64_t len = (m + chunks - 1) / chunks;
  len = std::max<int64_t>(1024, (len + 1023) / 1024 * 1024);
  p.chunk_len = len;
  p.n_chunks = std::max<int64_t>(1, (m + len - 1) / len);
}

// out = a * k1[c] + b * k2[c] + k3[c] over the whole tensor: flat blocks when the index fits 32
// bits (every block full whatever the plane size), else a block per plane chunk.
void launch_apply(const Program& prog, BnParams& p, cudaStream_t stream, void** args, int device, const char* name) {
  const int64_t total = p.n * p.c * p.s;
  if (total < (int64_t(1) << 31)) {
    p.div_s = make_divider(static_cast<uint32_t>(p.s));
    p.div_c = make_divider(static_cast<uint32_t>(p.c));
    p.total32 = static_cast<uint32_t>(total);
    launch(prog.kernel(5), dim3(blocks_for(total, 1024)), dim3(256), 0, stream, args, device, name);
    return;
  }
  launch(prog.kernel(4), dim3(static_cast<unsigned>(p.n * p.c), blocks_for(p.s, 1024)), dim3(256), 0, stream, args,
         device, name);
}

int64_t spatial_of(const TensorView& t) {
  int64_t s = 1;
  for (int32_t d = 2; d < t.ndim(); ++d) s *= t.size(d);
  return s;
}

void batch_norm(KernelArgs& a) {
  using Op = ops::native_batch_norm_out;
  TensorView input = a.tensor(Op::input), out = a.tensor(Op::out);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight), bias = a.optional_tensor(Op::bias),
                                  running_mean = a.optional_tensor(Op::running_mean),
                                  running_var = a.optional_tensor(Op::running_var);
  const bool training = a.bool_(Op::training);
  EMBER_SDK_CHECK(input.ndim() >= 2, EMBER_ERROR_VALUE, "expected input with at least 2 dims, got ", input.ndim());
  EMBER_SDK_CHECK(training || (running_mean && running_var), EMBER_ERROR_VALUE,
                  "running_mean and running_var must be defined in evaluation mode");
  if (input.numel() == 0) return;
  BnParams p{};
  p.n = input.size(0);
  p.c = input.size(1);
  p.s = spatial_of(input);
  p.eps = a.double_(Op::eps);
  p.training = training ? 1 : 0;
  if (weight) bind_input(a, p, *weight, input, kWeight, &p.raw_weight, &p.weight);
  if (bias) bind_input(a, p, *bias, input, kBias, &p.raw_bias, &p.bias);
  const size_t cbytes = static_cast<size_t>(p.c) * sizeof(double);
  double* coeffs = static_cast<double*>(a.scratch(5 * cbytes));
  p.k1 = coeffs;
  p.k2 = coeffs + p.c;
  p.k3 = coeffs + 2 * p.c;
  const TensorView save_mean = a.tensor(Op::save_mean), save_invstd = a.tensor(Op::save_invstd);
  if (training) {
    bind_output(p, save_mean, input, kOutMean, &p.out_mean, &p.mean, coeffs + 3 * p.c);
    bind_output(p, save_invstd, input, kOutInvstd, &p.out_invstd, &p.invstd, coeffs + 4 * p.c);
  } else {
    const double* mean = nullptr;
    bind_input(a, p, *running_mean, input, kMean, &p.raw_mean, &mean);
    p.mean = const_cast<double*>(mean);
    bind_input(a, p, *running_var, input, kVar, &p.raw_var, &p.var);
  }
  set_chunks(p);
  if (training) p.partial = static_cast<double*>(a.scratch(static_cast<size_t>(p.c * p.n_chunks) * 3 * sizeof(double)));
  p.a = dense_input(a, input);
  DenseOutput y(a, out);
  p.out = y.data();
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  const Program& prog = bn_program(device, input.dtype());
  void* args[] = {&p};
  if (training)
    launch(prog.kernel(0), dim3(static_cast<unsigned>(p.c), static_cast<unsigned>(p.n_chunks)), dim3(256), 0, stream,
           args, device, "native_batch_norm");
  launch(prog.kernel(1), dim3(blocks_for(p.c, 256)), dim3(256), 0, stream, args, device, "native_batch_norm");
  launch_apply(prog, p, stream, args, device, "native_batch_norm");
  y.commit();
  if (training && p.mean) from_double_array(a, p.mean, save_mean);
  if (training && p.invstd) from_double_array(a, p.invstd, save_invstd);
}

void batch_norm_backward(KernelArgs& a) {
  using Op = ops::native_batch_norm_backward_out;
  TensorView grad = a.tensor(Op::grad_out), input = a.tensor(Op::input);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const bool train = a.bool_(Op::train);
  const ember::sdk::IntList mask = a.int_list(Op::output_mask);
  EMBER_SDK_CHECK(mask.size() == 3, EMBER_ERROR_VALUE, "output_mask must have 3 elements, got ", mask.size());
  const bool want[3] = {mask[0] != 0, mask[1] != 0, mask[2] != 0};
  EMBER_SDK_CHECK(input.ndim() >= 2, EMBER_ERROR_VALUE, "expected input with at least 2 dims, got ", input.ndim());
  BnParams p{};
  p.n = input.size(0);
  p.c = input.size(1);
  p.s = spatial_of(input);
  p.eps = a.double_(Op::eps);
  p.training = train ? 1 : 0;
  if (p.c == 0) return;
  // Per-channel inputs as the forward reads them (bind_input).
  const double* mean = nullptr;
  const double* invstd = nullptr;
  if (train) {
    const std::optional<TensorView> sm = a.optional_tensor(Op::save_mean), si = a.optional_tensor(Op::save_invstd);
    EMBER_SDK_CHECK(sm && si, EMBER_ERROR_VALUE, "save_mean and save_invstd must be defined when train is true");
    bind_input(a, p, *sm, input, kMean, &p.raw_mean, &mean);
    bind_input(a, p, *si, input, kInvstd, &p.raw_invstd, &invstd);
  } else {
    const std::optional<TensorView> rm = a.optional_tensor(Op::running_mean), rv = a.optional_tensor(Op::running_var);
    EMBER_SDK_CHECK(rm && rv, EMBER_ERROR_VALUE, "running_mean and running_var must be defined when train is false");
    bind_input(a, p, *rm, input, kMean, &p.raw_mean, &mean);
    bind_input(a, p, *rv, input, kVar, &p.raw_var, &p.var);
  }
  p.mean = const_cast<double*>(mean);  // read-only in the backward kernels
  p.invstd = const_cast<double*>(invstd);
  if (weight) bind_input(a, p, *weight, input, kWeight, &p.raw_weight, &p.weight);
  const size_t cbytes = static_cast<size_t>(p.c) * sizeof(double);
  double* work = static_cast<double*>(a.scratch(5 * cbytes));
  p.k1 = work;
  p.k2 = work + p.c;
  p.k3 = work + 2 * p.c;
  const TensorView grad_weight = a.tensor(Op::out1), grad_bias = a.tensor(Op::out2);
  if (want[1]) bind_output(p, grad_weight, input, kOutGradWeight, &p.out_grad_weight, &p.grad_weight, work + 3 * p.c);
  if (want[2]) bind_output(p, grad_bias, input, kOutGradBias, &p.out_grad_bias, &p.grad_bias, work + 4 * p.c);
  const bool need_sums = want[1] || want[2] || (want[0] && train);
  set_chunks(p);
  if (!need_sums || p.n * p.s == 0) p.n_chunks = 0;
  if (p.n_chunks > 0) p.partial = static_cast<double*>(a.scratch(static_cast<size_t>(p.c * p.n_chunks) * 3 * sizeof(double)));
  p.a = dense_input(a, grad);
  p.b = dense_input(a, input);
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  const Program& prog = bn_program(device, input.dtype());
  void* args[] = {&p};
  const char* name = "native_batch_norm_backward";
  if (p.n_chunks > 0)
    launch(prog.kernel(2), dim3(static_cast<unsigned>(p.c), static_cast<unsigned>(p.n_chunks)), dim3(256), 0, stream,
           args, device, name);
  launch(prog.kernel(3), dim3(blocks_for(p.c, 256)), dim3(256), 0, stream, args, device, name);
  if (want[0] && input.numel() > 0) {
    DenseOutput gi(a, a.tensor(Op::out0));
    p.out = gi.data();
    launch_apply(prog, p, stream, args, device, name);
    gi.commit();
  }
  if (p.grad_weight) from_double_array(a, p.grad_weight, grad_weight);
  if (p.grad_bias) from_double_array(a, p.grad_bias, grad_bias);
}

// ---- layer norm ----
struct LnParams {  // kernels/layer_norm.cuh ln_params
  const void* x;
  const void* grad;
  const void* weight;
  const void* bias;
  void* y;
  double* mean;
  double* rstd;
  int64_t m, n;
  double eps;
};

const Program& ln_program(int device, int32_t dtype) {
  static const uint32_t family = family_id("layer_norm");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype);
  key.arch = device_arch(device);
  return get_program(key, "layer_norm", {"ln_forward", "ln_backward_input", "ln_xhat_grad"},
                     [&] { return typed_family_source(sources::layer_norm, dtype, dtype); });
}

void rows_cols(const TensorView& input, int64_t normalized_dims, int64_t* m, int64_t* n) {
  const int64_t axis = input.ndim() - normalized_dims;
  EMBER_SDK_CHECK(axis >= 0, EMBER_ERROR_VALUE, "normalized_shape has more dims than the input");
  *m = 1;
  *n = 1;
  for (int64_t d = 0; d < input.ndim(); ++d) (d < axis ? *m : *n) *= input.size(d);
}

void layer_norm(KernelArgs& a) {
  using Op = ops::native_layer_norm_out;
  TensorView input = a.tensor(Op::input);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight), bias = a.optional_tensor(Op::bias);
  LnParams p{};
  rows_cols(input, a.int_list(Op::normalized_shape).size(), &p.m, &p.n);
  if (p.m == 0) return;
  p.eps = a.double_(Op::eps);
  p.x = dense_input(a, input);
  p.weight = weight ? dense_input(a, *weight) : nullptr;
  p.bias = bias ? dense_input(a, *bias) : nullptr;
  p.mean = static_cast<double*>(a.scratch(static_cast<size_t>(p.m) * 2 * sizeof(double)));
  p.rstd = p.mean + p.m;
  DenseOutput y(a, a.tensor(Op::out0));
  p.y = y.data();
  const int device = a.device_index();
  void* args[] = {&p};
  launch(ln_program(device, input.dtype()).kernel(0), dim3(static_cast<unsigned>(p.m)), dim3(256), 0,
         to_cuda(a.stream()), args, device, "native_layer_norm");
  y.commit();
  from_double_array(a, p.mean, a.tensor(Op::out1));
  from_double_array(a, p.rstd, a.tensor(Op::out2));
}

// A [m, n] (or [n]) dense view for the reduction engine.
struct View2 {
  ember_tensor_view v{};
  int64_t sizes[2];
  int64_t strides[2];
  View2(void* data, int32_t dtype, int device_type, int device, int64_t m, int64_t n, bool two_d) {
    sizes[0] = two_d ? m : n;
    sizes[1] = n;
    strides[0] = two_d ? n : 1;
    strides[1] = 1;
    v.data = data;
    v.sizes = sizes;
    v.strides = strides;
    v.ndim = two_d ? 2 : 1;
    v.dtype = dtype;
    v.device_type = device_type;
    v.device_index = device;
  }
  TensorView view() const { return TensorView(v); }
};

void layer_norm_backward(KernelArgs& a) {
  using Op = ops::native_layer_norm_backward_out;
  TensorView grad = a.tensor(Op::grad_out), input = a.tensor(Op::input);
  const std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const ember::sdk::IntList mask = a.int_list(Op::output_mask);
  EMBER_SDK_CHECK(mask.size() == 3, EMBER_ERROR_VALUE, "output_mask must have 3 elements, got ", mask.size());
  LnParams p{};
  rows_cols(input, a.int_list(Op::normalized_shape).size(), &p.m, &p.n);
  const int32_t dt = input.dtype();
  p.x = dense_input(a, input);
  p.grad = dense_input(a, grad);
  p.weight = weight ? dense_input(a, *weight) : nullptr;
  const int device = a.device_index();
  cudaStream_t stream = to_cuda(a.stream());
  if (p.m > 0 && p.n > 0) {
    p.mean = to_double_array(a, a.tensor(Op::mean));
    p.rstd = to_double_array(a, a.tensor(Op::rstd));
  }
  const Program* prog = p.m > 0 ? &ln_program(device, dt) : nullptr;
  void* args[] = {&p};
  if (mask[0] != 0 && p.m > 0) {
    DenseOutput gi(a, a.tensor(Op::out0));
    p.y = gi.data();
    launch(prog->kernel(1), dim3(static_cast<unsigned>(p.m)), dim3(256), 0, stream, args, device,
           "native_layer_norm_backward");
    gi.commit();
  }
  const int32_t dev_type = grad.device_type();
  if (mask[1] != 0) {
    // grad * xhat in the compute type (float, double for float64), summed over rows in it, then
    // converted: the column sums of float16 / bfloat16 products keep float's precision.
    const int32_t ct = dt == EMBER_DTYPE_FLOAT64 ? EMBER_DTYPE_FLOAT64 : EMBER_DTYPE_FLOAT32;
    const size_t ct_size = ct == EMBER_DTYPE_FLOAT64 ? sizeof(double) : sizeof(float);
    TensorView gw_out = a.tensor(Op::out1);
    void* xg = a.scratch(static_cast<size_t>(std::max<int64_t>(p.m * p.n, 1)) * ct_size);
    if (p.m * p.n > 0) {
      p.y = xg;
      launch(prog->kernel(2), dim3(blocks_for(p.m * p.n, 256)), dim3(256), 0, stream, args, device,
             "native_layer_norm_backward");
    }
    void* sums = a.scratch(static_cast<size_t>(std::max<int64_t>(p.n, 1)) * ct_size);
    View2 src(xg, ct, dev_type, device, p.m, p.n, true), dst(sums, ct, dev_type, device, 0, p.n, false);
    run_reduce(a, ReduceKind::Sum, src.view(), 1ull, dst.view());
    from_array(a, sums, ct, gw_out);
  }
  if (mask[2] != 0) {
    DenseOutput gb(a, a.tensor(Op::out2));
    View2 src(const_cast<void*>(p.grad), dt, dev_type, device, p.m, p.n, true),
        dst(gb.data(), dt, dev_type, device, 0, p.n, false);
    run_reduce(a, ReduceKind::Sum, src.view(), 1ull, dst.view());
    gb.commit();
  }
}

}  // namespace

void register_norm_kernels(Registrar& reg) {
  reg.kernel<ops::native_batch_norm_out>(kDevice, kFloatingDTypes, batch_norm);
  reg.kernel<ops::native_batch_norm_backward_out>(kDevice, kFloatingDTypes, batch_norm_backward);
  reg.kernel<ops::native_layer_norm_out>(kDevice, kFloatingDTypes, layer_norm);
  reg.kernel<ops::native_layer_norm_backward_out>(kDevice, kFloatingDTypes, layer_norm_backward);
}

}  // namespace ember_cuda
