// Storage allocation through the device type's plugin allocator.
#include "core/storage.h"

#include "core/device_runtime.h"
#include "core/error.h"
#include "core/stream.h"

namespace ember {

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
  return s;
}

const void* StorageImpl::deleter_context() const {
  if (from_allocator_ || pinned_by_ != nullptr) return data_;
  return deleter_ ? static_cast<const void*>(&deleter_) : nullptr;
}

DataPtr Storage::data_ptr() const {
  EMBER_CHECK(impl_, ValueError, "[storage] undefined storage");
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
