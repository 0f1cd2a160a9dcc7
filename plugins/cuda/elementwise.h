// The generic elementwise engine: out = op(in0, in1, in2) over out's shape, for any strides
// (broadcast inputs as stride-0 dims, as the core's structured runtime passes them), any dtype
// per operand, with the op's body compiled for those dtypes by NVRTC (kernels/elementwise.cuh).
//
// A 0-d host tensor among the inputs (the host passes one where a pointwise op met a number,
// ember_device_type_desc.reads_host_scalars) is read on the host at launch and reaches the
// kernel as a value in its parameters: no fill or copy kernel before the op.
//
// Before a launch the engine drops size-1 dims and merges dims that are contiguous for every
// operand, then picks:
//   - e_contig when every operand is dense in the same order or a single broadcast element: 16-byte
//     vector loads and stores when every address is aligned, 32-bit indices below 2^31 elements;
//   - e_strided32 when every offset fits 32 bits (divisions by multiplication), else e_strided64.
// One program per (op, dtypes, variant) holds the three kernels; it is compiled on first use.
//
// Thread-safety: stateless apart from the program cache (launcher.h); safe from many threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "cuda_common.h"
#include "kernel_source_gen.h"
#include "pointwise_ops.h"

namespace ember_cuda {

// The op's scalars as the kernel reads them: p.d[k] for floating compute types, p.i[k] for
// integral and bool ones (see set_scalar).
struct KernelScalars {
  double d[4] = {0, 0, 0, 0};
  int64_t i[4] = {0, 0, 0, 0};
};

// Stores s converted as PyTorch's Scalar::to<C>() for the compute type of `dtype` into slot k.
void set_scalar(KernelScalars& scalars, int k, const ember::sdk::Scalar& s, int32_t dtype);

// Runs the op. Inputs have out's ndim and sizes (stride 0 where broadcast) or are one element;
// a 0-d input in host memory (see cuda_device_type_id) is read here and passed by value.
void run_elementwise(const KernelArgs& a, const PointwiseOp& op, uint32_t variant, const TensorView& out,
                     std::initializer_list<TensorView> inputs, const KernelScalars& scalars = KernelScalars());

// Same, for callers that have raw geometry rather than views (copies between layouts, fills).
struct Operand {
  void* data = nullptr;
  int32_t dtype = 0;
  const int64_t* strides = nullptr;  // ndim entries; nullptr: one element, broadcast
  // A value the kernel takes from its parameters instead of memory (a 0-d host tensor): data and
  // strides are unused; imm_d holds floating values, imm_i integral and bool ones.
  bool immediate = false;
  double imm_d = 0;
  int64_t imm_i = 0;
};
void run_elementwise_raw(const KernelArgs& a, const PointwiseOp& op, uint32_t variant, int32_t ndim,
                         const int64_t* sizes, const Operand& out, const Operand* inputs, int nin,
                         const KernelScalars& scalars);

}  // namespace ember_cuda
