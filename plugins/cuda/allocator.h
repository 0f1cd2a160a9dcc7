// The caching device allocator, after PyTorch's CUDACachingAllocator.
//
// Memory comes from cudaMalloc in segments and is handed out in blocks:
//   - sizes round up to multiples of 512 bytes (kMinBlockSize);
//   - requests up to 1 MiB come from the small pool, whose segments are 2 MiB; larger ones from
//     the large pool, whose segments are 20 MiB below 10 MiB requests and the request rounded up
//     to 2 MiB above;
//   - a free block is found best-fit among the blocks of the same pool and stream, and split
//     when the rest is worth keeping (>= 512 bytes in the small pool, > 1 MiB in the large);
//   - a freed block merges with free neighbours of its segment and goes back to its pool;
//   - a block belongs to the stream it was allocated for, and is reused on that stream without
//     synchronizing (stream order makes that safe). record_stream(ptr, other) makes its free wait
//     (with events) until the work queued on `other` so far has finished;
//   - when cudaMalloc fails, every cached segment that is entirely free is released and the
//     request retried; if that fails too, OutOfMemory says what was asked, what is allocated,
//     reserved, and free on the device;
//   - empty_cache releases every entirely free segment.
//
// Statistics follow ember_memory_stats (the core prints them as a memory summary).
//
// Ownership: one allocator per device, owned by the plugin for the process (never destroyed:
// tensors may be freed during static destruction). Thread-safety: every method locks the
// allocator's mutex; the CUDA calls it makes are made with the device current.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <cuda_runtime.h>

#include <ember/plugin_abi.h>

namespace ember_cuda {

constexpr size_t kMinBlockSize = 512;
constexpr size_t kSmallSize = size_t(1) << 20;       // largest request served by the small pool
constexpr size_t kSmallBuffer = size_t(2) << 20;     // small pool segment
constexpr size_t kLargeBuffer = size_t(20) << 20;    // large pool segment for requests < kMinLargeAlloc
constexpr size_t kMinLargeAlloc = size_t(10) << 20;
constexpr size_t kRoundLarge = size_t(2) << 20;      // large segments are multiples of this

class CachingAllocator {
 public:
  explicit CachingAllocator(int device);
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Throws ember::sdk::OutOfMemory (see above) or a device error.
  void* allocate(size_t nbytes, cudaStream_t stream);
  // Unknown pointers are logged and ignored (freeing them would corrupt the pools).
  void free(void* ptr) noexcept;
  void record_stream(void* ptr, cudaStream_t stream);
  void empty_cache();
  ember_memory_stats stats();
  void reset_peak_stats();
  // Size of the block starting at ptr (0 when ptr is not a live block start).
  size_t block_size(void* ptr);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The allocator of a device (created at plugin init, for every device).
CachingAllocator& allocator(int device);
void init_allocators(int device_count);

// Rounding used by the pools (exposed for tests of the policy).
size_t round_block_size(size_t nbytes);
size_t segment_size_for(size_t rounded);

}  // namespace ember_cuda
