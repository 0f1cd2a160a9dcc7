// ember_status on the host side: creating, reading and freeing the error objects that cross the
// plugin boundary, and turning them into ember::Error exceptions.
//
// The host owns every status it creates; whoever receives one frees it (throw_if_error does).
// Nothing here throws except throw_if_error. Thread-safe.
#pragma once

#include <cstdint>

#include <ember/plugin_abi.h>

#include "core/export.h"

namespace ember {

EMBER_API ember_status* make_status(int32_t code, const char* message);
EMBER_API void free_status(ember_status* status);
EMBER_API int32_t status_code(const ember_status* status);
EMBER_API const char* status_message(const ember_status* status);

// Turns a status into an exception of the matching type (and frees it); context (may be empty)
// is prepended to the message. A null status is success and returns.
EMBER_API void throw_if_error(ember_status* status, const char* context);

}  // namespace ember
