// The DeviceRuntime (core/device_runtime.h) of a device type a plugin registered: adapts the
// plugin's C table (ember_device_type_desc) to the core's C++ interface, filling in the
// behaviour of a synchronous device for the optional fields the plugin left NULL, and turning
// returned statuses into ember::Error exceptions that name the device type and plugin.
//
// Thread-safety: as the plugin's functions (callable from many threads); the adapter keeps no
// mutable state except the host-side events of devices without events of their own.
#pragma once

#include <memory>
#include <string>

#include <ember/plugin_abi.h>

#include "core/device_runtime.h"

namespace ember {

// Why the table cannot be used ("" when it can): required functions missing, a bad count.
std::string plugin_device_table_problem(const ember_device_type_desc& desc);

// desc is copied (only the fields the plugin's struct_size covers); desc.name is not kept.
std::unique_ptr<DeviceRuntime> make_plugin_device_runtime(const ember_device_type_desc& desc,
                                                          const std::string& device_name,
                                                          const std::string& plugin);

}  // namespace ember
