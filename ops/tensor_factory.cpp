// Allocation and view helpers shared by the core's ops.
#include "ops/tensor_factory.h"

namespace ember {

Tensor new_tensor(IntArrayRef sizes, ScalarType dtype, Device device) {
  int64_t numel = 1;
  for (int64_t s : sizes) {
    EMBER_CHECK(s >= 0, ValueError, "[empty] negative dimension ", s, " in size ", sizes);
    numel *= s;
  }
  auto storage = StorageImpl::allocate(static_cast<size_t>(numel) * element_size(dtype), device);
  auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, device);
  impl->set_sizes_contiguous(sizes);
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset) {
  TensorImpl* b = base.impl();
  auto impl = make_intrusive<TensorImpl>(b->storage_ptr(), b->dtype(), b->device());
  impl->set_sizes_and_strides(sizes, strides, storage_offset);
  return Tensor(std::move(impl));
}

void resize_output(const Tensor& t, IntArrayRef sizes) {
  if (t.sizes() == sizes) return;
  int64_t numel = 1;
  for (int64_t s : sizes) numel *= s;
  TensorImpl* impl = t.impl();
  size_t needed = static_cast<size_t>(numel) * impl->itemsize();
  if (impl->storage()->nbytes() < needed + static_cast<size_t>(impl->storage_offset()) * impl->itemsize() ||
      !impl->is_contiguous()) {
    impl->set_storage(StorageImpl::allocate(needed, impl->device()));
    impl->set_storage_offset(0);
  }
  impl->set_sizes_contiguous(sizes);
}

Tensor fresh_version(Tensor t) {
  t.impl()->storage()->reset_version();
  return t;
}

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim > 0 ? ndim : 1;
  EMBER_CHECK(dim >= -n && dim < n, IndexError, "[", op, "] Dimension out of range (expected to be in range of [", -n,
              ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

}  // namespace ember
