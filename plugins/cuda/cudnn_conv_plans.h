// Convolutions through cuDNN's graph (backend) API with execution plans cached per problem.
//
// Why: cuDNN 9 implements the v7-style calls (cudnnConvolutionForward and its backward passes)
// on top of the graph API and rebuilds that work on every call: profiled on an H100, a ResNet-50
// forward at batch 1 spent about 170 us of host time per convolution inside cuDNN and cuBLASLt,
// so every convolution-heavy model was bound by the host. Here the operation graph, the engine
// choice and the finalized plan are made once per (thread's handle, pass, problem, pointer
// alignment) and each call only builds a variant pack (the three pointers and the workspace)
// and executes, as PyTorch's cuDNN frontend path does.
//
// Engine choice: cuDNN's heuristics (mode A, then the fallback list) in order, skipping engines
// that would break the caller's numerics: tensor-core (TF32) engines for float32 unless
// tensor cores are allowed, engines that down-convert inputs, and with `cudnn_deterministic` the
// non-deterministic ones. With `cudnn_benchmark`, every usable engine of the list (up to 8) is timed
// on the call's buffers and the fastest is kept (cudnn.benchmark's behaviour).
//
// When the graph API has no usable plan for a problem (some float64 and 3-d cases), that is
// cached too and run_conv_with_plan returns false: the caller takes the v7-style path.
//
// Thread-safety: the cache is per thread (plans belong to the thread's cuDNN handle); entries
// live until the thread exits.
#pragma once

#include <cudnn.h>

#include <vector>

#include "cuda_common.h"

namespace ember_cuda {

// cuDNN's element type for an ember floating dtype.
inline cudnnDataType_t cudnn_type(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_FLOAT16: return CUDNN_DATA_HALF;
    case EMBER_DTYPE_BFLOAT16: return CUDNN_DATA_BFLOAT16;
    case EMBER_DTYPE_FLOAT32: return CUDNN_DATA_FLOAT;
    default: return CUDNN_DATA_DOUBLE;
  }
}

// One convolution problem over dense tensors (N, C, spatial...), with 1-d problems lifted to 2-d
// (a height of 1): what both the plans and the v7-style path (cudnn_conv.cpp) are built from.
struct ConvProblem {
  int32_t dtype = 0;
  int nsp = 2;  // spatial dims as cuDNN sees them (2 or 3)
  std::vector<int> x, w, y;                   // dims of input, filter, output
  std::vector<int> pad, stride, dilation;
  int groups = 1;
  cudnnMathType_t math = CUDNN_DEFAULT_MATH;  // tensor-op math: TF32 for float32, always for 16-bit

  std::vector<int> key() const {
    std::vector<int> k = {dtype, nsp, groups, static_cast<int>(math)};
    for (const auto* v : {&x, &w, &y, &pad, &stride, &dilation}) {
      k.push_back(static_cast<int>(v->size()));
      k.insert(k.end(), v->begin(), v->end());
    }
    return k;
  }
};

// Forward: y = x * w; BackwardData: x = grad wrt input given w and y = grad_output;
// BackwardFilter: w = grad wrt weight given x and y.
enum class Pass { Forward = 0, BackwardData = 1, BackwardFilter = 2 };

// Runs `pass` on the handle's stream with a cached plan, in the modes config() sets
// (cudnn_deterministic, cudnn_benchmark). Returns false when no plan exists for the problem;
// throws a typed error when executing fails.
bool run_conv_with_plan(const KernelArgs& a, cudnnHandle_t handle, const ConvProblem& p, Pass pass, void* x, void* w,
                        void* y);

}  // namespace ember_cuda
