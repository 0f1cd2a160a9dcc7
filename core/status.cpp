// ember_status: the error objects that cross the plugin boundary (see <ember/plugin_abi.h>).
//
// The core owns every status: plugins create them through host->status_create (make_status) and
// return them; the core reads and frees them. Nothing here throws, because these functions are
// called from C code in plugins. Thread-safe: a status is a plain value owned by one caller.
#include <cstring>
#include <new>
#include <string>

#include "core/device_runtime.h"

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

}  // namespace ember
