// The "cpu" device type: 64-byte aligned host memory, memmove copies, no queue to synchronize.
//
// Stateless; every callback is thread-safe. Allocation failures come back as
// EMBER_ERROR_OUT_OF_MEMORY statuses, never as exceptions across the boundary.
#include <cstdlib>
#include <cstring>

#include "cpu_plugin.h"

namespace ember_cpu {
namespace {

constexpr size_t kAlignment = 64;

ember_status* cpu_allocate(void*, int32_t, size_t nbytes, void** out_ptr) {
  return ember::sdk::guarded("[cpu] ", [&] {
    *out_ptr = nullptr;
    // Round up to the alignment (aligned_alloc requires it); zero bytes still get a unique,
    // valid pointer so that empty tensors have distinct storages.
    size_t rounded = nbytes == 0 ? kAlignment : (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    EMBER_SDK_CHECK(rounded >= nbytes, EMBER_ERROR_OUT_OF_MEMORY, "cannot allocate ", nbytes, " bytes");
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (p == nullptr) {
      throw ember::sdk::OutOfMemory(ember::sdk::detail::concat(
          "out of memory: failed to allocate ", nbytes, " bytes"));
    }
    *out_ptr = p;
  });
}

void cpu_deallocate(void*, int32_t, void* ptr) { std::free(ptr); }

ember_status* cpu_copy_bytes(void*, int32_t, void* dst, int32_t, const void* src, int32_t,
                             size_t nbytes) {
  if (nbytes != 0 && dst != src) std::memmove(dst, src, nbytes);
  return nullptr;
}

}  // namespace

void register_device(Registrar& reg) {
  ember_device_type_desc desc{};
  desc.struct_size = sizeof(ember_device_type_desc);
  desc.name = kDevice;
  desc.device_count = 1;
  desc.host_accessible = 1;
  desc.ctx = nullptr;
  desc.allocate = &cpu_allocate;
  desc.deallocate = &cpu_deallocate;
  desc.copy_bytes = &cpu_copy_bytes;
  desc.synchronize = nullptr;  // every CPU kernel has finished when it returns
  reg.device_type(desc);
}

}  // namespace ember_cpu
