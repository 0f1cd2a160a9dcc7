// The host table a plugin was given, and the conversions between SDK errors and ember_status.
//
// Ownership: the host table belongs to the core and outlives the plugin (libraries are never
// unloaded). Statuses made here are handed to the core, which frees them.
// Thread-safety: the state is written once, in ember_plugin_entry, before any other SDK call;
// afterwards it is only read, from any thread.
#pragma once

#include <cstddef>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <ember/plugin_abi.h>
#include <ember/sdk/error.h>

EMBER_SDK_NAMESPACE_BEGIN

enum class LogLevel : int32_t { Debug = 0, Info = 1, Warning = 2, Error = 3 };

namespace detail {

struct PluginState {
  const ember_host_api* host = nullptr;
  const char* plugin_name = "";
};
// One per plugin library (SDK symbols are hidden); constant-initialized, so no guard on access.
inline PluginState g_plugin_state;

// The newest host field the SDK reads; a host table shorter than this is refused.
constexpr size_t kRequiredHostSize =
    offsetof(ember_host_api, intra_op_threads) + sizeof(int32_t);

}  // namespace detail

// The host table; valid from the plugin's entry call on.
inline const ember_host_api& host() { return *detail::g_plugin_state.host; }
inline bool has_host() { return detail::g_plugin_state.host != nullptr; }
inline const char* plugin_name() { return detail::g_plugin_state.plugin_name; }

inline void log(LogLevel level, const std::string& message) {
  const ember_host_api* h = detail::g_plugin_state.host;
  if (h && h->log) {
    h->log(static_cast<int32_t>(level), detail::g_plugin_state.plugin_name, message.c_str());
  } else {
    std::fprintf(stderr, "[%s] %s\n", detail::g_plugin_state.plugin_name, message.c_str());
  }
}

// Makes a host status. Never throws: the callers are the catch blocks at the C boundary.
inline ember_status* make_status(int32_t code, const char* message) noexcept {
  const ember_host_api* h = detail::g_plugin_state.host;
  if (!h || !h->status_create) return nullptr;  // cannot happen after a successful entry call
  return h->status_create(code, message);
}

namespace detail {

// A status the host returned to us (a refused registration). The SDK cannot read or free host
// statuses (the ABI has no accessor), so it carries the status back out unchanged.
class HostStatus : public Error {
 public:
  HostStatus(ember_status* status, std::string context)
      : Error(EMBER_ERROR_RUNTIME, std::move(context)), status_(status) {}
  ember_status* status() const noexcept { return status_; }

 private:
  ember_status* status_;
};

// Turns the in-flight exception into a status. `prefix` (may be empty) is prepended to messages
// that do not already start with '[' (the `[op] ` convention).
inline ember_status* status_from_current_exception(const std::string& prefix) noexcept {
  try {
    throw;
  } catch (const HostStatus& e) {
    return e.status();
  } catch (const Error& e) {
    try {
      if (!prefix.empty() && e.message().rfind('[', 0) != 0)
        return make_status(e.code(), (prefix + e.message()).c_str());
    } catch (...) {
    }
    return make_status(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return make_status(EMBER_ERROR_OUT_OF_MEMORY, (prefix + "out of memory").c_str());
  } catch (const std::exception& e) {
    try {
      return make_status(EMBER_ERROR_RUNTIME, (prefix + e.what()).c_str());
    } catch (...) {
      return make_status(EMBER_ERROR_RUNTIME, e.what());
    }
  } catch (...) {
    try {
      return make_status(EMBER_ERROR_RUNTIME, (prefix + "unknown exception").c_str());
    } catch (...) {
      return make_status(EMBER_ERROR_RUNTIME, "unknown exception");
    }
  }
}

}  // namespace detail

EMBER_SDK_NAMESPACE_END
