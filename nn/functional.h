// nn::functional: the stateless forms of the nn layers and the losses, as
// torch::nn::functional (by convention `namespace F = ember::nn::functional;`):
//
//   F::linear(x, w, b);  F::conv2d(x, w, F::Conv2dFuncOptions().stride(2).padding(1));
//   F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().label_smoothing(0.1));
//   F::interpolate(x, F::InterpolateFuncOptions().scale_factor({2, 2}).mode(ember::kBilinear));
//
// Each maps its options onto ember's operators (ops.yaml), so it is differentiable wherever those
// are and runs on every device that has their kernels. Values follow PyTorch 1.13.
// Thread-safe: no shared state (random ones draw from the default generator).
#pragma once

#include "nn/functional/activation.h"
#include "nn/functional/attention.h"
#include "nn/functional/conv.h"
#include "nn/functional/dropout.h"
#include "nn/functional/embedding.h"
#include "nn/functional/linear.h"
#include "nn/functional/loss.h"
#include "nn/functional/normalization.h"
#include "nn/functional/padding.h"
#include "nn/functional/pooling.h"
#include "nn/functional/vision.h"
