// Tier 3 of the conformance suite: every kernel a plugin registered, run on sample inputs
// (op_samples.h) on the plugin's device and compared with a reference.
//
// Kernels are found through the dispatcher: for structured ops, the op's table of backend kernels (ops/backend) for
// the device type; for other ops, the dispatch-table slot of the device type; a kernel counts
// when its provider is the plugin. Each dtype in the kernel's dtype mask is tested.
//
// The reference is the CPU device:
//   - for a non-cpu device, the same call on cpu with the same dtypes;
//   - for the cpu device itself, the same call with floating inputs widened to float64 and
//     integer inputs to int64 (dtype-specific bugs then show), rounded back to the result's dtype.
// Random ops are checked by statistics and determinism instead (compare.h: check_moments).
// A sample the reference itself rejects (the core's argument checks) is skipped, not failed.
//
// Thread-compatible: called from main; runs ops through the dispatcher.
#pragma once

#include <string>
#include <vector>

#include "dispatcher/dispatcher.h"
#include "tools/conformance/report.h"

namespace ember {
namespace conformance {

struct PluginKernel {
  OperatorHandle op;
  std::string name;  // "add.out"; "ns::name.overload" outside aten
  DeviceTypeId device = kInvalidDeviceType;
  uint32_t dtypes = 0;  // EMBER_DTYPE_BIT mask
};

// The kernels `provider` (a plugin's name) registered for device, in operator-name order.
std::vector<PluginKernel> find_plugin_kernels(const std::string& provider, DeviceTypeId device);

// "all", "all but bool", "f16,bf16,f32,f64", ...
std::string dtype_mask_text(uint32_t mask);

CheckResult check_kernel(const PluginKernel& kernel);

}  // namespace conformance
}  // namespace ember
