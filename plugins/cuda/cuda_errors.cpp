// CUDA errors as SDK errors, the current-device scope, the plugin's configuration, and the
// device error records (device_errors.h).
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "cuda_common.h"
#include "device_errors.h"

namespace ember_cuda {

namespace {

bool is_sticky(cudaError_t e) {
  switch (e) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorAssert:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorHardwareStackError:
    case cudaErrorLaunchTimeout:
    case cudaErrorECCUncorrectable:
      return true;
    default:
      return false;
  }
}

}  // namespace

void throw_cuda_error(cudaError_t error, const char* what, int device) {
  std::string message = concat("CUDA error on cuda:", device, " during ", what, ": ", cudaGetErrorString(error), " (",
                               cudaGetErrorName(error), ")");
  if (is_sticky(error)) {
    message += "; the CUDA context is now unusable (restart the process). Run with EMBER_CUDA_LAUNCH_BLOCKING=1 "
               "to find the op that caused it";
  } else {
    (void)cudaGetLastError();  // not sticky: clear it so that later calls do not see it again
  }
  if (error == cudaErrorMemoryAllocation) throw ember::sdk::OutOfMemory(message);
  throw ember::sdk::Error(EMBER_ERROR_DEVICE, message);
}

// Asks the runtime every time (cudaGetDevice reads thread-local state): another library in the
// process (a collective plugin, the application) may have switched the device meanwhile.
DeviceScope::DeviceScope(int device) : previous_(-1) {
  int current = -1;
  if (cudaGetDevice(&current) != cudaSuccess) current = -1;
  if (current != device) {
    EMBER_CUDA_CHECK(cudaSetDevice(device), "cudaSetDevice", device);
    previous_ = current;
  }
}

DeviceScope::~DeviceScope() {
  if (previous_ >= 0) (void)cudaSetDevice(previous_);
}

Config& config() {
  static Config c;
  return c;
}

// ---- device error records -------------------------------------------------------------------

namespace {

struct ErrorRecord {  // kernels/prelude.cuh e_error_record
  int32_t flag;
  int32_t site;
  int32_t code;
  int32_t pad;
  int64_t a, b, c;
};

struct Records {
  std::vector<ErrorRecord*> host;    // mapped pinned memory, one per device
  std::vector<void*> device;
  std::mutex sites_mutex;
  std::vector<std::string> sites{"<unknown op>"};
};

Records& records() {
  static Records* r = new Records();  // leaked: kernels may still run during static destruction
  return *r;
}

}  // namespace

int register_site(const char* op) {
  Records& r = records();
  std::lock_guard<std::mutex> lock(r.sites_mutex);
  for (size_t i = 0; i < r.sites.size(); ++i)
    if (r.sites[i] == op) return static_cast<int>(i);
  r.sites.emplace_back(op);
  return static_cast<int>(r.sites.size() - 1);
}

void init_device_error_records(int count) {
  Records& r = records();
  r.host.assign(static_cast<size_t>(count), nullptr);
  r.device.assign(static_cast<size_t>(count), nullptr);
  for (int d = 0; d < count; ++d) {
    DeviceScope scope(d);
    void* p = nullptr;
    EMBER_CUDA_CHECK(cudaHostAlloc(&p, sizeof(ErrorRecord), cudaHostAllocMapped | cudaHostAllocPortable),
                     "allocating the device error record", d);
    std::memset(p, 0, sizeof(ErrorRecord));
    void* dp = nullptr;
    EMBER_CUDA_CHECK(cudaHostGetDevicePointer(&dp, p, 0), "mapping the device error record", d);
    r.host[static_cast<size_t>(d)] = static_cast<ErrorRecord*>(p);
    r.device[static_cast<size_t>(d)] = dp;
  }
}

void* device_error_record(int device) { return records().device[static_cast<size_t>(device)]; }

void raise_device_error_if_any(int device) {
  Records& r = records();
  if (device < 0 || static_cast<size_t>(device) >= r.host.size()) return;
  ErrorRecord* rec = r.host[static_cast<size_t>(device)];
  auto* flag = reinterpret_cast<std::atomic<int32_t>*>(&rec->flag);
  if (EMBER_SDK_LIKELY(flag->load(std::memory_order_acquire) != 2)) return;
  const ErrorRecord seen = *rec;
  flag->store(0, std::memory_order_release);
  std::string op;
  {
    std::lock_guard<std::mutex> lock(r.sites_mutex);
    op = seen.site >= 0 && static_cast<size_t>(seen.site) < r.sites.size() ? r.sites[static_cast<size_t>(seen.site)]
                                                                              : "<unknown op>";
  }
  const std::string where = concat(" (detected on cuda:", device,
                                   " after the kernel ran; set EMBER_CUDA_LAUNCH_BLOCKING=1 to raise it at the call)");
  switch (seen.code) {
    case kErrIndexOutOfRange:
      throw ember::sdk::IndexError(concat("[", op, "] index ", seen.a, " is out of bounds for dimension ", seen.c,
                                          " with size ", seen.b, where));
    case kErrZeroDivision:
      throw ember::sdk::ValueError(concat("[", op, "] ZeroDivisionError: integer division by zero", where));
    case kErrTargetOutOfRange:
      throw ember::sdk::IndexError(concat("[", op, "] Target ", seen.a, " is out of bounds (", seen.b, " classes)", where));
    default:
      throw ember::sdk::ValueError(concat("[", op, "] invalid input (", seen.a, ", ", seen.b, ")", where));
  }
}

}  // namespace ember_cuda
