// The avx512 table of vec_kernels.h: AVX-512 (F, DQ, BW, VL) + FMA; built with -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma (CMakeLists.txt).
// Only called after isa.cpp checked the CPU. Everything but the table getter is private to
// this file (see math_impl.h). Stateless; thread-safe.
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "coefficients.h"
#include "isa.h"
#include "vec_kernels.h"

namespace ember_cpu {
namespace vec_avx512 {
namespace {
#include "simd_avx512.h"
#include "math_impl.h"
#include "array_impl.h"
}  // namespace
}  // namespace vec_avx512

const VecKernels& vec_kernels_avx512() {
  static const VecKernels table = vec_avx512::make_table();
  return table;
}

}  // namespace ember_cpu
