// Registers a host-memory device type named "cpu", for the CPU-fallback test in a process where
// the real cpu plugin is not loaded. It has no kernels of its own.
#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
  ember_device_type_desc device = test_plugin::host_memory_device("cpu");
  return g_host->register_device_type(r, &device, nullptr);
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("fake_cpu", &init);
  return &api;
}
