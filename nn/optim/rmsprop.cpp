#include "nn/optim/rmsprop.h"

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/creation.h"

namespace ember {
namespace optim {

void RMSpropOptions::validate() const {
  EMBER_CHECK(lr() >= 0, ValueError, "[RMSprop] Invalid learning rate: ", lr());
  EMBER_CHECK(eps() >= 0, ValueError, "[RMSprop] Invalid epsilon value: ", eps());
  EMBER_CHECK(momentum() >= 0, ValueError, "[RMSprop] Invalid momentum value: ", momentum());
  EMBER_CHECK(weight_decay() >= 0, ValueError, "[RMSprop] Invalid weight_decay value: ", weight_decay());
  EMBER_CHECK(alpha() >= 0, ValueError, "[RMSprop] Invalid alpha value: ", alpha());
}

bool operator==(const RMSpropOptions& a, const RMSpropOptions& b) {
  return a.lr() == b.lr() && a.alpha() == b.alpha() && a.eps() == b.eps() && a.weight_decay() == b.weight_decay() &&
         a.momentum() == b.momentum() && a.centered() == b.centered();
}

void RMSpropOptions::save(StateDict& out, const std::string& prefix) const {
  put_scalar(out, prefix + "lr", lr());
  put_scalar(out, prefix + "alpha", alpha());
  put_scalar(out, prefix + "eps", eps());
  put_scalar(out, prefix + "weight_decay", weight_decay());
  put_scalar(out, prefix + "momentum", momentum());
  put_flag(out, prefix + "centered", centered());
}

void RMSpropOptions::load(StateDictReader& in, const std::string& prefix) {
  lr(in.scalar(prefix + "lr"));
  alpha(in.scalar(prefix + "alpha"));
  eps(in.scalar(prefix + "eps"));
  weight_decay(in.scalar(prefix + "weight_decay"));
  momentum(in.scalar(prefix + "momentum"));
  centered(in.scalar(prefix + "centered") != 0);
}

void RMSpropParamState::save(StateDict& out, const std::string& prefix) const {
  out.insert(prefix + "step", ember::scalar_tensor(step(), kInt64));
  if (square_avg().defined()) out.insert(prefix + "square_avg", square_avg());
  if (momentum_buffer().defined()) out.insert(prefix + "momentum_buffer", momentum_buffer());
  if (grad_avg().defined()) out.insert(prefix + "grad_avg", grad_avg());
}

void RMSpropParamState::load(StateDictReader& in, const std::string& prefix) {
  step(static_cast<int64_t>(in.scalar(prefix + "step")));
  square_avg(in.tensor(prefix + "square_avg"));
  if (in.contains(prefix + "momentum_buffer")) momentum_buffer(in.tensor(prefix + "momentum_buffer"));
  if (in.contains(prefix + "grad_avg")) grad_avg(in.tensor(prefix + "grad_avg"));
}

RMSprop::RMSprop(const std::vector<OptimizerParamGroup>& param_groups, RMSpropOptions defaults)
    : Optimizer(param_groups, std::make_unique<RMSpropOptions>(defaults)) {}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const RMSpropOptions&>(group.options());
    const double alpha = options.alpha();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor grad = p.grad();
      auto& slot = state_[p.impl()];
      if (!slot) {
        auto fresh = std::make_unique<RMSpropParamState>();
        fresh->square_avg(ember::zeros_like(p));
        if (options.momentum() > 0) fresh->momentum_buffer(ember::zeros_like(p));
        if (options.centered()) fresh->grad_avg(ember::zeros_like(p));
        slot = std::move(fresh);
      }
      auto& state = static_cast<RMSpropParamState&>(*slot);
      state.step(state.step() + 1);
      if (options.weight_decay() != 0) grad = grad.add(p, options.weight_decay());
      state.square_avg().mul_(alpha).addcmul_(grad, grad, 1 - alpha);
      Tensor avg;
      if (options.centered()) {
        if (!state.grad_avg().defined()) state.grad_avg(ember::zeros_like(p));
        state.grad_avg().mul_(alpha).add_(grad, 1 - alpha);
        avg = state.square_avg().addcmul(state.grad_avg(), state.grad_avg(), -1.0).sqrt_().add_(options.eps());
      } else {
        avg = state.square_avg().sqrt().add_(options.eps());
      }
      if (options.momentum() > 0) {
        if (!state.momentum_buffer().defined()) state.momentum_buffer(ember::zeros_like(p));
        state.momentum_buffer().mul_(options.momentum()).addcdiv_(grad, avg);
        p.add_(state.momentum_buffer(), -options.lr());
      } else {
        p.addcdiv_(grad, avg, -options.lr());
      }
    }
  }
  return loss;
}

}  // namespace optim
}  // namespace ember
