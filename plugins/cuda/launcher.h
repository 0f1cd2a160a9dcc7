// Compiled kernel programs and kernel launches.
//
// A program is identified by a ProgramKey (a family id and up to three family-defined words:
// dtypes, variants) plus the GPU architecture. The first get() of a key generates the source,
// compiles it with NVRTC (jit_compiler.h: memory, then disk cache, then compile), loads it with
// cudaLibraryLoadData (context-independent: usable on every device) and looks its kernels up
// by name; later calls find it in a hash map under a shared lock.
//
// launch() checks for an error a kernel recorded earlier on the device (device_errors.h),
// launches, turns a launch failure into a typed error, and with EMBER_CUDA_LAUNCH_BLOCKING=1
// synchronizes the stream and raises any error (asynchronous CUDA errors and recorded ones)
// right there, so that it names the op that caused it.
//
// Ownership: programs are never unloaded (kernels may be running at process exit).
// Thread-safety: get() and launch() may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

#include <cuda_runtime.h>

#include "cuda_common.h"

namespace ember_cuda {

struct ProgramKey {
  uint32_t family = 0;  // from family_id()
  uint32_t a = 0, b = 0, c = 0;
  int32_t arch = 0;
  bool operator==(const ProgramKey& o) const {
    return family == o.family && a == o.a && b == o.b && c == o.c && arch == o.arch;
  }
};

constexpr int kMaxKernelsPerProgram = 8;

struct Program {
  cudaLibrary_t library = nullptr;
  cudaKernel_t kernels[kMaxKernelsPerProgram] = {};
  int num_kernels = 0;
  cudaKernel_t kernel(int i) const { return kernels[i]; }
};

// A stable id for a family name ("elementwise:add", "reduce", ...). Thread-safe.
uint32_t family_id(const char* name);

// The program for key: built by make_source() on first use, with the kernels named in
// `kernel_names` (in that order). `name` identifies the program in errors and the disk cache.
const Program& get_program(const ProgramKey& key, const char* name, std::initializer_list<const char*> kernel_names,
                           const std::function<std::string()>& make_source);

// Launches kernel k. args: the kernel's parameters (pointers to each), as cudaLaunchKernel.
// `op` names the op in errors.
void launch(cudaKernel_t k, dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, void** args, int device,
            const char* op);

// Raises the kernel launch error state and, with launch blocking, synchronizes (for work queued
// by libraries such as cuBLAS and cuDNN on `stream`).
void after_library_call(cudaStream_t stream, int device, const char* op);

// Blocks of `threads` covering n items.
inline unsigned blocks_for(int64_t n, int64_t per_block) { return static_cast<unsigned>((n + per_block - 1) / per_block); }

// Division of 32-bit indices by a fixed divisor without a divide instruction: kernels take it as
// the prelude's e_divider (same layout) and compute q = e_div(d, n) for n < 2^31, d >= 1.
struct Divider {
  uint32_t divisor, magic, shift;
};
inline Divider make_divider(uint32_t d) {
  uint32_t shift = 0;
  while (shift < 32 && (uint64_t(1) << shift) < d) ++shift;
  const uint64_t magic = ((uint64_t(1) << 32) * ((uint64_t(1) << shift) - d)) / d + 1;
  return Divider{d, static_cast<uint32_t>(magic), shift};
}

}  // namespace ember_cuda
