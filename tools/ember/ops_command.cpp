// `ember ops [--device D]`: every operator and the device types that implement it (a kernel of
// their own, a composite, or a fallback), one per line, sorted by name.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "core/device.h"
#include "dispatcher/dispatcher.h"
#include "generated/op_info.h"
#include "ops/backend/backend_kernel.h"
#include "registry/runtime.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

int run_ops(const std::string& device) {
  detail::ensure_runtime_initialized();  // plugins register kernels; a failure is reported by main
  if (!device.empty() && find_device_type(device) == kInvalidDeviceType) {
    std::string known;
    for (const auto& n : registered_device_types()) known += (known.empty() ? "" : ", ") + n;
    std::cerr << "ember: error: unknown device type '" << device << "' (device types: " << (known.empty() ? "none" : known)
              << ")\n";
    return 1;
  }

  // A composite has a kernel on every device, but it only runs where the ops it is made of do:
  // say so instead of claiming the device implements it.
  auto is_composite = [](const std::string& name) {
    for (size_t i = 0; i < num_op_infos(); ++i)
      if (name == op_infos()[i].name) return std::string(op_infos()[i].dispatch) == "Composite";
    return false;
  };
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  for (const OperatorHandle& op : Dispatcher::singleton().all_operators()) {
    std::vector<std::string> devices = structured::devices_running(*op.entry());
    if (!device.empty() && std::find(devices.begin(), devices.end(), device) == devices.end()) continue;
    if (is_composite(op.name())) devices.push_back("(composite: wherever its parts run)");
    rows.emplace_back(op.name(), std::move(devices));
  }
  std::sort(rows.begin(), rows.end());

  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [name, devices] : rows) {
    std::string list;
    for (const auto& d : devices) list += (list.empty() ? "" : ", ") + d;
    std::cout << name << std::string(width + 2 - name.size(), ' ') << (list.empty() ? "(no device)" : list) << "\n";
  }
  std::cout << rows.size() << " operator(s)" << (device.empty() ? "" : " available on " + device) << "\n";
  return 0;
}

}  // namespace cli
}  // namespace ember
