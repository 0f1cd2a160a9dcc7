// Vectorized float32 kernels over contiguous arrays, one table per instruction set:
//   avx512  AVX-512 F/DQ/BW/VL + FMA (vec/kernels_avx512.cpp, compiled with those -m flags)
//   avx2    AVX2 + FMA             (vec/kernels_avx2.cpp)
//   scalar  plain C++, one lane    (vec/kernels_scalar.cpp, baseline x86-64)
// All three run the same algorithms (vec/math_impl.h), so results agree to rounding between
// paths. The plugin picks the widest table the CPU supports at start-up, or the one the
// `isa` option forces (isa.h); kernels call vec() for the active table.
//
// Accuracy (measured against float64 by tests/plugins/cpu_vector_math_test.cpp, where the
// result is a normal float): exp, log, sin, cos, tanh, sigmoid, erf, pow <= 2 ulp; gelu and the
// backward kernels within the bounds documented there. NaN, infinities, overflow and underflow
// behave as the C functions (pow follows C's powf for every special case).
//
// Every function takes n >= 0 elements; outputs may alias inputs exactly (y == x), never
// partially. Tables are immutable after start-up; every function is thread-safe.
#pragma once

#include <cstdint>

namespace ember_cpu {

struct VecKernels {
  using Unary = void (*)(const float* x, float* y, int64_t n);
  using Binary = void (*)(const float* a, const float* b, float* y, int64_t n);

  const char* isa;  // "avx512", "avx2" or "scalar"

  // y = a + b, a - b, a * b (the wide-vector form of the plain loops, for dense float32)
  Binary add, sub, mul;
  // y = f(x)
  Unary exp, log, sin, cos, tanh, sigmoid, silu, erf;
  Unary gelu;       // x * Phi(x), Phi the normal CDF (erf form)
  Unary gelu_tanh;  // PyTorch's tanh approximation
  // y = a ** b, and y = x ** e for one exponent (2, 0.5, -1, ... take exact shortcuts as PyTorch).
  Binary pow;
  void (*pow_scalar)(const float* x, float e, float* y, int64_t n);

  // Backward of the activations: y = grad * f'(input). sigmoid/tanh take their forward output.
  Binary gelu_backward, gelu_tanh_backward, silu_backward, sigmoid_backward, tanh_backward;

  // Softmax pieces over one row.
  float (*max)(const float* x, int64_t n);  // NaN if any is NaN; -inf when n == 0
  float (*min)(const float* x, int64_t n);  // NaN if any is NaN; +inf when n == 0
  // y = exp(x - shift) when y is not null; returns the sum of exp(x - shift) (in double).
  double (*exp_shift_sum)(const float* x, float shift, float* y, int64_t n);
  void (*scale)(const float* x, float s, float* y, int64_t n);      // y = x * s
  void (*add_scalar)(const float* x, float s, float* y, int64_t n);  // y = x + s
  void (*affine)(const float* x, float s, float b, float* y, int64_t n);  // y = x * s + b (fused)
  // Softmax backward: y = out * (grad - s), and log-softmax's y = grad - exp(out) * s.
  void (*softmax_backward)(const float* grad, const float* out, float s, float* y, int64_t n);
  void (*log_softmax_backward)(const float* grad, const float* out, float s, float* y, int64_t n);

  // Reductions of one contiguous run. sum accumulates in double lanes (the float32 result is its
  // one rounding); dot in float lanes flushed into double every 64 additions per lane; results
  // never depend on threads (callers fix the blocking).
  double (*sum)(const float* x, int64_t n);
  double (*dot)(const float* a, const float* b, int64_t n);  // sum(a * b)
  // Mean and sum of squared deviations of the run in one pass over memory (shifted sums in
  // double per block, merged with Chan's formula).
  void (*mean_m2)(const float* x, int64_t n, double* mean, double* m2);
  // First index of the maximum (argmax) or minimum (argmin); the first NaN wins. n >= 1.
  int64_t (*argmax)(const float* x, int64_t n, float* value);
  int64_t (*argmin)(const float* x, int64_t n, float* value);

  // Reductions over outer dims: `rows` rows of n columns, `stride` elements apart, folded into
  // the caller's per-column accumulators: acc[j] += x[r][j] in double; with d = x[r][j] -
  // shift[j], s1[j] += d and s2[j] += d^2; best/index updated where row first_row + r is better
  // (first index wins, the first NaN wins).
  void (*col_sum)(double* acc, const float* x, int64_t stride, int64_t rows, int64_t n);
  void (*col_sum_sq)(double* s1, double* s2, const float* x, int64_t stride, int64_t rows, const float* shift, int64_t n);
  void (*col_argmax)(float* best, int32_t* index, const float* x, int64_t stride, int64_t rows, int32_t first_row,
                     int64_t n);
  void (*col_argmin)(float* best, int32_t* index, const float* x, int64_t stride, int64_t rows, int32_t first_row,
                     int64_t n);

  // Max pooling's loop for one window tap over a row of outputs: for j in [0, n), v = x[j * stride]
  // (stride 1 or 2; `readable` elements from x on may be read, at least (n - 1) * stride + 1); where v > best[j] or v is NaN (a later
  // NaN replaces an earlier one, as in PyTorch's CPU kernel), best[j] = v and tap[j] = t.
  void (*max_tap)(float* best, int32_t* tap, const float* x, int64_t stride, int64_t readable, int32_t t, int64_t n);
  // A 64-bit fingerprint of a byte range (not cryptographic; the values differ between ISAs):
  // the weight cache's check that a tensor has not changed since it was cached.
  uint64_t (*fingerprint)(const void* data, int64_t bytes);
};

// The active table (the best the CPU has unless the configuration forced one).
const VecKernels& vec();

}  // namespace ember_cpu
