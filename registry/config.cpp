// Parsing of the runtime configuration (see config.h and docs/CONFIG.md).
//
// yaml-cpp builds the document; this file walks it and checks every key and value, so that a
// typo is reported with its line instead of being silently ignored. Stateless apart from the
// parser object of one call; thread-safe.
#include "registry/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"

namespace ember {
namespace {

namespace fs = std::filesystem;

const char* const kEmbeddedDefaultConfig = R"(# ember's built-in configuration, used when neither $EMBER_CONFIG nor an API call gives one.
plugins:
  - name: cpu          # the CPU backend; ember cannot do much without it
    required: true
  - name: sim          # the example plugin: loaded when present, reported by `ember info` when not
    required: false
  - name: cuda         # NVIDIA GPUs: loaded when built and a GPU is usable; `ember info` says why not
    required: false
devices:
  default: cpu
threads: 0
collectives: {cpu: gloo, cuda: nccl}
passes: []
)";

bool is_plugin_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

class ConfigParser {
 public:
  ConfigParser(std::string source, std::string base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

  RuntimeConfig parse(const std::string& text) {
    RuntimeConfig config;
    config.source = source_;
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      fail_at(e.mark.line, e.msg);
    }
    if (!root.IsDefined() || root.IsNull()) return config;  // an empty file: nothing to load
    if (!root.IsMap()) fail(root, "expected a map of settings at the top level, got ", kind_of(root));

    for (const auto& [key, value] : checked_map(root, "the top level",
                                                {"plugins", "search_paths", "devices", "threads", "collectives",
                                                 "distributed", "passes"})) {
      if (key == "plugins") parse_plugins(value, config);
      else if (key == "search_paths") config.search_paths = string_list(value, "search_paths", true);
      else if (key == "devices") parse_devices(value, config);
      else if (key == "threads") config.threads = parse_threads(value);
      else if (key == "collectives") parse_collectives(value, config);
      else if (key == "distributed") parse_distributed(value, config);
      else if (key == "passes") config.passes = string_list(value, "passes", false);
    }
    return config;
  }

 private:
  using Entries = std::vector<std::pair<std::string, YAML::Node>>;

  template <typename... Parts>
  [[noreturn]] void fail(const YAML::Node& at, const Parts&... parts) const {
    fail_at(at.Mark().line, detail::str(parts...));
  }
  [[noreturn]] void fail_at(int zero_based_line, const std::string& what) const {
    // yaml-cpp counts lines from 0; editors and humans count from 1.
    std::ostringstream os;
    os << source_ << ":" << (zero_based_line >= 0 ? zero_based_line + 1 : 0) << ": " << what;
    throw ConfigError(os.str());
  }

  static std::string kind_of(const YAML::Node& n) {
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "nothing";
    return "'" + n.Scalar() + "'";
  }

  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
  }

