// Tier 1 of the conformance suite: the plugin's C ABI.
//
//   before ember starts   the library opens; it exports ember_plugin_entry; called with a fake
//                         host whose ABI major is 99, the entry returns NULL (and does not crash)
//   through the loader    ember::load_plugin accepts it (ABI check both ways, init, commit)
//   with the real host    the table's struct_size, ABI major/minor, name and version
//
// The calls into the plugin before start-up run in a forked child process, so a plugin that
// crashes there is reported as a failure instead of taking the suite down.
//
// Not thread-safe: called once, from main, before anything else starts threads.
#pragma once

#include <string>
#include <vector>

#include "registry/config.h"
#include "registry/plugin_report.h"
#include "tools/conformance/report.h"

namespace ember {
namespace conformance {

// The checks that need no running ember (fork-isolated). Call before ember starts.
std::vector<CheckResult> check_library(const std::string& path);

// The plugin's name as its table reports it (so the suite can tell whether it is the CPU
// plugin before loading it); empty when it cannot be read. Fork-isolated like check_library.
std::string peek_plugin_name(const std::string& path);

// Loads the plugin through ember's loader (ember must be started) and checks the result.
CheckResult check_loader(const std::string& path, const std::vector<PluginOption>& options, PluginReport* report);

// Calls the entry again with the real host table and checks the table it returns.
std::vector<CheckResult> check_plugin_table(const std::string& path);

}  // namespace conformance
}  // namespace ember
