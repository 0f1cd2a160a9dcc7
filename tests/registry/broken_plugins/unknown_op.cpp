// A plugin that registers a kernel for an operator that does not exist.
#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;
// The ABI gives plugins no way to free a status the host returned to them; keeping it reachable
// keeps leak checkers quiet.
ember_status* g_ignored_status = nullptr;

ember_status* noop(void*, const ember_call_context*, const ember_value*, int32_t) { return nullptr; }

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
  ember_device_type_desc device = test_plugin::host_memory_device("unknownop_dev");
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, nullptr));
  ember_kernel_desc k = test_plugin::kernel("no_such_op.out", "unknownop_dev", EMBER_DTYPES_ALL, &noop);
  // Ignores the error status on purpose: the host must fail the plugin anyway.
  g_ignored_status = g_host->register_kernel(r, &k);
  return nullptr;
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("unknown_op", &init);
  return &api;
}
