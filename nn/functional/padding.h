// nn::functional::pad: constant, reflect, replicate or circular padding of the last len(pad) / 2
// dims ((left, right) pairs, last dim first), as torch::nn::functional::pad.
#pragma once

#include "core/tensor.h"
#include "nn/options/padding.h"

namespace ember {
namespace nn {
namespace functional {

EMBER_API Tensor pad(const Tensor& input, const PadFuncOptions& options);

}  // namespace functional
}  // namespace nn
}  // namespace ember
