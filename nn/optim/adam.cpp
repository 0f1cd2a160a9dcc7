// Adam and AdamW.
#include "nn/optim/adam.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "nn/optim/foreach.h"
#include "ops/creation.h"

namespace ember {
namespace optim {

void AdamOptions::validate() const {
  EMBER_CHECK(lr() >= 0, ValueError, "[Adam] Invalid learning rate: ", lr());
  EMBER_CHECK(eps() >= 0, ValueError, "[Adam] Invalid epsilon value: ", eps());
  double beta1 = std::get<0>(betas()), beta2 = std::get<1>(betas());
  EMBER_CHECK(beta1 >= 0 && beta1 < 1, ValueError, "[Adam] Invalid beta parameter at index 0: ", beta1);
  EMBER_CHECK(beta2 >= 0 && beta2 < 1, ValueError, "[Adam] Invalid beta parameter at index 1: ", beta2);
  EMBER_CHECK(weight_decay() >= 0, ValueError, "[Adam] Invalid weight_decay value: ", weight_decay());
}

void AdamOptions::save(StateDict& out, const std::string& prefix) const {
  put_scalar(out, prefix + "lr", lr());
  out.insert_or_assign(prefix + "betas", ember::tensor({std::get<0>(betas()), std::get<1>(betas())}, kFloat64));
  put_scalar(out, prefix + "eps", eps());
  put_scalar(out, prefix + "weight_decay", weight_decay());
  put_flag(out, prefix + "amsgrad", amsgrad());
  put_flag(out, prefix + "maximize", maximize());
}

void AdamOptions::load(StateDictReader& in, const std::string& prefix) {
  lr(in.scalar(prefix + "lr"));
  const Tensor& b = in.tensor(prefix + "betas");
  EMBER_CHECK(b.numel() == 2, ValueError, "[Optimizer::load_state_dict] '", prefix, "betas' must hold 2 values, got ",
              b.numel());
  Tensor flat = b.reshape({2});
  betas(std::make_tuple(flat[0].item<double>(), flat[1].item<double>()));
  eps(in.scalar(prefix + "eps"));
  weight_decay(in.scalar(prefix + "weight_decay"));
  amsgrad(in.scalar(prefix + "amsgrad") != 0);
  if (in.contains(prefix + "maximize")) maximize(in.scalar(prefix + "maximize") != 0);  // libtorch 1.13 has none
}

void AdamParamState::save(StateDict& out, const std::string& prefix) const {
  out.insert(prefix + "step", ember::scalar_tensor(step(), kInt64));
  if (exp_avg().defined()) out.insert(prefix + "exp_avg", exp_avg());
  if (exp_avg_sq().defined()) out.insert(prefix + "exp_avg_sq", exp_avg_sq());
  if (max_exp_avg_sq().defined()) out.insert(prefix + "max_exp_avg_sq", max_exp_avg_sq());
}

void AdamParamState::load(StateDictReader& in, const std::string& prefix) {
  step(static_cast<int64_t>(in.scalar(prefix + "step")));
  exp_avg(in.tensor(prefix + "exp_avg"));
  exp_avg_sq(in.tensor(prefix + "exp_avg_sq"));
  if (in.contains(prefix + "max_exp_avg_sq")) max_exp_avg_sq(in.tensor(prefix + "max_exp_avg_sq"));
}

Adam::Adam(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults)
    : Adam(param_groups, std::make_unique<AdamOptions>(defaults), /*decoupled=*/false) {}

Adam::Adam(const std::vector<OptimizerParamGroup>& param_groups, std::unique_ptr<OptimizerOptions> defaults,
           bool decoupled)
    : Optimizer(param_groups, std::move(defaults)), decoupled_weight_decay_(decoupled) {}

AdamW::AdamW(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults)
    : Adam(param_groups, std::make_unique<AdamOptions>(defaults), /*decoupled=*/true) {}

AdamParamState& Adam::advance_state(const Tensor& p, const AdamOptions& options) {
  auto& slot = state_[p.impl()];
  if (!slot) {
    auto fresh = std::make_unique<AdamParamState>();
    fresh->exp_avg(ember::zeros_like(p));
    fresh->exp_avg_sq(ember::zeros_like(p));
    slot = std::move(fresh);
  }
  auto& state = static_cast<AdamParamState&>(*slot);
  if (options.amsgrad() && !state.max_exp_avg_sq().defined()) state.max_exp_avg_sq(ember::zeros_like(p));
  state.step(state.step() + 1);
  return state;
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdamOptions&>(group.options());
    std::vector<Tensor> rest;
    for (const ForeachBucket& bucket : foreach_buckets(group.params(), options.foreach(), &rest)) {
      std::vector<Tensor> params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs;
      std::vector<int64_t> steps;
      for (size_t i = 0; i < bucket.params.size(); ++i) {
        const Tensor& p = bucket.params[i];
        AdamParamState& state = advance_state(p, options);
        const bool fits = fits_fused_call(state.exp_avg(), p) && fits_fused_call(state.exp_avg_sq(), p) &&
                          (!options.amsgrad() || fits_fused_call(state.max_exp_avg_sq(), p));
        if (!fits) {  // loaded state of another layout: the per-parameter path
          Tensor param = p;
          update(param, p.grad(), state, options);
          continue;
        }
        params.push_back(p);
        grads.push_back(bucket.grads[i]);
        exp_avgs.push_back(state.exp_avg());
        exp_avg_sqs.push_back(state.exp_avg_sq());
        if (options.amsgrad()) max_exp_avg_sqs.push_back(state.max_exp_avg_sq());
        steps.push_back(state.step());
      }
      if (params.empty()) continue;
      auto fused = decoupled_weight_decay_ ? &ember::_fused_adamw_ : &ember::_fused_adam_;
      fused(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, options.lr(), std::get<0>(options.betas()),
            std::get<1>(options.betas()), options.weight_decay(), options.eps(), options.amsgrad(), options.maximize());
    }
    for (Tensor& p : rest) update(p, p.grad(), advance_state(p, options), options);
  }
  return loss;
}

void Adam::update(Tensor& p, const Tensor& p_grad, AdamParamState& state, const AdamOptions& options) {
  const double lr = options.lr(), beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
  const double weight_decay = options.weight_decay();
  Tensor grad = options.maximize() ? p_grad.neg() : p_grad;
  if (weight_decay != 0) {
    if (decoupled_weight_decay_) {
      p.mul_(1 - lr * weight_decay);
    } else {
      grad = grad.add(p, weight_decay);
    }
  }
  state.exp_avg().mul_(beta1).add_(grad, 1 - beta1);
  state.exp_avg_sq().mul_(beta2).add_(grad * grad, 1 - beta2);
  const double step = static_cast<double>(state.step());
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
  Tensor second = state.exp_avg_sq();
  if (options.amsgrad()) {
    state.max_exp_avg_sq().copy_(ember::maximum(state.max_exp_avg_sq(), state.exp_avg_sq()));
    second = state.max_exp_avg_sq();
  }
  Tensor denom = (second.sqrt() / bias_correction2_sqrt).add_(options.eps());
  p.add_(state.exp_avg() / denom, -lr / bias_correction1);
}

}  // namespace optim
}  // namespace ember
