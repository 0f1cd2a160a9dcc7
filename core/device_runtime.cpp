// The device type table: the device types plugins registered, their C function tables, and the
// byte copies between devices built on them. Also turns plugin statuses into exceptions.
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

// The host side of a copy is the "cpu" device type when one is registered: its memory is plain
// host memory, so the other side's copy function does the transfer.
bool is_host(Device d) {
  static const std::string kCpu = "cpu";
  return d.type() >= 0 && d.type() < table().count.load(std::memory_order_acquire) &&
         table().entries[d.type()].name == kCpu;
}

constexpr int32_t kHostToDevice = 0;
constexpr int32_t kDeviceToHost = 1;
constexpr int32_t kDeviceToDevice = 2;

void device_copy(const DeviceTypeInfo& info, int32_t kind, void* dst, int32_t dst_index, const void* src,
                 int32_t src_index, size_t nbytes) {
  std::string context = "[copy] device '" + info.name + "' (plugin '" + info.plugin + "')";
  ember_status* status = nullptr;
  try {
    status = info.desc.copy_bytes(info.desc.ctx, kind, dst, dst_index, src, src_index, nbytes);
  } catch (...) {
    // A C++ exception through the C boundary is a plugin bug; keep the process alive anyway.
    EMBER_FAIL(PluginError, context, ": copy_bytes threw a C++ exception (a bug in the plugin)");
  }
  throw_if_error(status, context.c_str());
}

}  // namespace

DeviceTypeId register_device_type(const ember_device_type_desc& desc, const std::string& plugin) {
  DeviceTypeTable& t = table();
  std::lock_guard<std::mutex> lock(t.registration_mutex);
  EMBER_CHECK(is_valid_device_type_name(desc.name), PluginError, "[plugin '", plugin,
              "'] invalid device type name '", desc.name ? desc.name : "(null)",
              "': expected letters, digits and underscores, not starting with a digit");
  DeviceTypeId existing = find_in_table(t, desc.name);
  EMBER_CHECK(existing == kInvalidDeviceType, PluginError, "[plugin '", plugin, "'] device type '", desc.name,
              "' is already registered by plugin '", existing >= 0 ? t.entries[existing].plugin : "", "'");
  int n = t.count.load(std::memory_order_relaxed);
  EMBER_CHECK(n < kMaxDeviceTypes, PluginError, "[plugin '", plugin, "'] cannot register device type '",
              desc.name, "': all ", kMaxDeviceTypes, " device type slots are taken");
  EMBER_CHECK(desc.allocate && desc.deallocate && desc.copy_bytes, PluginError, "[plugin '", plugin,
              "'] device type '", desc.name, "' lacks allocate, deallocate or copy_bytes");
  EMBER_CHECK(desc.device_count >= 0, PluginError, "[plugin '", plugin, "'] device type '", desc.name,
              "' has a negative device_count (", desc.device_count, ")");

  DeviceTypeInfo& entry = t.entries[n];
  entry.id = static_cast<DeviceTypeId>(n);
  entry.name = desc.name;
  entry.plugin = plugin;
  // Copy only the fields the plugin's table has (it may be older and shorter); the rest stay 0.
  std::memset(&entry.desc, 0, sizeof entry.desc);
  std::memcpy(&entry.desc, &desc, std::min(desc.struct_size, sizeof entry.desc));
  entry.desc.struct_size = sizeof entry.desc;
  entry.desc.name = entry.name.c_str();
  t.count.store(n + 1, std::memory_order_release);
  return entry.id;
}

const DeviceTypeInfo& device_type_info(DeviceTypeId id) { return checked_info(id); }

int device_type_count() { return table().count.load(std::memory_order_acquire); }

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes) {
  if (nbytes == 0) return;
  const DeviceTypeInfo& dst_info = checked_info(dst_device.type());
  const DeviceTypeInfo& src_info = checked_info(src_device.type());
  bool dst_host = is_host(dst_device);
  bool src_host = is_host(src_device);
  if (dst_host && src_host) {
    std::memcpy(dst, src, nbytes);
  } else if (src_host) {
    device_copy(dst_info, kHostToDevice, dst, dst_device.index(), src, 0, nbytes);
  } else if (dst_host) {
    device_copy(src_info, kDeviceToHost, dst, 0, src, src_device.index(), nbytes);
  } else if (dst_device.type() == src_device.type()) {
    device_copy(dst_info, kDeviceToDevice, dst, dst_device.index(), src, src_device.index(), nbytes);
  } else {
    // Two different accelerators know nothing of each other: stage through host memory.
    std::unique_ptr<char[]> staging(new char[nbytes]);
    device_copy(src_info, kDeviceToHost, staging.get(), 0, src, src_device.index(), nbytes);
    device_copy(dst_info, kHostToDevice, dst, dst_device.index(), staging.get(), 0, nbytes);
  }
}

void throw_if_error(ember_status* status, const char* context) {
  if (status == nullptr) return;
  int32_t code = status_code(status);
  std::string message = status_message(status);
  free_status(status);
  if (context != nullptr && *context != '\0') message = std::string(context) + ": " + message;
  switch (code) {
    case EMBER_OK:
      return;
    case EMBER_ERROR_VALUE:
      throw ValueError(message);
    case EMBER_ERROR_TYPE:
      throw TypeError(message);
    case EMBER_ERROR_INDEX:
      throw IndexError(message);
    case EMBER_ERROR_NOT_IMPLEMENTED:
      throw NotImplementedError(message);
    case EMBER_ERROR_RUNTIME:
      throw RuntimeError(message);
    case EMBER_ERROR_OUT_OF_MEMORY:
      if (message.find("out of memory") == std::string::npos) message += " (out of memory)";
      throw OutOfMemoryError(message);
    default:  // EMBER_ERROR_ABI and codes newer than this host: the plugin broke the contract
      throw PluginError(message);
  }
}

}  // namespace ember
