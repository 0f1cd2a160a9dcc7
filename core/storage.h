// Storage: a reference-counted block of device memory shared by a tensor and its views.
//
// Memory comes from the device type's allocator (registered by a plugin) and goes back to it
// when the last reference drops; or it is borrowed from the caller (from_blob) with a deleter.
// The version counter lives here because every view of the storage shares it: autograd uses it
// to detect in-place modification of saved tensors, and with the storage's id (unique in the
// process, never reused) it tells plugin kernels whether the bytes changed since they last saw
// them (ember_call_context.content_version). That promise holds while every write goes through
// the core: a storage whose address the application took for writing (Tensor::data_ptr,
// Storage::data) or lent to ember (from_blob) is "untracked" for good. Counting, the version
// counter and the flag are thread-safe; the bytes themselves are not synchronized.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/device.h"
#include "core/intrusive_ptr.h"
#include "core/thread_cached_allocation.h"

namespace ember {

class DeviceRuntime;

class EMBER_API StorageImpl : public RefCounted, public ThreadCachedAllocation<StorageImpl> {
 public:
  // Allocates nbytes on device through its runtime's allocator, for use on the calling thread's
  // current stream of that device; throws OutOfMemoryError on failure.
  static IntrusivePtr<StorageImpl> allocate(size_t nbytes, Device device);
  // Allocates nbytes of page-locked host memory (a "cpu" storage) through the host allocator
  // of `accelerator`'s runtime, for fast asynchronous copies to and from that device.
  static IntrusivePtr<StorageImpl> allocate_pinned(size_t nbytes, Device host, Device accelerator);
  // Wraps memory the caller owns; deleter (may be empty) runs when the storage dies.
  static IntrusivePtr<StorageImpl> borrow(void* data, size_t nbytes, Device device,
                                          std::function<void(void*)> deleter);
  ~StorageImpl() override;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  // True for memory from allocate_pinned.
  bool is_pinned() const { return pinned_by_ != nullptr; }

  // What frees the memory, as libtorch's DataPtr context: the address itself for memory that ember
  // allocated, the deleter for borrowed memory that has one, null for borrowed memory without one.
  const void* deleter_context() const;

  uint32_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }
  // Only for storage that no one else has seen yet: factories fill what they allocate with
  // in-place kernels, yet their result starts at version 0 (as PyTorch's).
  void reset_version() { version_.store(0, std::memory_order_relaxed); }

  // Unique among the storages of this process (never reused, unlike addresses).
  uint64_t id() const { return id_; }
  // Whether every write to the bytes is a core operation that bumps the version (see above).
  bool writes_tracked() const { return !untracked_.load(std::memory_order_relaxed); }
  // Called when the bytes' address leaves the core's control (a raw pointer for writing).
  void mark_untracked() {
    if (!untracked_.load(std::memory_order_relaxed)) untracked_.store(true, std::memory_order_relaxed);
  }

 private:
  StorageImpl(void* data, size_t nbytes, Device device);
  void* data_;
  size_t nbytes_;
  Device device_;
  std::function<void(void*)> deleter_;  // empty: return to the device allocator
  bool from_allocator_ = false;
  DeviceRuntime* pinned_by_ = nullptr;  // the runtime whose host_allocate made data_
  std::atomic<uint32_t> version_{0};
  std::atomic<bool> untracked_{false};
  uint64_t id_;
};

// The address of a storage's memory with its deleter context and device, as libtorch's DataPtr.
class DataPtr {
 public:
  DataPtr(void* ptr, const void* context, Device device) : ptr_(ptr), context_(context), device_(device) {}
  void* get() const { return ptr_; }
  const void* get_context() const { return context_; }
  Device device() const { return device_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  void* ptr_;
  const void* context_;
  Device device_;
};

// A handle to a tensor's storage (Tensor::storage()), as libtorch's Storage: shares ownership of
// the memory with the tensors that use it. Thread-safety: as StorageImpl.
class EMBER_API Storage {
 public:
  Storage() = default;
  explicit Storage(IntrusivePtr<StorageImpl> impl) : impl_(std::move(impl)) {}
  bool defined() const { return static_cast<bool>(impl_); }
  StorageImpl* unsafeGetStorageImpl() const { return impl_.get(); }
  size_t nbytes() const { return impl_ ? impl_->nbytes() : 0; }
  // The raw address, for reading or writing: the storage is untracked from then on (see StorageImpl).
  void* data() const;
  DataPtr data_ptr() const;
  Device device() const;
  bool is_alias_of(const Storage& other) const { return impl_ && impl_ == other.impl_; }

 private:
  IntrusivePtr<StorageImpl> impl_;
};

}  // namespace ember
