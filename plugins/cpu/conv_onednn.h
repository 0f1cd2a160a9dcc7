// float32 2-d convolution forward through oneDNN (convolution.out's main path; kernels_conv.cpp
// keeps the plain loops for other dtypes and `onednn: false`).
//
// The primitive works in the memory formats oneDNN picks (blocked, e.g. nChw16c), with the
// plain NCHW input reordered in and the output reordered out (primitives cached by shape).
// Weights are reordered per call, except for 3x3 stride-1 convolutions whose weights do not
// change between calls (inference): those run oneDNN's Winograd convolution (about 2x fewer
// multiplications) on transformed weights kept in a cache (conv_weight_cache.h) and checked by
// a fingerprint of their contents — the transform itself is far too slow to redo per call — or,
// when the host tracks the weights' storage (weight_version), by its content version alone.
// The transformed weights take 16/9 (F(2x2, 3x3), small batches) or 4x (F(4x4, 3x3)) the
// memory of the weights; the cache's budget bounds them, and shapes whose Winograd scratchpad
// would exceed 32 MB stay direct.
//
// Thread-safety: any number of threads may call conv_forward_f32 at once.
#pragma once

#include "conv_shape.h"
#include "conv_weight_cache.h"

namespace ember_cpu {

// weight_version: the host's content version of the bytes at `weight` (null when unknown, or when
// `weight` is a copy).
void conv_forward_f32(const ConvShape& s, const float* in, const float* weight, const float* bias, float* out,
                      const ConvWeightCache::SourceVersion* weight_version);

}  // namespace ember_cpu
