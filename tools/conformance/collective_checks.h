// Tier 4 of ember-conformance: collective checks for comm plugins (process-group backends).
//
// For each backend the plugin registers for cpu tensors, the suite hosts a TCP store and starts
// itself again as 2 and then 3 ranks (`ember-conformance --collective-rank R ...`, a hidden mode);
// every rank runs every collective on every dtype the ABI names (Half and BFloat16 included,
// int16 and bool where the op allows them) and compares the result with values computed on the
// host; the parent turns each rank's "CHECK name PASS|FAIL message" lines into one result per
// (collective, world size). Backends for device tensors (nccl) need their device and are skipped
// with that reason; the distributed tests cover them on the device machine.
//
// Single-threaded driver; the ranks are separate processes.
#pragma once

#include <string>
#include <vector>

#include "tools/conformance/report.h"

namespace ember {
namespace conformance {

// In the parent: runs the ranks for every cpu backend of plugin_name (loaded from plugin_path).
std::vector<CheckResult> check_collectives(const std::string& plugin_path, const std::string& plugin_name);

// In a child (the hidden mode): one rank's checks; prints CHECK lines and returns the exit code.
int run_collective_rank(const std::string& plugin_path, const std::string& backend, int rank, int world, int port);

}  // namespace conformance
}  // namespace ember
