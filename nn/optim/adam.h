// Adam and AdamW, with PyTorch's update rule (bias-corrected moments; AMSGrad optional):
//   g = grad (negated with maximize); step += 1
//   Adam: g = g + weight_decay * p          AdamW: p = p * (1 - lr * weight_decay)
//   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
//   amsgrad: v_max = max(v_max, v), used for v below
//   p -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
// With foreach (on unless foreach(false); nn/optim/foreach.h) the parameters of a
// group go through one _fused_adam_ / _fused_adamw_ call per (device, dtype).
// Thread-safety: as optim::Optimizer.
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API AdamOptions : public OptimizerOptions {
  using Betas = std::tuple<double, double>;
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT: implicit, as libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(Betas, betas) = std::make_tuple(0.9, 0.999);
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, amsgrad) = false;
  EMBER_ARG(bool, maximize) = false;
  // Multi-tensor steps: unset or true = on, false = the per-parameter path (PyTorch's `foreach`).
  EMBER_ARG(std::optional<bool>, foreach) = std::nullopt;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void validate() const override;
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

// AdamW's options: Adam's, with (decoupled) weight decay defaulting to 0.01.
struct EMBER_API AdamWOptions : public AdamOptions {
  AdamWOptions(double lr = 1e-3) : AdamOptions(lr) { weight_decay(1e-2); }  // NOLINT
};

struct EMBER_API AdamParamState : public OptimizerParamState {
  EMBER_ARG(int64_t, step) = 0;
  EMBER_ARG(Tensor, exp_avg);
  EMBER_ARG(Tensor, exp_avg_sq);
  EMBER_ARG(Tensor, max_exp_avg_sq);  // amsgrad only

 public:
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<AdamParamState>(*this); }
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};
using AdamWParamState = AdamParamState;

class EMBER_API Adam : public Optimizer {
 public:
  Adam(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults = {});
  Adam(std::vector<Tensor> params, AdamOptions defaults = {})
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;

 protected:
  Adam(const std::vector<OptimizerParamGroup>& param_groups, std::unique_ptr<OptimizerOptions> defaults, bool decoupled);
  std::unique_ptr<OptimizerParamState> make_param_state() const override { return std::make_unique<AdamParamState>(); }

 private:
  // The parameter's state, created (zero moments) on its first step; its step count advanced.
  AdamParamState& advance_state(const Tensor& p, const AdamOptions& options);
  void update(Tensor& p, const Tensor& grad, AdamParamState& state, const AdamOptions& options);

  bool decoupled_weight_decay_ = false;
};

// Takes AdamOptions so that chained setters on AdamWOptions (which return AdamOptions&) work;
// the default is AdamWOptions(), with weight_decay 0.01.
class EMBER_API AdamW : public Adam {
 public:
  AdamW(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults = AdamWOptions());
  AdamW(std::vector<Tensor> params, AdamOptions defaults = AdamWOptions())
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}
};

}  // namespace optim
}  // namespace ember
