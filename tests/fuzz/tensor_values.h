// Values for the tensor-API fuzz target (tensor_api_fuzzer.cpp): tensors of every dtype with
// 0-4 dims of sizes 0-5 filled with ordinary and extreme values (NaN, infinities, integer limits),
// often as non-contiguous views; and extreme integers, floats and scalars for arguments.
// Single-threaded.
#pragma once

#include <cmath>
#include <cstring>
#include <limits>

#include <ember/ember.h>

#include "fuzz_support.h"

namespace ember_fuzz {

// Integers for sizes, dims, indices, steps and counts. Every value is either small (a real size)
// or extreme enough that a correct op refuses it or overflows into a typed error: medium values
// (2^20) would only make a correct op slow, which is not what this target looks for.
inline const int64_t kInts[] = {0, 1, 2, 3, 4, 5, -1, -2, -3, 6, 8, 16,
                                std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                int64_t{1} << 32, int64_t{1} << 62, -(int64_t{1} << 62),
                                std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                std::numeric_limits<int64_t>::max() - 1};
inline const double kDoubles[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.5, 3.0, 1e-8, 1e8, 65504.0, 65520.0,
                                  3.4e38, 1e300, -1e300, INFINITY, -INFINITY, NAN, 5e-324, 9.3e18, 255.5, -128.9};
// Element values of integer tensors.
inline const int64_t kElements[] = {0, 1, -1, 2, 3, -7, 100, 127, -128, 255, 32767, -32768,
                                    std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                    (int64_t{1} << 53) + 1};

inline int64_t small_int(FuzzInput& in) { return in.byte() % 4 == 0 ? in.pick(kInts) : static_cast<int64_t>(in.byte() % 6); }
inline int64_t any_int(FuzzInput& in) { return in.pick(kInts); }
inline double any_double(FuzzInput& in) { return in.pick(kDoubles); }

inline ember::Scalar any_scalar(FuzzInput& in) {
  switch (in.byte() % 3) {
    case 0: return ember::Scalar(any_int(in));
    case 1: return ember::Scalar(any_double(in));
    default: return ember::Scalar(in.flag());
  }
}

inline ember::ScalarType any_dtype(FuzzInput& in) {
  return static_cast<ember::ScalarType>(in.below(static_cast<size_t>(ember::kNumScalarTypes)));
}

// Writes element i of a contiguous tensor of dtype t.
inline void write_element(const ember::Tensor& t, int64_t i, FuzzInput& in) {
  char* p = static_cast<char*>(t.data_ptr()) + i * static_cast<int64_t>(t.element_size());
  const int64_t iv = in.pick(kElements);
  const double dv = in.pick(kDoubles);
  switch (t.scalar_type()) {
    case ember::kBool: { bool b = in.flag(); std::memcpy(p, &b, 1); break; }
    case ember::kUInt8: { uint8_t v = static_cast<uint8_t>(iv); std::memcpy(p, &v, 1); break; }
    case ember::kInt8: { int8_t v = static_cast<int8_t>(iv); std::memcpy(p, &v, 1); break; }
    case ember::kInt16: { int16_t v = static_cast<int16_t>(iv); std::memcpy(p, &v, 2); break; }
    case ember::kInt32: { int32_t v = static_cast<int32_t>(iv); std::memcpy(p, &v, 4); break; }
    case ember::kInt64: std::memcpy(p, &iv, 8); break;
    case ember::kFloat16: { ember::Half v(static_cast<float>(dv)); std::memcpy(p, &v, 2); break; }
    case ember::kBFloat16: { ember::BFloat16 v(static_cast<float>(dv)); std::memcpy(p, &v, 2); break; }
    case ember::kFloat32: { float v = static_cast<float>(dv); std::memcpy(p, &v, 4); break; }
    case ember::kFloat64: std::memcpy(p, &dv, 8); break;
    default: break;
  }
}

// A tensor of any dtype with 0-4 dims of sizes 0-5 and fuzzed values; often a non-contiguous
// view (transposed, stepped, expanded) or one that requires grad.
inline ember::Tensor any_tensor(FuzzInput& in) {
  ember::ScalarType dtype = any_dtype(in);
  std::vector<int64_t> sizes(in.byte() % 5);
  for (auto& s : sizes) s = in.byte() % 6;
  ember::Tensor t = ember::empty(sizes, ember::TensorOptions(dtype));
  for (int64_t i = 0; i < t.numel(); ++i) write_element(t, i, in);
  switch (in.byte() % 6) {
    case 0: if (t.dim() >= 2) t = t.transpose(0, t.dim() - 1); break;
    case 1: if (t.dim() >= 1) t = t.slice(0, 0, std::nullopt, 2); break;
    case 2: if (t.dim() >= 1 && t.size(0) == 1) { auto s = t.sizes().vec(); s[0] = in.byte() % 6; t = t.expand(s); } break;
    case 3: if (ember::is_floating_point(dtype)) t.requires_grad_(true); break;
    default: break;
  }
  return t;
}

inline const char* const kStrings[] = {"mean", "sum", "none", "trunc", "floor", "tanh", "constant", "reflect",
                                       "", "garbage", "batchmean", "nearest"};

}  // namespace ember_fuzz
