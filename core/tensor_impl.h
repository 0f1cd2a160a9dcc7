// TensorImpl: the shared state behind a Tensor handle.
//
// Holds the storage (shared with views), sizes, strides (in elements), storage offset, dtype,
// device, the dispatch key set (the device's backend slot plus Autograd when the tensor takes
// part in autograd), and the autograd metadata. Owned through IntrusivePtr by Tensor handles.
// Metadata is not synchronized: a tensor may be read from many threads at once, but resized or
// restrided from one thread only (as in PyTorch).
#pragma once

#include <memory>

#include "core/dim_vector.h"
#include "core/dispatch_key_set.h"
#include "core/dtype.h"
#include "core/storage.h"
#include "core/thread_cached_allocation.h"

namespace ember {

// Autograd's per-tensor state lives in the autograd layer; the core only owns the pointer.
struct AutogradMetaInterface {
  virtual ~AutogradMetaInterface() = default;
};

// How a tracked view was made (PyTorch's CreationMeta): autograd refuses in-place changes that
// would make a view's gradient ambiguous, and says which case it was.
enum class ViewCreation : uint8_t {
  Default,           // by a view op with grad mode on
  NoGradMode,        // with grad mode off
  InCustomFunction,  // returned by the forward of a custom autograd Function
};

class EMBER_API TensorImpl : public RefCounted, public ThreadCachedAllocation<TensorImpl> {
 public:
  TensorImpl(IntrusivePtr<StorageImpl> storage, ScalarType dtype, Device device);

  // Shape.
  IntArrayRef sizes() const { return sizes_.ref(); }
  IntArrayRef strides() const { return strides_.ref(); }
  int64_t dim() const { return static_cast<int64_t>(sizes_.size()); }
  int64_t numel() const { return numel_; }
  int64_t storage_offset() const { return storage_offset_; }
  bool is_contiguous() const { return is_contiguous_; }
  // Sets contiguous strides for sizes.
  void set_sizes_contiguous(IntArrayRef sizes);
  void set_sizes_and_strides(IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset);
  void set_storage_offset(int64_t offset) { storage_offset_ = offset; }
  // Takes src's storage, sizes, strides, offset, dtype and device (and so its backend key),
  // keeping this impl's identity, autograd metadata and functionality keys: what
  // Tensor::set_data does (nn::Module::to moves parameters this way).
  void set_data_from(const TensorImpl& src);

  // Data.
  StorageImpl* storage() const { return storage_.get(); }
  const IntrusivePtr<StorageImpl>& storage_ptr() const { return storage_; }
  void set_storage(IntrusivePtr<StorageImpl> s) { storage_ = std::move(s); }
  // The first element's address. An empty tensor addresses nothing: it gets the storage's base,
  // because its offset may lie anywhere (as_strided accepts any offset for an empty view).
  // The core's own accessor: whoever writes through it bumps the version (Tensor::data_ptr is
  // the application's, which marks the storage untracked).
  void* data() const {
    char* base = static_cast<char*>(storage_->data());
    if (__builtin_expect(numel_ == 0, 0)) return base;
    return base + storage_offset_ * static_cast<int64_t>(element_size(dtype_));
  }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return device_; }
  size_t itemsize() const { return element_size(dtype_); }

  // Dispatch.
  DispatchKeySet key_set() const { return key_set_; }
  void add_key(FunctionalityKey k) { key_set_ |= DispatchKeySet::functionality(k); }
  void remove_key(FunctionalityKey k) { key_set_ -= DispatchKeySet::functionality(k); }

  // Autograd metadata (null until autograd touches the tensor).
  AutogradMetaInterface* autograd_meta() const { return autograd_meta_.get(); }
  void set_autograd_meta(std::unique_ptr<AutogradMetaInterface> m) { autograd_meta_ = std::move(m); }

  // Version counter shared by all views of the storage.
  uint32_t version() const { return storage_->version(); }
  void bump_version() { storage_->bump_version(); }

  // View tracking (PyTorch's differentiable views), maintained by the view ops (make_view) and
  // read by autograd (autograd/view_tracking.h): the root tensor whose storage this one views
  // (null when it is not a view; a view keeps its base alive), the storage version at which
  // autograd last brought the view's history up to date, and how it was made.
  TensorImpl* view_base() const { return view_base_.get(); }
  const IntrusivePtr<TensorImpl>& view_base_ptr() const { return view_base_; }
  void set_view_base(IntrusivePtr<TensorImpl> base, ViewCreation creation) {
    view_base_ = std::move(base);
    view_creation_ = creation;
    view_version_ = version();
  }
  ViewCreation view_creation() const { return view_creation_; }
  void set_view_creation(ViewCreation c) { view_creation_ = c; }
  uint32_t view_version() const { return view_version_; }
  void set_view_version(uint32_t v) { view_version_ = v; }

  // A 0-d tensor made from a Python-style number (2 in `x + 2`): it takes part in type
  // promotion only as a category (PyTorch's wrapped-number rule).
  bool is_wrapped_number() const { return is_wrapped_number_; }
  void set_wrapped_number(bool v) { is_wrapped_number_ = v; }

 private:
  void refresh_numel_and_contiguity();

  IntrusivePtr<StorageImpl> storage_;
  DimVector sizes_;
  DimVector strides_;
  int64_t storage_offset_ = 0;
  int64_t numel_ = 1;
  ScalarType dtype_;
  bool is_contiguous_ = true;
  bool is_wrapped_number_ = false;
  ViewCreation view_creation_ = ViewCreation::Default;
  uint32_t view_version_ = 0;
  Device device_;
  DispatchKeySet key_set_;
  std::unique_ptr<AutogradMetaInterface> autograd_meta_;
  IntrusivePtr<TensorImpl> view_base_;
};

}  // namespace ember
