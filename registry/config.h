// RuntimeConfig: the runtime configuration (which plugins to load, where to find them, device
// preferences, threads, collectives, passes), parsed from YAML. docs/CONFIG.md is the reference.
//
// Parsing is strict: an unknown key anywhere or a bad value is a ConfigError whose message reads
// "<source>:LINE: what is wrong", where source is the file path, "<embedded>" or "<string>".
// A RuntimeConfig is a plain value: parse once, then read from any thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/export.h"

namespace ember {

// One `options:` entry of a plugin; the value is the YAML scalar text, passed to the plugin as is.
struct PluginOption {
  std::string key;
  std::string value;
};

struct PluginConfig {
  std::string name;      // `name:`, or derived from the file name of `path:` (libember_sim.so -> sim)
  std::string path;      // `path:` made absolute against the config file's directory; empty: by name
  bool required = true;  // a plugin that is listed is wanted unless it says otherwise
  std::vector<PluginOption> options;  // in file order
  int line = 0;                       // where the entry starts, for messages
};

enum class DeviceFallback { None, Cpu };

// Options for one device type, from `devices: {<type>: {...}}`.
struct DeviceConfig {
  std::string type;
  DeviceFallback fallback = DeviceFallback::None;
  int line = 0;
};

// The `distributed:` settings (docs/CONFIG.md, docs/DISTRIBUTED.md).
struct DistributedConfig {
  double timeout_seconds = 1800;  // deadline of every rendezvous and collective (PyTorch's 30 min)
  std::string debug = "off";      // off | info | detail (detail: check every collective across ranks)
};

struct RuntimeConfig {
  std::string source;                       // the file path, "<embedded>" or "<string>"
  std::vector<PluginConfig> plugins;        // load order
  std::vector<std::string> search_paths;    // tried after $EMBER_PLUGIN_PATH, before the default dir
  std::string default_device;               // "cpu", "sim:1"; empty when not given
  std::vector<DeviceConfig> devices;        // per device type options, in file order
  int threads = 0;                          // intra-op threads; 0 = hardware concurrency
  std::vector<std::pair<std::string, std::string>> collectives;  // device type -> backend
  // device type -> the backend's `options:` (only for entries written in the long form)
  std::vector<std::pair<std::string, std::vector<PluginOption>>> collective_options;
  DistributedConfig distributed;
  std::vector<std::string> passes;          // pass names, in order

  const DeviceConfig* device(const std::string& type) const;  // null when not configured
};

// The source names used in messages for configurations that do not come from a file.
constexpr const char* kEmbeddedConfigSource = "<embedded>";
constexpr const char* kStringConfigSource = "<string>";

// Parses YAML text. source names it in messages; relative paths in it are taken against base_dir
// (the config file's directory; empty: the current directory). Throws ConfigError.
EMBER_API RuntimeConfig parse_config(const std::string& yaml_text, const std::string& source = kStringConfigSource,
                                     const std::string& base_dir = "");
// Reads and parses a file. A missing or unreadable file is a ConfigError naming the path.
EMBER_API RuntimeConfig load_config_file(const std::string& path);
// The built-in configuration used when nothing else is given: cpu (required), sim (optional).
EMBER_API const char* embedded_default_config_text();
EMBER_API RuntimeConfig embedded_default_config();
// The file named by $EMBER_CONFIG when it is set and not empty, else the embedded default.
EMBER_API RuntimeConfig config_from_environment();

EMBER_API const char* device_fallback_name(DeviceFallback f);  // "cpu", "none"
// The plugin name a library file implies: libember_sim.so -> sim, /x/libfoo.so -> foo.
EMBER_API std::string plugin_name_from_path(const std::string& path);

}  // namespace ember
