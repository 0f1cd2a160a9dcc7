// A second, host-memory device type for dispatcher tests: "dispatchtest", registered once per
// process through the same registry calls a plugin's registration ends in. It has an allocator
// and copies but no kernels and no CPU fallback, so tests can check per-device kernel tables,
// backend priority and the missing-kernel error without a real accelerator. Header-only (see
// ember_test_support.h); thread-safe (registration happens once under a function-local static).
#pragma once

#include <cstdlib>
#include <cstring>

#include <ember/ember.h>

#include "core/device_runtime.h"

namespace ember_test {

inline ember::DeviceTypeId test_device_type() {
  static const ember::DeviceTypeId id = [] {
    ember::detail::ensure_runtime_initialized();  // the real plugins first, so ids stay stable
    ember_device_type_desc desc;
    std::memset(&desc, 0, sizeof desc);
    desc.struct_size = sizeof desc;
    desc.name = "dispatchtest";
    desc.device_count = 1;
    desc.host_accessible = 1;
    desc.allocate = [](void*, int32_t, size_t nbytes, void** out) -> ember_status* {
      *out = std::aligned_alloc(64, ((nbytes + 63) / 64) * 64 + 64);
      return nullptr;
    };
    desc.deallocate = [](void*, int32_t, void* p) { std::free(p); };
    desc.copy_bytes = [](void*, int32_t, void* dst, int32_t, const void* src, int32_t, size_t n) -> ember_status* {
      std::memcpy(dst, src, n);
      return nullptr;
    };
    ember::DeviceTypeId t = ember::register_device_type(desc, "ember_test");
    ember::Dispatcher::singleton().on_device_type_registered(t);
    return t;
  }();
  return id;
}

inline ember::Device test_device() { return ember::Device(test_device_type(), 0); }

}  // namespace ember_test