  // The entries of a map in file order, after checking each key is allowed and appears once.
  Entries checked_map(const YAML::Node& map, const std::string& where, const std::vector<std::string>& allowed) const {
    Entries entries;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) fail(it->first, "expected a key name in ", where, ", got ", kind_of(it->first));
      std::string key = it->first.Scalar();
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (!known) fail(it->first, "unknown key '", key, "' in ", where, " (expected one of: ", join(allowed), ")");
      if (!seen.insert(key).second) fail(it->first, "duplicate key '", key, "' in ", where);
      entries.emplace_back(key, it->second);
    }
    return entries;
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what, " must be a single value, got ", kind_of(n));
    return n.Scalar();
  }

  std::string absolute(const std::string& path) const {
    if (path.empty() || fs::path(path).is_absolute() || base_dir_.empty()) return path;
    return (fs::path(base_dir_) / path).lexically_normal().string();
  }

  std::vector<std::string> string_list(const YAML::Node& n, const std::string& what, bool are_paths) const {
    std::vector<std::string> out;
    if (n.IsNull()) return out;
    if (!n.IsSequence()) fail(n, what, " must be a list, got ", kind_of(n));
    for (const auto& item : n) {
      std::string s = scalar(item, "each entry of " + what);
      if (s.empty()) fail(item, "empty entry in ", what);
      out.push_back(are_paths ? absolute(s) : s);
    }
    return out;
  }

  void parse_plugins(const YAML::Node& n, RuntimeConfig& config) const {
    if (n.IsNull()) return;
    if (!n.IsSequence()) fail(n, "plugins must be a list of plugin entries, got ", kind_of(n));
    std::vector<std::pair<std::string, int>> names_seen;
    for (const auto& item : n) {
      PluginConfig plugin = parse_plugin(item);
      for (const auto& [name, line] : names_seen) {
        if (name == plugin.name) {
          fail(item, "duplicate plugin name '", plugin.name, "' (first listed at line ", line, ")");
        }
      }
      names_seen.emplace_back(plugin.name, plugin.line);
      config.plugins.push_back(std::move(plugin));
    }
  }

  PluginConfig parse_plugin(const YAML::Node& n) const {
    if (!n.IsMap()) fail(n, "each plugin entry must be a map (name, path, required, options), got ", kind_of(n));
    PluginConfig plugin;
    plugin.line = n.Mark().line + 1;
    for (const auto& [key, value] : checked_map(n, "a plugin entry", {"name", "path", "required", "options"})) {
      if (key == "name") {
        plugin.name = scalar(value, "name");
        if (!is_plugin_name(plugin.name)) {
          fail(value, "invalid plugin name '", plugin.name,
               "': use letters, digits, '_' and '-' (give a file with `path:` instead)");
        }
      } else if (key == "path") {
        plugin.path = scalar(value, "path");
        if (plugin.path.empty()) fail(value, "path must not be empty");
        plugin.path = absolute(plugin.path);
      } else if (key == "required") {
        bool b = false;
        if (!value.IsScalar() || !YAML::convert<bool>::decode(value, b)) {
          fail(value, "required must be true or false, got ", kind_of(value));
        }
        plugin.required = b;
      } else if (key == "options") {
        plugin.options = parse_options(value);
      }
    }
    if (plugin.name.empty() && plugin.path.empty()) fail(n, "a plugin entry needs a name or a path");
    if (plugin.name.empty()) plugin.name = plugin_name_from_path(plugin.path);
    return plugin;
  }

  std::vector<PluginOption> parse_options(const YAML::Node& n) const {
    std::vector<PluginOption> options;
    if (n.IsNull()) return options;
    if (!n.IsMap()) fail(n, "options must be a map of key: value, got ", kind_of(n));
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = scalar(it->first, "an option name");
      if (!seen.insert(key).second) fail(it->first, "duplicate option '", key, "'");
      // Plugins parse their own values, so pass the scalar text as written; null is "".
      std::string value = it->second.IsNull() ? "" : scalar(it->second, "option '" + key + "'");
      options.push_back({key, value});
    }
    return options;
  }

  void parse_devices(const YAML::Node& n, RuntimeConfig& config) const {
    if (n.IsNull()) return;
    if (!n.IsMap()) fail(n, "devices must be a map (default: <device>, <device type>: {fallback: ...}), got ", kind_of(n));
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = scalar(it->first, "a device type name");
      if (!seen.insert(key).second) fail(it->first, "duplicate key '", key, "' in devices");
      YAML::Node value = it->second;  // a copy: `it->` yields a temporary proxy
      if (key == "default") {
        config.default_device = scalar(value, "devices.default");
        if (config.default_device.empty()) fail(value, "devices.default must name a device, such as cpu");
        continue;
      }
      DeviceConfig device;
      device.type = key;
      device.line = it->first.Mark().line + 1;
      if (!value.IsNull()) {
        if (!value.IsMap()) fail(value, "the options of device type '", key, "' must be a map, got ", kind_of(value));
        for (const auto& [option, v] : checked_map(value, "device type '" + key + "'", {"fallback"})) {
          std::string text = scalar(v, option);
          if (text == "cpu") device.fallback = DeviceFallback::Cpu;
          else if (text == "none") device.fallback = DeviceFallback::None;
          else fail(v, "fallback for device type '", key, "' must be cpu or none, got '", text, "'");
        }
      }
      config.devices.push_back(device);
    }
  }

  int parse_threads(const YAML::Node& n) const {
    long long threads = -1;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, threads) || threads < 0 || threads > 1 << 16) {
      fail(n, "threads must be a non-negative integer (0 = one per hardware thread), got ", kind_of(n));
    }
    return static_cast<int>(threads);
  }

  // Each entry is `<device type>: <backend>` or `<device type>: {backend: <name>, options: {...}}`.
  void parse_collectives(const YAML::Node& n, RuntimeConfig& config) const {
    if (n.IsNull()) return;
    if (!n.IsMap()) fail(n, "collectives must be a map of device type: backend, got ", kind_of(n));
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string device = scalar(it->first, "a device type name");
      if (!seen.insert(device).second) fail(it->first, "duplicate key '", device, "' in collectives");
      YAML::Node value = it->second;
      std::string backend;
      if (value.IsMap()) {
        std::vector<PluginOption> options;
        for (const auto& [key, v] : checked_map(value, "collectives entry '" + device + "'", {"backend", "options"})) {
          if (key == "backend") backend = scalar(v, "the collective backend of '" + device + "'");
          else options = parse_options(v);
        }
        if (backend.empty()) fail(value, "collectives entry '", device, "' needs a backend");
        config.collective_options.emplace_back(device, std::move(options));
      } else {
        backend = scalar(value, "the collective backend of '" + device + "'");
      }
      if (backend.empty()) fail(value, "empty collective backend for device type '", device, "'");
      config.collectives.emplace_back(device, backend);
    }
  }

  void parse_distributed(const YAML::Node& n, RuntimeConfig& config) const {
    if (n.IsNull()) return;
    if (!n.IsMap()) fail(n, "distributed must be a map (timeout, debug), got ", kind_of(n));
    for (const auto& [key, v] : checked_map(n, "distributed", {"timeout", "debug"})) {
      if (key == "timeout") {
        double seconds = 0;
        if (!v.IsScalar() || !YAML::convert<double>::decode(v, seconds) || !(seconds > 0) || seconds > 1e9)
          fail(v, "distributed.timeout must be a positive number of seconds, got ", kind_of(v));
        config.distributed.timeout_seconds = seconds;
      } else {
        std::string level = scalar(v, "distributed.debug");
        for (auto& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (level != "off" && level != "info" && level != "detail")
          fail(v, "distributed.debug must be off, info or detail, got '", level, "'");
        config.distributed.debug = level;
      }
    }
  }

  std::string source_;
  std::string base_dir_;
};

}  // namespace

