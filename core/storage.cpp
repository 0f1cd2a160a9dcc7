// Storage allocation through the device type's plugin allocator.
#include "core/storage.h"

#include "core/device_runtime.h"
#include "core/error.h"
#include "core/export.h"
#include "core/stream.h"

namespace ember {

namespace {

// Storage ids come from one process-wide counter in blocks of 2^16 per thread: unique without an
// atomic operation per allocation on a shared cache line.
uint64_t next_storage_id() {
  constexpr uint64_t kBlock = uint64_t(1) << 16;
  static std::atomic<uint64_t> next_block{1};
  static thread_local uint64_t next EMBER_TLS_FAST = 0;
  static thread_local uint64_t end EMBER_TLS_FAST = 0;
  if (next == end) {
    next = next_block.fetch_add(1, std::memory_order_relaxed) * kBlock;
    end = next + kBlock;
  }
  return next++;
}

}  // namespace

StorageImpl::StorageImpl(void* data, size_t nbytes, Device device)
    : data_(data), nbytes_(nbytes), device_(device), id_(next_storage_id()) {}

IntrusivePtr<StorageImpl> StorageImpl::allocate(size_t nbytes, Device device) {
  const DeviceTypeInfo& info = device_type_info(device.type());
  void* ptr = info.runtime->allocate(device.index(), nbytes, detail::current_stream_handle(device));
  EMBER_CHECK(ptr != nullptr, OutOfMemoryError, "[empty] the ", info.name, " allocator returned null for ", nbytes,
              " bytes on ", device, " (out of memory)");
  IntrusivePtr<StorageImpl> s(new StorageImpl(ptr, nbytes, device));
  s->from_allocator_ = true;
  return s;
}

IntrusivePtr<StorageImpl> StorageImpl::allocate_pinned(size_t nbytes, Device host, Device accelerator) {
  DeviceRuntime& rt = device_runtime(accelerator);
  EMBER_CHECK(rt.has_pinned_memory(), RuntimeError, "[pin_memory] device type '",
              device_type_info(accelerator.type()).name, "' has no pinned host memory");
  void* ptr = rt.host_allocate(nbytes);
  IntrusivePtr<StorageImpl> s(new StorageImpl(ptr, nbytes, host));
  s->pinned_by_ = &rt;
  return s;
}

IntrusivePtr<StorageImpl> StorageImpl::borrow(void* data, size_t nbytes, Device device,
                                              std::function<void(void*)> deleter) {
  IntrusivePtr<StorageImpl> s(new StorageImpl(data, nbytes, device));
  s->deleter_ = std::move(deleter);
  s->untracked_.store(true, std::memory_order_relaxed);  // the lender keeps the address
  return s;
}

const void* StorageImpl::deleter_context() const {
  if (from_allocator_ || pinned_by_ != nullptr) return data_;
  return deleter_ ? static_cast<const void*>(&deleter_) : nullptr;
}

void* Storage::data() const {
  if (!impl_) return nullptr;
  impl_->mark_untracked();
  return impl_->data();
}

DataPtr Storage::data_ptr() const {
  EMBER_CHECK(impl_, ValueError, "[storage] undefined storage");
  impl_->mark_untracked();
  return DataPtr(impl_->data(), impl_->deleter_context(), impl_->device());
}

Device Storage::device() const {
  EMBER_CHECK(impl_, ValueError, "[storage] undefined storage");
  return impl_->device();
}

StorageImpl::~StorageImpl() {
  if (from_allocator_) {
    if (data_ != nullptr) device_type_info(device_.type()).runtime->deallocate(device_.index(), data_);
  } else if (pinned_by_ != nullptr) {
    pinned_by_->host_deallocate(data_);
  } else if (deleter_) {
    deleter_(data_);
  }
}

}  // namespace ember
