// PluginRegistrar: what one plugin registers during its init call, buffered until init succeeds.
//
// The plugin sees only the opaque ember_registrar. Each registration is checked when it is made
// (so the plugin gets an error status at once) and remembered; nothing reaches the core until
// commit(), which the loader calls only if init returned success and no registration failed. So a
// plugin that fails leaves no device type, operator or kernel behind.
//
// Ownership: the loader owns the PluginRegistrar for the duration of one init. The small
// ember_registrar handle is leaked on purpose: a plugin that keeps it and calls the host after
// init gets an error status instead of touching freed memory.
// Thread-safety: one registrar is used by one init call on one thread; commits are serialized by
// the loader (plugins are loaded one at a time).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "core/device.h"
#include "dispatcher/dispatcher.h"

namespace ember {
class PluginRegistrar;
}

// The definition behind the ABI's opaque type.
struct ember_registrar {
  ember::PluginRegistrar* owner;  // null once init has returned
};

namespace ember {

class PluginRegistrar {
 public:
  explicit PluginRegistrar(std::string plugin_name);
  ~PluginRegistrar();
  PluginRegistrar(const PluginRegistrar&) = delete;
  PluginRegistrar& operator=(const PluginRegistrar&) = delete;

  ember_registrar* handle() { return handle_; }
  // The registrar behind a handle, or null when init has already returned.
  static PluginRegistrar* from_handle(ember_registrar* handle) { return handle ? handle->owner : nullptr; }

  // The registrations. Each returns "" on success, else what is wrong (also kept in first_error).
  std::string add_device_type(const ember_device_type_desc* desc, int32_t* out_device_type_id);
  std::string add_kernel(const ember_kernel_desc* desc);
  std::string add_op_definition(const ember_op_desc* desc);
  std::string add_cpu_fallback(const char* device_type);
  std::string add_process_group_backend(const ember_process_group_backend_desc* desc);
  std::string add_fusion_backend(const ember_fusion_backend_desc* desc);

  // Called when init returns: later calls through the handle fail.
  void close();
  // The first registration that failed; a plugin that ignores the status still fails.
  const std::string& first_error() const { return first_error_; }

  struct Summary {
    int kernels = 0;
    std::vector<std::string> device_types;
    std::vector<std::string> collective_backends;
    std::vector<std::string> fusion_backends;
  };
  // Publishes everything to the core (device types, operators, kernels, fallbacks). Throws
  // PluginError; everything that can be checked beforehand is, so a throw is exceptional.
  Summary commit();

 private:
  struct PendingDeviceType;
  struct PendingOp;
  struct PendingKernel;

  std::string fail(std::string message);
  // The id a device type will get: pending ones are numbered after those already registered.
  DeviceTypeId resolve_device_type(const std::string& name) const;
  const FunctionSchema* resolve_op(const std::string& op_name, int* pending_index, OperatorHandle* existing) const;

  std::string plugin_;
  ember_registrar* handle_;
  std::string first_error_;
  std::vector<std::unique_ptr<PendingDeviceType>> device_types_;
  std::vector<std::unique_ptr<PendingOp>> ops_;
  std::vector<PendingKernel> kernels_;
  std::vector<DeviceTypeId> cpu_fallbacks_;
  std::vector<ember_process_group_backend_desc> process_group_backends_;
  std::vector<ember_fusion_backend_desc> fusion_backends_;
};

// The plugin that registered a kernel for (op, device type) through this registry; "" if none.
std::string kernel_owner(const std::string& op_full_name, DeviceTypeId device);

}  // namespace ember
