// Program text of the kernel families other than the elementwise catalog (reductions, softmax,
// losses, normalization, indexing, pooling, optimizers): each family's generator takes the
// dtypes and compile-time choices it is specialized for and returns the full program. The plugin
// compiles them on first use (launcher.h); the source test compiles the instances the plugin
// can ask for (all_family_instances) without a GPU.
//
// Pure string functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember_cuda {

// ---- reductions (kernels/reduce.cuh) ----
enum class ReduceKind : int32_t { Sum = 0, Mean, Prod, Amax, Amin, MaxDim, MinDim, Argmax, Argmin, Var, All, Any };
struct ReduceSpec {
  ReduceKind kind = ReduceKind::Sum;
  int32_t in = 0;   // input dtype
  int32_t out = 0;  // first output's dtype
  bool inner = true;
  int vec = 1;
  int red_ndim = 1;
};
std::string reduce_source(const ReduceSpec& spec);
// Bytes of one partial accumulator (the chunk buffer).
size_t reduce_accumulator_size(ReduceKind kind, int32_t in);
// The dtypes a reduction is registered for, and its output dtype for an input dtype.
uint32_t reduce_dtypes(ReduceKind kind);
int32_t reduce_output_dtype(ReduceKind kind, int32_t in);

// ---- one-source families specialized by a storage type (and the output type) ----
// `family`: one of sources::softmax, loss, layer_norm, batch_norm, index_ops, pool, foreach_ops.
// Defines T_IN / T_OUT (storage types), C_T (compute type of T_IN), T_IN_FLOATING when it is a
// floating type, T_LOWEST / T_HIGHEST (its range), then the family's own `extra` defines.
std::string typed_family_source(const char* family, int32_t in, int32_t out, const std::string& extra = "");

struct FamilyInstance {
  std::string name;          // for test output
  std::string source;
  std::string program_name;  // the name the plugin compiles it under (part of the disk cache key)
};
// Every family program the plugin can ask for (for the source test).
std::vector<FamilyInstance> all_family_instances();
// The programs a test or benchmark run is likely to need, exactly as the plugin generates them
// (elementwise ops for every dtype, variant and common kernel kind, dtype copies, the reduction
// layouts, every family): compiling them into the disk cache in parallel before a run saves the
// one-at-a-time compilations during it (tests/cuda/nvrtc_sources.cpp, EMBER_CUDA_WARM_CACHE=1).
std::vector<FamilyInstance> cache_warm_instances();

}  // namespace ember_cuda
