#include "ops/composite/sliding_window.h"

#include "generated/functions.h"

namespace ember {
namespace native {
namespace window {

int64_t output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation, bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (span < 0) out = span / stride + 1;  // no complete window: the caller reports the size
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

Tensor windows(const Tensor& x, IntArrayRef kernel, IntArrayRef stride, IntArrayRef dilation, IntArrayRef out) {
  Tensor c = x.contiguous();
  const size_t dims = kernel.size();
  std::vector<int64_t> sizes{c.size(0), c.size(1)}, strides{c.stride(0), c.stride(1)};
  for (size_t i = 0; i < dims; ++i) {
    sizes.push_back(out[i]);
    strides.push_back(c.stride(static_cast<int64_t>(i) + 2) * stride[i]);
  }
  for (size_t i = 0; i < dims; ++i) {
    sizes.push_back(kernel[i]);
    strides.push_back(c.stride(static_cast<int64_t>(i) + 2) * dilation[i]);
  }
  return c.as_strided(sizes, strides, c.storage_offset());
}

Tensor pad_spatial(const Tensor& x, IntArrayRef pad, IntArrayRef extra, double value) {
  std::vector<int64_t> pads;  // constant_pad_nd: last dim first
  bool any = false;
  for (size_t i = pad.size(); i-- > 0;) {
    pads.push_back(pad[i]);
    pads.push_back(pad[i] + extra[i]);
    any = any || pad[i] != 0 || extra[i] != 0;
  }
  return any ? ember::constant_pad_nd(x, pads, value) : x;
}

std::vector<int64_t> expand_param(IntArrayRef values, size_t dims, IntArrayRef fallback, const char* name, const char* op) {
  if (values.empty()) values = fallback;
  EMBER_CHECK(values.size() == 1 || values.size() == dims, ValueError, "[", op, "] ", name, " must either be a single int, or a tuple of ",
              dims, " ints");
  std::vector<int64_t> out(dims);
  for (size_t i = 0; i < dims; ++i) out[i] = values.size() == 1 ? values[0] : values[i];
  return out;
}

}  // namespace window
}  // namespace native
}  // namespace ember
