// Program text for NVRTC (kernel_source_gen.h).
#include "kernel_source_gen.h"

#include <algorithm>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>

#include "kernel_sources.h"

namespace ember_cuda {

const char* device_type_name(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL: return "bool";
    case EMBER_DTYPE_UINT8: return "u8";
    case EMBER_DTYPE_INT8: return "i8";
    case EMBER_DTYPE_INT16: return "i16";
    case EMBER_DTYPE_INT32: return "i32";
    case EMBER_DTYPE_INT64: return "i64";
    case EMBER_DTYPE_FLOAT16: return "e_half";
    case EMBER_DTYPE_BFLOAT16: return "e_bf16";
    case EMBER_DTYPE_FLOAT32: return "float";
    case EMBER_DTYPE_FLOAT64: return "double";
    default: return "void";
  }
}

const char* compute_type_name(int32_t dtype) {
  if (dtype == EMBER_DTYPE_FLOAT16 || dtype == EMBER_DTYPE_BFLOAT16) return "float";
  return device_type_name(dtype);
}

int elementwise_vector_width(const ElementwiseSpec& spec) {
  size_t widest = ember::sdk::element_size(spec.out);
  for (int i = 0; i < spec.nin; ++i) widest = std::max(widest, ember::sdk::element_size(spec.in[i]));
  const int width = static_cast<int>(16 / std::max<size_t>(widest, 1));
  return std::min(width, 8);
}

std::string elementwise_source(const ElementwiseSpec& spec) {
  std::string s;
  s.reserve(16384);
  s += sources::prelude;
  s += sources::pointwise_math;
  s += "\n#define E_NIN " + std::to_string(spec.nin) + "\n";
  s += std::string("typedef ") + device_type_name(spec.out) + " E_TO;\n";
  for (int i = 0; i < 3; ++i) {
    const char* t = i < spec.nin ? device_type_name(spec.in[i]) : device_type_name(spec.out);
    s += std::string("typedef ") + t + " E_T" + std::to_string(i) + ";\n";
  }
  s += "#define E_VEC " + std::to_string(elementwise_vector_width(spec)) + "\n";
  s += "#define E_KIND " + std::to_string(spec.kind) + "\n";
  s += "#define E_NDIM " + std::to_string(spec.ndim) + "\n";
  s += "#define E_OP_BODY " + spec.body + "\n";
  s += sources::elementwise;
  return s;
}

std::string family_source(const char* family, const std::string& defines) {
  std::string s;
  s.reserve(16384);
  s += sources::prelude;
  s += sources::pointwise_math;
  s += "\n";
  s += defines;
  s += "\n";
  s += family;
  return s;
}

}  // namespace ember_cuda
