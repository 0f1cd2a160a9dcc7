// Tensor: a reference-counted handle to a TensorImpl, the type every API takes and returns.
//
// Copying a Tensor copies the handle (both see the same data); clone() copies the data.
// Operator methods (a.add(b), a.sum(), a.view({2, 3})) are generated from ops.yaml into
// generated/tensor_methods.h; the free functions (ember::add) into generated/functions.h.
// Thread-safety: as TensorImpl. Handles themselves may be copied across threads freely.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "core/array_ref.h"
#include "core/generator.h"
#include "core/layout.h"              // MemoryFormat, Layout: generated/tensor_methods.h
#include "core/optional_array_ref.h"  // OptionalIntArrayRef: generated/tensor_methods.h
#include "core/scalar.h"
#include "core/tensor_impl.h"
#include "core/tensor_options.h"

namespace ember {

class Tensor;
using TensorList = ArrayRef<Tensor>;
namespace indexing {
class TensorIndex;
}

namespace autograd {
class Node;
}

class EMBER_API Tensor {
 public:
  Tensor() = default;
  explicit Tensor(IntrusivePtr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return static_cast<bool>(impl_); }
  TensorImpl* impl() const { return impl_.get(); }
  const IntrusivePtr<TensorImpl>& impl_ptr() const { return impl_; }
  void reset() { impl_.reset(); }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  uint32_t use_count() const { return impl_.use_count(); }

  // Metadata. Accessors on an undefined tensor throw ValueError.
  int64_t dim() const { return checked()->dim(); }
  int64_t ndimension() const { return dim(); }
  IntArrayRef sizes() const { return checked()->sizes(); }
  IntArrayRef strides() const { return checked()->strides(); }
  int64_t size(int64_t dim) const;    // negative dims count from the end
  int64_t stride(int64_t dim) const;
  int64_t numel() const { return checked()->numel(); }
  ScalarType scalar_type() const { return checked()->dtype(); }
  ScalarType dtype() const { return scalar_type(); }
  Device device() const { return checked()->device(); }
  TensorOptions options() const { return TensorOptions(dtype()).device(device()); }
  bool is_contiguous() const { return checked()->is_contiguous(); }
  int64_t storage_offset() const { return checked()->storage_offset(); }
  size_t element_size() const { return checked()->itemsize(); }
  size_t itemsize() const { return element_size(); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * element_size(); }
  bool is_floating_point() const { return ember::is_floating_point(scalar_type()); }
  bool is_cpu() const { return device().is_cpu(); }
  bool is_cuda() const { return device().is_cuda(); }
  bool is_signed() const { return ember::is_signed(scalar_type()); }
  bool is_complex() const { return false; }  // ember has no complex dtypes
  Layout layout() const { return kStrided; }
  // libtorch's spelling: -1 on the CPU, else the device index.
  int64_t get_device() const { return is_cpu() ? -1 : device().index(); }
  TensorImpl* unsafeGetTensorImpl() const { return impl(); }
  DispatchKeySet key_set() const { return checked()->key_set(); }
  uint32_t _version() const { return checked()->version(); }
  // The storage this tensor (and every view of it) uses.
  Storage storage() const { return Storage(checked()->storage_ptr()); }
  bool has_storage() const { return defined(); }
  bool is_alias_of(const Tensor& other) const { return storage().is_alias_of(other.storage()); }
  // Views (PyTorch's): whether a view op made this tensor from another, and the root tensor it
  // views (RuntimeError when it is not a view). Not tracked in InferenceMode.
  bool is_view() const { return checked()->view_base() != nullptr; }
  Tensor _base() const;

  // Raw data (host-accessible devices only for reads through data_ptr<T>). data_ptr and
  // mutable_data_ptr give an address the caller may write through, bypassing the version counter:
  // from then on the core no longer promises plugin kernels that the storage's bytes are
  // unchanged between calls (StorageImpl::writes_tracked), so they re-check them. Read through
  // const_data_ptr to keep that promise (it keeps weight caches exact and cheap).
  void* data_ptr() const {
    TensorImpl* impl = checked();
    impl->storage()->mark_untracked();
    return impl->data();
  }
  void* mutable_data_ptr() const { return data_ptr(); }
  const void* const_data_ptr() const { return checked()->data(); }
  template <typename T> T* data_ptr() const;     // throws TypeError if T is not the dtype
  template <typename T> T* mutable_data_ptr() const { return data_ptr<T>(); }
  template <typename T> const T* const_data_ptr() const;
  template <typename T> T item() const;          // one-element tensors; copies to host
  Scalar item() const;

  // Makes this tensor (and every handle to it) use new_data's storage, shape, dtype and device,
  // keeping its identity and autograd state, as libtorch's Tensor::set_data.
  void set_data(const Tensor& new_data) const;

  // Streams and pinned memory (core/stream.h).
  // Tells the allocator that this tensor's memory is also used by work queued on stream s, so
  // that it is not reused before that work finishes once the tensor is freed.
  void record_stream(const class Stream& s) const;
  // True for a CPU tensor in page-locked memory (fast asynchronous copies to an accelerator).
  bool is_pinned() const;
  // A copy in pinned memory from the pinned allocator of `accelerator` (the first registered
  // device type with pinned memory when not given); this tensor if it is pinned already.
  Tensor pin_memory(std::optional<Device> accelerator = std::nullopt) const;

  // Indexing shorthand: t[i] is t.select(0, i); t[mask_or_indices] is t.index({mask_or_indices}).
  Tensor operator[](int64_t index) const;
  Tensor operator[](const Tensor& index) const;

