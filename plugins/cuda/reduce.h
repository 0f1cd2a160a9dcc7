// Host side of the reductions (kernels/reduce.cuh): splits the input into kept and reduced dims,
// merges dims, picks the layout (lanes along the reduced elements when they are adjacent in
// memory, else along the outputs), the vector width, and how many chunks each output's reduced
// elements are cut into (several only when there are few outputs; a second kernel merges them).
// Every choice is a function of the shapes, strides and alignment only, never of the GPU, so a
// result does not depend on the launch configuration or the device.
//
// Thread-safety: stateless (the program cache is the launcher's).
#pragma once

#include <cstdint>

#include "cuda_common.h"
#include "kernel_families.h"

namespace ember_cuda {

// Reduces `self` over the dims in `reduce_mask` (bit d: dim d; ignored for 0-d inputs) into
// `out` (keepdim or not: out has self's ndim with size 1 at reduced dims, or the kept dims only),
// and for max.dim/min.dim the indices into *out2.
void run_reduce(const KernelArgs& a, ReduceKind kind, const TensorView& self, uint64_t reduce_mask,
                const TensorView& out, const TensorView* out2 = nullptr, double correction = 1.0);

// Bit mask of the dims named in `dims`. Meta normalized them: each once, non-negative, every dim
// when the caller gave None or [] (PyTorch's `dim=None` / `dim=[]`).
uint64_t reduce_mask_from_dims(ember::sdk::IntList dims);

}  // namespace ember_cuda
