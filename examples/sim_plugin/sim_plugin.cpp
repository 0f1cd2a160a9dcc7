// The sim plugin's entry point: reads its options, registers the "sim" device type and its
// kernels, and asks for the CPU fallback when told to.
//
// Options (the plugin's `options:` map in the configuration; unknown keys are rejected):
//   fallback: cpu | none    cpu: every op sim has no kernel for runs on the CPU, with tensors
//                           copied over and back by the core (default none: such an op is an
//                           error naming the devices that have it; ember never falls back silently)
//   devices: N              how many sim devices to simulate, 1..8 (default 1)
//
// The same fallback can be asked for by the configuration instead:
//   devices: {sim: {fallback: cpu}}
//
// init runs once, on one thread, before any kernel or device callback.
#include <string>

#include "sim_plugin.h"

namespace sim {

void init_sim_plugin(ember::sdk::Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({"fallback", "devices"});
  const std::string fallback = options.get<std::string>("fallback", "none");
  EMBER_SDK_CHECK(fallback == "cpu" || fallback == "none", EMBER_ERROR_VALUE,
                  "option 'fallback': expected cpu or none, got '", fallback, "'");
  const int device_count = options.get<int>("devices", 1);
  EMBER_SDK_CHECK(device_count >= 1 && device_count <= 8, EMBER_ERROR_VALUE,
                  "option 'devices': expected 1..8, got ", device_count);

  register_sim_device(reg, device_count);
  register_sim_kernels(reg);
  if (fallback == "cpu") reg.request_cpu_fallback(kDeviceName);

  ember::sdk::log(ember::sdk::LogLevel::Debug,
                  ember::sdk::detail::concat(device_count, " sim device(s), fallback ", fallback));
}

}  // namespace sim

EMBER_PLUGIN("sim", "0.1.0", "ember examples", sim::init_sim_plugin)
