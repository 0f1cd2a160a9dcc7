// GradScaler (see grad_scaler.h): PyTorch's update rule (_amp_update_scale_) and its
// non-finite check and unscale (_amp_foreach_non_finite_check_and_unscale_) built from ops.
#include "nn/optim/grad_scaler.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "generated/functions.h"

namespace ember {
namespace optim {

GradScaler::GradScaler(GradScalerOptions options) : options_(options) {
  EMBER_CHECK(options_.init_scale() > 0 && std::isfinite(options_.init_scale()), ValueError,
              "[GradScaler] init_scale must be a positive finite number, got ", options_.init_scale());
  EMBER_CHECK(options_.growth_factor() > 1.0, ValueError, "[GradScaler] growth_factor must be > 1, got ",
              options_.growth_factor());
  EMBER_CHECK(options_.backoff_factor() > 0.0 && options_.backoff_factor() < 1.0, ValueError,
              "[GradScaler] backoff_factor must be in (0, 1), got ", options_.backoff_factor());
  EMBER_CHECK(options_.growth_interval() > 0, ValueError, "[GradScaler] growth_interval must be > 0, got ",
              options_.growth_interval());
  scale_value_ = static_cast<float>(options_.init_scale());
}

Tensor GradScaler::scale(const Tensor& outputs) {
  if (!is_enabled()) return outputs;
  EMBER_CHECK(outputs.defined(), ValueError, "[GradScaler] scale() needs a defined tensor");
  if (!scale_.defined() || scale_.device() != outputs.device())
    scale_ = full({}, static_cast<double>(scale_value_), TensorOptions().dtype(kFloat32).device(outputs.device()));
  return mul(outputs, scale_);
}

std::vector<Tensor> GradScaler::scale(const std::vector<Tensor>& outputs) {
  std::vector<Tensor> scaled;
  scaled.reserve(outputs.size());
  for (const Tensor& t : outputs) scaled.push_back(scale(t));
  return scaled;
}

void GradScaler::check_scale_initialized(const char* what) const {
  EMBER_CHECK(scale_.defined(), RuntimeError, "[GradScaler] ", what,
              "() was called before any scale(): scale the loss (scaler.scale(loss).backward()) first "
              "in each iteration");
}

void GradScaler::unscale_(Optimizer& optimizer) {
  if (!is_enabled()) return;
  check_scale_initialized("unscale_");
  PerOptimizer& state = per_optimizer_[&optimizer];
  EMBER_CHECK(state.stage != Stage::Unscaled, RuntimeError,
              "[GradScaler] unscale_() has already been called on this optimizer since the last update()");
  EMBER_CHECK(state.stage != Stage::Stepped, RuntimeError, "[GradScaler] unscale_() is being called after step()");
  NoGradGuard no_grad;
  // 1/scale in float32 as PyTorch (scale.double().reciprocal().float()).
  const double inv_scale = static_cast<double>(static_cast<float>(1.0 / static_cast<double>(scale_value_)));
  Tensor found_inf = full({}, 0, TensorOptions().dtype(kBool).device(scale_.device()));
  for (const OptimizerParamGroup& group : optimizer.param_groups()) {
    for (const Tensor& p : group.params()) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      EMBER_CHECK(g.scalar_type() != kFloat16, RuntimeError,
                  "[GradScaler] attempting to unscale float16 gradients: keep the parameters in float32 and "
                  "let autocast run ops in float16");
      // x * 0 is 0 for finite x and NaN for inf or NaN; NaN is the only value unequal to itself.
      Tensor zeroed = mul(g, 0);
      Tensor non_finite = any(ne(zeroed, zeroed));
      found_inf = logical_or(found_inf, non_finite.to(found_inf.device()));
      g.mul_(inv_scale);
    }
  }
  state.found_inf = found_inf;
  state.stage = Stage::Unscaled;
}

bool GradScaler::step(Optimizer& optimizer) {
  if (!is_enabled()) {
    optimizer.step();
    return true;
  }
  check_scale_initialized("step");
  PerOptimizer& state = per_optimizer_[&optimizer];
  EMBER_CHECK(state.stage != Stage::Stepped, RuntimeError,
              "[GradScaler] step() has already been called since the last update()");
  if (state.stage == Stage::Ready) unscale_(optimizer);
  const bool skip = state.found_inf.item<bool>();
  if (!skip) optimizer.step();
  state.stage = Stage::Stepped;
  return !skip;
}

void GradScaler::update(std::optional<double> new_scale) {
  if (!is_enabled()) return;
  check_scale_initialized("update");
  if (new_scale) {
    EMBER_CHECK(*new_scale > 0 && std::isfinite(*new_scale), ValueError,
                "[GradScaler] update(new_scale) needs a positive finite scale, got ", *new_scale);
    scale_value_ = static_cast<float>(*new_scale);
  } else {
    bool any_check = false, found_inf = false;
    for (auto& [opt, state] : per_optimizer_) {
      if (!state.found_inf.defined()) continue;
      any_check = true;
      found_inf = found_inf || state.found_inf.item<bool>();
    }
    EMBER_CHECK(any_check, RuntimeError, "[GradScaler] no inf checks were recorded prior to update()");
    if (found_inf) {
      scale_value_ = static_cast<float>(scale_value_ * options_.backoff_factor());
      growth_tracker_ = 0;
    } else if (growth_tracker_ + 1 == options_.growth_interval()) {
      const float grown = static_cast<float>(scale_value_ * options_.growth_factor());
      if (std::isfinite(grown)) scale_value_ = grown;
      growth_tracker_ = 0;
    } else {
      ++growth_tracker_;
    }
  }
  scale_.fill_(static_cast<double>(scale_value_));
  per_optimizer_.clear();
}

double GradScaler::get_scale() const { return is_enabled() ? static_cast<double>(scale_value_) : 1.0; }

}  // namespace optim
}  // namespace ember
