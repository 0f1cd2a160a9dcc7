// Plugin kernels as the core holds them: the registrar turns each ember_kernel_desc into a
// BackendKernel (ops/backend/backend_kernel.h) and installs it where calls find it: the table
// of a structured kernel op (add.out, ...), or the dispatch table through a boxed entry for an
// operator the plugin defined itself. Calls go through the one marshaller in
// ops/backend/kernel_call.h.
//
// Thread-safety: install_plugin_kernel runs under the loader's serialization; what it installs
// lives for the process (kernels are never removed).
#pragma once

#include <string>

#include <ember/plugin_abi.h>

#include "dispatcher/dispatcher.h"

namespace ember {

struct PluginKernelInfo {
  const char* plugin = "";       // interned: lives for the process
  const char* device_name = "";  // interned
  DeviceTypeId device = kInvalidDeviceType;
  ember_kernel_fn fn = nullptr;
  void* ctx = nullptr;
  uint32_t dtypes = 0;           // EMBER_DTYPE_BIT mask
};

// Installs a plugin's kernel for op on info.device. Throws ValueError when another provider
// already has that kernel.
void install_plugin_kernel(const OperatorHandle& op, const PluginKernelInfo& info);

// Why a plugin cannot implement this operator through the C ABI ("" when it can): every return
// must alias an argument the operator writes (Tensor(a!)).
std::string plugin_kernel_schema_problem(const FunctionSchema& schema);

// Returns a copy of s that lives for the process (for const char* fields of kernel records).
const char* intern_string(const std::string& s);

}  // namespace ember
