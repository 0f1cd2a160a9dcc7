// Internal to ops/composite: sliding windows over the spatial dims of [N, C, *spatial] tensors,
// the building block of the N-d pooling and convolution composites. Not public API.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace ember {
namespace native {
namespace window {

// The output length of a window sweep (PyTorch's pooling_output_shape, ceil_mode included: a
// last window that would start inside the right padding only is dropped).
int64_t output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation, bool ceil_mode);

// A view [N, C, *out, *kernel] of x [N, C, *spatial] (padded already, and long enough for
// every window): element [.., o.., k..] is x[.., o * stride + k * dilation ..].
Tensor windows(const Tensor& x, IntArrayRef kernel, IntArrayRef stride, IntArrayRef dilation, IntArrayRef out);

// x with `pad` on both sides of every spatial dim and `extra` more on the right (for ceil_mode),
// filled with value.
Tensor pad_spatial(const Tensor& x, IntArrayRef pad, IntArrayRef extra, double value);

// Expands an int[D] argument given with 1 or D values; an empty list takes `fallback`.
std::vector<int64_t> expand_param(IntArrayRef values, size_t dims, IntArrayRef fallback, const char* name, const char* op);

}  // namespace window
}  // namespace native
}  // namespace ember
