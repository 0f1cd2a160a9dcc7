// The device runtime: what the core needs from a device type (memory, copies, streams, events,
// information), as a C++ interface. Plugins provide device types through the C ABI; registry/
// adapts each plugin's C table to this interface (registry/plugin_device.cpp), so nothing in
// core/ calls plugin function pointers or knows the ABI.
//
// The registry of device types lives here too: a fixed table written only during startup
// (plugin loading, under a lock) and read without locks afterwards. Entries are never removed,
// so references stay valid for the life of the process.
//
// Thread-safety: every DeviceRuntime method may be called from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/device.h"

namespace ember {

// Opaque handles a device runtime hands out. nullptr is the device's default stream.
using StreamHandle = void*;
using EventHandle = void*;

enum class CopyKind : int32_t { HostToDevice = 0, DeviceToHost = 1, DeviceToDevice = 2, Peer = 3 };

struct DeviceProperties {
  std::string name;
  uint64_t total_memory = 0;  // bytes; 0 if unknown
  std::string capability;     // "9.0", "avx512"
  int32_t multiprocessor_count = 0;
};

struct MemoryStats {
  uint64_t allocated_bytes = 0;
  uint64_t reserved_bytes = 0;
  uint64_t peak_allocated_bytes = 0;
  uint64_t peak_reserved_bytes = 0;
  uint64_t num_allocations = 0;
  uint64_t num_frees = 0;
  uint64_t num_device_allocations = 0;
  uint64_t num_device_frees = 0;
  uint64_t num_ooms = 0;
};

// One device type's runtime. Methods throw ember::Error subclasses (OutOfMemoryError,
// DeviceError, ...) with the device in the message; deallocate and the destroy functions never
// throw. A synchronous device implements the stream and event methods trivially.
class EMBER_API DeviceRuntime {
 public:
  virtual ~DeviceRuntime();

  virtual void* allocate(int32_t index, size_t nbytes, StreamHandle stream) = 0;
  virtual void deallocate(int32_t index, void* ptr) noexcept = 0;
  // Synchronous: complete on return. For Peer, both indices are this type's devices.
  virtual void copy(CopyKind kind, void* dst, int32_t dst_index, const void* src, int32_t src_index,
                    size_t nbytes) = 0;
  // Queued on `stream` of the non-host side (synchronous devices complete it on return).
  virtual void copy_async(CopyKind kind, void* dst, int32_t dst_index, const void* src, int32_t src_index,
                          size_t nbytes, StreamHandle stream) = 0;
  virtual void synchronize(int32_t index) = 0;

  virtual bool supports_streams() const = 0;  // false: one stream (nullptr), all work synchronous
  virtual StreamHandle stream_create(int32_t index, int32_t priority) = 0;
  virtual void stream_destroy(int32_t index, StreamHandle stream) noexcept = 0;
  virtual void stream_synchronize(int32_t index, StreamHandle stream) = 0;
  virtual bool stream_query(int32_t index, StreamHandle stream) = 0;

  virtual EventHandle event_create(int32_t index, bool timing) = 0;
  virtual void event_destroy(int32_t index, EventHandle event) noexcept = 0;
  virtual void event_record(int32_t index, EventHandle event, StreamHandle stream) = 0;
  virtual void stream_wait_event(int32_t index, StreamHandle stream, EventHandle event) = 0;
  virtual bool event_query(int32_t index, EventHandle event) = 0;
  virtual void event_synchronize(int32_t index, EventHandle event) = 0;
  virtual double event_elapsed_ms(int32_t index, EventHandle start, EventHandle end) = 0;

  // Page-locked host memory for fast asynchronous copies; plain aligned memory where the device
  // has none. host_deallocate takes only pointers from host_allocate.
  virtual void* host_allocate(size_t nbytes) = 0;
  virtual void host_deallocate(void* ptr) noexcept = 0;
  virtual bool has_pinned_memory() const = 0;

  virtual DeviceProperties properties(int32_t index) = 0;
  virtual MemoryStats memory_stats(int32_t index) = 0;
  virtual void reset_peak_memory_stats(int32_t index) = 0;
  virtual void record_stream(int32_t index, void* ptr, StreamHandle stream) = 0;
  virtual void empty_cache(int32_t index) = 0;
};

struct DeviceTypeInfo {
  DeviceTypeId id = kInvalidDeviceType;
  std::string name;
  std::string plugin;  // which plugin registered it
  int32_t device_count = 0;
  bool host_accessible = false;  // data pointers can be read by the host CPU directly
  // Its pointwise kernels take a 0-d host tensor among its inputs (ABI reads_host_scalars); when
  // false the structured runtime copies such inputs to the device first.
  bool reads_host_scalars = false;
  DeviceRuntime* runtime = nullptr;  // owned by the table; lives for the process
};

// Registers a device type; throws PluginError if the name is invalid or taken, or the table is
// full. The table takes ownership of the runtime.
EMBER_API DeviceTypeId register_device_type(const std::string& name, const std::string& plugin,
                                            int32_t device_count, bool host_accessible,
                                            std::unique_ptr<DeviceRuntime> runtime, bool reads_host_scalars = false);
// Throws ValueError when id is not registered.
EMBER_API const DeviceTypeInfo& device_type_info(DeviceTypeId id);
// Device types get ids 0, 1, 2, ... in registration order; this is how many exist now.
EMBER_API int device_type_count();
// The runtime of a device's type (shorthand for device_type_info(d.type()).runtime).
EMBER_API DeviceRuntime& device_runtime(Device d);
// True when d's memory is plain host memory (the "cpu" device type).
EMBER_API bool is_host_device(Device d);

// Copies nbytes between any two devices (through the host when neither side is the host).
// Synchronous. With `stream` (the current stream of the non-host side when not given) and
// non_blocking, the copy is queued instead and the caller keeps host memory alive until it
// completes (pinned memory makes it truly asynchronous).
EMBER_API void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes);
EMBER_API void copy_bytes_async(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes);

}  // namespace ember
