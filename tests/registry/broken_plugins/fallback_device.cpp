// A device type "fallback_dev" with no kernels that asks for the CPU fallback, and the operator
// fallback::scale_ with a kernel for cpu only: calling it on fallback_dev must run on cpu and
// copy the result back.
#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;

// self *= factor, for contiguous float32 tensors.
ember_status* scale(void*, const ember_call_context*, const ember_value* args, int32_t) {
  const ember_tensor_view& t = args[0].u.tensor;
  if (t.dtype != EMBER_DTYPE_FLOAT32) {
    return g_host->status_create(EMBER_ERROR_TYPE, "scale_ expects float32");
  }
  int64_t numel = 1;
  for (int32_t d = 0; d < t.ndim; ++d) numel *= t.sizes[d];
  float* data = static_cast<float*>(t.data);
  for (int64_t i = 0; i < numel; ++i) data[i] = static_cast<float>(data[i] * args[1].u.d);
  return nullptr;
}

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
  ember_device_type_desc device = test_plugin::host_memory_device("fallback_dev");
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, nullptr));
  TEST_PLUGIN_TRY(g_host->request_cpu_fallback(r, "fallback_dev"));
  TEST_PLUGIN_TRY(test_plugin::define_op(g_host, r, "fallback::scale_(Tensor(a!) self, float factor) -> Tensor(a!)"));
  ember_kernel_desc k = test_plugin::kernel("fallback::scale_", "cpu", EMBER_DTYPE_BIT(EMBER_DTYPE_FLOAT32), &scale);
  return g_host->register_kernel(r, &k);
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("fallback_device", &init);
  return &api;
}
