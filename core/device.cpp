// Device parsing and printing; the default device.
#include "core/device.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <sstream>

#include "core/device_runtime.h"
#include "core/error.h"
#include "core/runtime_hook.h"

namespace ember {

namespace {
std::mutex g_default_mutex;
bool g_default_set = false;
Device g_default_device(DeviceTypeId(0), 0);

std::string known_types() {
  std::string s;
  for (const std::string& n : registered_device_types()) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}
}  // namespace

Device::Device(const std::string& spec) : type_(kInvalidDeviceType), index_(0) {
  detail::ensure_runtime_initialized();
  std::string name = spec;
  size_t colon = spec.find(':');
  if (colon != std::string::npos) {
    name = spec.substr(0, colon);
    std::string idx = spec.substr(colon + 1);
    char* end = nullptr;
    long v = idx.empty() ? -1 : std::strtol(idx.c_str(), &end, 10);
    EMBER_CHECK(!idx.empty() && end && *end == '\0' && v >= 0 && v < 32768, ValueError,
                "[Device] expected a device string like 'cpu' or 'cuda:1', got '", spec, "'");
    index_ = static_cast<int16_t>(v);
  }
  type_ = find_device_type(name);
  EMBER_CHECK(type_ != kInvalidDeviceType, ValueError, "[Device] unknown device type '", name,
              "' (registered: ", known_types(), "; see `ember info` for plugins that failed to load)");
  const DeviceTypeInfo& info = device_type_info(type_);
  EMBER_CHECK(index_ < info.device_count, ValueError, "[Device] device index ", index_,
              " is out of range for '", name, "', which has ", info.device_count, " device(s)");
}

Device::Device(DeviceType type, int16_t index) : Device(std::string(type.name())) {
  EMBER_CHECK(index >= -1, ValueError, "[Device] device index must be -1 or non-negative, got ", index);
  if (index > 0) *this = Device(std::string(type.name()) + ":" + std::to_string(index));
}

bool operator==(DeviceTypeId id, DeviceType type) {
  return id >= 0 && id < device_type_count() && device_type_name(id) == type.name();
}

const std::string& Device::type_name() const { return device_type_name(type_); }
bool Device::is_cpu() const { return type_name() == "cpu"; }

std::string Device::str() const {
  std::ostringstream os;
  os << type_name();
  if (!is_cpu() || index_ != 0) os << ':' << index_;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }

DeviceTypeId find_device_type(const std::string& name) {
  int n = device_type_count();
  for (int i = 0; i < n; ++i)
    if (device_type_info(static_cast<DeviceTypeId>(i)).name == name) return static_cast<DeviceTypeId>(i);
  return kInvalidDeviceType;
}

const std::string& device_type_name(DeviceTypeId id) { return device_type_info(id).name; }

std::vector<std::string> registered_device_types() {
  std::vector<std::string> out;
  int n = device_type_count();
  for (int i = 0; i < n; ++i) out.push_back(device_type_info(static_cast<DeviceTypeId>(i)).name);
  return out;
}

Device default_device() {
  detail::ensure_runtime_initialized();
  std::lock_guard<std::mutex> lock(g_default_mutex);
  if (g_default_set) return g_default_device;
  DeviceTypeId cpu = find_device_type("cpu");
  EMBER_CHECK(cpu != kInvalidDeviceType, RuntimeError,
              "[default_device] no default device is configured and no 'cpu' device is registered");
  return Device(cpu, 0);
}

void set_default_device(const Device& d) {
  std::lock_guard<std::mutex> lock(g_default_mutex);
  g_default_device = d;
  g_default_set = true;
}

}  // namespace ember
