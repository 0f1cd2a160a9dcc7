// The hook between the core and the runtime that loads plugins.
//
// Core code that needs the plugins to be loaded (looking a device type up by name, the default
// device) calls ensure_runtime_initialized() first. The first call reads the configuration
// (EMBER_CONFIG, or the embedded default) and loads the plugins; later calls return at once, or
// rethrow the stored startup error if startup failed. It is defined in registry/runtime.cpp so
// that the core's headers never depend on the registry.
//
// Thread-safe: concurrent first calls wait for one startup. A call made from inside startup (by
// the thread that is loading the plugins) returns immediately instead of deadlocking.
#pragma once

#include "core/export.h"

namespace ember {
namespace detail {

EMBER_API void ensure_runtime_initialized();

// Registers the built-in operators (ops.yaml's schemas, composite and structured kernels, the
// autograd kernels) once; the dispatcher's first lookup calls it, and so does start-up. Defined
// in registry/ (which sits above ops/ and autograd/), so the dispatcher knows none of them.
// Thread-safe; a call made while the registration runs on the same thread returns at once.
EMBER_API void ensure_operators_registered();

}  // namespace detail
}  // namespace ember
