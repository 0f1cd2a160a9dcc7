// SGD with momentum, dampening, Nesterov momentum and weight decay, with PyTorch's update rule:
//   g = grad (negated with maximize) + weight_decay * p
//   momentum != 0: buf = g on the first step, else buf = momentum * buf + (1 - dampening) * g;
//                  g = g + momentum * buf (nesterov) or g = buf
//   p -= lr * g
// With foreach (on unless foreach(false); nn/optim/foreach.h) the parameters of a
// group go through one _fused_sgd_ call per (device, dtype): on a GPU a few launches per step.
// Thread-safety: as optim::Optimizer.
#pragma once

#include <optional>
#include <vector>

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API SGDOptions : public OptimizerOptions {
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT: implicit, as libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(double, dampening) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, nesterov) = false;
  EMBER_ARG(bool, maximize) = false;
  // Multi-tensor steps: unset or true = on, false = the per-parameter path (PyTorch's `foreach`).
  EMBER_ARG(std::optional<bool>, foreach) = std::nullopt;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<SGDOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void validate() const override;
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

struct EMBER_API SGDParamState : public OptimizerParamState {
  EMBER_ARG(Tensor, momentum_buffer);

 public:
  std::unique_ptr<OptimizerParamState> clone() const override { return std::make_unique<SGDParamState>(*this); }
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

class EMBER_API SGD : public Optimizer {
 public:
  SGD(const std::vector<OptimizerParamGroup>& param_groups, SGDOptions defaults);
  SGD(std::vector<Tensor> params, SGDOptions defaults) : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override { return std::make_unique<SGDParamState>(); }

 private:
  SGDParamState& state_of(const Tensor& p);
  void update(Tensor& p, const SGDOptions& options);
  // One _fused_sgd_ call per set of parameters whose momentum buffers are all new or all ready;
  // the others go to `rest`.
  void update_fused(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const SGDOptions& options,
                    std::vector<Tensor>* rest);
};

}  // namespace optim
}  // namespace ember
