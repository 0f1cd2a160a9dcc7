// Backend kernels: what a device provides for an operator the core calls through the plugin
// ABI, and, for each structured kernel op (ops.yaml `dispatch: backend`: add.out, sum.IntList_out,
// ...), the table of those kernels per device type.
//
// The dispatcher does not know these: a structured op's dispatch-table slots hold its generated
// wrapper (validation through meta, then structured::run), and the wrapper finds the backend
// kernel here with one atomic load, resolved at registration time: the device's own kernel, or
// its fallback (the CPU fallback), or none.
//
// Ownership: kernels and tables are created at registration and live for the process (plugins
// are never unloaded). Thread-safety: lookups are lock-free; registration takes a mutex.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "dispatcher/dispatcher.h"

namespace ember {

struct BackendKernel {
  ember_kernel_fn fn = nullptr;          // a plugin's C kernel ...
  void* ctx = nullptr;
  uint32_t dtypes = EMBER_DTYPES_ALL;    // EMBER_DTYPE_BIT mask of the dtypes fn computes in
  const KernelFunction* boxed = nullptr; // ... or a boxed C++ kernel (the CPU fallback)
  const char* provider = "";             // the plugin (interned: lives for the process)
  DeviceTypeId device = kInvalidDeviceType;
};

namespace structured {

// The backend kernels of one structured kernel op.
class EMBER_API BackendOp {
 public:
  explicit BackendOp(OperatorEntry& op) : op_(op) {
    for (auto& k : resolved_) k.store(nullptr, std::memory_order_relaxed);
  }
  const OperatorEntry& op() const { return op_; }
  OperatorEntry& op() { return op_; }

  // The kernel a call on `device` runs (its own, else its fallback), or null.
  const BackendKernel* kernel(DeviceTypeId device) const {
    return resolved_[device].load(std::memory_order_acquire);
  }
  // The device's own kernel (not the fallback), or null.
  const BackendKernel* own_kernel(DeviceTypeId device) const;
  // Device types with a kernel of their own or a fallback, for messages and `ember ops`.
  std::vector<std::string> devices() const;

  // Registration (serialized by the registry's lock). A second kernel for a device replaces
  // the first only if allow_override; otherwise it is a ValueError naming both providers.
  void set_kernel(DeviceTypeId device, const BackendKernel* kernel, bool allow_override = false);
  void set_fallback(DeviceTypeId device, const BackendKernel* fallback);

  [[noreturn]] void throw_missing_kernel(DeviceTypeId device) const;

 private:
  void resolve(DeviceTypeId device);
  OperatorEntry& op_;
  std::atomic<const BackendKernel*> resolved_[kMaxDeviceTypes];
  const BackendKernel* own_[kMaxDeviceTypes] = {};
  const BackendKernel* fallback_[kMaxDeviceTypes] = {};
};

// The table of a structured kernel op, created on first use (ops.yaml's are created when the
// builtin operators are registered). Registration-time lookups; calls keep the pointer.
EMBER_API BackendOp& backend_op(OperatorEntry& op);
// The table if op is a structured kernel op, else null.
EMBER_API BackendOp* find_backend_op(const OperatorEntry& op);
// Every structured kernel op.
EMBER_API std::vector<BackendOp*> backend_ops();

// A functional or in-place form whose kernels are those of a structured op (add.Tensor runs
// add.out's): recorded so that listings report the devices that really have kernels.
EMBER_API void set_delegate(const OperatorEntry& form, BackendOp& kernel_op);
// Device types that run op: a structured op's (or its delegate's) backend kernels, otherwise
// the dispatch table's.
EMBER_API std::vector<std::string> devices_running(const OperatorEntry& op);

}  // namespace structured
}  // namespace ember
