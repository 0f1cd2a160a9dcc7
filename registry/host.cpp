// The host table (see host.h). Every callback catches everything: an exception must never
// unwind into plugin code.
#include "registry/host.h"

#include <exception>
#include <string>

#include "ops/backend/status.h"
#include "registry/process_log.h"
#include "registry/registrar.h"
#include "registry/version.h"

namespace ember {
namespace {

thread_local PluginLogCapture* current_capture = nullptr;

ember_status* status_from_current_exception(const char* what_was_called) {
  try {
    throw;
  } catch (const std::exception& e) {
    return make_status(EMBER_ERROR_RUNTIME, (std::string(what_was_called) + ": " + e.what()).c_str());
  } catch (...) {
    return make_status(EMBER_ERROR_RUNTIME, (std::string(what_was_called) + ": unknown error").c_str());
  }
}

ember_status* host_status_create(int32_t code, const char* message) { return make_status(code, message); }

void host_log(int32_t level, const char* plugin, const char* message) {
  try {
    LogLevel lvl = level <= 0 ? LogLevel::Debug : level >= 3 ? LogLevel::Error : static_cast<LogLevel>(level);
    std::string source = plugin && *plugin ? plugin : "plugin";
    std::string text = message ? message : "";
    if (current_capture != nullptr) current_capture->add(text);
    log_message(lvl, source, text);
  } catch (...) {
    // Logging is best effort; a plugin must not be able to fail through it.
  }
}

// Forwards one registration to the registrar behind r, turning its error text into a status.
template <typename Fn>
ember_status* forward(ember_registrar* r, const char* what, Fn&& fn) {
  try {
    PluginRegistrar* registrar = PluginRegistrar::from_handle(r);
    if (registrar == nullptr) {
      return make_status(EMBER_ERROR_RUNTIME, (std::string(what) +
                                               ": the registrar is only valid during the plugin's init call")
                                                  .c_str());
    }
    std::string error = fn(*registrar);
    return error.empty() ? nullptr : make_status(EMBER_ERROR_VALUE, error.c_str());
  } catch (...) {
    return status_from_current_exception(what);
  }
}

ember_status* host_register_device_type(ember_registrar* r, const ember_device_type_desc* desc, int32_t* out_id) {
  return forward(r, "register_device_type", [&](PluginRegistrar& reg) { return reg.add_device_type(desc, out_id); });
}

ember_status* host_register_kernel(ember_registrar* r, const ember_kernel_desc* desc) {
  return forward(r, "register_kernel", [&](PluginRegistrar& reg) { return reg.add_kernel(desc); });
}

ember_status* host_define_op(ember_registrar* r, const ember_op_desc* desc) {
  return forward(r, "define_op", [&](PluginRegistrar& reg) { return reg.add_op_definition(desc); });
}

ember_status* host_register_process_group_backend(ember_registrar* r, const ember_process_group_backend_desc* desc) {
  return forward(r, "register_process_group_backend",
                 [&](PluginRegistrar& reg) { return reg.add_process_group_backend(desc); });
}

ember_status* host_register_fusion_backend(ember_registrar* r, const ember_fusion_backend_desc* desc) {
  return forward(r, "register_fusion_backend", [&](PluginRegistrar& reg) { return reg.add_fusion_backend(desc); });
}

void host_status_free(ember_status* status) { free_status(status); }
int32_t host_status_code(const ember_status* status) { return status_code(status); }
const char* host_status_message(const ember_status* status) { return status_message(status); }

ember_status* host_request_cpu_fallback(ember_registrar* r, const char* device_type) {
  return forward(r, "request_cpu_fallback", [&](PluginRegistrar& reg) { return reg.add_cpu_fallback(device_type); });
}

ember_host_api& mutable_host_api() {
  static ember_host_api api = [] {
    ember_host_api a{};
    a.struct_size = sizeof(ember_host_api);
    a.abi_major = EMBER_ABI_MAJOR;
    a.abi_minor = EMBER_ABI_MINOR;
    a.host_version = kVersion;
    a.status_create = &host_status_create;
    a.log = &host_log;
    a.register_device_type = &host_register_device_type;
    a.register_kernel = &host_register_kernel;
    a.define_op = &host_define_op;
    a.request_cpu_fallback = &host_request_cpu_fallback;
    a.register_process_group_backend = &host_register_process_group_backend;
    a.register_fusion_backend = &host_register_fusion_backend;
    a.status_free = &host_status_free;
    a.status_code = &host_status_code;
    a.status_message = &host_status_message;
    a.intra_op_threads = 1;
    return a;
  }();
  return api;
}

}  // namespace

const ember_host_api* host_api() { return &mutable_host_api(); }

void set_host_intra_op_threads(int32_t threads) { mutable_host_api().intra_op_threads = threads; }

PluginLogCapture::PluginLogCapture() : previous_(current_capture) { current_capture = this; }

PluginLogCapture::~PluginLogCapture() { current_capture = previous_; }

}  // namespace ember
