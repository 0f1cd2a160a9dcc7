// RMSprop, with PyTorch's update rule:
//   g = grad + weight_decay * p;  square_avg = alpha * square_avg + (1 - alpha) * g * g
//   centered: grad_avg = alpha * grad_avg + (1 - alpha) * g; avg = sqrt(square_avg - grad_avg^2) + eps
//   else:     avg = sqrt(square_avg) + eps
//   momentum > 0: buf = momentum * buf + g / avg; p -= lr * buf;  else p -= lr * g / avg
// Thread-safety: as optim::Optimizer.
#pragma once

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API RMSpropOptions : public OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT: implicit, as libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(double, alpha) = 0.99;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(bool, centered) = false;

 public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void validate() const override;
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
  friend EMBER_API bool operator==(const RMSpropOptions& a, const RMSpropOptions& b);
};

struct EMBER_API RMSpropParamState : public OptimizerCloneableParamState<RMSpropParamState> {
  EMBER_ARG(int64_t, step) = 0;
  EMBER_ARG(Tensor, square_avg);
  EMBER_ARG(Tensor, momentum_buffer);  // momentum > 0 only
  EMBER_ARG(Tensor, grad_avg);         // centered only

 public:
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

class EMBER_API RMSprop : public Optimizer {
 public:
  RMSprop(const std::vector<OptimizerParamGroup>& param_groups, RMSpropOptions defaults = {});
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {})
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<RMSpropParamState>();
  }
};

}  // namespace optim
}  // namespace ember
