// The device runtime registry: for each device type a plugin registered, its C function table
// (allocator, copies, synchronize) and the plugin that provided it.
//
// Written only during startup (plugin loading, under a lock); read without locks afterwards.
// Entries are never removed, so references stay valid for the life of the process.
#pragma once

#include <string>

#include <ember/plugin_abi.h>

#include "core/device.h"

namespace ember {

struct DeviceTypeInfo {
  DeviceTypeId id = kInvalidDeviceType;
  std::string name;
  std::string plugin;           // which plugin registered it
  ember_device_type_desc desc;  // copied from the plugin; desc.name points at `name`
};

// Registers a device type; throws PluginError if the name is taken or the table is full.
EMBER_API DeviceTypeId register_device_type(const ember_device_type_desc& desc, const std::string& plugin);
// Throws ValueError when id is not registered.
EMBER_API const DeviceTypeInfo& device_type_info(DeviceTypeId id);
// Device types get ids 0, 1, 2, ... in registration order; this is how many exist now.
EMBER_API int device_type_count();

// Copies nbytes between any two devices (through the host when neither side is the host).
EMBER_API void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes);

// Turns a status a plugin returned into an exception of the matching type (and frees it).
// A null status is success and returns.
EMBER_API void throw_if_error(ember_status* status, const char* context);
// Creates a status (the host side of ember_host_api::status_create).
EMBER_API ember_status* make_status(int32_t code, const char* message);
EMBER_API void free_status(ember_status* status);
EMBER_API int32_t status_code(const ember_status* status);
EMBER_API const char* status_message(const ember_status* status);

}  // namespace ember
