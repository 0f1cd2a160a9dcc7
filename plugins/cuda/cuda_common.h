// The CUDA plugin's shared vocabulary: CUDA errors as SDK errors, the current-device scope,
// stream handles, and the plugin's configuration (options and run-time switches).
//
// Every entry point of the plugin (device-table functions, kernels) sets the CUDA device it
// works on with DeviceScope first: the CUDA runtime's current device is per thread, and the
// ABI's NULL stream means the legacy default stream of that device.
//
// Thread-safety: Config's fields are atomics (switched at run time through
// cuda::_set_backend_flag); everything else here is stateless.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <cuda_runtime.h>

#include <ember/sdk/plugin.h>

namespace ember_cuda {

using ember::sdk::KernelArgs;
using ember::sdk::Registrar;
using ember::sdk::TensorView;
using ember::sdk::detail::concat;

// The device type name users write: Device("cuda:0").
constexpr const char* kDevice = "cuda";

// Throws the SDK error for a CUDA failure: OutOfMemory for cudaErrorMemoryAllocation, else a
// device error ("CUDA error on cuda:0 during <what>: <CUDA's message> (<error name>)"). The
// kernel trampoline puts the op's name in front. Clears CUDA's last error when it is not sticky.
[[noreturn]] void throw_cuda_error(cudaError_t error, const char* what, int device);

#define EMBER_CUDA_CHECK(expr, what, device)                                            \
  do {                                                                                  \
    cudaError_t ember_cuda_err_ = (expr);                                               \
    if (EMBER_SDK_UNLIKELY(ember_cuda_err_ != cudaSuccess))                             \
      ::ember_cuda::throw_cuda_error(ember_cuda_err_, (what), (device));                \
  } while (0)

// Makes `device` the calling thread's current CUDA device for a scope (restores the previous
// one). Cheap when it already is: the current device is cached per thread.
class DeviceScope {
 public:
  explicit DeviceScope(int device);
  ~DeviceScope();
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_;
};

inline cudaStream_t to_cuda(ember_stream s) { return reinterpret_cast<cudaStream_t>(s); }
inline ember_stream to_ember(cudaStream_t s) { return reinterpret_cast<ember_stream>(s); }

struct Config {
  std::atomic<bool> allow_tf32{false};           // matmul and convolution may use TF32 for float32
  std::atomic<bool> cudnn_benchmark{false};      // time cuDNN's algorithms per shape, cache the fastest
  std::atomic<bool> cudnn_deterministic{false};  // only deterministic cuDNN algorithms
  std::atomic<bool> launch_blocking{false};      // synchronize after every kernel (EMBER_CUDA_LAUNCH_BLOCKING=1)
};
Config& config();

// Device count found at init (fixed for the process).
int device_count();
// Compute capability of a device as major * 10 + minor (90 for the H100).
int device_arch(int device);
// The id the host gave the cuda device type (a tensor view with another id is a 0-d host scalar
// the host passed to a pointwise kernel: ember_device_type_desc.reads_host_scalars).
int32_t cuda_device_type_id();

}  // namespace ember_cuda
