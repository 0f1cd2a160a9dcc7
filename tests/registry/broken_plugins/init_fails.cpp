// A plugin whose init registers a device type, an operator and a kernel, then fails. None of it
// may be visible in the core afterwards.
#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;

ember_status* noop(void*, const ember_call_context*, const ember_value*, int32_t) { return nullptr; }

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
  ember_device_type_desc device = test_plugin::host_memory_device("initfail_dev");
  int32_t id = -1;
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, &id));
  TEST_PLUGIN_TRY(test_plugin::define_op(g_host, r, "initfail::noop_(Tensor(a!) self) -> Tensor(a!)"));
  ember_kernel_desc k = test_plugin::kernel("initfail::noop_", "initfail_dev", EMBER_DTYPES_ALL, &noop);
  TEST_PLUGIN_TRY(g_host->register_kernel(r, &k));
  return g_host->status_create(EMBER_ERROR_RUNTIME, "no accelerator found (simulated failure)");
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("init_fails", &init);
  return &api;
}
