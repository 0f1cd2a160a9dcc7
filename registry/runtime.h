// Process start-up: reading the configuration, loading the plugins it lists, applying threads,
// the default device and device fallbacks; and the report `ember info` prints.
//
// Start-up happens once per process, either explicitly (init, init_from_file, init_from_string)
// or implicitly the first time the core needs a device (detail::ensure_runtime_initialized in
// core/runtime_hook.h), from $EMBER_CONFIG or the embedded default. A required plugin that fails,
// a malformed config or an unavailable default device stops start-up: the error is stored and
// rethrown, the same exception object, by every later implicit initialization. Optional plugins
// that fail are recorded (runtime_report) and do not stop start-up.
//
// Thread-safety: every function here may be called from any thread. Concurrent first uses wait
// for one start-up; plugin loading is serialized.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/export.h"
#include "core/runtime_hook.h"
#include "registry/config.h"
#include "registry/plugin_report.h"
#include "registry/version.h"

namespace ember {

inline const char* version() { return kVersion; }

// Explicit start-up. Each throws RuntimeError "already initialized" when start-up has already
// happened (or failed), and otherwise the start-up error itself (ConfigError, PluginError, ...).
EMBER_API void init();  // $EMBER_CONFIG if set, else the embedded default
EMBER_API void init_from_file(const std::string& path);
EMBER_API void init_from_string(const std::string& yaml);
EMBER_API bool is_initialized();  // start-up finished successfully

// Loads one more plugin after start-up (starting up first if needed). name_or_path is a plugin
// name, looked up as libember_<name>.so in the search directories, or a path to a library (it
// contains '/' or ends in ".so"). A failure throws PluginError when required, and otherwise is
// returned as a Failed report; either way it is recorded in runtime_report().
EMBER_API PluginReport load_plugin(const std::string& name_or_path, bool required = true,
                                   const std::vector<PluginOption>& options = {});

struct DeviceTypeReport {
  std::string name;
  int device_count = 0;
  std::string plugin;            // which plugin registered it
  bool host_accessible = false;
  std::string fallback;          // "cpu" or "none"
};

struct RuntimeReport {
  enum class State { NotStarted, Starting, Ready, Failed };
  State state = State::NotStarted;
  std::string config_source;          // the file path, "<embedded>" or "<string>"; empty if unread
  std::string error;                  // the start-up error's message when state is Failed
  std::vector<PluginReport> plugins;  // config order, then plugins loaded later with load_plugin
  std::vector<DeviceTypeReport> device_types;
  int threads = 0;                    // resolved intra-op threads (0 in the config means hardware)
  std::string default_device;         // as configured; empty when the config names none
  std::vector<std::pair<std::string, std::string>> collectives;
  std::vector<std::string> passes;
};

// A snapshot of the runtime's state; never starts it.
EMBER_API RuntimeReport runtime_report();
// The configuration start-up used (empty before start-up).
EMBER_API RuntimeConfig runtime_config();
// Intra-op threads from the configuration, resolved (0 -> hardware concurrency, at least 1).
EMBER_API int intra_op_threads();

EMBER_API const char* runtime_state_name(RuntimeReport::State state);  // "not started", "ready", ...

}  // namespace ember
