// The geometry of a 2-d convolution as the CPU kernels need it, read once from the kernel's
// arguments; shared by the forward (kernels_conv.cpp) and backward (kernels_conv_backward.cpp)
// kernels. Plain values; thread-safe.
#pragma once

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {

using ember::sdk::TensorView;

struct ConvShape {
  int64_t n, c, h, w;  // input
  int64_t o, kh, kw;   // weight (per-group input channels = c / groups)
  int64_t oh, ow;      // output (or grad_output)
  int64_t sh, sw, ph, pw, dh, dw, groups;
  int64_t cg() const { return c / groups; }
  int64_t og() const { return o / groups; }
};

// int[2] arguments arrive with 1 or 2 values (1 means both dims); empty takes the fallback.
inline int64_t pick(IntList list, int i, int64_t fallback) {
  if (list.empty()) return fallback;
  return list.size() == 1 ? list[0] : list[i];
}

// input [N, C, H, W] or [C, H, W]; weight [O, C/groups, kH, kW]; output [N, O, oH, oW] or
// [O, oH, oW] (the forward's out, or the backward's grad_output).
inline ConvShape conv_shape(const TensorView& input, const TensorView& weight, const TensorView& output,
                            IntList stride, IntList padding, IntList dilation, int64_t groups) {
  const bool batched = input.ndim() == 4;
  const int off = batched ? 1 : 0;
  ConvShape s;
  s.n = batched ? input.size(0) : 1;
  s.c = input.size(off);
  s.h = input.size(off + 1);
  s.w = input.size(off + 2);
  s.o = weight.size(0);
  s.kh = weight.size(2);
  s.kw = weight.size(3);
  s.oh = output.size(off + 1);
  s.ow = output.size(off + 2);
  s.sh = pick(stride, 0, 1);
  s.sw = pick(stride, 1, 1);
  s.ph = pick(padding, 0, 0);
  s.pw = pick(padding, 1, 0);
  s.dh = pick(dilation, 0, 1);
  s.dw = pick(dilation, 1, 1);
  s.groups = groups;
  return s;
}

}  // namespace ember_cpu
