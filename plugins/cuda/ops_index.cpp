// Joining and indexing: cat, index_select, gather, scatter_ (src / value), scatter_add_ and
// masked_fill_ (kernels/index_ops.cuh). Indices are int32 or int64; one out of range is an
// IndexError raised at the next synchronization (device_errors.h), its element skipped. scatter
// walks each column in index order, so duplicates resolve as on the CPU (last write wins, adds in
// order). Copies move bits through the integer type of the element's size.
//
// Stateless kernels; thread-safe.
#include <ember/sdk/ops.h>

#include "cuda_plugin.h"
#include "device_errors.h"
#include "elementwise.h"
#include "kernel_families.h"
#include "kernel_sources.h"
#include "launcher.h"

namespace ember_cuda {
namespace {

namespace ops = ember::sdk::ops;
using ember::sdk::kAllDTypes;

constexpr int kMaxDims = 16;  // IX_MAXD

struct IxParams {  // kernels/index_ops.cuh ix_params
  void* out;
  const void* self;
  const void* index;
  const void* src;
  int64_t n;
  int32_t ndim;
  int32_t dim;
  int64_t sizes[kMaxDims];
  int64_t out_strides[kMaxDims];
  int64_t self_strides[kMaxDims];
  int64_t index_strides[kMaxDims];
  int64_t src_strides[kMaxDims];
  int64_t dim_size;
  int64_t index_dim_stride;
  double value_d;
  int64_t value_i;
  void* err;
  int32_t site;
  int32_t pad;
};

// Programs keyed by (element dtype, index dtype, mode).
const Program& ix_program(int device, int32_t dtype, int32_t index_dtype, int mode) {
  EMBER_SDK_CHECK(index_dtype == EMBER_DTYPE_INT64 || index_dtype == EMBER_DTYPE_INT32, EMBER_ERROR_TYPE,
                  "expected an index of dtype int64 or int32, got ", ember::sdk::dtype_name(index_dtype));
  static const uint32_t family = family_id("index");
  ProgramKey key;
  key.family = family;
  key.a = static_cast<uint32_t>(dtype) | static_cast<uint32_t>(index_dtype) << 8 | static_cast<uint32_t>(mode) << 16;
  key.arch = device_arch(device);
  return get_program(key, "index_ops", {"ix_index_select", "ix_gather", "ix_scatter"}, [&] {
    std::string extra = concat("typedef ", device_type_name(index_dtype), " T_IDX;\n#define IX_MODE ", mode, "\n");
    if (dtype == EMBER_DTYPE_BOOL) extra += "#define T_IN_BOOL 1\n";
    return typed_family_source(sources::index_ops, dtype, dtype, extra);
  });
}

IxParams base_params(const KernelArgs& a, const char* op) {
  IxParams p{};
  p.err = device_error_record(a.device_index());
  p.site = register_site(op);
  return p;
}

void set_shape(IxParams& p, const TensorView& t) {
  EMBER_SDK_CHECK(t.ndim() <= kMaxDims, EMBER_ERROR_NOT_IMPLEMENTED, "indexing ops take at most ", kMaxDims, " dims");
  p.ndim = t.ndim();
  for (int32_t d = 0; d < t.ndim(); ++d) p.sizes[d] = t.size(d);
}

void copy_strides(int64_t* dst, const TensorView& t) {
  for (int32_t d = 0; d < t.ndim(); ++d) dst[d] = t.stride(d);
}

// cat.out (tensors, dim, out): each input copied into its slice of out; empty inputs skipped.
void cat(KernelArgs& a) {
  using Op = ops::cat_out;
  ember::sdk::TensorList tensors = a.tensor_list(Op::tensors);
  TensorView out = a.tensor(Op::out);
  if (out.numel() == 0) return;
  const int64_t dim = a.int_(Op::dim);  // normalized by meta
  const int32_t bits = bit_copy_dtype(out.dtype());
  std::vector<int64_t> sizes(out.sizes().begin(), out.sizes().end());
  int64_t offset = 0;
  for (int64_t t = 0; t < tensors.size(); ++t) {
    TensorView in = tensors[t];
    if (in.numel() == 0) continue;
    const int64_t extent = in.size(dim);
    sizes[static_cast<size_t>(dim)] = extent;
    Operand dst{static_cast<char*>(out.data_ptr()) + offset * out.stride(dim) * static_cast<int64_t>(out.element_size()),
                bits, out.strides().data()};
    Operand src{in.data_ptr(), bits, in.strides().data()};
    run_elementwise_raw(a, convert_op, 0, out.ndim(), sizes.data(), dst, &src, 1, KernelScalars());
    offset += extent;
  }
}

void index_select(KernelArgs& a) {
  using Op = ops::index_select_out;
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index), out = a.tensor(Op::out);
  if (out.numel() == 0) return;
  const int64_t dim = a.int_(Op::dim);  // normalized by meta
  IxParams p = base_params(a, "index_select");
  if (self.ndim() == 0) {  // a 0-d self: the index must be 0; out is self's one element
    p.ndim = 1;
    p.sizes[0] = 1;
    p.out_strides[0] = 0;
    p.self_strides[0] = 0;
    p.dim = 0;
  } else {
    set_shape(p, out);
    copy_strides(p.out_strides, out);
    copy_strides(p.self_strides, self);
    p.dim = static_cast<int32_t>(dim);
  }
  p.out = out.data_ptr();
  p.self = self.data_ptr();
  p.index = index.data_ptr();
  p.index_dim_stride = index.ndim() ? index.stride(0) : 0;
  p.dim_size = self.ndim() ? self.size(dim) : 1;
  p.n = out.numel();
  const Program& prog = ix_program(a.device_index(), bit_copy_dtype(self.dtype()), index.dtype(), 0);
  void* args[] = {&p};
  launch(prog.kernel(0), dim3(blocks_for(p.n, 256)), dim3(256), 0, to_cuda(a.stream()), args, a.device_index(),
         "index_select");
}

void gather(KernelArgs& a) {
  using Op = ops::gather_out;
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index), out = a.tensor(Op::out);
  if (index.numel() == 0) return;
  const int64_t dim = a.int_(Op::dim);  // normalized by meta
  IxParams p = base_params(a, "gather");
  if (self.ndim() == 0) {
    p.ndim = 1;
    p.sizes[0] = 1;
    p.dim = 0;
  } else {
    set_shape(p, index);
    copy_strides(p.out_strides, out);
    copy_strides(p.self_strides, self);
    copy_strides(p.index_strides, index);
    p.dim = static_cast<int32_t>(dim);
  }
  p.out = out.data_ptr();
  p.self = self.data_ptr();
  p.index = index.data_ptr();
  p.dim_size = self.ndim() ? self.size(dim) : 1;
  p.n = index.numel();
  const Program& prog = ix_program(a.device_index(), bit_copy_dtype(self.dtype()), index.dtype(), 0);
  void* args[] = {&p};
  launch(prog.kernel(1), dim3(blocks_for(p.n, 256)), dim3(256), 0, to_cuda(a.stream()), args, a.device_index(),
         "gather");
}

