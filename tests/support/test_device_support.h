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

// Host memory behind the core's DeviceRuntime interface, synchronous, no streams.
class HostMemoryRuntime final : public ember::DeviceRuntime {
 public:
  void* allocate(int32_t, size_t nbytes, ember::StreamHandle) override {
    return std::aligned_alloc(64, ((nbytes + 63) / 64) * 64 + 64);
  }
  void deallocate(int32_t, void* p) noexcept override { std::free(p); }
  void copy(ember::CopyKind, void* dst, int32_t, const void* src, int32_t, size_t n) override {
    std::memmove(dst, src, n);
  }
  void copy_async(ember::CopyKind k, void* dst, int32_t di, const void* src, int32_t si, size_t n,
                  ember::StreamHandle) override {
    copy(k, dst, di, src, si, n);
  }
  void synchronize(int32_t) override {}
  bool supports_streams() const override { return false; }
  ember::StreamHandle stream_create(int32_t, int32_t) override { return nullptr; }
  void stream_destroy(int32_t, ember::StreamHandle) noexcept override {}
  void stream_synchronize(int32_t, ember::StreamHandle) override {}
  bool stream_query(int32_t, ember::StreamHandle) override { return true; }
  ember::EventHandle event_create(int32_t, bool) override { return this; }
  void event_destroy(int32_t, ember::EventHandle) noexcept override {}
  void event_record(int32_t, ember::EventHandle, ember::StreamHandle) override {}
  void stream_wait_event(int32_t, ember::StreamHandle, ember::EventHandle) override {}
  bool event_query(int32_t, ember::EventHandle) override { return true; }
  void event_synchronize(int32_t, ember::EventHandle) override {}
  double event_elapsed_ms(int32_t, ember::EventHandle, ember::EventHandle) override { return 0; }
  void* host_allocate(size_t n) override { return allocate(0, n, nullptr); }
  void host_deallocate(void* p) noexcept override { std::free(p); }
  bool has_pinned_memory() const override { return false; }
  ember::DeviceProperties properties(int32_t) override { return {"dispatchtest", 0, "", 0}; }
  ember::MemoryStats memory_stats(int32_t) override { return {}; }
  void reset_peak_memory_stats(int32_t) override {}
  void record_stream(int32_t, void*, ember::StreamHandle) override {}
  void empty_cache(int32_t) override {}
};

inline ember::DeviceTypeId test_device_type() {
  static const ember::DeviceTypeId id = [] {
    ember::detail::ensure_runtime_initialized();  // the real plugins first, so ids stay stable
    ember::DeviceTypeId t = ember::register_device_type("dispatchtest", "ember_test", 1, true,
                                                        std::make_unique<HostMemoryRuntime>());
    ember::Dispatcher::singleton().on_device_type_registered(t);
    return t;
  }();
  return id;
}

inline ember::Device test_device() { return ember::Device(test_device_type(), 0); }

}  // namespace ember_test
