// The elementwise engine (elementwise.h).
#include "elementwise.h"

#include <algorithm>
#include <cstring>

#include <ember/sdk/dtype_dispatch.h>

#include "device_errors.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

constexpr int kMaxDims = 16;     // E_MAXD in kernels/elementwise.cuh
constexpr int kMaxOperands = 4;  // out + 3 inputs
constexpr int kThreads = 256;    // E_THREADS
constexpr int kUnroll = 2;       // E_UNROLL

// Mirrors kernels/elementwise.cuh's e_params and e_strided_params byte for byte (Divider: launcher.h).
struct Params {
  void* out;
  const void* in[3];
  int64_t n;
  double d[4];
  int64_t i[4];
  void* err;
  int32_t site;
  int32_t scalar_mask;
  int32_t vec_ok;
  int32_t ndim;
  double imm_d[3];
  int64_t imm_i[3];
  int32_t imm_mask;
  int32_t pad;
};
static_assert(sizeof(Params) == 184, "e_params layout");
struct StridedParams {
  Params h;
  int64_t sizes[kMaxDims];
  int64_t strides[kMaxOperands][kMaxDims];
  Divider div[kMaxDims];
  uint32_t strides32[kMaxOperands][kMaxDims];
};

struct Geometry {
  int ndim = 0;
  int64_t sizes[kMaxDims];               // innermost first after coalescing
  int64_t strides[kMaxOperands][kMaxDims];
};

// Drops size-1 dims and merges dims that are contiguous for every operand; the result lists
// dims innermost first.
void coalesce(int32_t ndim, const int64_t* sizes, const Operand* ops, int nops, Geometry& g) {
  int64_t s[64];
  int64_t st[kMaxOperands][64];
  int n = 0;
  for (int d = ndim - 1; d >= 0; --d) {  // innermost first
    if (sizes[d] == 1) continue;
    s[n] = sizes[d];
    for (int k = 0; k < nops; ++k) st[k][n] = ops[k].strides ? ops[k].strides[d] : 0;
    ++n;
  }
  int m = 0;
  for (int d = 0; d < n; ++d) {
    if (m > 0) {
      bool mergeable = true;
      for (int k = 0; k < nops; ++k)
        if (st[k][d] != st[k][m - 1] * s[m - 1]) mergeable = false;
      if (mergeable) {
        s[m - 1] *= s[d];
        continue;
      }
    }
    s[m] = s[d];
    for (int k = 0; k < nops; ++k) st[k][m] = st[k][d];
    ++m;
  }
  EMBER_SDK_CHECK(m <= kMaxDims, EMBER_ERROR_NOT_IMPLEMENTED, "elementwise kernels take at most ", kMaxDims,
                  " non-mergeable dimensions, got ", m);
  g.ndim = m;
  for (int d = 0; d < m; ++d) {
    g.sizes[d] = s[d];
    for (int k = 0; k < nops; ++k) g.strides[k][d] = st[k][d];
  }
}

bool is_aligned(const void* p, size_t bytes) { return (reinterpret_cast<uintptr_t>(p) % bytes) == 0; }

// The value of a 0-d host tensor, as the kernel's compute type takes it (kernels/elementwise.cuh,
// e_in): floating dtypes as a double (exact for every one of them), the others as an int64.
void read_host_value(const TensorView& t, const char* op, Operand& o) {
  o.immediate = true;
  o.strides = nullptr;
  ember::sdk::dispatch(t.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    const T v = *static_cast<const T*>(t.data_ptr());
    if constexpr (ember::sdk::is_floating_v<T>) o.imm_d = static_cast<double>(static_cast<C>(v));
    else o.imm_i = static_cast<int64_t>(v);
  });
}

}  // namespace

