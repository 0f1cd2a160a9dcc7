// PluginReport: what happened to one plugin the runtime tried (or did not try) to load, as shown
// by `ember info` and returned by ember::load_plugin. Plain value; thread-safe to copy.
#pragma once

#include <string>
#include <vector>

#include "core/export.h"

namespace ember {

enum class PluginStatus {
  Loaded,   // library opened, ABI accepted, init succeeded, registrations committed
  Failed,   // something went wrong; `reason` and `details` say what (nothing was registered)
  Skipped,  // not attempted: startup stopped earlier at a required plugin that failed
};

struct PluginReport {
  std::string name;                      // the config's name (or the one derived from the path)
  bool required = true;
  PluginStatus status = PluginStatus::Skipped;
  std::string path;                      // the library file; empty when none was found
  std::vector<std::string> paths_tried;  // every candidate path, in order
  std::string version;                   // from the plugin's table, when it was reached
  std::string vendor;
  int abi_major = -1;                    // the plugin's ABI version; -1 when not reached
  int abi_minor = -1;
  std::string reason;                    // one line: why it failed or was skipped
  std::vector<std::string> details;      // loader message, the plugin's own message, ...
  int kernels_registered = 0;
  std::vector<std::string> device_types;  // registered by this plugin
};

EMBER_API const char* plugin_status_name(PluginStatus status);  // "loaded", "failed", "skipped"

}  // namespace ember
