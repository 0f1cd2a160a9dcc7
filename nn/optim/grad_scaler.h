// GradScaler: loss scaling for mixed-precision training, as PyTorch's torch.cuda.amp.GradScaler.
//
//   optim::GradScaler scaler;                  // init_scale 2^16, growth 2, backoff 0.5, interval 2000
//   loss = ...;                                // forward under AutocastGuard
//   scaler.scale(loss).backward();             // gradients of loss * scale
//   scaler.unscale_(opt);                      // optional: gradients back to true values (to clip)
//   scaler.step(opt);                          // unscales if needed; skips the step on inf/nan
//   scaler.update();                           // backoff after an inf/nan, growth after an interval
//
// unscale_ multiplies every gradient of the optimizer by 1/scale and records whether any was
// infinite or NaN; step() runs optimizer.step() only if none was; update() multiplies the scale by
// backoff_factor after such a step (resetting the growth count), else counts one more good step
// and multiplies by growth_factor after growth_interval of them in a row (when the product stays
// finite). The scale is float32, as PyTorch's; it lives on the device of the first scaled output,
// and the inf/nan check runs there with ordinary ops (one host read per step). A disabled scaler
// passes everything through (scale() returns its input, step() just steps).
//
// Out-of-order calls raise PyTorch's errors (RuntimeError): unscale_ twice or after step before
// update, step twice before update, update with no inf check recorded, unscale_/step before any
// scale(), float16 gradients.
// Thread-safety: none; one thread drives a scaler.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API GradScalerOptions {
  EMBER_ARG(double, init_scale) = 65536.0;
  EMBER_ARG(double, growth_factor) = 2.0;
  EMBER_ARG(double, backoff_factor) = 0.5;
  EMBER_ARG(int64_t, growth_interval) = 2000;
  EMBER_ARG(bool, enabled) = true;
};

class EMBER_API GradScaler {
 public:
  // ValueError unless init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1, growth_interval > 0.
  explicit GradScaler(GradScalerOptions options = {});

  Tensor scale(const Tensor& outputs);
  std::vector<Tensor> scale(const std::vector<Tensor>& outputs);
  void unscale_(Optimizer& optimizer);
  // Returns whether optimizer.step() ran (false: skipped because a gradient was inf or NaN).
  bool step(Optimizer& optimizer);
  // Updates the scale from the inf checks of this iteration, or sets it to new_scale (> 0).
  void update(std::optional<double> new_scale = std::nullopt);

  // The current scale (1 when disabled, init_scale before the first scale()).
  double get_scale() const;
  int64_t growth_tracker() const { return growth_tracker_; }
  bool is_enabled() const { return options_.enabled(); }
  const GradScalerOptions& options() const { return options_; }

 private:
  enum class Stage : uint8_t { Ready, Unscaled, Stepped };
  struct PerOptimizer {
    Stage stage = Stage::Ready;
    Tensor found_inf;  // bool 0-d on the scale's device, set by unscale_
  };
  void check_scale_initialized(const char* what) const;

  GradScalerOptions options_;
  float scale_value_;            // float32, as PyTorch keeps it
  Tensor scale_;                 // scale_value_ as a float32 0-d tensor on the outputs' device
  int64_t growth_tracker_ = 0;
  std::unordered_map<const Optimizer*, PerOptimizer> per_optimizer_;
};

}  // namespace optim
}  // namespace ember
