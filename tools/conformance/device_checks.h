// Tier 2 of the conformance suite: a device type's C table, called directly (as the core does).
//
// For every device of the type: allocate 0 bytes and 1 MiB (64-byte aligned), copy a pattern
// host -> device -> device -> host and compare, copy a few bytes at odd offsets, synchronize,
// deallocate.
//
// Thread-compatible: called from main after the plugin loaded.
#pragma once

#include <string>
#include <vector>

#include "tools/conformance/report.h"

namespace ember {
namespace conformance {

std::vector<CheckResult> check_device_type(const std::string& device_type);

}  // namespace conformance
}  // namespace ember
