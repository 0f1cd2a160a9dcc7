// BatchNorm2d and LayerNorm, as torch::nn's.
//
// BatchNorm2d normalizes [N, C, H, W] per channel. In training it uses the batch's statistics and
// updates the buffers running_mean / running_var (running = (1 - momentum) * running + momentum *
// batch, unbiased variance; with momentum nullopt a cumulative average over num_batches_tracked
// batches) and counts num_batches_tracked (int64); in evaluation it uses the running statistics.
// weight starts at 1 and bias at 0 (affine), running_mean at 0 and running_var at 1.
// LayerNorm normalizes over the trailing normalized_shape dimensions, with weight 1 and bias 0.
// Thread-safety: as nn::Module; BatchNorm2d's forward in training mutates its buffers.
#pragma once

#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace nn {

class EMBER_API BatchNorm2dImpl : public Module {
 public:
  explicit BatchNorm2dImpl(int64_t num_features) : BatchNorm2dImpl(BatchNorm2dOptions(num_features)) {}
  explicit BatchNorm2dImpl(const BatchNorm2dOptions& options);

  void reset_running_stats();
  void reset_parameters();  // also resets the running statistics
  Tensor forward(const Tensor& input);
  // BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)
  void pretty_print(std::ostream& stream) const override;

  BatchNorm2dOptions options;
  Tensor weight, bias;                                        // [C]; undefined without affine
  Tensor running_mean, running_var, num_batches_tracked;      // undefined without track_running_stats
};
EMBER_MODULE(BatchNorm2d);

class EMBER_API LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(std::vector<int64_t> normalized_shape) : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(const LayerNormOptions& options);

  void reset_parameters();
  Tensor forward(const Tensor& input);
  // LayerNorm([10], elementwise_affine=true, eps=1e-05)
  void pretty_print(std::ostream& stream) const override;

  LayerNormOptions options;
  Tensor weight, bias;  // normalized_shape; undefined without elementwise_affine
};
EMBER_MODULE(LayerNorm);

}  // namespace nn
}  // namespace ember