void set_scalar(KernelScalars& scalars, int k, const ember::sdk::Scalar& s, int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_FLOAT64: scalars.d[k] = s.to<double>(); break;
    case EMBER_DTYPE_FLOAT32:
    case EMBER_DTYPE_FLOAT16:
    case EMBER_DTYPE_BFLOAT16: scalars.d[k] = static_cast<double>(s.to<float>()); break;
    case EMBER_DTYPE_BOOL: scalars.i[k] = s.to<bool>() ? 1 : 0; break;
    default: scalars.i[k] = s.kind == ember::sdk::Scalar::Kind::Bool ? (s.b ? 1 : 0) : s.to_int(); break;
  }
}

void run_elementwise_raw(const KernelArgs& a, const PointwiseOp& op, uint32_t variant, int32_t ndim,
                         const int64_t* sizes, const Operand& out, const Operand* inputs, int nin,
                         const KernelScalars& scalars) {
  int64_t n = 1;
  for (int d = 0; d < ndim; ++d) n *= sizes[d];
  if (n == 0) return;
  EMBER_SDK_CHECK(nin >= 1 && nin <= 3, EMBER_ERROR_RUNTIME, "elementwise: 1 to 3 inputs, got ", nin);
  if (op.id == 0) {
    op.site = register_site(op.name);
    op.id = family_id(concat("elementwise:", op.name).c_str());
  }
  const int device = a.device_index();
  ElementwiseSpec spec;
  spec.nin = nin;
  spec.out = out.dtype;
  for (int k = 0; k < nin; ++k) spec.in[k] = inputs[k].dtype;
  // The kernel of `kind` (and dims) for this op, dtypes and variant; compiled on first use.
  auto kernel_for = [&](int kind, int kernel_ndim) {
    ProgramKey key;
    key.family = op.id;
    key.a = static_cast<uint32_t>(spec.out) | static_cast<uint32_t>(spec.in[0]) << 8 |
            static_cast<uint32_t>(nin > 1 ? spec.in[1] : 0xFF) << 16 |
            static_cast<uint32_t>(nin > 2 ? spec.in[2] : 0xFF) << 24;
    key.b = variant;
    key.c = static_cast<uint32_t>(kind) | static_cast<uint32_t>(kernel_ndim) << 8;
    key.arch = device_arch(device);
    return get_program(key, op.name, {"e_kernel"}, [&] {
             ElementwiseSpec s = spec;
             s.kind = kind;
             s.ndim = kernel_ndim;
             s.body = op.body(spec, variant);
             return elementwise_source(s);
           }).kernel(0);
  };

  Operand ops[kMaxOperands];
  ops[0] = out;
  for (int k = 0; k < nin; ++k) ops[k + 1] = inputs[k];
  Geometry g;
  coalesce(ndim, sizes, ops, nin + 1, g);

  Params p;
  std::memset(&p, 0, sizeof p);
  p.out = out.data;
  // Slots the kernel never reads point at the output: never at host memory.
  for (int k = 0; k < 3; ++k) p.in[k] = k < nin && !inputs[k].immediate ? inputs[k].data : out.data;
  for (int k = 0; k < nin; ++k) {
    if (!inputs[k].immediate) continue;
    p.imm_mask |= 1 << k;
    p.imm_d[k] = inputs[k].imm_d;
    p.imm_i[k] = inputs[k].imm_i;
  }
  p.n = n;
  std::memcpy(p.d, scalars.d, sizeof p.d);
  std::memcpy(p.i, scalars.i, sizeof p.i);
  p.err = device_error_record(device);
  p.site = op.site;
  p.ndim = g.ndim;

  // Dense in one order: every non-broadcast operand has stride 1 over a single merged dim.
  // (With no dims left there is one element, which every operand holds at offset 0.)
  bool dense = g.ndim == 0 || (g.ndim == 1 && g.strides[0][0] == 1);
  int scalar_mask = 0;
  for (int k = 0; k < nin && dense && g.ndim == 1; ++k) {
    if (g.strides[k + 1][0] == 0) scalar_mask |= 1 << k;
    else if (g.strides[k + 1][0] != 1) dense = false;
  }
  cudaStream_t stream = to_cuda(a.stream());
  if (dense) {
    const int vec = elementwise_vector_width(spec);
    bool vec_ok = true;
    if (!is_aligned(out.data, ember::sdk::element_size(out.dtype) * vec)) vec_ok = false;
    for (int k = 0; k < nin; ++k)
      if (!((scalar_mask >> k) & 1) && !is_aligned(inputs[k].data, ember::sdk::element_size(inputs[k].dtype) * vec))
        vec_ok = false;
    p.scalar_mask = scalar_mask | p.imm_mask;  // also with no dims left (one element)
    p.vec_ok = vec_ok ? 1 : 0;
    void* args[] = {&p};
    launch(kernel_for(n <= 0x7FFFFFFF ? 0 : 1, 1), dim3(blocks_for(n, int64_t(kThreads) * vec * kUnroll)),
           dim3(kThreads), 0, stream, args, device, op.name);
    return;
  }

  StridedParams sp;
  std::memset(&sp, 0, sizeof sp);
  sp.h = p;
  bool fits32 = n <= 0x7FFFFFFF;
  for (int k = 0; k <= nin; ++k) {
    int64_t max_offset = 0;
    for (int d = 0; d < g.ndim; ++d) {
      if (g.strides[k][d] < 0) fits32 = false;
      max_offset += (g.sizes[d] - 1) * g.strides[k][d];
    }
    if (max_offset > 0x7FFFFFFF) fits32 = false;
  }
  for (int d = 0; d < g.ndim; ++d) {
    sp.sizes[d] = g.sizes[d];
    for (int k = 0; k <= nin; ++k) sp.strides[k][d] = g.strides[k][d];
    if (fits32) {
      sp.div[d] = make_divider(static_cast<uint32_t>(g.sizes[d]));
      for (int k = 0; k <= nin; ++k) sp.strides32[k][d] = static_cast<uint32_t>(g.strides[k][d]);
    }
  }
  void* args[] = {&sp};
  // Programs exist for dim bounds 3, 6 and 16 (fewer compilations than one per count).
  const int bound = g.ndim <= 3 ? 3 : g.ndim <= 6 ? 6 : kMaxDims;
  launch(kernel_for(fits32 ? 2 : 3, bound), dim3(blocks_for(n, int64_t(kThreads) * 4)), dim3(kThreads), 0, stream, args,
         device, op.name);
}

