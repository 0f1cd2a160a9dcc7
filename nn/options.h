// The options of nn modules and nn::functional, as libtorch's (torch/nn/options.h): one header
// per family under nn/options/, with the building blocks (EMBER_ARG, ExpandingArray) in
// nn/options/base.h and the named constants (ember::kMean, kBilinear, ...) in nn/enum.h.
// Defaults are PyTorch's. Constructors that libtorch leaves implicit are implicit here too, so
// `F::softmax(x, 1)`, `F::max_pool2d(x, 2)` and `F::mse_loss(a, b, ember::kSum)` work.
#pragma once

#include "nn/enum.h"
#include "nn/options/activation.h"
#include "nn/options/attention.h"
#include "nn/options/base.h"
#include "nn/options/conv.h"
#include "nn/options/dropout.h"
#include "nn/options/embedding.h"
#include "nn/options/linear.h"
#include "nn/options/loss.h"
#include "nn/options/normalization.h"
#include "nn/options/padding.h"
#include "nn/options/pooling.h"
#include "nn/options/rnn.h"
#include "nn/options/vision.h"
