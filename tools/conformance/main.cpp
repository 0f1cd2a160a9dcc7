// ember-conformance: the plugin conformance suite a vendor runs against a plugin library.
//
//   ember-conformance --plugin path/to/libember_x.so [--device NAME] [--op NAME]...
//                     [--option KEY=VALUE]... [--junit FILE] [--verbose]
//
// Tier 1 (abi_checks.h), tier 2 (device_checks.h), tier 3 (kernel_checks.h) and, for comm
// plugins, tier 4 (collective_checks.h: ranks started as child processes) run in order; a
// tier that cannot start (the plugin did not load) is reported as skipped. The exit code is 0
// only when nothing failed: 1 when a check failed, 2 for a usage error.
//
// The suite starts ember with its own configuration: only the CPU plugin (the reference), or
// nothing when the plugin under test is the CPU plugin; then loads the plugin under test.
// Single-threaded driver.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "registry/config.h"
#include "registry/runtime.h"
#include "tools/conformance/abi_checks.h"
#include "tools/conformance/collective_checks.h"
#include "tools/conformance/device_checks.h"
#include "tools/conformance/kernel_checks.h"
#include "tools/conformance/report.h"

namespace {

using namespace ember::conformance;

struct Arguments {
  std::string plugin;
  std::vector<std::string> devices;
  std::vector<std::string> ops;
  std::vector<ember::PluginOption> options;
  std::string junit;
  bool verbose = false;
};

const char* kUsage =
    "usage: ember-conformance --plugin PATH [options]\n"
    "\n"
    "Checks a plugin library against ember's plugin ABI: the entry point and version checks,\n"
    "its device types (allocation, copies), and every kernel it registers, compared with the\n"
    "CPU plugin on generated inputs (broadcasting, strided views, 0-d and empty tensors, every\n"
    "dtype the kernel claims). For a comm plugin (a process-group backend): every collective on\n"
    "every dtype with 2 and 3 ranks, started as processes (under mpirun for MPI-style backends).\n"
    "\n"
    "options:\n"
    "  --plugin PATH         the plugin library (libember_<name>.so)\n"
    "  --device NAME         only this device type (repeatable; default: every one with kernels\n"
    "                        of the plugin, and every device type it registers)\n"
    "  --op NAME             only this operator: add.out, or add for every overload (repeatable)\n"
    "  --option KEY=VALUE    an option for the plugin's init, as in the config (repeatable)\n"
    "  --junit FILE          also write the results as JUnit XML\n"
    "  --verbose             print every failing case, not only the first per check\n"
    "\n"
    "exit status: 0 all checks passed (skips allowed), 1 a check failed, 2 usage error\n";

int usage_error(const std::string& message) {
  std::cerr << "ember-conformance: " << message << "\n\n" << kUsage;
  return 2;
}

bool parse(int argc, char** argv, Arguments* a, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--plugin") {
      if (!value(&a->plugin)) return false;
    } else if (arg == "--device") {
      if (!value(&v)) return false;
      a->devices.push_back(v);
    } else if (arg == "--op") {
      if (!value(&v)) return false;
      a->ops.push_back(v);
    } else if (arg == "--option") {
      if (!value(&v)) return false;
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        *error = "--option expects KEY=VALUE, got '" + v + "'";
        return false;
      }
      a->options.push_back({v.substr(0, eq), v.substr(eq + 1)});
    } else if (arg == "--junit") {
      if (!value(&a->junit)) return false;
    } else if (arg == "--verbose" || arg == "-v") {
      a->verbose = true;
    } else {
      *error = "unknown argument '" + arg + "'";
      return false;
    }
  }
  if (a->plugin.empty()) *error = "--plugin is required";
  return error->empty();
}

bool selected(const std::vector<std::string>& filter, const std::string& name) {
  if (filter.empty()) return true;
  for (const std::string& f : filter) {
    if (f == name) return true;
    // "add" selects add.out and every other overload; "aten::add.out" the aten op.
    if (name.size() > f.size() && name.compare(0, f.size(), f) == 0 && name[f.size()] == '.') return true;
    if (f.rfind("aten::", 0) == 0 && f.substr(6) == name) return true;
  }
  return false;
}

CheckResult tier_skipped(const std::string& tier, const std::string& name, const std::string& why) {
  CheckResult c;
  c.tier = tier;
  c.name = name;
  c.outcome = Outcome::Skip;
  c.message = why;
  return c;
}

