// Tensor-level drivers of the vector tables (vec_kernels.h) for the pointwise kernels:
// out = f(in) and out = f(a, b) over same-shape views (the core already broadcast inputs, so
// strides may be 0). Dense float32 runs go straight to the table function; strided runs and
// float16 / bfloat16 are staged through small float buffers on the stack (converted in and
// out). Work is split over the intra-op threads by element ranges above `grain`.
//
// Each returns false, doing nothing, when out's dtype is not float32, float16 or bfloat16 (the
// caller keeps its own path for the others). Stateless; thread-safe.
#pragma once

#include <cstdint>

#include <ember/sdk/tensor_view.h>

#include "vec_kernels.h"

namespace ember_cpu {

bool vec_unary(const ember::sdk::TensorView& out, const ember::sdk::TensorView& in, VecKernels::Unary f,
               int64_t grain);
bool vec_binary(const ember::sdk::TensorView& out, const ember::sdk::TensorView& a, const ember::sdk::TensorView& b,
                VecKernels::Binary f, int64_t grain);
// out = x ** e for one exponent e.
bool vec_pow_scalar(const ember::sdk::TensorView& out, const ember::sdk::TensorView& x, float e, int64_t grain);

// Elements per parallel chunk for transcendental maps (a few ns per element on one core).
constexpr int64_t kVecMathGrain = 16384;

}  // namespace ember_cpu
