// ember_status: the error objects that cross the plugin boundary (see registry/status.h).
//
// The core owns every status: plugins create them through host->status_create (make_status) and
// return them; the core reads and frees them. Nothing here throws, because these functions are
// called from C code in plugins. Thread-safe: a status is a plain value owned by one caller.
#include <cstring>
#include <new>
#include <string>

#include "ops/backend/status.h"

#include "core/error.h"

struct ember_status {
  int32_t code;
  std::string message;
};

namespace ember {
namespace {

// Returned when allocating a status fails; never freed, so it must be recognized in free_status.
ember_status* out_of_memory_status() {
  static ember_status* status = new (std::nothrow) ember_status{EMBER_ERROR_OUT_OF_MEMORY, "out of memory"};
  return status;
}

}  // namespace

ember_status* make_status(int32_t code, const char* message) {
  // NULL is the ABI's success value, so an "OK status" is simply none.
  if (code == EMBER_OK) return nullptr;
  try {
    return new ember_status{code, message ? std::string(message) : std::string()};
  } catch (...) {
    return out_of_memory_status();
  }
}

void free_status(ember_status* status) {
  if (status == nullptr || status == out_of_memory_status()) return;
  delete status;
}

int32_t status_code(const ember_status* status) { return status ? status->code : EMBER_OK; }

const char* status_message(const ember_status* status) { return status ? status->message.c_str() : ""; }

void throw_if_error(ember_status* status, const char* context) {
  if (status == nullptr) return;
  int32_t code = status_code(status);
  std::string message = status_message(status);
  free_status(status);
  if (context != nullptr && *context != '\0') message = std::string(context) + ": " + message;
  switch (code) {
    case EMBER_OK: return;
    case EMBER_ERROR_VALUE: throw ValueError(message);
    case EMBER_ERROR_TYPE: throw TypeError(message);
    case EMBER_ERROR_INDEX: throw IndexError(message);
    case EMBER_ERROR_NOT_IMPLEMENTED: throw NotImplementedError(message);
    case EMBER_ERROR_RUNTIME: throw RuntimeError(message);
    case EMBER_ERROR_OUT_OF_MEMORY:
      if (message.find("out of memory") == std::string::npos) message += " (out of memory)";
      throw OutOfMemoryError(message);
    case EMBER_ERROR_DEVICE: throw DeviceError(message);
    case EMBER_ERROR_TIMEOUT: throw TimeoutError(message);
    case EMBER_ERROR_DISTRIBUTED: throw DistributedError(message);
    case EMBER_WARNING: throw RuntimeError(message + " (a warning returned as an error)");
    default:  // EMBER_ERROR_ABI and codes newer than this host: the plugin broke the contract
      throw PluginError(message);
  }
}

}  // namespace ember
