// The caching pinned-memory allocator (host_allocator.h).
#include "host_allocator.h"

#include <map>
#include <mutex>
#include <vector>

#include "cuda_common.h"

namespace ember_cuda {
namespace {

struct HostBlock {
  size_t size = 0;
  bool in_use = false;
  std::vector<std::pair<int, cudaEvent_t>> events;  // copies that still use it (device, event)
};

struct HostCache {
  std::mutex mutex;
  std::map<const char*, HostBlock> blocks;                // every pinned block, by base address
  std::multimap<size_t, const char*> free_by_size;        // blocks not in use
};

HostCache& cache() {
  static HostCache* c = new HostCache();  // leaked: pinned tensors may die during static destruction
  return *c;
}

size_t round_pow2(size_t n) {
  size_t p = 64;
  while (p < n) p <<= 1;
  return p;
}

// True when every copy that used the block finished; releases its events then.
bool events_done(HostBlock& b) {
  for (auto& [device, event] : b.events) {
    cudaError_t q = cudaEventQuery(event);
    if (q == cudaErrorNotReady) return false;
  }
  for (auto& [device, event] : b.events) (void)cudaEventDestroy(event);
  b.events.clear();
  return true;
}

// REQUIRES: cache().mutex held. The live block holding p, or nullptr.
HostBlock* find_locked(const void* p, const char** base) {
  HostCache& c = cache();
  const char* q = static_cast<const char*>(p);
  auto it = c.blocks.upper_bound(q);
  if (it == c.blocks.begin()) return nullptr;
  --it;
  if (q >= it->first + it->second.size || !it->second.in_use) return nullptr;
  if (base) *base = it->first;
  return &it->second;
}

}  // namespace

void* host_allocate(size_t nbytes) {
  HostCache& c = cache();
  const size_t size = round_pow2(nbytes == 0 ? 1 : nbytes);
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    for (auto it = c.free_by_size.lower_bound(size); it != c.free_by_size.end() && it->first == size; ++it) {
      HostBlock& b = c.blocks[it->second];
      if (!events_done(b)) continue;
      b.in_use = true;
      const char* base = it->second;
      c.free_by_size.erase(it);
      return const_cast<char*>(base);
    }
  }
  void* p = nullptr;
  cudaError_t e = cudaHostAlloc(&p, size, cudaHostAllocPortable);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    throw ember::sdk::OutOfMemory(concat("could not allocate ", nbytes, " bytes of pinned host memory: ",
                                         cudaGetErrorString(e)));
  }
  std::lock_guard<std::mutex> lock(c.mutex);
  HostBlock& b = c.blocks[static_cast<const char*>(p)];
  b.size = size;
  b.in_use = true;
  return p;
}

void host_free(void* ptr) noexcept {
  if (ptr == nullptr) return;
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  auto it = c.blocks.find(static_cast<const char*>(ptr));
  if (it == c.blocks.end() || !it->second.in_use) {
    ember::sdk::log(ember::sdk::LogLevel::Error, concat("host_deallocate: ", ptr, " is not a live pinned block (ignored)"));
    return;
  }
  it->second.in_use = false;
  c.free_by_size.emplace(it->second.size, it->first);
}

bool is_pinned(const void* ptr) {
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return find_locked(ptr, nullptr) != nullptr;
}

void record_host_use(const void* ptr, int device, cudaStream_t stream) {
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  HostBlock* b = find_locked(ptr, nullptr);
  if (b == nullptr) return;
  cudaEvent_t e = nullptr;
  EMBER_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate (pinned memory)", device);
  cudaError_t r = cudaEventRecord(e, stream);
  if (r != cudaSuccess) {
    (void)cudaEventDestroy(e);
    throw_cuda_error(r, "cudaEventRecord (pinned memory)", device);
  }
  b->events.emplace_back(device, e);
}

}  // namespace ember_cuda
