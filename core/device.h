// Device: a device type (a name a plugin registered, such as "cpu" or "sim") and an index.
//
// Device types are open: the core lists none. A plugin registers a type by name at startup and
// gets a small integer id (0..kMaxDeviceTypes-1), which is also its backend slot in dispatch key
// sets. Lookups are thread-safe; registration happens during startup under a lock.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/export.h"

namespace ember {

using DeviceTypeId = int16_t;
constexpr int kMaxDeviceTypes = 16;
constexpr DeviceTypeId kInvalidDeviceType = -1;

// A device type named at compile time, as libtorch's kCPU and kCUDA: a name resolved against the
// registry when used, since plugins register device types at run time.
class DeviceType {
 public:
  constexpr explicit DeviceType(const char* name) : name_(name) {}
  constexpr const char* name() const { return name_; }

 private:
  const char* name_;
};
constexpr bool operator==(DeviceType a, DeviceType b) {
  return std::string_view(a.name()) == std::string_view(b.name());
}
constexpr bool operator!=(DeviceType a, DeviceType b) { return !(a == b); }
inline std::ostream& operator<<(std::ostream& os, DeviceType t) { return os << t.name(); }
constexpr DeviceType kCPU{"cpu"};
constexpr DeviceType kCUDA{"cuda"};

class EMBER_API Device {
 public:
  // Parses "cpu", "cuda:1", "sim"; throws ValueError for an unknown type or bad syntax.
  Device(const std::string& spec);  // NOLINT: implicit, as torch::Device("cuda:1")
  Device(const char* spec) : Device(std::string(spec)) {}  // NOLINT
  Device(DeviceTypeId type, int16_t index = 0) : type_(type), index_(index) {}
  // Device(kCPU), Device(kCUDA, 1): throws ValueError when no plugin registered the type. An index
  // of -1 (libtorch's "no index") means device 0.
  Device(DeviceType type, int16_t index = -1);  // NOLINT: implicit, as torch::Device(torch::kCUDA)

  DeviceTypeId type() const { return type_; }
  int16_t index() const { return index_; }
  const std::string& type_name() const;
  bool is_cpu() const;
  bool is_cuda() const { return type_name() == "cuda"; }
  bool has_index() const { return true; }
  std::string str() const;  // "cpu", "cuda:1" (index shown when the type has >1 device or index>0)

  bool operator==(const Device& o) const { return type_ == o.type_ && index_ == o.index_; }
  bool operator!=(const Device& o) const { return !(*this == o); }

 private:
  DeviceTypeId type_;
  int16_t index_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const Device& d);

// device.type() == kCPU: compares by name, so a type no plugin registered is simply unequal.
EMBER_API bool operator==(DeviceTypeId id, DeviceType type);
inline bool operator!=(DeviceTypeId id, DeviceType type) { return !(id == type); }
inline bool operator==(DeviceType type, DeviceTypeId id) { return id == type; }
inline bool operator!=(DeviceType type, DeviceTypeId id) { return !(id == type); }

// The device type registry. These lookups do not trigger start-up (the loader uses them while
// plugins register); Device("name") and default_device() do.
EMBER_API DeviceTypeId find_device_type(const std::string& name);  // kInvalidDeviceType if none
EMBER_API const std::string& device_type_name(DeviceTypeId id);
EMBER_API std::vector<std::string> registered_device_types();
// The device that factories use when no device is given (the config's preference, else "cpu").
EMBER_API Device default_device();
EMBER_API void set_default_device(const Device& d);

}  // namespace ember
