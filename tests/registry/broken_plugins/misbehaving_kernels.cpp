// A plugin that loads fine but whose kernels misbehave, one way each, on the device "kernel_dev":
//   misbehave::throws_        lets a C++ exception escape (a plugin bug the host must survive)
//   misbehave::fails_         returns an error status (EMBER_ERROR_VALUE)
//   misbehave::fill_          works, for float32 only: self[:] = value * option "scale"
//   misbehave::late_register_ calls the registrar it kept from init, after init returned
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;
ember_registrar* g_saved_registrar = nullptr;
double g_scale = 1.0;

ember_status* throws(void*, const ember_call_context*, const ember_value*, int32_t) { throw std::runtime_error("boom from a plugin kernel"); }

ember_status* fails(void*, const ember_call_context*, const ember_value*, int32_t) {
  return g_host->status_create(EMBER_ERROR_VALUE, "fails_ rejects this tensor");
}

ember_status* fill(void*, const ember_call_context*, const ember_value* args, int32_t num_args) {
  if (num_args != 2 || args[0].tag != EMBER_VALUE_TENSOR || args[1].tag != EMBER_VALUE_DOUBLE) {
    return g_host->status_create(EMBER_ERROR_TYPE, "fill_ expects (Tensor, float)");
  }
  const ember_tensor_view& t = args[0].u.tensor;
  int64_t numel = 1;
  for (int32_t d = 0; d < t.ndim; ++d) numel *= t.sizes[d];
  float* data = static_cast<float*>(t.data);
  for (int64_t i = 0; i < numel; ++i) data[i] = static_cast<float>(args[1].u.d * g_scale);
  return nullptr;
}

ember_status* late_register(void*, const ember_call_context*, const ember_value*, int32_t) {
  ember_kernel_desc k = test_plugin::kernel("misbehave::fails_", "kernel_dev", EMBER_DTYPES_ALL, &fails);
  return g_host->register_kernel(g_saved_registrar, &k);
}

ember_status* init(ember_registrar* r, const ember_option* options, int32_t num_options) {
  for (int32_t i = 0; i < num_options; ++i) {
    if (std::string(options[i].key) != "scale") {
      return g_host->status_create(EMBER_ERROR_VALUE, (std::string("unknown option '") + options[i].key +
                                                       "' (valid: scale)").c_str());
    }
    g_scale = std::atof(options[i].value);
  }
  g_saved_registrar = r;
  ember_device_type_desc device = test_plugin::host_memory_device("kernel_dev");
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, nullptr));
  const char* schemas[] = {
      "misbehave::throws_(Tensor(a!) self) -> Tensor(a!)",
      "misbehave::fails_(Tensor(a!) self) -> Tensor(a!)",
      "misbehave::fill_(Tensor(a!) self, float value) -> Tensor(a!)",
      "misbehave::late_register_(Tensor(a!) self) -> Tensor(a!)",
  };
  for (const char* s : schemas) TEST_PLUGIN_TRY(test_plugin::define_op(g_host, r, s));
  ember_kernel_desc kernels[] = {
      test_plugin::kernel("misbehave::throws_", "kernel_dev", EMBER_DTYPES_ALL, &throws),
      test_plugin::kernel("misbehave::fails_", "kernel_dev", EMBER_DTYPES_ALL, &fails),
      test_plugin::kernel("misbehave::fill_", "kernel_dev", EMBER_DTYPE_BIT(EMBER_DTYPE_FLOAT32), &fill),
      test_plugin::kernel("misbehave::late_register_", "kernel_dev", EMBER_DTYPES_ALL, &late_register),
  };
  for (const auto& k : kernels) TEST_PLUGIN_TRY(g_host->register_kernel(r, &k));
  return nullptr;
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("misbehaving_kernels", &init);
  return &api;
}
