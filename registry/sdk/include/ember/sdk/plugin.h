// The plugin SDK's front door. A plugin library has exactly one
//
//   EMBER_PLUGIN("cpu", "0.1.0", "ember", init_cpu_plugin)
//
// at global scope, where init_cpu_plugin is `void init_cpu_plugin(ember::sdk::Registrar&,
// const ember::sdk::Options&)`. The macro defines the one exported symbol,
// `extern "C" const ember_plugin_api* ember_plugin_entry(const ember_host_api*)`, which:
//   - refuses (logs through host->log, returns NULL) a host whose ABI major differs from
//     EMBER_ABI_MAJOR or whose table is too short for the fields the SDK reads;
//   - stores the host table for the SDK (ember::sdk::host());
//   - returns a static ember_plugin_api whose init calls init_cpu_plugin and turns any C++
//     exception into a status (no exception ever crosses the C boundary), and whose shutdown
//     runs the hooks registered with Registrar::on_shutdown.
//
// Including this header gives the whole SDK: Registrar, Options, TensorView, KernelArgs,
// dispatch, errors, Half/BFloat16 and the shared random-number convention.
//
// Thread-safety: the entry point, init and shutdown are called once each, from one thread.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/dtype_dispatch.h>
#include <ember/sdk/error.h>
#include <ember/sdk/half.h>
#include <ember/sdk/host.h>
#include <ember/sdk/options.h>
#include <ember/sdk/random.h>
#include <ember/sdk/registrar.h>
#include <ember/sdk/tensor_view.h>

EMBER_SDK_NAMESPACE_BEGIN

using InitFunction = void (*)(Registrar&, const Options&);

namespace detail {

inline bool host_has_log(const ember_host_api* host) {
  return host->struct_size >= offsetof(ember_host_api, log) + sizeof(host->log) && host->log;
}

// The plugin's half of the two-way version check.
inline bool accept_host(const ember_host_api* host, const char* plugin) noexcept {
  if (!host) return false;
  if (host->abi_major != EMBER_ABI_MAJOR) {
    if (host_has_log(host)) {
      char message[200];
      std::snprintf(message, sizeof message,
                    "refusing host: its plugin ABI is %u.%u, this plugin was built for %d.%d",
                    host->abi_major, host->abi_minor, EMBER_ABI_MAJOR, EMBER_ABI_MINOR);
      host->log(3, plugin, message);
    }
    return false;
  }
  if (host->struct_size < kRequiredHostSize || !host->status_create) {
    if (host_has_log(host)) {
      char message[200];
      std::snprintf(message, sizeof message,
                    "refusing host: ember_host_api has %zu bytes, this plugin needs %zu",
                    host->struct_size, kRequiredHostSize);
      host->log(3, plugin, message);
    }
    return false;
  }
  g_plugin_state.host = host;
  g_plugin_state.plugin_name = plugin;
  return true;
}

inline ember_plugin_api make_plugin_api(const char* name, const char* version, const char* vendor,
                                        decltype(ember_plugin_api::init) init,
                                        void (*shutdown)()) {
  ember_plugin_api api{};
  api.struct_size = sizeof(ember_plugin_api);
  api.abi_major = EMBER_ABI_MAJOR;
  api.abi_minor = EMBER_ABI_MINOR;
  api.name = name;
  api.version = version;
  api.vendor = vendor;
  api.init = init;
  api.shutdown = shutdown;
  return api;
}

inline ember_status* run_init(ember_registrar* registrar, const ember_option* options,
                              int32_t num_options, InitFunction init) noexcept {
  static bool initialized = false;
  std::string prefix = std::string("[") + g_plugin_state.plugin_name + "] ";
  if (initialized) {
    return make_status(EMBER_ERROR_RUNTIME, (prefix + "init called twice").c_str());
  }
  try {
    Registrar reg(registrar);
    Options opts(options, num_options);
    init(reg, opts);
    initialized = true;
    return nullptr;
  } catch (...) {
    return status_from_current_exception(prefix);
  }
}

inline void run_shutdown() noexcept {
  auto& hooks = shutdown_hooks();
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) {
    try {
      (*it)();
    } catch (...) {
      // Nothing can be reported at process exit; the remaining hooks still run.
    }
  }
  hooks.clear();
}

}  // namespace detail

EMBER_SDK_NAMESPACE_END

#define EMBER_PLUGIN(name_str, version_str, vendor_str, init_function)                         \
  static ember_status* ember_sdk_plugin_init_(ember_registrar* registrar,                      \
                                              const ember_option* options, int32_t count) {   \
    return ::ember::sdk::detail::run_init(registrar, options, count, &(init_function));        \
  }                                                                                            \
  static void ember_sdk_plugin_shutdown_() { ::ember::sdk::detail::run_shutdown(); }           \
  extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(                    \
      const ember_host_api* host) {                                                            \
    static const ember_plugin_api api = ::ember::sdk::detail::make_plugin_api(                 \
        (name_str), (version_str), (vendor_str), &ember_sdk_plugin_init_,                      \
        &ember_sdk_plugin_shutdown_);                                                          \
    return ::ember::sdk::detail::accept_host(host, (name_str)) ? &api : nullptr;               \
  }
