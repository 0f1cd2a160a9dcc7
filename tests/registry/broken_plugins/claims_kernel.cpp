// Built twice: as claims_first (CLAIMS_FIRST defined), which registers the device type
// "claim_dev", the operator claim::op_ and its kernel; and as claims_second, which claims the
// same (operator, device) kernel and must be rejected with both plugins named.
#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;

ember_status* noop(void*, const ember_call_context*, const ember_value*, int32_t) { return nullptr; }

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
#ifdef CLAIMS_FIRST
  ember_device_type_desc device = test_plugin::host_memory_device("claim_dev");
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, nullptr));
#endif
  // Defining the same schema again is allowed (a no-op); claiming the kernel is not.
  TEST_PLUGIN_TRY(test_plugin::define_op(g_host, r, "claim::op_(Tensor(a!) self) -> Tensor(a!)"));
  ember_kernel_desc k = test_plugin::kernel("claim::op_", "claim_dev", EMBER_DTYPES_ALL, &noop);
  return g_host->register_kernel(r, &k);
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
#ifdef CLAIMS_FIRST
  static ember_plugin_api api = test_plugin::plugin_table("claims_first", &init);
#else
  static ember_plugin_api api = test_plugin::plugin_table("claims_second", &init);
#endif
  return &api;
}
