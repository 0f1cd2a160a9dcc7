// The device type table: the device types plugins registered, their runtimes, and the byte
// copies between devices built on them.
//
// The table is a fixed array that is never shrunk or moved, so references to entries stay valid
// for the life of the process and readers need no lock: an entry is fully written before the
// count that makes it visible is published (release/acquire). Registration is serialized by a
// mutex. The table is intentionally leaked so that nothing touches it during static destruction.
//
// The lookups by name (find_device_type, ...) are in core/device.cpp, over device_type_count()
// and device_type_info().
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/device_runtime.h"
#include "core/error.h"
#include "core/stream.h"

namespace ember {
namespace {

struct DeviceTypeTable {
  std::mutex registration_mutex;
  std::atomic<int> count{0};
  std::array<DeviceTypeInfo, kMaxDeviceTypes> entries;
};

DeviceTypeTable& table() {
  static DeviceTypeTable* t = new DeviceTypeTable();  // leaked: see the header comment
  return *t;
}

bool is_valid_device_type_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  if (!(std::isalpha(static_cast<unsigned char>(*name)) || *name == '_')) return false;
  for (const char* p = name; *p; ++p) {
    if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '_')) return false;
  }
  return true;
}

DeviceTypeId find_in_table(const DeviceTypeTable& t, const std::string& name) {
  int n = t.count.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (t.entries[i].name == name) return static_cast<DeviceTypeId>(i);
  }
  return kInvalidDeviceType;
}

const DeviceTypeInfo& checked_info(DeviceTypeId id) {
  DeviceTypeTable& t = table();
  EMBER_CHECK(id >= 0 && id < t.count.load(std::memory_order_acquire), ValueError,
              "[device] device type id ", id, " is not registered");
  return t.entries[id];
}

}  // namespace

DeviceRuntime::~DeviceRuntime() = default;

DeviceTypeId register_device_type(const std::string& name, const std::string& plugin, int32_t device_count,
                                  bool host_accessible, std::unique_ptr<DeviceRuntime> runtime, bool reads_host_scalars) {
  DeviceTypeTable& t = table();
  std::lock_guard<std::mutex> lock(t.registration_mutex);
  EMBER_CHECK(is_valid_device_type_name(name.c_str()), PluginError, "[plugin '", plugin, "'] invalid device type name '",
              name, "': expected letters, digits and underscores, not starting with a digit");
  DeviceTypeId existing = find_in_table(t, name);
  EMBER_CHECK(existing == kInvalidDeviceType, PluginError, "[plugin '", plugin, "'] device type '", name,
              "' is already registered by plugin '", existing >= 0 ? t.entries[existing].plugin : "", "'");
  int n = t.count.load(std::memory_order_relaxed);
  EMBER_CHECK(n < kMaxDeviceTypes, PluginError, "[plugin '", plugin, "'] cannot register device type '", name,
              "': all ", kMaxDeviceTypes, " device type slots are taken");
  EMBER_CHECK(device_count >= 0, PluginError, "[plugin '", plugin, "'] device type '", name,
              "' has a negative device_count (", device_count, ")");
  EMBER_INTERNAL_ASSERT(runtime != nullptr, "register_device_type without a runtime");

  DeviceTypeInfo& entry = t.entries[n];
  entry.id = static_cast<DeviceTypeId>(n);
  entry.name = name;
  entry.plugin = plugin;
  entry.device_count = device_count;
  entry.host_accessible = host_accessible;
  entry.reads_host_scalars = reads_host_scalars && !host_accessible;
  entry.runtime = runtime.release();  // owned by the (leaked) table
  t.count.store(n + 1, std::memory_order_release);
  return entry.id;
}

const DeviceTypeInfo& device_type_info(DeviceTypeId id) { return checked_info(id); }

int device_type_count() { return table().count.load(std::memory_order_acquire); }

DeviceRuntime& device_runtime(Device d) { return *checked_info(d.type()).runtime; }

// The host side of a copy is the "cpu" device type when one is registered: its memory is plain
// host memory, so the other side's copy function does the transfer.
bool is_host_device(Device d) {
  static const std::string kCpu = "cpu";
  return d.type() >= 0 && d.type() < table().count.load(std::memory_order_acquire) &&
         table().entries[d.type()].name == kCpu;
}

namespace {

void copy_between(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes, bool async) {
  if (nbytes == 0) return;
  const DeviceTypeInfo& dst_info = checked_info(dst_device.type());
  const DeviceTypeInfo& src_info = checked_info(src_device.type());
  const bool dst_host = is_host_device(dst_device);
  const bool src_host = is_host_device(src_device);
  auto run = [&](const DeviceTypeInfo& info, CopyKind kind, int32_t dst_index, int32_t src_index, Device side) {
    if (async) {
      info.runtime->copy_async(kind, dst, dst_index, src, src_index, nbytes, current_stream(side).handle());
    } else {
      info.runtime->copy(kind, dst, dst_index, src, src_index, nbytes);
    }
  };
  if (dst_host && src_host) {
    std::memcpy(dst, src, nbytes);
  } else if (src_host) {
    run(dst_info, CopyKind::HostToDevice, dst_device.index(), dst_device.index(), dst_device);
  } else if (dst_host) {
    run(src_info, CopyKind::DeviceToHost, src_device.index(), src_device.index(), src_device);
  } else if (dst_device.type() == src_device.type()) {
    CopyKind kind = dst_device.index() == src_device.index() ? CopyKind::DeviceToDevice : CopyKind::Peer;
    run(src_info, kind, dst_device.index(), src_device.index(), src_device);
  } else {
    // Two different accelerators know nothing of each other: stage through host memory.
    std::unique_ptr<char[]> staging(new char[nbytes]);
    src_info.runtime->copy(CopyKind::DeviceToHost, staging.get(), src_device.index(), src, src_device.index(), nbytes);
    dst_info.runtime->copy(CopyKind::HostToDevice, dst, dst_device.index(), staging.get(), dst_device.index(), nbytes);
  }
}

}  // namespace

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes) {
  copy_between(dst, dst_device, src, src_device, nbytes, false);
}

void copy_bytes_async(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes) {
  copy_between(dst, dst_device, src, src_device, nbytes, true);
}

}  // namespace ember
