// Dense device buffers for kernels that work on row-major data (softmax, losses, normalization,
// pooling, matmul), and conversions of small parameter tensors to and from double arrays. Copies
// run on the call's stream through the elementwise engine (a bit copy for one dtype, PyTorch's
// conversion between dtypes); scratch memory comes from the host (KernelArgs::scratch) and is
// released, stream-ordered, after the kernel returns.
//
// Thread-safety: stateless; each object belongs to one kernel call.
#pragma once

#include <cstdint>
#include <vector>

#include "cuda_common.h"

namespace ember_cuda {

// Row-major strides of sizes.
std::vector<int64_t> contiguous_strides(const ember::sdk::IntList& sizes);

// t's data when t is contiguous, else a dense scratch copy of it.
const void* dense_input(const KernelArgs& a, const TensorView& t);

// Where a kernel writes an output: t's data when contiguous, else a scratch buffer that commit()
// copies into t.
class DenseOutput {
 public:
  DenseOutput(const KernelArgs& a, const TensorView& t);
  void* data() const { return data_; }
  void commit();

 private:
  const KernelArgs& a_;
  TensorView t_;
  void* data_;
  bool staged_;
};

// The values of t (any dtype and strides), numel doubles in row-major order, in scratch memory.
double* to_double_array(const KernelArgs& a, const TensorView& t);
// Writes t.numel() row-major values of `dtype` into t (converted to its dtype, through its strides).
void from_array(const KernelArgs& a, const void* values, int32_t dtype, const TensorView& t);
inline void from_double_array(const KernelArgs& a, const double* values, const TensorView& t) {
  from_array(a, values, EMBER_DTYPE_FLOAT64, t);
}

}  // namespace ember_cuda
