// SGD.
#include "nn/optim/sgd.h"

#include "autograd/grad_mode.h"
#include "generated/functions.h"

namespace ember {
namespace optim {

void SGDOptions::validate() const {
  EMBER_CHECK(lr() >= 0, ValueError, "[SGD] Invalid learning rate: ", lr());
  EMBER_CHECK(momentum() >= 0, ValueError, "[SGD] Invalid momentum value: ", momentum());
  EMBER_CHECK(weight_decay() >= 0, ValueError, "[SGD] Invalid weight_decay value: ", weight_decay());
  EMBER_CHECK(!nesterov() || (momentum() > 0 && dampening() == 0), ValueError,
              "[SGD] Nesterov momentum requires a momentum and zero dampening");
}

void SGDOptions::save(StateDict& out, const std::string& prefix) const {
  put_scalar(out, prefix + "lr", lr());
  put_scalar(out, prefix + "momentum", momentum());
  put_scalar(out, prefix + "dampening", dampening());
  put_scalar(out, prefix + "weight_decay", weight_decay());
  put_flag(out, prefix + "nesterov", nesterov());
  put_flag(out, prefix + "maximize", maximize());
}

void SGDOptions::load(StateDictReader& in, const std::string& prefix) {
  lr(in.scalar(prefix + "lr"));
  momentum(in.scalar(prefix + "momentum"));
  dampening(in.scalar(prefix + "dampening"));
  weight_decay(in.scalar(prefix + "weight_decay"));
  nesterov(in.scalar(prefix + "nesterov") != 0);
  if (in.contains(prefix + "maximize")) maximize(in.scalar(prefix + "maximize") != 0);  // libtorch 1.13 has none
}

void SGDParamState::save(StateDict& out, const std::string& prefix) const {
  if (momentum_buffer().defined()) out.insert(prefix + "momentum_buffer", momentum_buffer());
}

void SGDParamState::load(StateDictReader& in, const std::string& prefix) {
  momentum_buffer(in.tensor(prefix + "momentum_buffer"));
}

SGD::SGD(const std::vector<OptimizerParamGroup>& param_groups, SGDOptions defaults)
    : Optimizer(param_groups, std::make_unique<SGDOptions>(defaults)) {}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const SGDOptions&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor d_p = options.maximize() ? p.grad().neg() : p.grad();
      if (options.weight_decay() != 0) d_p = d_p.add(p, options.weight_decay());
      if (options.momentum() != 0) {
        auto& slot = state_[p.impl()];
        if (!slot) slot = std::make_unique<SGDParamState>();
        auto& state = static_cast<SGDParamState&>(*slot);
        if (!state.momentum_buffer().defined()) {
          state.momentum_buffer(d_p.detach().clone());
        } else if (options.dampening() == 0) {
          // buf = momentum * buf + d_p as one kernel (mul_ then add_ was two launches per
          // parameter: on a GPU a ResNet-50 step is 161 parameters of such tiny kernels).
          Tensor& buf = state.momentum_buffer();
          ember::add_out(buf, d_p, buf, options.momentum());
        } else {
          state.momentum_buffer().mul_(options.momentum()).add_(d_p, 1 - options.dampening());
        }
        d_p = options.nesterov() ? d_p.add(state.momentum_buffer(), options.momentum()) : state.momentum_buffer();
      }
      p.add_(d_p, -options.lr());
    }
  }
  return loss;
}

}  // namespace optim
}  // namespace ember
