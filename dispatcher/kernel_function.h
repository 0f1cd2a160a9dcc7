// KernelFunction: one entry of an operator's kernel table.
//
// A kernel may be reachable two ways, and a table entry holds every way it has:
//   unboxed   R(*)(void* ctx, DispatchKeySet ks, Args...)   the C++ API's fast path
//   boxed     void(*)(void* ctx, const OperatorHandle&, DispatchKeySet, Stack*)
// (A plugin's C kernel is a boxed kernel here; ops/backend/ knows how to call it.) The key set is
// passed on so that a wrapper (autograd, tracer) can redispatch below itself. An unboxed kernel
// records its C++ signature, which typed calls are checked against (see CppSignature).
// Immutable once published in a table; thread-safe to call from any thread.
#pragma once

#include <optional>

#include "core/dispatch_key_set.h"
#include "core/ivalue.h"
#include "dispatcher/cpp_signature.h"

namespace ember {

class OperatorHandle;

using BoxedKernelFn = void (*)(void* ctx, const OperatorHandle& op, DispatchKeySet ks, Stack* stack);

struct KernelFunction {
  void* unboxed = nullptr;             // R(*)(void* ctx, DispatchKeySet, Args...), called with ctx
  void* ctx = nullptr;
  BoxedKernelFn boxed = nullptr;       // called with boxed_ctx
  void* boxed_ctx = nullptr;
  std::optional<CppSignature> signature;  // of unboxed: Ret(Args...)
  const char* provider = "";           // plugin or library that registered it (for ember ops/info)
  bool fallthrough = false;            // a functionality key that passes the call on unchanged

  bool valid() const { return unboxed || boxed || fallthrough; }
};

}  // namespace ember