// mode 0 src, 1 value, 2 add.
template <int kMode>
void scatter(KernelArgs& a) {
  using Op = ops::scatter__src;  // scatter_.value and scatter_add_ have the same argument positions
  TensorView self = a.tensor(Op::self), index = a.tensor(Op::index);
  if (index.numel() == 0) return;
  const int64_t dim = a.int_(Op::dim);  // normalized by meta
  IxParams p = base_params(a, kMode == 2 ? "scatter_add" : "scatter");
  if (self.ndim() == 0) {
    p.ndim = 1;
    p.sizes[0] = 1;
    p.dim = 0;
  } else {
    set_shape(p, index);
    copy_strides(p.out_strides, self);
    copy_strides(p.index_strides, index);
    p.dim = static_cast<int32_t>(dim);
  }
  if (kMode != 1) {
    TensorView src = a.tensor(Op::src);
    if (src.ndim() == self.ndim() && self.ndim() > 0) copy_strides(p.src_strides, src);
    p.src = src.data_ptr();
  } else {
    const ember::sdk::Scalar v = a.scalar(3);
    const int32_t dt = self.dtype();
    if (dt == EMBER_DTYPE_FLOAT16) p.value_d = static_cast<float>(v.to<ember::sdk::Half>());
    else if (dt == EMBER_DTYPE_BFLOAT16) p.value_d = static_cast<float>(v.to<ember::sdk::BFloat16>());
    else if (ember::sdk::is_floating(dt)) p.value_d = dt == EMBER_DTYPE_FLOAT32 ? static_cast<double>(v.to<float>()) : v.to<double>();
    else if (dt == EMBER_DTYPE_BOOL) p.value_i = v.to<bool>() ? 1 : 0;
    else p.value_i = v.is_bool() ? (v.b ? 1 : 0) : v.to_int();
  }
  p.out = self.data_ptr();
  p.index = index.data_ptr();
  p.dim_size = self.ndim() ? self.size(dim) : 1;
  p.n = index.numel() / std::max<int64_t>(1, p.sizes[p.dim]);
  // Copies move bits; value and add need the real type.
  const int32_t dt = kMode == 0 ? bit_copy_dtype(self.dtype()) : self.dtype();
  const Program& prog = ix_program(a.device_index(), dt, index.dtype(), kMode);
  void* args[] = {&p};
  launch(prog.kernel(2), dim3(blocks_for(p.n, 256)), dim3(256), 0, to_cuda(a.stream()), args, a.device_index(),
         kMode == 2 ? "scatter_add_" : "scatter_");
}

// masked_fill_.Scalar (self, mask broadcast to self, value): self = mask ? value : self.
void masked_fill(KernelArgs& a) {
  using Op = ops::masked_fill__Scalar;
  TensorView self = a.tensor(Op::self), mask = a.tensor(Op::mask);
  KernelScalars s;
  const int32_t dt = self.dtype();
  const ember::sdk::Scalar v = a.scalar(Op::value);
  if (dt == EMBER_DTYPE_FLOAT16) s.d[0] = static_cast<float>(v.to<ember::sdk::Half>());
  else if (dt == EMBER_DTYPE_BFLOAT16) s.d[0] = static_cast<float>(v.to<ember::sdk::BFloat16>());
  else set_scalar(s, 0, v, dt);
  run_elementwise(a, pointwise::masked_fill, 0, self, {mask, self}, s);
}

}  // namespace

void register_index_kernels(Registrar& reg) {
  reg.kernel<ops::cat_out>(kDevice, kAllDTypes, cat);
  reg.kernel<ops::index_select_out>(kDevice, kAllDTypes, index_select);
  reg.kernel<ops::gather_out>(kDevice, kAllDTypes, gather);
  reg.kernel<ops::scatter__src>(kDevice, kAllDTypes, scatter<0>);
  reg.kernel<ops::scatter__value>(kDevice, kAllDTypes, scatter<1>);
  reg.kernel<ops::scatter_add_>(kDevice, kAllDTypes, scatter<2>);
  reg.kernel<ops::masked_fill__Scalar>(kDevice, kAllDTypes, masked_fill);
}

}  // namespace ember_cuda
