// Accelerator helpers and ember::cuda's wrappers (accelerator.h).
#include "core/accelerator.h"

#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "core/ivalue.h"
#include "core/runtime_hook.h"
#include "core/stream.h"
#include "dispatcher/library.h"

namespace ember {
namespace {

DeviceTypeId type_or_invalid(const std::string& name) {
  detail::ensure_runtime_initialized();
  return find_device_type(name);
}

std::string format_bytes(uint64_t bytes) {
  char buf[64];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < (uint64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.2f KiB", bytes / 1024.0);
  else if (bytes < (uint64_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / 1073741824.0);
  return buf;
}

Device cuda_device(int index) {
  const DeviceTypeId t = type_or_invalid("cuda");
  EMBER_CHECK(t != kInvalidDeviceType, RuntimeError,
              "cuda is not available: the CUDA plugin is not loaded (`ember info` says why)");
  const int count = device_type_info(t).device_count;
  EMBER_CHECK(index >= 0 && index < count, IndexError, "cuda device index ", index, " is out of range (", count,
              " device(s))");
  return Device(t, static_cast<int16_t>(index));
}

void set_flag(const char* name, bool value) {
  Device d = cuda_device(0);
  call_boxed("cuda::_set_backend_flag", {IValue(d), IValue(std::string(name)), IValue(value)});
}

}  // namespace

bool accelerator_available(const std::string& type) { return accelerator_device_count(type) > 0; }

int accelerator_device_count(const std::string& type) {
  const DeviceTypeId t = type_or_invalid(type);
  return t == kInvalidDeviceType ? 0 : device_type_info(t).device_count;
}

DeviceProperties device_properties(Device device) { return device_runtime(device).properties(device.index()); }
MemoryStats memory_stats(Device device) { return device_runtime(device).memory_stats(device.index()); }
void reset_peak_memory_stats(Device device) { device_runtime(device).reset_peak_memory_stats(device.index()); }
void empty_cache(Device device) { device_runtime(device).empty_cache(device.index()); }

std::string memory_summary(Device device) {
  const MemoryStats s = memory_stats(device);
  std::ostringstream os;
  const std::string rule(64, '=');
  os << rule << "\n";
  os << "  memory summary of " << device << "\n";
  os << std::string(64, '-') << "\n";
  auto row = [&](const char* name, const std::string& current, const std::string& peak) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %-28s %14s %14s\n", name, current.c_str(), peak.c_str());
    os << buf;
  };
  row("", "current", "peak");
  row("allocated memory", format_bytes(s.allocated_bytes), format_bytes(s.peak_allocated_bytes));
  row("reserved memory", format_bytes(s.reserved_bytes), format_bytes(s.peak_reserved_bytes));
  row("reserved but unallocated", format_bytes(s.reserved_bytes - s.allocated_bytes), "");
  os << std::string(64, '-') << "\n";
  row("allocations / frees", std::to_string(s.num_allocations), std::to_string(s.num_frees));
  row("device allocations / frees", std::to_string(s.num_device_allocations), std::to_string(s.num_device_frees));
  row("out-of-memory errors", std::to_string(s.num_ooms), "");
  os << rule << "\n";
  return os.str();
}

namespace cuda {

bool is_available() { return accelerator_available("cuda"); }
int device_count() { return accelerator_device_count("cuda"); }

void synchronize(int device) {
  const DeviceTypeId t = type_or_invalid("cuda");
  EMBER_CHECK(t != kInvalidDeviceType, RuntimeError, "cuda is not available: the CUDA plugin is not loaded");
  ember::synchronize(cuda_device(device < 0 ? current_device_index(t) : device));
}

void set_allow_tf32(bool allow) { set_flag("allow_tf32", allow); }
void set_cudnn_benchmark(bool enabled) { set_flag("cudnn_benchmark", enabled); }
void set_cudnn_deterministic(bool enabled) { set_flag("cudnn_deterministic", enabled); }
void set_launch_blocking(bool enabled) { set_flag("launch_blocking", enabled); }

MemoryStats memory_stats(int device) { return ember::memory_stats(cuda_device(device)); }
uint64_t memory_allocated(int device) { return memory_stats(device).allocated_bytes; }
uint64_t max_memory_allocated(int device) { return memory_stats(device).peak_allocated_bytes; }
uint64_t memory_reserved(int device) { return memory_stats(device).reserved_bytes; }
void reset_peak_memory_stats(int device) { ember::reset_peak_memory_stats(cuda_device(device)); }
void empty_cache(int device) { ember::empty_cache(cuda_device(device)); }
std::string memory_summary(int device) { return ember::memory_summary(cuda_device(device)); }

}  // namespace cuda
}  // namespace ember
