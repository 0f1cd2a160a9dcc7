// The "cpu" device type: 64-byte aligned host memory, memmove copies, no queue to synchronize.
//
// Small blocks (up to 4 KiB) are recycled through per-thread free lists: eager code allocates
// and frees many tiny tensors (a 1-element add is mostly allocation), and glibc's memalign path
// costs several hundred instructions per pair. Every block carries a 64-byte header with its
// size class, so deallocate needs only the pointer and the data stays 64-byte aligned.
// Every callback is thread-safe (the caches are thread-local; a block freed on another thread
// joins that thread's cache). Allocation failures come back as EMBER_ERROR_OUT_OF_MEMORY
// statuses, never as exceptions across the boundary.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu_plugin.h"

namespace ember_cpu {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kHeader = 64;           // keeps the data aligned; holds the size class
constexpr int kNumClasses = 7;           // 64 B .. 4 KiB
constexpr int kLargeClass = kNumClasses;
constexpr size_t kMaxCachedPerClass = 32;

size_t class_bytes(int c) { return size_t(64) << c; }

int size_class(size_t nbytes) {
  for (int c = 0; c < kNumClasses; ++c)
    if (nbytes <= class_bytes(c)) return c;
  return kLargeClass;
}

struct BlockCache {
  std::vector<void*> free_blocks[kNumClasses];  // raw block starts (header included)
  ~BlockCache() {
    for (auto& list : free_blocks)
      for (void* p : list) std::free(p);
  }
};
thread_local BlockCache t_cache;

ember_status* cpu_allocate(void*, int32_t, size_t nbytes, ember_stream, void** out_ptr) {
  *out_ptr = nullptr;
  int c = size_class(nbytes);
  if (c < kNumClasses && !t_cache.free_blocks[c].empty()) {
    void* block = t_cache.free_blocks[c].back();
    t_cache.free_blocks[c].pop_back();
    *out_ptr = static_cast<char*>(block) + kHeader;
    return nullptr;
  }
  return ember::sdk::guarded("[cpu] ", [&] {
    // Zero bytes still get a unique, valid pointer so that empty tensors have distinct storages.
    size_t payload = c < kNumClasses ? class_bytes(c) : (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    EMBER_SDK_CHECK(payload >= nbytes && payload + kHeader > payload, EMBER_ERROR_OUT_OF_MEMORY, "cannot allocate ",
                    nbytes, " bytes");
    void* block = std::aligned_alloc(kAlignment, payload + kHeader);
    if (block == nullptr) {
      throw ember::sdk::OutOfMemory(ember::sdk::detail::concat("out of memory: failed to allocate ", nbytes, " bytes"));
    }
    *static_cast<int*>(block) = c;
    *out_ptr = static_cast<char*>(block) + kHeader;
  });
}

void cpu_deallocate(void*, int32_t, void* ptr) {
  if (ptr == nullptr) return;
  void* block = static_cast<char*>(ptr) - kHeader;
  int c = *static_cast<int*>(block);
  if (c < kNumClasses && t_cache.free_blocks[c].size() < kMaxCachedPerClass) {
    t_cache.free_blocks[c].push_back(block);
    return;
  }
  std::free(block);
}

ember_status* cpu_copy_bytes(void*, ember_copy_kind, void* dst, int32_t, const void* src, int32_t,
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