  // libtorch's indexing API (ops/indexing.h): t.index({Slice(1, None), None, 0, mask}) is Python's
  // t[1:, None, 0, mask]; index_put_ assigns through the same indices. Differentiable.
  Tensor index(ArrayRef<indexing::TensorIndex> indices) const;
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& values) const;
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& value) const;
  // ATen's form: a list of optional index tensors (every one an advanced index), accumulating
  // (+=) when asked.
  Tensor& index_put_(const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate) const;

  // Conversions beyond the generated to(): like other's dtype and device; to the CPU.
  Tensor to(const Tensor& other, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device device, bool non_blocking = false, bool copy = false) const;
  Tensor to(const char* device) const { return to(Device(device)); }
  Tensor to(DeviceType device, bool non_blocking = false, bool copy = false) const {
    return to(Device(device), non_blocking, copy);
  }
  Tensor toType(ScalarType dtype) const { return to(dtype); }
  // The same data without autograd history (libtorch's Tensor::data()).
  Tensor data() const;
  // libtorch's tensor_data() and variable_data(): also the same data without history. (libtorch
  // gives them a new version counter; ember's lives in the storage, so they share it.)
  Tensor tensor_data() const { return data(); }
  Tensor variable_data() const { return data(); }

  // Assigning to a temporary tensor (t[0] = 1, t.index({i}) = other) writes into its elements,
  // as libtorch's; assigning to a named tensor rebinds the handle.
  Tensor& operator=(const Tensor&) & = default;
  Tensor& operator=(Tensor&&) & noexcept = default;
  Tensor& operator=(const Tensor& values) &&;
  Tensor& operator=(const Scalar& value) &&;
  Tensor(const Tensor&) = default;
  Tensor(Tensor&&) noexcept = default;
  Tensor cpu() const;

  // PyTorch's repr: "tensor([[1., 2.],\n        [3., 4.]])".
  std::string toString() const;
  void print() const;

  // Autograd (defined in autograd/).
  // const, as libtorch's: the flag is autograd state, not the tensor's value.
  const Tensor& requires_grad_(bool requires_grad = true) const;
  bool requires_grad() const;
  Tensor& set_requires_grad(bool requires_grad) {
    requires_grad_(requires_grad);
    return *this;
  }
  const Tensor& grad() const;
  Tensor& mutable_grad() const;
  void set_grad(const Tensor& grad) const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  bool is_leaf() const;
  int64_t output_nr() const;
  // inputs: accumulate only into these tensors' .grad() (all leaves when not given; an empty
  // list is a ValueError, as libtorch's).
  // A non-leaf among inputs gets its .grad() too.
  void backward(const Tensor& gradient = Tensor(), std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false, std::optional<TensorList> inputs = std::nullopt) const;
  void retain_grad() const;
  bool retains_grad() const;
  // Runs hook on this tensor's gradient during backward; a defined result replaces the gradient.
  // Returns the hook's index.
  size_t register_hook(std::function<Tensor(const Tensor&)> hook) const;
  // A hook that only looks at the gradient (returns nothing), which libtorch also accepts.
  template <typename Hook, std::enable_if_t<std::is_void<std::invoke_result_t<Hook&, const Tensor&>>::value, int> = 0>
  size_t register_hook(Hook hook) const {
    return register_hook(std::function<Tensor(const Tensor&)>([hook = std::move(hook)](const Tensor& grad) mutable {
      hook(grad);
      return Tensor();
    }));
  }
  // Removes the hook register_hook returned pos for (it no longer runs); RuntimeError "Invalid
  // index" when there is none.
  void remove_hook(size_t pos) const;
  // Leaves only: runs after the gradient was accumulated into grad() (DDP uses this).
  void register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const;

#include "generated/tensor_methods.h"

 private:
  TensorImpl* checked() const {
    if (EMBER_UNLIKELY(!impl_)) throw_undefined();
    return impl_.get();
  }
  [[noreturn]] static void throw_undefined();
  IntrusivePtr<TensorImpl> impl_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const Tensor& t);

template <typename T> T* Tensor::data_ptr() const {
  EMBER_CHECK(scalar_type() == CppTypeToScalarType<T>::value, TypeError, "[data_ptr] expected dtype ",
              CppTypeToScalarType<T>::value, ", got ", scalar_type());
  return static_cast<T*>(data_ptr());
}

template <typename T> const T* Tensor::const_data_ptr() const {
  EMBER_CHECK(scalar_type() == CppTypeToScalarType<T>::value, TypeError, "[const_data_ptr] expected dtype ",
              CppTypeToScalarType<T>::value, ", got ", scalar_type());
  return static_cast<const T*>(const_data_ptr());
}

namespace detail {
// Told about every conversion of a tensor to a host number (item(), item<bool>()): the script
// tracer warns there that the value becomes a constant of the trace. One observer per process
// (nullptr: none); it must be thread-safe.
using ItemObserver = void (*)(const Tensor& t, bool to_bool);
EMBER_API void set_item_observer(ItemObserver observer);
EMBER_API void observe_item(const Tensor& t, bool to_bool);
}  // namespace detail

template <typename T> T Tensor::item() const {
  if constexpr (std::is_same<T, bool>::value) detail::observe_item(*this, true);
  return item().to<T>();
}

// Wraps a number as a 0-d tensor that promotes like a Python number (see is_wrapped_number).
EMBER_API Tensor scalar_to_tensor(const Scalar& s, Device device);

}  // namespace ember
