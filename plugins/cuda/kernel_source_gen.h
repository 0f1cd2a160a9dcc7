// Generation of the programs NVRTC compiles: the prelude, the device types of the operands, the
// op's body, and the family's kernels (kernel_sources.h). Pure string work, no GPU.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace ember_cuda {

// Device storage type of a dtype: "bool", "u8", "i8", "i16", "i32", "i64", "e_half", "e_bf16",
// "float", "double".
const char* device_type_name(int32_t dtype);
// Arithmetic type: float for the 16-bit floats, else the storage type.
const char* compute_type_name(int32_t dtype);

// One elementwise kernel program: output dtype, 1..3 inputs, and the op body (statements over
// x0..x2 and p ending in `return`; see kernels/elementwise.cuh).
struct ElementwiseSpec {
  int nin = 1;
  int32_t out = 0;
  int32_t in[3] = {0, 0, 0};
  std::string body;
  int kind = 0;  // E_KIND: 0 contig 32-bit, 1 contig 64-bit, 2 strided 32-bit, 3 strided 64-bit
  int ndim = 1;  // E_NDIM for the strided kinds
};
// Elements per vector access: 16 bytes of the widest operand (at most 8 elements).
int elementwise_vector_width(const ElementwiseSpec& spec);
std::string elementwise_source(const ElementwiseSpec& spec);

// A family program: the prelude and pointwise math, `defines` (typedefs and #defines the
// family expects), then the family's source.
std::string family_source(const char* family, const std::string& defines);

}  // namespace ember_cuda
