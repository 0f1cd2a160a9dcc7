// Streams, events and guards, for every device type alike (as c10's Stream/Event/guards).
//
// A Stream is a queue of work on one device. Each thread has a current stream per device
// (initially the device's default stream, handle nullptr); operators launch on the current stream
// of the device they run on, and the allocator is told which stream a block is used on.
// Synchronous devices (cpu, and any device whose runtime has no streams) have only the default
// stream, and their events complete when recorded.
//
// Ownership: a Stream made by Stream::create owns its handle, shared by copies; the handle is
// destroyed with the last copy. Default streams belong to the device. An Event owns its handle
// (created on first record) and is move-only.
// Thread-safety: Stream and Event are safe to use from several threads (the runtime's calls are);
// the current stream and the current device are thread-local.
#pragma once

#include <memory>

#include "core/device_runtime.h"

namespace ember {

class EMBER_API Stream {
 public:
  // The device's default stream.
  explicit Stream(Device device) : device_(device) {}
  // A new stream on device (priority 0 normal, < 0 higher). On a device without streams this
  // is the default stream.
  static Stream create(Device device, int32_t priority = 0);
  static Stream default_stream(Device device) { return Stream(device); }

  Device device() const { return device_; }
  StreamHandle handle() const { return owner_ ? owner_->handle : nullptr; }
  bool is_default() const { return handle() == nullptr; }

  // Blocks until all work queued on the stream has finished.
  void synchronize() const;
  // True when all work queued on the stream has finished.
  bool query() const;

  bool operator==(const Stream& o) const { return device_ == o.device_ && handle() == o.handle(); }
  bool operator!=(const Stream& o) const { return !(*this == o); }

 private:
  friend EMBER_API Stream current_stream(Device device);
  friend EMBER_API void set_current_stream(const Stream& s);
  struct Owner {  // not copyable: its destructor destroys the stream
    Owner() = default;
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;
    ~Owner();
    Device device{DeviceTypeId(0)};
    StreamHandle handle = nullptr;
  };
  Device device_;
  std::shared_ptr<Owner> owner_;
};

// The calling thread's current stream on a device (its default stream unless set).
EMBER_API Stream current_stream(Device device);
namespace detail {
constexpr int kMaxStreamDeviceIndex = 64;  // devices per type with a settable current stream
// The raw handle of the current stream: what operator calls read (no reference counting).
extern thread_local StreamHandle tls_current_stream[kMaxDeviceTypes][kMaxStreamDeviceIndex] EMBER_TLS_FAST;
inline StreamHandle current_stream_handle(Device d) {
  return d.index() >= 0 && d.index() < kMaxStreamDeviceIndex ? tls_current_stream[d.type()][d.index()] : nullptr;
}
}  // namespace detail
// Makes s the calling thread's current stream on s.device().
EMBER_API void set_current_stream(const Stream& s);
// Blocks until all work queued on every stream of the device has finished.
EMBER_API void synchronize(Device device);

// The accelerator whose pinned allocator pin_memory and pin_memory=true use by default: the
// first registered device type, other than cpu, with pinned memory. Throws RuntimeError if none.
EMBER_API Device default_pinned_memory_device();

// Sets the current stream of its device for a scope.
class EMBER_API StreamGuard {
 public:
  explicit StreamGuard(const Stream& s);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  Stream previous_;
};

// The calling thread's current device index for a device type (0 unless set), which is what
// Device("cuda") without an index means for operations that take the current device.
EMBER_API int16_t current_device_index(DeviceTypeId type);
EMBER_API void set_current_device_index(DeviceTypeId type, int16_t index);

// Sets the current device of device.type() for a scope.
class EMBER_API DeviceGuard {
 public:
  explicit DeviceGuard(Device device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  DeviceTypeId type_;
  int16_t previous_;
};

class EMBER_API Event {
 public:
  explicit Event(bool enable_timing = false) : timing_(enable_timing) {}
  ~Event();
  Event(Event&& o) noexcept;
  Event& operator=(Event&& o) noexcept;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Records the event on s (the current stream of device when not given).
  void record(const Stream& s);
  void record(Device device) { record(current_stream(device)); }
  // Work queued on s after this call waits for the event, without blocking the host.
  // An event never recorded is complete: block() is then a no-op.
  void block(const Stream& s) const;
  bool query() const;
  void synchronize() const;
  // Milliseconds from this event to end; both recorded with timing and completed.
  double elapsed_time(const Event& end) const;
  bool was_recorded() const { return recorded_; }

 private:
  void release() noexcept;
  bool timing_;
  bool recorded_ = false;
  Device device_{DeviceTypeId(0)};
  EventHandle handle_ = nullptr;
};

}  // namespace ember
