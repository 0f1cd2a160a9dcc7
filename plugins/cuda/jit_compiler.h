// Run-time compilation of the plugin's kernel sources with NVRTC, and the on-disk cache of the
// results. Independent of any GPU (NVRTC is a compiler library), so the CI machine without a GPU
// compiles every kernel source too (tests/cuda/nvrtc_sources_test.cpp).
//
// The disk cache keeps one file per (source, program name, architecture, NVRTC version, options)
// under $EMBER_CUDA_KERNEL_CACHE (a directory; "0" or "off" disables it), else
// $XDG_CACHE_HOME/ember/cuda-kernels or ~/.cache/ember/cuda-kernels. Files are written to a
// temporary name and renamed, so concurrent processes never read a partial file; an unreadable
// or unwritable cache only costs compilations.
//
// Thread-safety: NVRTC programs are independent; compile() may run on many threads at once.
#pragma once

#include <string>
#include <vector>

namespace ember_cuda {

struct CompiledProgram {
  std::string image;    // cubin (or PTX when `is_ptx`), ready for cudaLibraryLoadData
  bool is_ptx = false;
  bool from_disk_cache = false;
};

// Compiles `source` for compute capability `arch` (90 = sm_90). Throws ember::sdk::Error
// (EMBER_ERROR_RUNTIME) with NVRTC's log and the program name when the source does not compile.
CompiledProgram compile_program(const std::string& source, const std::string& name, int arch);

// The same without the disk cache (used by the source test, which must really compile).
CompiledProgram compile_program_uncached(const std::string& source, const std::string& name, int arch);

// "13.0": the NVRTC version the plugin runs with.
std::string nvrtc_version();
// The directory of the disk cache ("" when disabled).
std::string kernel_cache_dir();

}  // namespace ember_cuda
