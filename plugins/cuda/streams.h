// CUDA streams for the ABI: the NULL ember_stream is the device's legacy default stream (as
// PyTorch's default stream), and stream_create hands out streams from a per-device pool, as
// PyTorch's getStreamFromPool: 32 streams per priority, created on first use with
// cudaStreamNonBlocking (so they never wait for the default stream implicitly) and reused
// round-robin. Pool streams live for the process, so stream_destroy has nothing to do.
//
// Thread-safety: the pool is created under a mutex; the round-robin counters are atomics.
#pragma once

#include <cuda_runtime.h>

namespace ember_cuda {

constexpr int kStreamsPerPool = 32;

// A pool stream of `device` (priority < 0: the device's highest priority).
cudaStream_t pool_stream(int device, int priority);
// True when s is the default stream or one of the device's pool streams.
bool is_known_stream(int device, cudaStream_t s);
void init_stream_pools(int device_count);

}  // namespace ember_cuda
