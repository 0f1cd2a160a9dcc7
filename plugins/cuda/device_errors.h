// Errors that kernels find on the device (an index out of range, an integer division by zero, a
// class target out of range) without trapping: a trap (device-side assert) would leave the CUDA
// context unusable for the rest of the process.
//
// Each device has one error record in mapped pinned host memory (e_error_record in
// kernels/prelude.cuh). The first kernel that finds bad input claims it and writes the op's site
// and the values; the kernel itself skips the bad element, so no memory outside the tensors is
// touched. The host raises the recorded error (IndexError, ValueError) at the next
// synchronization point of that device (synchronize, a copy to the host, an event or stream
// synchronize) and when the next kernel is launched on it; with EMBER_CUDA_LAUNCH_BLOCKING=1
// right after the launch of the op that found it. The message names the op, the device and the
// values, and says that it was detected asynchronously.
//
// Thread-safety: sites are registered under a mutex and never removed; the records are read and
// cleared with atomics.
#pragma once

#include <cstdint>

namespace ember_cuda {

// Same numbers as kernels/prelude.cuh.
enum DeviceErrorCode : int32_t {
  kErrIndexOutOfRange = 1,
  kErrZeroDivision = 2,
  kErrTargetOutOfRange = 3,
  kErrBadValue = 4,
};

// A kernel's identity in error messages: the op name ("index_select"). Returns a small id that
// kernels pass as `site`. Idempotent per name.
int register_site(const char* op);

// The device address of a device's error record (what kernels receive as `err`).
void* device_error_record(int device);

// Throws the error a kernel recorded on `device`, if any, and clears the record.
void raise_device_error_if_any(int device);

// Allocates the records (init, after the device count is known).
void init_device_error_records(int device_count);

}  // namespace ember_cuda
