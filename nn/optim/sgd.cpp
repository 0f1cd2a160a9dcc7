// SGD.
#include "nn/optim/sgd.h"

#include "autograd/grad_mode.h"
#include "generated/functions.h"
#include "nn/optim/foreach.h"

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

SGDParamState& SGD::state_of(const Tensor& p) {
  auto& slot = state_[p.impl()];
  if (!slot) slot = std::make_unique<SGDParamState>();
  return static_cast<SGDParamState&>(*slot);
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const SGDOptions&>(group.options());
    std::vector<Tensor> rest;
    for (const ForeachBucket& bucket : foreach_buckets(group.params(), options.foreach(), &rest))
      update_fused(bucket.params, bucket.grads, options, &rest);
    for (Tensor& p : rest) update(p, options);
  }
  return loss;
}

void SGD::update_fused(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const SGDOptions& options,
                       std::vector<Tensor>* rest) {
  auto call = [&](const std::vector<Tensor>& ps, const std::vector<Tensor>& gs, const std::vector<Tensor>& bufs,
                  bool first) {
    if (ps.empty()) return;
    ember::_fused_sgd_(ps, gs, bufs, options.weight_decay(), options.momentum(), options.lr(), options.dampening(),
                       options.nesterov(), options.maximize(), first);
  };
  if (options.momentum() == 0) {
    call(params, grads, {}, false);
    return;
  }
  // Buffers are made on a parameter's first step (the kernel copies the gradient into them).
  std::vector<Tensor> fresh_p, fresh_g, fresh_b, ready_p, ready_g, ready_b;
  for (size_t i = 0; i < params.size(); ++i) {
    SGDParamState& state = state_of(params[i]);
    if (!state.momentum_buffer().defined()) {
      state.momentum_buffer(ember::empty_like(params[i]));
      fresh_p.push_back(params[i]);
      fresh_g.push_back(grads[i]);
      fresh_b.push_back(state.momentum_buffer());
    } else if (fits_fused_call(state.momentum_buffer(), params[i])) {
      ready_p.push_back(params[i]);
      ready_g.push_back(grads[i]);
      ready_b.push_back(state.momentum_buffer());
    } else {
      rest->push_back(params[i]);  // a loaded buffer of another layout: the per-parameter path
    }
  }
  call(fresh_p, fresh_g, fresh_b, true);
  call(ready_p, ready_g, ready_b, false);
}

void SGD::update(Tensor& p, const SGDOptions& options) {
  Tensor d_p = options.maximize() ? p.grad().neg() : p.grad();
  if (options.weight_decay() != 0) d_p = d_p.add(p, options.weight_decay());
  if (options.momentum() != 0) {
    SGDParamState& state = state_of(p);
    if (!state.momentum_buffer().defined()) {
      state.momentum_buffer(d_p.detach().clone());
    } else if (options.dampening() == 0) {
      // buf = momentum * buf + d_p as one kernel (mul_ then add_ was two launches per parameter).
      Tensor& buf = state.momentum_buffer();
      ember::add_out(buf, d_p, buf, options.momentum());
    } else {
      state.momentum_buffer().mul_(options.momentum()).add_(d_p, 1 - options.dampening());
    }
    d_p = options.nesterov() ? d_p.add(state.momentum_buffer(), options.momentum()) : state.momentum_buffer();
  }
  p.add_(d_p, -options.lr());
}

}  // namespace optim
}  // namespace ember
