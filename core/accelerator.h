// Device-generic helpers for accelerators (memory statistics and summary, cache control,
// properties, availability by type name), and ember::cuda: thin wrappers by name over them and
// over the CUDA plugin's run-time flags. Nothing here knows CUDA: the "cuda" device type and its
// flags come from the plugin (plugins/cuda), reached through the device runtime and the
// dispatcher (the plugin's `cuda::_set_backend_flag` op).
//
// Every function starts ember's runtime if needed. Thread-safe (the runtime's calls are).
#pragma once

#include <string>

#include "core/device_runtime.h"
#include "core/export.h"

namespace ember {

// True when a device type of that name is registered with at least one device.
EMBER_API bool accelerator_available(const std::string& type);
// Devices of that type (0 when the type is not registered).
EMBER_API int accelerator_device_count(const std::string& type);

EMBER_API DeviceProperties device_properties(Device device);
EMBER_API MemoryStats memory_stats(Device device);
EMBER_API void reset_peak_memory_stats(Device device);
// Returns the allocator's cached, unused memory to the device.
EMBER_API void empty_cache(Device device);
// A table of the device's memory statistics, as torch.cuda.memory_summary.
EMBER_API std::string memory_summary(Device device);

namespace cuda {

EMBER_API bool is_available();
EMBER_API int device_count();
// Waits for all work on a CUDA device (the current one when device < 0).
EMBER_API void synchronize(int device = -1);

// Run-time switches of the CUDA plugin (also settable as its options in the configuration).
EMBER_API void set_allow_tf32(bool allow);              // float32 matmul / convolution in TF32 (default off)
EMBER_API void set_cudnn_benchmark(bool enabled);       // time convolution algorithms per shape
EMBER_API void set_cudnn_deterministic(bool enabled);   // deterministic convolution algorithms only
EMBER_API void set_launch_blocking(bool enabled);       // synchronize after every kernel

EMBER_API MemoryStats memory_stats(int device = 0);
EMBER_API uint64_t memory_allocated(int device = 0);
EMBER_API uint64_t max_memory_allocated(int device = 0);
EMBER_API uint64_t memory_reserved(int device = 0);
EMBER_API void reset_peak_memory_stats(int device = 0);
EMBER_API void empty_cache(int device = 0);
EMBER_API std::string memory_summary(int device = 0);

}  // namespace cuda
}  // namespace ember