// Starts ember with the reference CPU plugin (unless it is the plugin under test).
CheckResult start_ember(bool load_cpu_reference) {
  CheckResult c;
  c.tier = "abi";
  c.name = "ember starts (reference: cpu plugin)";
  if (!load_cpu_reference) c.name = "ember starts (no other plugin)";
  try {
    ember::init_from_string(load_cpu_reference ? "plugins:\n  - name: cpu\n    required: true\n" : "plugins: []\n");
  } catch (const std::exception& e) {
    c.outcome = Outcome::Fail;
    c.message = std::string("start-up failed: ") + e.what();
    c.details.push_back(c.message);
  }
  return c;
}

void run_tiers(const Arguments& args, Report* report) {
  for (CheckResult& c : check_library(args.plugin)) report->checks.push_back(std::move(c));

  std::string api_name = peek_plugin_name(args.plugin);
  const bool is_cpu_plugin = (api_name.empty() ? ember::plugin_name_from_path(args.plugin) : api_name) == "cpu";
  CheckResult started = start_ember(!is_cpu_plugin);
  const bool ready = started.outcome == Outcome::Pass;
  report->checks.push_back(std::move(started));
  if (!ready) return;

  ember::PluginReport loaded;
  report->checks.push_back(check_loader(args.plugin, args.options, &loaded));
  report->plugin_name = loaded.name;
  if (loaded.status != ember::PluginStatus::Loaded) {
    report->checks.push_back(tier_skipped("device", "device types", "the plugin did not load"));
    report->checks.push_back(tier_skipped("kernels", "kernels", "the plugin did not load"));
    return;
  }
  for (CheckResult& c : check_plugin_table(args.plugin)) report->checks.push_back(std::move(c));

  for (const std::string& d : args.devices) {
    if (ember::find_device_type(d) == ember::kInvalidDeviceType)
      report->checks.push_back(tier_skipped("device", d, "no device type '" + d + "' is registered"));
  }
  bool any_device = false;
  for (const std::string& type : loaded.device_types) {
    if (!selected(args.devices, type)) continue;
    any_device = true;
    for (CheckResult& c : check_device_type(type)) report->checks.push_back(std::move(c));
  }
  if (!any_device) report->checks.push_back(tier_skipped("device", "device types", "the plugin registers no (selected) device type"));

  // Kernels may also be registered for device types other plugins own (a custom op's cpu kernel).
  std::vector<PluginKernel> kernels;
  for (const std::string& type : ember::registered_device_types()) {
    if (!selected(args.devices, type)) continue;
    for (PluginKernel& k : find_plugin_kernels(loaded.name, ember::find_device_type(type)))
      if (selected(args.ops, k.name)) kernels.push_back(std::move(k));
  }
  bool several_devices = false;
  for (const PluginKernel& k : kernels) several_devices |= k.device != kernels.front().device;
  // Progress on a terminal only: kernels take a while, logs and CI output should stay clean.
  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  for (const PluginKernel& k : kernels) {
    if (show_progress) std::cerr << "  checking " << k.name << "...\r" << std::flush;
    CheckResult c = check_kernel(k);
    if (several_devices) c.name = ember::device_type_name(k.device) + ": " + c.name;
    report->checks.push_back(std::move(c));
    if (show_progress) std::cerr << "\33[2K" << std::flush;
  }
  if (kernels.empty()) report->checks.push_back(tier_skipped("kernels", "kernels", "the plugin registers no (selected) kernel"));

  std::vector<CheckResult> collectives = check_collectives(args.plugin, loaded.name);
  if (collectives.empty())
    report->checks.push_back(tier_skipped("collectives", "collectives", "the plugin registers no process-group backend"));
  for (CheckResult& c : collectives) report->checks.push_back(std::move(c));
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  std::string error;
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  // Hidden mode: one rank of tier 4 (--collective-rank RANK WORLD PORT BACKEND PLUGIN).
  if (argc == 7 && std::string(argv[1]) == "--collective-rank")
    return run_collective_rank(argv[6], argv[5], std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]));
  if (!parse(argc, argv, &args, &error)) return usage_error(error);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.plugin, ec)) return usage_error("no plugin library at '" + args.plugin + "'");
  args.plugin = std::filesystem::absolute(args.plugin).lexically_normal().string();

  Report report;
  report.plugin_path = args.plugin;
  report.plugin_name = ember::plugin_name_from_path(args.plugin);
  try {
    run_tiers(args, &report);
  } catch (const std::exception& e) {
    CheckResult c;
    c.tier = "suite";
    c.name = "internal error";
    c.outcome = Outcome::Fail;
    c.message = e.what();
    c.details.push_back(c.message);
    report.checks.push_back(std::move(c));
  }
  std::cout << "ember-conformance: " << args.plugin << "\n";
  print_report(std::cout, report, args.verbose);
  if (!args.junit.empty() && !write_junit(args.junit, report, &error)) {
    std::cerr << "ember-conformance: " << error << "\n";
    return 1;
  }
  return report.all_passed() ? 0 : 1;
}
