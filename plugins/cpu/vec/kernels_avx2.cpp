// The avx2 table of vec_kernels.h: AVX2 + FMA; built with -mavx2 -mfma (CMakeLists.txt).
// Only called after isa.cpp checked the CPU. Everything but the table getter is private to
// this file (see math_impl.h). Stateless; thread-safe.
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "coefficients.h"
#include "isa.h"
#include "vec_kernels.h"

namespace ember_cpu {
namespace vec_avx2 {
namespace {
#include "simd_avx2.h"
#include "math_impl.h"
#include "array_impl.h"
}  // namespace
}  // namespace vec_avx2

const VecKernels& vec_kernels_avx2() {
  static const VecKernels table = vec_avx2::make_table();
  return table;
}

}  // namespace ember_cpu
