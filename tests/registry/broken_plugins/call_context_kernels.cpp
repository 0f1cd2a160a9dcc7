// A well-behaved plugin whose kernels use every part of the ABI 2.0 call context, on the device
// "ctx_dev" (host memory), so that the host's side of each callback is tested:
//   ctx::nonzero_index(Tensor self, Tensor(a!) out)  out (int64) is resized by the kernel to the
//       number of non-zero elements of self (float32) and receives their indices (resize_output)
//   ctx::scratch_sum(Tensor self, Tensor(a!) out)    sums self through a scratch copy (scratch)
//   ctx::where_am_i(Tensor(a!) out)                  writes the context's device type and index
//   ctx::warns_(Tensor(a!) self)                     reports a warning and succeeds (report)
//   ctx::reports_error_(Tensor(a!) self)             reports an error, then returns success:
//       the call must fail with the reported error (report)
//   ctx::content_version(Tensor self, Tensor(a!) out) out (int64, 7 elements) receives what the
//       context's content_version (ABI 2.2) says of self: [tracked, storage id, version], then
//       the same for out, then the result for an argument index out of range
// The ops are defined with tags ("reduction", "nondeterministic_seeded").
#include <cstddef>
#include <cstring>

#include "test_plugin_util.h"

namespace {

const ember_host_api* g_host = nullptr;

int64_t numel_of(const ember_tensor_view& t) {
  int64_t n = 1;
  for (int32_t d = 0; d < t.ndim; ++d) n *= t.sizes[d];
  return n;
}

ember_status* nonzero_index(void*, const ember_call_context* call, const ember_value* args, int32_t) {
  const ember_tensor_view& self = args[0].u.tensor;
  const float* x = static_cast<const float*>(self.data);
  int64_t n = numel_of(self), count = 0;
  for (int64_t i = 0; i < n; ++i) count += x[i] != 0.0f;
  if (ember_status* s = call->resize_output(call, 1, &count, 1)) return s;
  // The host rewrote args[1] in place: read the new view.
  auto* out = static_cast<int64_t*>(args[1].u.tensor.data);
  for (int64_t i = 0, k = 0; i < n; ++i)
    if (x[i] != 0.0f) out[k++] = i;
  return nullptr;
}

ember_status* scratch_sum(void*, const ember_call_context* call, const ember_value* args, int32_t) {
  const ember_tensor_view& self = args[0].u.tensor;
  int64_t n = numel_of(self);
  ember_status* status = nullptr;
  auto* copy = static_cast<float*>(call->scratch(call, static_cast<size_t>(n) * sizeof(float), &status));
  if (copy == nullptr) return status;
  if (reinterpret_cast<uintptr_t>(copy) % 64 != 0) return g_host->status_create(EMBER_ERROR_RUNTIME, "scratch not aligned");
  std::memcpy(copy, self.data, static_cast<size_t>(n) * sizeof(float));
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += copy[i];
  *static_cast<float*>(args[1].u.tensor.data) = sum;
  return nullptr;
}

ember_status* where_am_i(void*, const ember_call_context* call, const ember_value* args, int32_t) {
  auto* out = static_cast<float*>(args[0].u.tensor.data);
  out[0] = static_cast<float>(call->device_type);
  out[1] = static_cast<float>(call->device_index);
  return nullptr;
}

ember_status* warns(void*, const ember_call_context* call, const ember_value*, int32_t) {
  call->report(call, g_host->status_create(EMBER_WARNING, "warns_ is only a test"));
  return nullptr;
}

ember_status* reports_error(void*, const ember_call_context* call, const ember_value*, int32_t) {
  call->report(call, g_host->status_create(EMBER_ERROR_INDEX, "reported from inside the kernel"));
  call->report(call, g_host->status_create(EMBER_ERROR_VALUE, "a second report loses"));
  return nullptr;
}

ember_status* content_version(void*, const ember_call_context* call, const ember_value* args, int32_t) {
  if (call->struct_size < offsetof(ember_call_context, content_version) + sizeof(call->content_version))
    return g_host->status_create(EMBER_ERROR_ABI, "the host's call context has no content_version");
  auto* out = static_cast<int64_t*>(args[1].u.tensor.data);
  uint64_t id = 0, version = 0;
  for (int32_t arg = 0; arg < 2; ++arg) {
    out[3 * arg] = call->content_version(call, arg, &id, &version);
    out[3 * arg + 1] = static_cast<int64_t>(id);
    out[3 * arg + 2] = static_cast<int64_t>(version);
  }
  out[6] = call->content_version(call, 7, &id, &version) + 10 * static_cast<int64_t>(id + version);
  return nullptr;
}

ember_status* init(ember_registrar* r, const ember_option*, int32_t) {
  ember_device_type_desc device = test_plugin::host_memory_device("ctx_dev");
  TEST_PLUGIN_TRY(g_host->register_device_type(r, &device, nullptr));
  static const char* const reduction_tags[] = {"reduction", "nondeterministic_seeded"};
  const char* schemas[] = {
      "ctx::nonzero_index(Tensor self, Tensor(a!) out) -> Tensor(a!)",
      "ctx::scratch_sum(Tensor self, Tensor(a!) out) -> Tensor(a!)",
      "ctx::where_am_i(Tensor(a!) out) -> Tensor(a!)",
      "ctx::warns_(Tensor(a!) self) -> Tensor(a!)",
      "ctx::reports_error_(Tensor(a!) self) -> Tensor(a!)",
      "ctx::content_version(Tensor self, Tensor(a!) out) -> Tensor(a!)",
  };
  for (const char* s : schemas) {
    ember_op_desc d = test_plugin::op(s);
    if (std::strncmp(s, "ctx::scratch_sum", 16) == 0) {
      d.tags = reduction_tags;
      d.num_tags = 2;
    }
    TEST_PLUGIN_TRY(g_host->define_op(r, &d));
  }
  ember_kernel_desc kernels[] = {
      test_plugin::kernel("ctx::nonzero_index", "ctx_dev", EMBER_DTYPES_ALL, &nonzero_index),
      test_plugin::kernel("ctx::scratch_sum", "ctx_dev", EMBER_DTYPES_ALL, &scratch_sum),
      test_plugin::kernel("ctx::where_am_i", "ctx_dev", EMBER_DTYPES_ALL, &where_am_i),
      test_plugin::kernel("ctx::warns_", "ctx_dev", EMBER_DTYPES_ALL, &warns),
      test_plugin::kernel("ctx::reports_error_", "ctx_dev", EMBER_DTYPES_ALL, &reports_error),
      test_plugin::kernel("ctx::content_version", "ctx_dev", EMBER_DTYPES_ALL, &content_version),
  };
  for (const auto& k : kernels) TEST_PLUGIN_TRY(g_host->register_kernel(r, &k));
  return nullptr;
}

}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  g_host = host;
  static ember_plugin_api api = test_plugin::plugin_table("call_context_kernels", &init);
  return &api;
}