const DeviceConfig* RuntimeConfig::device(const std::string& type) const {
  for (const auto& d : devices) {
    if (d.type == type) return &d;
  }
  return nullptr;
}

RuntimeConfig parse_config(const std::string& yaml_text, const std::string& source, const std::string& base_dir) {
  return ConfigParser(source, base_dir).parse(yaml_text);
}

RuntimeConfig load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  // An existing directory opens as a stream on Linux but reads nothing; report it the same way.
  std::error_code ec;
  if (!in || fs::is_directory(path, ec)) {
    int err = errno;
    std::string why = fs::is_directory(path, ec) ? "it is a directory" : std::strerror(err ? err : ENOENT);
    throw ConfigError(path + ": cannot read the config file (" + why + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  fs::path absolute = fs::absolute(path, ec);
  return parse_config(text.str(), path, ec ? std::string() : absolute.parent_path().string());
}

const char* embedded_default_config_text() { return kEmbeddedDefaultConfig; }

RuntimeConfig embedded_default_config() { return parse_config(kEmbeddedDefaultConfig, kEmbeddedConfigSource); }

RuntimeConfig config_from_environment() {
  const char* path = std::getenv("EMBER_CONFIG");
  if (path == nullptr || *path == '\0') return embedded_default_config();
  try {
    return load_config_file(path);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + " [from EMBER_CONFIG]");
  }
}

std::string plugin_name_from_path(const std::string& path) {
  std::string stem = fs::path(path).filename().string();
  size_t dot = stem.find(".so");
  if (dot != std::string::npos) stem = stem.substr(0, dot);
  for (const char* prefix : {"libember_", "lib"}) {
    size_t n = std::strlen(prefix);
    if (stem.size() > n && stem.compare(0, n, prefix) == 0) return stem.substr(n);
  }
  return stem;
}

const char* device_fallback_name(DeviceFallback f) { return f == DeviceFallback::Cpu ? "cpu" : "none"; }

}  // namespace ember
