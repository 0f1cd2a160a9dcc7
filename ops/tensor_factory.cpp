// Allocation and view helpers shared by the core's ops.
#include "ops/tensor_factory.h"

#include <cstring>

#include "core/checked_arith.h"
#include "core/device_runtime.h"

namespace ember {

namespace {
// New storage of a bool tensor starts zeroed (false) on host-accessible devices: a byte other
// than 0 or 1 read as bool is undefined behaviour, and ember::empty(..., kBool) would otherwise
// hand out whatever the allocator's recycled block held.
IntrusivePtr<StorageImpl> allocate_for(size_t nbytes, ScalarType dtype, Device device) {
  auto storage = StorageImpl::allocate(nbytes, device);
  if (dtype == kBool && nbytes > 0 && device_type_info(device.type()).host_accessible)
    std::memset(storage->data(), 0, nbytes);
  return storage;
}
}  // namespace

Tensor new_tensor(IntArrayRef sizes, ScalarType dtype, Device device) {
  for (int64_t s : sizes) EMBER_CHECK(s >= 0, ValueError, "[empty] negative dimension ", s, " in size ", sizes);
  // Overflow is caught here, before the allocator sees a wrapped-around byte count.
  size_t nbytes = checked_nbytes(checked_numel(sizes, "empty"), element_size(dtype), sizes, "empty");
  auto storage = allocate_for(nbytes, dtype, device);
  auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, device);
  impl->set_sizes_contiguous(sizes);
  return Tensor(std::move(impl));
}

namespace detail {
ViewTracker& view_tracker() {
  static ViewTracker tracker = nullptr;
  return tracker;
}
}  // namespace detail

Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset) {
  Tensor view = make_untracked_view(base, sizes, strides, storage_offset);
  if (detail::ViewTracker track = detail::view_tracker()) track(*view.impl(), *base.impl());
  return view;
}

Tensor make_untracked_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset) {
  TensorImpl* b = base.impl();
  // Every view's highest element index fits in int64, so no index arithmetic on it (select,
  // slice, narrow) can overflow; that includes an empty view, whose bounds nobody checks. A
  // non-empty view's highest byte offset fits too, so no pointer arithmetic can overflow (an
  // empty view addresses nothing: TensorImpl::data ignores its offset). View ops never turn an
  // empty tensor into a non-empty one.
  int64_t max_index = storage_offset, bytes = 0;
  bool fits = sizes.size() == strides.size();
  bool empty = false;
  for (size_t i = 0; fits && i < sizes.size(); ++i) {
    EMBER_CHECK(sizes[i] >= 0, ValueError, "[view] negative size ", sizes[i], " in a view of size ", sizes);
    int64_t extent = 0;
    empty = empty || sizes[i] == 0;
    fits = checked_mul(std::max<int64_t>(sizes[i] - 1, 0), strides[i], &extent) &&
           (extent <= 0 || checked_add(max_index, extent, &max_index));
  }
  fits = fits && (empty || checked_mul(max_index, static_cast<int64_t>(b->itemsize()), &bytes));
  EMBER_CHECK(fits, ValueError, "[view] a view with sizes ", sizes, ", strides ", strides, " and storage offset ",
              storage_offset, " addresses elements beyond what int64 can index");
  auto impl = make_intrusive<TensorImpl>(b->storage_ptr(), b->dtype(), b->device());
  impl->set_sizes_and_strides(sizes, strides, storage_offset);
  return Tensor(std::move(impl));
}

void resize_output(const Tensor& t, IntArrayRef sizes) {
  if (t.sizes() == sizes) return;
  TensorImpl* impl = t.impl();
  size_t needed = checked_nbytes(checked_numel(sizes, "resize"), impl->itemsize(), sizes, "resize");
  // The storage is reused only when offset + needed bytes lie inside it (an empty view may
  // carry any offset, so the sum is computed with overflow checks).
  int64_t end = 0;
  bool fits_storage = checked_mul(impl->storage_offset(), static_cast<int64_t>(impl->itemsize()), &end) &&
                      checked_add(end, static_cast<int64_t>(needed), &end) &&
                      static_cast<size_t>(end) <= impl->storage()->nbytes();
  if (!fits_storage || !impl->is_contiguous()) {
    impl->set_storage(allocate_for(needed, impl->dtype(), impl->device()));
    impl->set_storage_offset(0);
  }
  impl->set_sizes_contiguous(sizes);
}

// Content versions (ember_call_context) stay sound although (id, 0) then names the filled bytes
// after naming the empty ones: only the factory's own fill kernel saw the storage before, as
// its output, and kernels key what they keep on their inputs.
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
