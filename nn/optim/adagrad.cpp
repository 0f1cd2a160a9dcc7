#include "nn/optim/adagrad.h"

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/creation.h"

namespace ember {
namespace optim {

void AdagradOptions::validate() const {
  EMBER_CHECK(lr() >= 0, ValueError, "[Adagrad] Invalid learning rate: ", lr());
  EMBER_CHECK(lr_decay() >= 0, ValueError, "[Adagrad] Invalid lr_decay value: ", lr_decay());
  EMBER_CHECK(weight_decay() >= 0, ValueError, "[Adagrad] Invalid weight_decay value: ", weight_decay());
  EMBER_CHECK(initial_accumulator_value() >= 0, ValueError, "[Adagrad] Invalid initial_accumulator_value value: ",
              initial_accumulator_value());
  EMBER_CHECK(eps() >= 0, ValueError, "[Adagrad] Invalid epsilon value: ", eps());
}

bool operator==(const AdagradOptions& a, const AdagradOptions& b) {
  return a.lr() == b.lr() && a.lr_decay() == b.lr_decay() && a.weight_decay() == b.weight_decay() &&
         a.initial_accumulator_value() == b.initial_accumulator_value() && a.eps() == b.eps();
}

void AdagradOptions::save(StateDict& out, const std::string& prefix) const {
  put_scalar(out, prefix + "lr", lr());
  put_scalar(out, prefix + "lr_decay", lr_decay());
  put_scalar(out, prefix + "weight_decay", weight_decay());
  put_scalar(out, prefix + "initial_accumulator_value", initial_accumulator_value());
  put_scalar(out, prefix + "eps", eps());
}

void AdagradOptions::load(StateDictReader& in, const std::string& prefix) {
  lr(in.scalar(prefix + "lr"));
  lr_decay(in.scalar(prefix + "lr_decay"));
  weight_decay(in.scalar(prefix + "weight_decay"));
  initial_accumulator_value(in.scalar(prefix + "initial_accumulator_value"));
  eps(in.scalar(prefix + "eps"));
}

void AdagradParamState::save(StateDict& out, const std::string& prefix) const {
  out.insert(prefix + "step", ember::scalar_tensor(step(), kInt64));
  if (sum().defined()) out.insert(prefix + "sum", sum());
}

void AdagradParamState::load(StateDictReader& in, const std::string& prefix) {
  step(static_cast<int64_t>(in.scalar(prefix + "step")));
  sum(in.tensor(prefix + "sum"));
}

Adagrad::Adagrad(const std::vector<OptimizerParamGroup>& param_groups, AdagradOptions defaults)
    : Optimizer(param_groups, std::make_unique<AdagradOptions>(defaults)) {
  // As PyTorch's (and libtorch's) Adagrad: every parameter's state exists from the start (step
  // 0, sum filled with the initial accumulator value), so that state() can be read before step.
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdagradOptions&>(group.options());
    for (const Tensor& p : group.params()) {
      auto fresh = std::make_unique<AdagradParamState>();
      fresh->sum(ember::full_like(p, options.initial_accumulator_value()));
      state_[p.impl()] = std::move(fresh);
    }
  }
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdagradOptions&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor grad = p.grad();
      auto& slot = state_[p.impl()];
      if (!slot) {
        auto fresh = std::make_unique<AdagradParamState>();
        fresh->sum(ember::full_like(p, options.initial_accumulator_value()));
        slot = std::move(fresh);
      }
      auto& state = static_cast<AdagradParamState&>(*slot);
      state.step(state.step() + 1);
      if (options.weight_decay() != 0) grad = grad.add(p, options.weight_decay());
      double clr = options.lr() / (1 + static_cast<double>(state.step() - 1) * options.lr_decay());
      state.sum().addcmul_(grad, grad, 1.0);
      Tensor std = state.sum().sqrt().add_(options.eps());
      p.addcdiv_(grad, std, -clr);
    }
  }
  return loss;
}

}  // namespace optim
}  // namespace ember
