// KernelFunction: one entry of an operator's kernel table.
//
// A kernel may be reachable three ways, and a table entry holds every way it has:
//   unboxed   R(*)(void* ctx, DispatchKeySet ks, Args...)   the C++ API's fast path
//   boxed     void(*)(void* ctx, const OperatorHandle&, DispatchKeySet, Stack*)
//   c_kernel  ember_kernel_fn from a plugin (a C call over ember_value arguments)
// The key set is passed on so that a wrapper (autograd, tracer) can redispatch below itself.
// Immutable once published in a table; thread-safe to call from any thread.
#pragma once

#include <ember/plugin_abi.h>

#include "core/dispatch_key_set.h"
#include "core/ivalue.h"

namespace ember {

class OperatorHandle;

using BoxedKernelFn = void (*)(void* ctx, const OperatorHandle& op, DispatchKeySet ks, Stack* stack);

struct KernelFunction {
  void* unboxed = nullptr;             // R(*)(void* ctx, DispatchKeySet, Args...), called with ctx
  void* ctx = nullptr;
  BoxedKernelFn boxed = nullptr;       // called with boxed_ctx
  void* boxed_ctx = nullptr;
  ember_kernel_fn c_kernel = nullptr;  // set for plugin kernels
  void* c_ctx = nullptr;
  uint32_t c_dtypes = 0;               // EMBER_DTYPE_BIT mask the plugin kernel accepts
  const char* provider = "";           // plugin or library that registered it (for ember ops/info)
  bool fallthrough = false;            // a functionality key that passes the call on unchanged

  bool valid() const { return unboxed || boxed || c_kernel || fallthrough; }
};

}  // namespace ember
