// Shared by the nccl comm plugin's files: error translation for CUDA and NCCL return codes, the
// dtype and reduce-op tables, and a guard that makes a device current for a scope.
// Header-only; thread-safe (the guard changes the calling thread's current device only).
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <string>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>

namespace ember_nccl {

inline void check_cuda(cudaError_t e, const std::string& what) {
  if (e != cudaSuccess)
    throw ember::sdk::Error(EMBER_ERROR_DEVICE, ember::sdk::detail::concat(what, ": ", cudaGetErrorName(e), ": ",
                                                                           cudaGetErrorString(e)));
}

// ncclInProgress is not an error for non-blocking communicators: the caller polls for it.
inline void check_nccl(ncclResult_t r, ncclComm_t comm, const std::string& what) {
  if (r == ncclSuccess || r == ncclInProgress) return;
  const char* last = comm ? ncclGetLastError(comm) : nullptr;
  const bool peer = r == ncclRemoteError || r == ncclSystemError;
  throw ember::sdk::Error(peer ? EMBER_ERROR_DISTRIBUTED : EMBER_ERROR_RUNTIME,
                          ember::sdk::detail::concat(what, ": ", ncclGetErrorString(r),
                                                     last && *last ? std::string(" (") + last + ")" : std::string()));
}

inline ncclDataType_t nccl_type(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL:
    case EMBER_DTYPE_UINT8: return ncclUint8;
    case EMBER_DTYPE_INT8: return ncclInt8;
    case EMBER_DTYPE_INT32: return ncclInt32;
    case EMBER_DTYPE_INT64: return ncclInt64;
    case EMBER_DTYPE_FLOAT16: return ncclFloat16;
    case EMBER_DTYPE_BFLOAT16: return ncclBfloat16;
    case EMBER_DTYPE_FLOAT32: return ncclFloat32;
    case EMBER_DTYPE_FLOAT64: return ncclFloat64;
    default: break;
  }
  throw ember::sdk::TypeError(
      ember::sdk::detail::concat("NCCL has no ", ember::sdk::dtype_name(dtype), " type (use another dtype or the gloo backend)"));
}

// Bool sums and maxima are "or", products and minima "and" (as on gloo), over 0/1 bytes.
inline ncclRedOp_t nccl_op(int32_t reduce_op, int32_t dtype) {
  const bool is_bool = dtype == EMBER_DTYPE_BOOL;
  switch (reduce_op) {
    case EMBER_REDUCE_SUM: return is_bool ? ncclMax : ncclSum;
    case EMBER_REDUCE_PRODUCT: return is_bool ? ncclMin : ncclProd;
    case EMBER_REDUCE_MIN: return ncclMin;
    case EMBER_REDUCE_MAX: return ncclMax;
    case EMBER_REDUCE_AVG: return ncclAvg;
    default: break;
  }
  throw ember::sdk::ValueError(ember::sdk::detail::concat("unknown reduce op ", reduce_op));
}

class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    cudaGetDevice(&previous_);
    if (device != previous_) check_cuda(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceGuard() { cudaSetDevice(previous_); }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace ember_nccl
