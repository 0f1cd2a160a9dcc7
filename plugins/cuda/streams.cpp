// The per-device stream pools (streams.h).
#include "streams.h"

#include <array>
#include <atomic>
#include <mutex>
#include <vector>

#include "cuda_common.h"

namespace ember_cuda {
namespace {

struct Pool {
  std::once_flag created;
  std::array<cudaStream_t, kStreamsPerPool> normal{};
  std::array<cudaStream_t, kStreamsPerPool> high{};
  std::atomic<uint32_t> next_normal{0};
  std::atomic<uint32_t> next_high{0};
};

std::vector<Pool*>& pools() {
  static std::vector<Pool*>* p = new std::vector<Pool*>();  // leaked: streams live for the process
  return *p;
}

void create(int device, Pool& pool) {
  DeviceScope scope(device);
  int least = 0, greatest = 0;
  EMBER_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest), "cudaDeviceGetStreamPriorityRange", device);
  for (int i = 0; i < kStreamsPerPool; ++i) {
    EMBER_CUDA_CHECK(cudaStreamCreateWithPriority(&pool.normal[static_cast<size_t>(i)], cudaStreamNonBlocking, least),
                     "cudaStreamCreateWithPriority", device);
    EMBER_CUDA_CHECK(cudaStreamCreateWithPriority(&pool.high[static_cast<size_t>(i)], cudaStreamNonBlocking, greatest),
                     "cudaStreamCreateWithPriority", device);
  }
}

}  // namespace

void init_stream_pools(int device_count) {
  for (int d = 0; d < device_count; ++d) pools().push_back(new Pool());
}

cudaStream_t pool_stream(int device, int priority) {
  Pool& pool = *pools().at(static_cast<size_t>(device));
  std::call_once(pool.created, [&] { create(device, pool); });
  if (priority < 0) return pool.high[pool.next_high.fetch_add(1) % kStreamsPerPool];
  return pool.normal[pool.next_normal.fetch_add(1) % kStreamsPerPool];
}

bool is_known_stream(int device, cudaStream_t s) {
  if (s == nullptr) return true;
  if (device < 0 || static_cast<size_t>(device) >= pools().size()) return false;
  Pool& pool = *pools()[static_cast<size_t>(device)];
  for (int i = 0; i < kStreamsPerPool; ++i)
    if (pool.normal[static_cast<size_t>(i)] == s || pool.high[static_cast<size_t>(i)] == s) return true;
  return false;
}

}  // namespace ember_cuda