void run_elementwise(const KernelArgs& a, const PointwiseOp& op, uint32_t variant, const TensorView& out,
                     std::initializer_list<TensorView> inputs, const KernelScalars& scalars) {
  Operand ops_in[3];
  int nin = 0;
  const int32_t ndim = out.ndim();
  for (const TensorView& t : inputs) {
    Operand& o = ops_in[nin++];
    o.data = t.data_ptr();
    o.dtype = t.dtype();
    if (t.device_type() != cuda_device_type_id()) {
      // The host passes a 0-d host tensor, broadcast to out's shape (stride 0 everywhere).
      bool one_element = true;
      for (int d = 0; d < t.ndim(); ++d)
        if (t.size(d) != 1 && t.stride(d) != 0) one_element = false;
      EMBER_SDK_CHECK(one_element, EMBER_ERROR_VALUE, op.name,
                      ": an input in host memory must be one element (a 0-d tensor), got ", t.numel(), " elements");
      read_host_value(t, op.name, o);
      continue;
    }
    if (t.ndim() == ndim) {
      bool same = true;
      for (int d = 0; d < ndim; ++d)
        if (t.size(d) != out.size(d)) same = false;
      if (same) {
        o.strides = t.strides().data();
        continue;
      }
    }
    EMBER_SDK_CHECK(t.numel() == 1, EMBER_ERROR_VALUE, op.name, ": an input's shape does not match the output's");
    o.strides = nullptr;  // one element, broadcast
  }
  Operand o;
  o.data = out.data_ptr();
  o.dtype = out.dtype();
  o.strides = out.strides().data();
  run_elementwise_raw(a, op, variant, ndim, out.sizes().data(), o, ops_in, nin, scalars);
}

}  // namespace ember_cuda
