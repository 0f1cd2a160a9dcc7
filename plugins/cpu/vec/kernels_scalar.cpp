// The scalar table of vec_kernels.h: one lane of plain C++ at the plugin's baseline flags.
// Only called after isa.cpp checked the CPU. Everything but the table getter is private to
// this file (see math_impl.h). Stateless; thread-safe.
#include <cstring>

#include <cmath>
#include <cstdint>

#include "coefficients.h"
#include "isa.h"
#include "vec_kernels.h"

namespace ember_cpu {
namespace vec_scalar {
namespace {
#include "simd_scalar.h"
#include "math_impl.h"
#include "array_impl.h"
}  // namespace
}  // namespace vec_scalar

const VecKernels& vec_kernels_scalar() {
  static const VecKernels table = vec_scalar::make_table();
  return table;
}

}  // namespace ember_cpu
