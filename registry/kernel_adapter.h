// The adapter between the dispatcher's boxed calling convention and a plugin's C kernel.
//
// A plugin kernel (ember_kernel_fn) takes its operator's arguments as ember_values in schema
// order. The boxed entry built here converts the IValue stack to that array (tensors become
// borrowed ember_tensor_views), checks every tensor's dtype against the kernel's dtype mask,
// calls the plugin behind a catch-all, turns a returned status into the matching ember::Error,
// and pushes the results. Plugin kernels only write into their mutable arguments (out= and
// in-place forms), so the results are those arguments; the registrar rejects kernels for
// operators that return anything else (plugin_kernel_schema_problem).
//
// Conventions beyond plugin_abi.h: bool[] arguments arrive as EMBER_VALUE_INT_LIST of 0/1; an
// undefined element of a Tensor?[] arrives as a view with data NULL and ndim -1; a Generator?
// that is None uses the default generator. The generator range reserved per call is 4 values per
// element of the written tensors, as in the structured-kernel runtime.
//
// Thread-safety: the entry keeps all per-call state on the stack; the context is immutable.
#pragma once

#include <functional>
#include <string>

#include <ember/plugin_abi.h>

#include "dispatcher/dispatcher.h"
#include "registry/call_context.h"

namespace ember {

struct PluginKernelInfo {
  const char* plugin = "";       // interned: lives for the process
  const char* device_name = "";  // interned
  DeviceTypeId device = kInvalidDeviceType;
  ember_kernel_fn fn = nullptr;
  void* ctx = nullptr;
  uint32_t dtypes = 0;           // EMBER_DTYPE_BIT mask
};

// The table entry for a plugin kernel: c_kernel/c_ctx/c_dtypes/provider and the boxed adapter.
// The info is copied into a context that lives for the process (kernels are never removed).
KernelFunction make_plugin_kernel(const PluginKernelInfo& info);

// Why a plugin cannot implement this operator through the C ABI ("" when it can): every return
// must alias an argument the operator writes (Tensor(a!)).
std::string plugin_kernel_schema_problem(const FunctionSchema& schema);

// Calls a plugin's C kernel behind a catch-all: a C++ exception escaping the plugin (a plugin
// bug) becomes a PluginError, a returned status the matching ember::Error (throw_if_error).
// context starts the messages: "[aten::add.out] the cpu kernel for sim". For callers that build
// the ember_value array themselves (the structured-kernel runtime).
void call_plugin_c_kernel(const KernelFunction& kernel, HostCall& call, const ember_value* args, int32_t num_args,
                          const std::string& context);
// The same, building the context ("[op] the <provider> kernel for <device>") only when something
// went wrong: the structured-kernel fast path pays nothing for the message.
void call_plugin_c_kernel(const KernelFunction& kernel, HostCall& call, const ember_value* args, int32_t num_args,
                          const FunctionSchema& schema, DeviceTypeId device);
// That context: "[<op full name>] the <provider> kernel for <device type>".
std::string plugin_kernel_context(const FunctionSchema& schema, const char* provider, const char* device_name);

// Returns a copy of s that lives for the process (for the const char* fields of KernelFunction).
const char* intern_string(const std::string& s);

}  // namespace ember
