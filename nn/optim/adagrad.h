// Adagrad, with PyTorch's update rule:
//   step += 1; g = grad + weight_decay * p; clr = lr / (1 + (step - 1) * lr_decay)
//   sum += g * g;  p -= clr * g / (sqrt(sum) + eps)
// sum starts at initial_accumulator_value. Thread-safety: as optim::Optimizer.
#pragma once

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API AdagradOptions : public OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT: implicit, as libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(double, lr_decay) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, initial_accumulator_value) = 0;
  EMBER_ARG(double, eps) = 1e-10;

 public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void validate() const override;
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
  friend EMBER_API bool operator==(const AdagradOptions& a, const AdagradOptions& b);
};

struct EMBER_API AdagradParamState : public OptimizerCloneableParamState<AdagradParamState> {
  EMBER_ARG(Tensor, sum);
  EMBER_ARG(int64_t, step) = 0;

 public:
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

class EMBER_API Adagrad : public Optimizer {
 public:
  Adagrad(const std::vector<OptimizerParamGroup>& param_groups, AdagradOptions defaults = {});
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {})
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<AdagradParamState>();
  }
};

}  // namespace optim
}  // namespace ember
