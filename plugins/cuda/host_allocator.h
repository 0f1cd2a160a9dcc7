// Pinned (page-locked) host memory, cached as PyTorch's CachingHostAllocator does: sizes round
// up to a power of two, freed blocks are kept for reuse, and a block that asynchronous copies
// used is reused only after those copies finished (an event recorded on the copy's stream,
// see record_host_use). cudaHostAlloc is slow (it pins pages), so caching matters for loaders
// that pin a batch per step.
//
// Thread-safety: one mutex guards the cache.
#pragma once

#include <cstddef>

#include <cuda_runtime.h>

namespace ember_cuda {

void* host_allocate(size_t nbytes);  // throws OutOfMemory
void host_free(void* ptr) noexcept;
// True when ptr points into a live pinned block.
bool is_pinned(const void* ptr);
// An asynchronous copy on `stream` of `device` reads or writes the pinned block holding ptr
// (no-op for other memory): its reuse waits for the copy.
void record_host_use(const void* ptr, int device, cudaStream_t stream);

}  // namespace ember_cuda
