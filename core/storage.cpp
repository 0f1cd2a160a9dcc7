// Storage allocation through the device type's plugin allocator.
#include "core/storage.h"

#include "core/device_runtime.h"
#include "core/error.h"

namespace ember {

IntrusivePtr<StorageImpl> StorageImpl::allocate(size_t nbytes, Device device) {
  const DeviceTypeInfo& info = device_type_info(device.type());
  void* ptr = nullptr;
  ember_status* st = info.desc.allocate(info.desc.ctx, device.index(), nbytes, &ptr);
  if (st) {
    // Every failure names the size and the device; an allocator's out-of-memory status becomes
    // OutOfMemoryError, other statuses keep their type.
    std::string context = detail::str("[empty] allocating ", nbytes, " bytes on ", device, " failed");
    throw_if_error(st, context.c_str());
  }
  EMBER_CHECK(ptr != nullptr || nbytes == 0, OutOfMemoryError, "[empty] the ", info.name, " allocator returned null for ",
              nbytes, " bytes on ", device, " (out of memory)");
  IntrusivePtr<StorageImpl> s(new StorageImpl(ptr, nbytes, device));
  s->from_allocator_ = true;
  return s;
}

IntrusivePtr<StorageImpl> StorageImpl::borrow(void* data, size_t nbytes, Device device,
                                              std::function<void(void*)> deleter) {
  IntrusivePtr<StorageImpl> s(new StorageImpl(data, nbytes, device));
  s->deleter_ = std::move(deleter);
  return s;
}

StorageImpl::~StorageImpl() {
  if (from_allocator_) {
    if (data_ != nullptr) {
      const DeviceTypeInfo& info = device_type_info(device_.type());
      info.desc.deallocate(info.desc.ctx, device_.index(), data_);
    }
  } else if (deleter_) {
    deleter_(data_);
  }
}

}  // namespace ember
