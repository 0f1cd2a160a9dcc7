// `ember demo`: a short demonstration of ember on the devices that loaded.
//
// TODO(lead): the tensor part (create tensors on each device, run a few ops, print results in
// PyTorch's format). For now it prints which plugins and devices are available.
#include <iostream>

#include "registry/runtime.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

int run_demo() {
  detail::ensure_runtime_initialized();
  RuntimeReport report = runtime_report();
  std::cout << "ember " << version() << " demo\n";
  for (const auto& p : report.plugins) {
    std::cout << "  plugin " << p.name << ": " << plugin_status_name(p.status)
              << (p.status == PluginStatus::Loaded ? "" : " (" + p.reason + ")") << "\n";
  }
  for (const auto& d : report.device_types) {
    std::cout << "  device " << d.name << ": " << d.device_count << " device(s) from plugin " << d.plugin << "\n";
  }
  // TODO(lead): tensors and ops on each device.
  return 0;
}

}  // namespace cli
}  // namespace ember
