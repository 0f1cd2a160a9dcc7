// Helpers shared by the small plugins the registry tests load: a host-memory device type
// (aligned malloc, memcpy) and the boilerplate of a plugin table.
//
// These plugins use only <ember/plugin_abi.h>, like an out-of-tree vendor plugin written in C,
// so that each one controls exactly which rule of the ABI it breaks.
#pragma once

#include <cstdlib>
#include <cstring>

#include <ember/plugin_abi.h>

namespace test_plugin {

inline ember_status* allocate(void*, int32_t, size_t nbytes, ember_stream, void** out) {
  *out = std::aligned_alloc(64, ((nbytes + 63) / 64) * 64 + 64);
  return nullptr;
}
inline void deallocate(void*, int32_t, void* p) { std::free(p); }
inline ember_status* copy(void*, ember_copy_kind, void* dst, int32_t, const void* src, int32_t, size_t nbytes) {
  std::memcpy(dst, src, nbytes);
  return nullptr;
}

// A device type whose memory is plain host memory.
inline ember_device_type_desc host_memory_device(const char* name) {
  ember_device_type_desc d{};
  d.struct_size = sizeof d;
  d.name = name;
  d.device_count = 1;
  d.host_accessible = 1;
  d.allocate = &allocate;
  d.deallocate = &deallocate;
  d.copy_bytes = &copy;
  return d;
}

inline ember_kernel_desc kernel(const char* op, const char* device, uint32_t dtypes, ember_kernel_fn fn) {
  ember_kernel_desc k{};
  k.struct_size = sizeof k;
  k.op_name = op;
  k.device_type = device;
  k.dtypes = dtypes;
  k.fn = fn;
  return k;
}

inline ember_op_desc op(const char* schema) {
  ember_op_desc d{};
  d.struct_size = sizeof d;
  d.schema = schema;
  return d;
}

inline ember_status* define_op(const ember_host_api* host, ember_registrar* r, const char* schema) {
  ember_op_desc d = op(schema);
  return host->define_op(r, &d);
}

inline ember_plugin_api plugin_table(const char* name, ember_status* (*init)(ember_registrar*, const ember_option*, int32_t)) {
  ember_plugin_api api{};
  api.struct_size = sizeof api;
  api.abi_major = EMBER_ABI_MAJOR;
  api.abi_minor = EMBER_ABI_MINOR;
  api.name = name;
  api.version = "0.0.1";
  api.vendor = "ember tests";
  api.init = init;
  return api;
}

}  // namespace test_plugin

// Returns the first failing status of a sequence of host calls.
#define TEST_PLUGIN_TRY(expr)              \
  do {                                     \
    ember_status* status_ = (expr);        \
    if (status_ != nullptr) return status_; \
  } while (0)
