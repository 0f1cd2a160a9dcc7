// `ember info`: starts the runtime and prints what loaded and why not.
//
// Output goes to stdout; a start-up failure is printed to stderr (the message has the paths
// tried, the loader's message, the ABI versions and how to disable the plugin) and exits 1, after
// the report of what was attempted.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <string>

#include <ember/plugin_abi.h>

#include "core/device_runtime.h"
#include "registry/process_log.h"
#include "registry/runtime.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {
namespace {

std::string join(const std::vector<std::string>& words, const char* empty = "none") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out.empty() ? empty : out;
}

void print_plugin(const PluginReport& p, int name_width) {
  std::cout << "  " << std::left << std::setw(name_width) << p.name << std::setw(8) << plugin_status_name(p.status)
            << (p.required ? "required" : "optional");
  if (p.status == PluginStatus::Loaded) {
    std::cout << "  " << p.path << "\n";
    std::cout << "      version " << (p.version.empty() ? "?" : p.version) << ", vendor "
              << (p.vendor.empty() ? "?" : p.vendor) << ", ABI " << p.abi_major << "." << p.abi_minor << ", "
              << p.kernels_registered << " kernel(s), device types: " << join(p.device_types) << "\n";
    return;
  }
  std::cout << "  " << p.reason << "\n";
  if (p.status == PluginStatus::Failed) {
    if (!p.path.empty()) std::cout << "      library: " << p.path << "\n";
    else if (!p.paths_tried.empty()) std::cout << "      paths tried:\n";
    if (p.path.empty()) {
      for (const auto& tried : p.paths_tried) std::cout << "        " << tried << "\n";
    }
    for (const auto& d : p.details) std::cout << "      " << d << "\n";
    if (p.abi_major >= 0) std::cout << "      plugin ABI " << p.abi_major << "." << p.abi_minor << "\n";
  }
}

// One line per device of an accelerator: name, memory, capability, multiprocessors.
void print_device_properties(const std::string& type, int count) {
  const DeviceTypeId id = find_device_type(type);
  if (id == kInvalidDeviceType || is_host_device(Device(id, 0))) return;
  for (int i = 0; i < count; ++i) {
    DeviceProperties p;
    try {
      p = device_runtime(Device(id, static_cast<int16_t>(i))).properties(i);
    } catch (const std::exception& e) {
      std::cout << "      " << type << ":" << i << "  (properties unavailable: " << e.what() << ")\n";
      continue;
    }
    if (p.name.empty()) continue;
    std::cout << "      " << type << ":" << i << "  " << p.name;
    if (p.total_memory) std::cout << ", " << std::fixed << std::setprecision(1) << p.total_memory / 1073741824.0 << " GiB";
    if (!p.capability.empty()) std::cout << ", capability " << p.capability;
    if (p.multiprocessor_count) std::cout << ", " << p.multiprocessor_count << " multiprocessors";
    std::cout << "\n";
  }
}

void print_report(const RuntimeReport& r) {
  std::cout << "ember " << version() << " (plugin ABI " << EMBER_ABI_MAJOR << "." << EMBER_ABI_MINOR << ")\n";
  std::cout << "config: " << (r.config_source.empty() ? "(not read)" : r.config_source) << "\n";
  std::cout << "state: " << runtime_state_name(r.state) << "\n";
  std::cout << "threads: " << r.threads << "\n";
  std::cout << "default device: " << (r.default_device.empty() ? "cpu (not configured)" : r.default_device) << "\n";

  // Columns wide enough for the longest name, so that long vendor plugin names stay readable.
  int name_width = 10;
  for (const auto& p : r.plugins) name_width = std::max(name_width, static_cast<int>(p.name.size()) + 2);
  for (const auto& d : r.device_types) name_width = std::max(name_width, static_cast<int>(d.name.size()) + 2);

  std::cout << "plugins:" << (r.plugins.empty() ? " none\n" : "\n");
  for (const auto& p : r.plugins) print_plugin(p, name_width);

  std::cout << "devices:" << (r.device_types.empty() ? " none\n" : "\n");
  for (const auto& d : r.device_types) {
    std::cout << "  " << std::left << std::setw(name_width) << d.name << d.device_count << " device(s), plugin " << d.plugin
              << ", fallback " << d.fallback << (d.host_accessible ? ", host-accessible" : "") << "\n";
    print_device_properties(d.name, d.device_count);
  }

  std::vector<std::string> collectives;
  for (const auto& [device, backend] : r.collectives) collectives.push_back(device + "=" + backend);
  std::cout << "collectives: " << join(collectives) << "\n";
  std::cout << "passes: " << join(r.passes) << "\n";
}

void print_log(bool everything) {
  std::vector<LogEntry> entries = log_entries();
  bool header = false;
  for (const auto& e : entries) {
    if (!everything && e.level < LogLevel::Warning) continue;
    if (!header) std::cout << "log:\n";
    header = true;
    std::cout << "  " << log_level_name(e.level) << " [" << e.source << "] " << e.message << "\n";
  }
}

}  // namespace

int run_info(bool show_log) {
  std::string startup_error;
  try {
    detail::ensure_runtime_initialized();
  } catch (const std::exception& e) {
    startup_error = e.what();
  }
  print_report(runtime_report());
  print_log(show_log);
  std::cout.flush();
  if (!startup_error.empty()) {
    std::cerr << "ember: error: start-up failed: " << startup_error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace cli
}  // namespace ember
