// Dense buffers and parameter conversions (dense.h).
#include "dense.h"

#include "elementwise.h"

namespace ember_cuda {

std::vector<int64_t> contiguous_strides(const ember::sdk::IntList& sizes) {
  std::vector<int64_t> strides(static_cast<size_t>(sizes.size()));
  int64_t s = 1;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    strides[static_cast<size_t>(d)] = s;
    s *= std::max<int64_t>(sizes[d], 1);
  }
  return strides;
}

namespace {

// dst (dtype to, strides dst_strides) = src (dtype from, strides src_strides), over t's sizes.
void convert(const KernelArgs& a, const TensorView& shape, void* dst, int32_t to, const int64_t* dst_strides,
             const void* src, int32_t from, const int64_t* src_strides) {
  Operand in, out;
  const bool bits = to == from;
  in.data = const_cast<void*>(src);
  in.dtype = bits ? bit_copy_dtype(from) : from;
  in.strides = src_strides;
  out.data = dst;
  out.dtype = bits ? bit_copy_dtype(to) : to;
  out.strides = dst_strides;
  run_elementwise_raw(a, convert_op, 0, shape.ndim(), shape.sizes().data(), out, &in, 1, KernelScalars());
}

}  // namespace

const void* dense_input(const KernelArgs& a, const TensorView& t) {
  if (t.is_contiguous() || t.numel() == 0) return t.data_ptr();
  void* buf = a.scratch(static_cast<size_t>(t.numel()) * t.element_size());
  const std::vector<int64_t> strides = contiguous_strides(t.sizes());
  convert(a, t, buf, t.dtype(), strides.data(), t.data_ptr(), t.dtype(), t.strides().data());
  return buf;
}

DenseOutput::DenseOutput(const KernelArgs& a, const TensorView& t)
    : a_(a), t_(t), data_(t.data_ptr()), staged_(!t.is_contiguous() && t.numel() > 0) {
  if (staged_) data_ = a.scratch(static_cast<size_t>(t.numel()) * t.element_size());
}

void DenseOutput::commit() {
  if (!staged_) return;
  const std::vector<int64_t> strides = contiguous_strides(t_.sizes());
  convert(a_, t_, t_.data_ptr(), t_.dtype(), t_.strides().data(), data_, t_.dtype(), strides.data());
  staged_ = false;
}

double* to_double_array(const KernelArgs& a, const TensorView& t) {
  auto* buf = static_cast<double*>(a.scratch(static_cast<size_t>(std::max<int64_t>(t.numel(), 1)) * sizeof(double)));
  if (t.numel() == 0) return buf;
  const std::vector<int64_t> strides = contiguous_strides(t.sizes());
  convert(a, t, buf, EMBER_DTYPE_FLOAT64, strides.data(), t.data_ptr(), t.dtype(), t.strides().data());
  return buf;
}

void from_array(const KernelArgs& a, const void* values, int32_t dtype, const TensorView& t) {
  if (t.numel() == 0) return;
  const std::vector<int64_t> strides = contiguous_strides(t.sizes());
  convert(a, t, t.data_ptr(), t.dtype(), t.strides().data(), values, dtype, strides.data());
}

}  // namespace ember_cuda
