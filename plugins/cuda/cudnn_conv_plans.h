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
// tensor cores are allowed, engines that down-convert inputs, and with `deterministic` the
// non-deterministic ones. With `benchmark`, every usable engine of the list (up to 8) is timed
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

enum class ConvPass { Forward = 0, BackwardData = 1, BackwardFilter = 2 };

// A convolution of dense tensors: x [N, C, spatial...] * w [O, C / groups, k...] -> y, dims as
// cuDNN sees them (1-d problems already lifted to 2-d).
struct ConvPlanProblem {
  cudnnDataType_t data_type = CUDNN_DATA_FLOAT;
  std::vector<int> x, w, y;
  std::vector<int> pad, stride, dilation;
  bool tensor_cores = false;  // float32: TF32 allowed; 16-bit types: always
  bool deterministic = false;
  bool benchmark = false;
};

// Runs `pass` (Forward: y = x * w; BackwardData: x = grad wrt input given w and y = grad_output;
// BackwardFilter: w = grad wrt weight given x and y) on the handle's stream with a cached plan.
// Returns false when no plan exists for the problem; throws a typed error when executing fails.
bool run_conv_with_plan(const KernelArgs& a, cudnnHandle_t handle, const ConvPlanProblem& p, ConvPass pass, void* x,
                        void* w, void* y);

}  // namespace ember_cuda
