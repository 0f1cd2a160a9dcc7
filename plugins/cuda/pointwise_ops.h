// The catalog of elementwise ops: for each, its name, the dtypes it is registered for, its
// variants (rounding modes, approximations, optional bounds), the operand dtypes for a compute
// dtype, and the CUDA body the elementwise kernels run (kernels/elementwise.cuh). The formulas
// are the CPU plugin's (PyTorch's CPU kernels), including evaluation order where a result must
// match bit for bit (products rounded separately: no fused multiply-add).
//
// Pure data and string functions, no GPU: the plugin launches these (ops_pointwise*.cpp) and the
// source test compiles every (op, dtype, variant) program (tests/cuda/nvrtc_sources_test.cpp).
//
// Thread-safety: the catalog is constant after static initialization; `id` and `site` are filled
// on first launch under the launcher's lock-free idempotent registration (same values on every
// thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_source_gen.h"

namespace ember_cuda {

struct PointwiseOp {
  const char* name;
  // The body for operand dtypes `spec` (nin/out/in filled) and a variant.
  std::string (*body)(const ElementwiseSpec& spec, uint32_t variant);
  // Operand dtypes when the op computes in `dtype` (for the catalog's users).
  void (*signature)(int32_t dtype, ElementwiseSpec& spec);
  uint32_t dtypes;        // EMBER_DTYPE_BIT mask of compute dtypes
  uint32_t num_variants;  // variants 0 .. num_variants - 1
  mutable uint32_t id = 0;
  mutable int site = 0;
};

namespace pointwise {
extern const PointwiseOp add, sub, mul, div, pow, maximum, minimum;
extern const PointwiseOp eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor, logical_not;
extern const PointwiseOp bitwise_and, bitwise_or, bitwise_xor, bitwise_not;
extern const PointwiseOp where, masked_fill, clamp;
extern const PointwiseOp neg, abs, sign, relu, exp, log, sqrt, rsqrt, sin, cos, tanh, sigmoid, silu, gelu;
extern const PointwiseOp erf, erfc, log1p, expm1, log2, log10, exp2, tan, asin, acos, atan, sinh, cosh, asinh;
extern const PointwiseOp reciprocal, frac, floor, ceil, round, trunc, atan2, fmod, remainder;
extern const PointwiseOp threshold_backward, gelu_backward, silu_backward, sigmoid_backward, tanh_backward;
extern const PointwiseOp fill, arange, linspace, eye;
extern const PointwiseOp uniform, normal, random_from, bernoulli;
// Variants of div.
constexpr uint32_t kDivTrue = 0, kDivTrunc = 1, kDivFloor = 2;
// Variants of clamp: bit 0 lower bound given, bit 1 upper bound given.
// Variants of random_from: 0 a range [from, to), 1 the full 64-bit range.
}  // namespace pointwise

// "((C0)p.d[k])" or "((C0)p.i[k])": how a body reads scalar k in type `c_type` when the
// scalar was stored for `dtype` (p.d for floating dtypes, p.i otherwise; elementwise.h).
std::string scalar_expr(int32_t dtype, int k, const char* c_type = "C0");

// Every op above, for the source test.
const std::vector<const PointwiseOp*>& all_pointwise_ops();

// _copy_same_device_: from dtype `from` to `to` (variant = from). Equal dtypes copy bits.
extern const PointwiseOp convert_op;
// The dtype that carries a dtype's bits unchanged (same size integer): copies of one dtype.
int32_t bit_copy_dtype(int32_t dtype);

}  // namespace ember_cuda
