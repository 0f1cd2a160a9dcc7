// TensorImpl shape bookkeeping.
#include "core/tensor_impl.h"

#include "core/checked_arith.h"

namespace ember {

TensorImpl::TensorImpl(IntrusivePtr<StorageImpl> storage, ScalarType dtype, Device device)
    : storage_(std::move(storage)), dtype_(dtype), device_(device), key_set_(DispatchKeySet::backend(device.type())) {}

void TensorImpl::set_sizes_contiguous(IntArrayRef sizes) {
  // Checked before anything changes, so a failure leaves the tensor as it was.
  int64_t numel = checked_numel(sizes, "empty");
  const size_t nd = sizes.size();
  if (numel == 0) {
    // Contiguous strides skip size-0 dims, so they can overflow even when numel (0) does not:
    // computed with checks into a copy first.
    DimVector strides(nd);
    int64_t stride = 1;
    for (size_t i = nd; i-- > 0;) {
      strides[i] = stride;
      if (i > 0) {
        EMBER_CHECK(checked_mul(stride, sizes[i] > 1 ? sizes[i] : 1, &stride), ValueError,
                    "[empty] the strides of a contiguous tensor of size ", sizes, " overflow int64");
      }
    }
    strides_ = strides;
  } else {
    // Every stride divides numel, which fit: no checks, written in place (the common case of
    // every op result).
    strides_.assign(nd, 0);
    int64_t stride = 1;
    for (size_t i = nd; i-- > 0;) {
      strides_[i] = stride;
      stride *= sizes[i];
    }
  }
  sizes_.assign(sizes);
  numel_ = numel;
  is_contiguous_ = true;
}

void TensorImpl::set_sizes_and_strides(IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset) {
  checked_numel(sizes, "view");  // before anything changes
  sizes_.assign(sizes);
  strides_.assign(strides);
  storage_offset_ = storage_offset;
  refresh_numel_and_contiguity();
}

void TensorImpl::set_data_from(const TensorImpl& src) {
  if (&src == this) return;
  storage_ = src.storage_;
  sizes_ = src.sizes_;
  strides_ = src.strides_;
  storage_offset_ = src.storage_offset_;
  numel_ = src.numel_;
  is_contiguous_ = src.is_contiguous_;
  dtype_ = src.dtype_;
  device_ = src.device_;
  key_set_ = (key_set_ - DispatchKeySet::all_backends()) | DispatchKeySet::backend(device_.type());
}

void TensorImpl::refresh_numel_and_contiguity() {
  int64_t numel = 1;
  for (int64_t s : sizes_) numel *= s;  // checked by the callers
  numel_ = numel;
  // PyTorch's definition: size-1 dims may have any stride; empty tensors are contiguous.
  bool contiguous = true;
  if (numel != 0) {
    int64_t expected = 1;
    for (size_t i = sizes_.size(); i-- > 0;) {
      if (sizes_[i] == 1) continue;
      if (strides_[i] != expected) {
        contiguous = false;
        break;
      }
      expected *= sizes_[i];
    }
  }
  is_contiguous_ = contiguous;
}

}  // namespace ember
