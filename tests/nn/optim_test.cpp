// Optimizers: SGD (momentum, dampening, Nesterov, weight decay, maximize), Adam (weight decay,
// AMSGrad) and AdamW, step by step against hand computations and PyTorch 1.13 (printed by
// /usr/bin/python3 with torch 1.13 from the same parameters and gradients, float64); parameter
// groups, zero_grad, closures, option checks, and optimizer state dicts (in memory and files).
// Gradients are set by hand, so nothing here needs autograd.
#include <cmath>
#include <cstdio>

#include <unistd.h>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace optim = ember::optim;

const Tol kTol{1e-9, 1e-9};
const double kPi = 3.14159265358979323846;

Tensor param() { return make1d({1.0, -2.0, 0.5}, kFloat64).requires_grad_(); }
// The gradients of steps 1, 2, 3.
std::vector<double> grad_at(int step) {
  static const std::vector<std::vector<double>> g = {{0.1, -0.2, 0.3}, {0.5, 0.5, -0.5}, {-0.3, 0.1, 0.0}};
  return g[static_cast<size_t>(step)];
}
void set_grad(const Tensor& p, const std::vector<double>& g) { p.mutable_grad() = make1d(g, kFloat64); }

// Steps the optimizer three times with the gradients above; returns the parameter after each.
std::vector<std::vector<double>> run(optim::Optimizer& opt, const Tensor& p) {
  std::vector<std::vector<double>> out;
  for (int i = 0; i < 3; ++i) {
    set_grad(p, grad_at(i));
    opt.step();
    out.push_back(values(p));
  }
  return out;
}

TEST(SGD, PlainMomentumDampening) {
  Tensor p = param();
  optim::SGD plain({p}, optim::SGDOptions(0.1));
  auto s = run(plain, p);
  // p1 = p0 - 0.1 g1 = [0.99, -1.98, 0.47]; p2 = p1 - 0.1 g2 = [0.94, -2.03, 0.52].
  EXPECT_TRUE(all_close(s[0], {0.99, -1.98, 0.47}, kTol));
  EXPECT_TRUE(all_close(s[1], {0.94, -2.03, 0.52}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.97, -2.04, 0.52}, kTol));
  EXPECT_TRUE(plain.state().empty());  // no momentum, no state

  Tensor q = param();
  optim::SGD momentum({q}, optim::SGDOptions(0.1).momentum(0.9));
  s = run(momentum, q);
  // Step 1: buf = g1 (no dampening on the first step). Step 2: buf = 0.9 g1 + g2 = [0.59, 0.32, -0.23]
  // -> [0.931, -2.012, 0.493]. Step 3: buf = [0.231, 0.388, -0.207] -> [0.9079, -2.0508, 0.5137].
  EXPECT_TRUE(all_close(s[0], {0.99, -1.98, 0.47}, kTol));
  EXPECT_TRUE(all_close(s[1], {0.931, -2.012, 0.493}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.9079, -2.0508, 0.5137}, kTol));  // torch
  auto& st = static_cast<optim::SGDParamState&>(*momentum.state().at(q.impl()));
  EXPECT_TRUE(all_close(st.momentum_buffer(), {0.231, 0.388, -0.207}, kTol));

  Tensor r = param();
  optim::SGD damp({r}, optim::SGDOptions(0.1).momentum(0.9).dampening(0.1));
  s = run(damp, r);
  // Step 2: buf = 0.9 g1 + 0.9 g2 = [0.54, 0.27, -0.18] -> [0.936, -2.007, 0.488]; torch step 3:
  // [0.9144, -2.0403, 0.5042].
  EXPECT_TRUE(all_close(s[0], {0.99, -1.98, 0.47}, kTol));
  EXPECT_TRUE(all_close(s[1], {0.936, -2.007, 0.488}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.9144, -2.0403, 0.5042}, kTol));
}

TEST(SGD, NesterovWeightDecayMaximize) {
  Tensor p = param();
  optim::SGD nesterov({p}, optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(0.01));
  auto s = run(nesterov, p);
  // Step 1: d = g1 + 0.01 p0 = [0.11, -0.22, 0.305]; buf = d; d + 0.9 buf = 1.9 d -> p0 - 0.1 * 1.9 d.
  EXPECT_TRUE(all_close(s[0], {1 - 0.19 * 0.11, -2 + 0.19 * 0.22, 0.5 - 0.19 * 0.305}, kTol));
  EXPECT_TRUE(all_close(s[0], {0.9791, -1.9582, 0.44205}, kTol));  // torch
  EXPECT_TRUE(all_close(s[1], {0.87332971, -2.03165942, 0.511505105}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.8793583126, -2.0696751251, 0.5284406848}, kTol));

  Tensor q = param();
  optim::SGD decay({q}, optim::SGDOptions(0.1).weight_decay(0.1));
  s = run(decay, q);
  // p1 = p0 - 0.1 (g1 + 0.1 p0) = [0.98, -1.96, 0.465]; torch steps 2, 3 below.
  EXPECT_TRUE(all_close(s[0], {0.98, -1.96, 0.465}, kTol));
  EXPECT_TRUE(all_close(s[1], {0.9202, -1.9904, 0.51035}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.940998, -1.980496, 0.5052465}, kTol));

  Tensor r = param();
  optim::SGD maximize({r}, optim::SGDOptions(0.1).momentum(0.5).maximize(true));
  s = run(maximize, r);
  EXPECT_TRUE(all_close(s[0], {1.01, -2.02, 0.53}, kTol));  // ascends
  EXPECT_TRUE(all_close(s[2], {1.0625, -1.95, 0.4775}, kTol));
}

TEST(Adam, FirstTwoStepsByHandAndThirdAsPyTorch) {
  Tensor p = param();
  optim::Adam adam({p}, optim::AdamOptions(0.1));
  auto s = run(adam, p);
  // Step 1: m = 0.1 g, v = 0.001 g^2; bias-corrected m / sqrt(v) = sign(g): p0 - 0.1 sign(g1)
  // (up to eps).
  EXPECT_TRUE(all_close(s[0], {0.9, -1.9, 0.4}, Tol{0, 1e-7}));
  // Step 2 by hand, per element.
  std::vector<double> want;
  for (size_t i = 0; i < 3; ++i) {
    double g1 = grad_at(0)[i], g2 = grad_at(1)[i];
    double m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
    double denom = std::sqrt(v) / std::sqrt(1 - 0.999 * 0.999) + 1e-8;
    want.push_back(s[0][i] - 0.1 / (1 - 0.9 * 0.9) * m / denom);
  }
  EXPECT_TRUE(all_close(s[1], want, kTol));
  EXPECT_TRUE(all_close(s[1], {0.8138953862, -1.9442215302, 0.4293561231}, kTol));  // torch
  EXPECT_TRUE(all_close(s[2], {0.7889425641, -1.989499214, 0.4520484886}, kTol));
  auto& st = static_cast<optim::AdamParamState&>(*adam.state().at(p.impl()));
  EXPECT_EQ(st.step(), 3);
  EXPECT_FALSE(st.max_exp_avg_sq().defined());
}

TEST(Adam, WeightDecayAndAmsgrad) {
  Tensor p = param();
  optim::Adam decay({p}, optim::AdamOptions(0.1).weight_decay(0.1).betas(std::make_tuple(0.8, 0.9)));
  auto s = run(decay, p);
  EXPECT_TRUE(all_close(s[0], {0.900000005, -1.9000000025, 0.4000000029}, kTol));  // torch
  EXPECT_TRUE(all_close(s[1], {0.8073291019, -1.8984371852, 0.4242968562}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.7663940839, -1.8844944859, 0.4369899705}, kTol));
  Tensor q = param();
  optim::Adam ams({q}, optim::AdamOptions(0.1).amsgrad(true));
  s = run(ams, q);
  // Same as Adam until v shrinks: only the last element of step 3 differs (0.4520371396 vs 0.4520484886).
  EXPECT_TRUE(all_close(s[1], {0.8138953862, -1.9442215302, 0.4293561231}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.7889425641, -1.989499214, 0.4520371396}, kTol));
}

TEST(AdamW, DecoupledWeightDecay) {
  Tensor p = param();
  optim::AdamW adamw({p}, optim::AdamWOptions(0.1));
  EXPECT_DOUBLE_EQ(static_cast<optim::AdamOptions&>(adamw.defaults()).weight_decay(), 0.01);
  auto s = run(adamw, p);
  // Step 1: p0 * (1 - 0.1 * 0.01) - 0.1 sign(g1) = [0.899, -1.898, 0.3995].
  EXPECT_TRUE(all_close(s[0], {0.999 - 0.1, -1.998 + 0.1, 0.4995 - 0.1}, Tol{0, 1e-7}));
  EXPECT_TRUE(all_close(s[1], {0.8119963862, -1.9403235302, 0.4284566231}, kTol));  // torch
  EXPECT_TRUE(all_close(s[2], {0.7862315677, -1.9836608905, 0.450720532}, kTol));
  Tensor q = param();
  optim::AdamW strong({q}, optim::AdamWOptions(0.1).weight_decay(0.5).amsgrad(true).eps(1e-3));
  s = run(strong, q);
  EXPECT_TRUE(all_close(s[0], {0.850990099, -1.8004975124, 0.3753322259}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.6615653706, -1.7119843878, 0.3891720495}, kTol));
}

TEST(Optimizer, GroupsSkipMissingGradsZeroGradAndClosure) {
  Tensor a = param(), b = param(), c = param();
  std::vector<optim::OptimizerParamGroup> groups = {optim::OptimizerParamGroup({a, b}),
                                                    optim::OptimizerParamGroup({c}, optim::SGDOptions(1.0))};
  optim::SGD sgd(groups, optim::SGDOptions(0.1));
  EXPECT_EQ(sgd.param_groups().size(), 2u);
  EXPECT_EQ(sgd.size(), 3u);
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_DOUBLE_EQ(sgd.param_groups()[1].options().get_lr(), 1.0);
  set_grad(a, {1, 1, 1});
  set_grad(c, {1, 1, 1});
  int calls = 0;
  Tensor loss = sgd.step([&] {
    ++calls;
    return ember::scalar_tensor(3.0);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loss.item<double>(), 3.0);
  EXPECT_TRUE(all_close(a, {0.9, -2.1, 0.4}, kTol));
  EXPECT_TRUE(all_close(b, {1, -2, 0.5}, kTol));  // no gradient: untouched
  EXPECT_TRUE(all_close(c, {0, -3, -0.5}, kTol));  // lr 1 in its group
  EXPECT_FALSE(sgd.step().defined());
  sgd.zero_grad(/*set_to_none=*/false);
  EXPECT_TRUE(all_equal(a.grad(), {0, 0, 0}));
  sgd.zero_grad();
  EXPECT_FALSE(a.grad().defined());
  EXPECT_THROW_MSG(sgd.add_param_group(optim::OptimizerParamGroup({a})), ember::ValueError,
                   "appear in more than one parameter group");
  EXPECT_THROW_MSG(sgd.add_parameters({a * 2.0}), ember::ValueError, "can't optimize a non-leaf Tensor");
  Tensor d = param();
  sgd.add_parameters({d});
  EXPECT_EQ(sgd.param_groups()[0].params().size(), 3u);
}

TEST(Optimizer, InvalidOptions) {
  Tensor p = param();
  EXPECT_THROW_MSG(optim::SGD({p}, optim::SGDOptions(-0.1)), ember::ValueError, "Invalid learning rate: -0.1");
  EXPECT_THROW_MSG(optim::SGD({p}, optim::SGDOptions(0.1).nesterov(true)), ember::ValueError,
                   "Nesterov momentum requires a momentum and zero dampening");
  EXPECT_THROW_MSG(optim::SGD({p}, optim::SGDOptions(0.1).momentum(-1)), ember::ValueError, "Invalid momentum value");
  EXPECT_THROW_MSG(optim::Adam({p}, optim::AdamOptions(0.1).betas(std::make_tuple(1.0, 0.9))), ember::ValueError,
                   "Invalid beta parameter at index 0: 1");
  EXPECT_THROW_MSG(optim::Adam({p}, optim::AdamOptions(0.1).eps(-1)), ember::ValueError, "Invalid epsilon value");
  EXPECT_THROW_MSG(optim::AdamW({p}, optim::AdamWOptions(0.1).weight_decay(-1)), ember::ValueError,
                   "Invalid weight_decay value");
}

TEST(Optimizer, FollowsModuleParametersThroughTo) {
  nn::Linear fc(3, 1);
  optim::SGD sgd(fc->parameters(), optim::SGDOptions(0.5));
  fc->to(kFloat64);  // same tensors, new dtype: the optimizer still updates the module
  std::vector<double> w = values(fc->weight);
  fc->weight.mutable_grad() = ember::ones({1, 3}, kFloat64);
  sgd.step();
  EXPECT_TRUE(all_close(fc->weight, {w[0] - 0.5, w[1] - 0.5, w[2] - 0.5}, kTol));
}

// Two steps with one optimizer, save, load into a fresh one; both then take the same third step.
template <typename Opt, typename Options>
void expect_state_round_trip(const Options& options, bool through_file) {
  Tensor p = param(), q = param();
  Opt first({p}, options);
  for (int i = 0; i < 2; ++i) {
    set_grad(p, grad_at(i));
    first.step();
  }
  Opt second({q}, options);
  {
    NoGradGuard g;
    q.copy_(p);
  }
  if (through_file) {
    std::string path = ::testing::TempDir() + "ember_optim_" + std::to_string(::getpid()) + ".ember";
    ember::save(first, path);
    ember::load(second, path);
    std::remove(path.c_str());
  } else {
    second.load_state_dict(first.state_dict());
  }
  set_grad(p, grad_at(2));
  set_grad(q, grad_at(2));
  first.step();
  second.step();
  EXPECT_EQ(values(p), values(q));
}

TEST(OptimizerStateDict, RoundTripsInMemoryAndThroughFiles) {
  expect_state_round_trip<optim::SGD>(optim::SGDOptions(0.1).momentum(0.9).nesterov(true), false);
  expect_state_round_trip<optim::SGD>(optim::SGDOptions(0.1).momentum(0.9).dampening(0.2), true);
  expect_state_round_trip<optim::Adam>(optim::AdamOptions(0.1).amsgrad(true), false);
  expect_state_round_trip<optim::AdamW>(optim::AdamWOptions(0.1), true);
  Tensor p = param();
  optim::Adam adam({p}, optim::AdamOptions(0.05).betas(std::make_tuple(0.5, 0.75)));
  set_grad(p, grad_at(0));
  adam.step();
  StateDict d = adam.state_dict();
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq",
                                                "param_groups.0.params", "param_groups.0.lr", "param_groups.0.betas",
                                                "param_groups.0.eps", "param_groups.0.weight_decay",
                                                "param_groups.0.amsgrad", "param_groups.0.maximize"}));
  EXPECT_EQ(d["state.0.step"].item<int64_t>(), 1);
  EXPECT_TRUE(all_equal(d["param_groups.0.betas"], {0.5, 0.75}));
  // Options come back with the state.
  Tensor q = param();
  optim::Adam other({q}, optim::AdamOptions(0.9));
  other.load_state_dict(d);
  auto& opts = static_cast<optim::AdamOptions&>(other.param_groups()[0].options());
  EXPECT_DOUBLE_EQ(opts.lr(), 0.05);
  EXPECT_DOUBLE_EQ(std::get<1>(opts.betas()), 0.75);
}

TEST(OptimizerStateDict, Errors) {
  Tensor p = param(), q = param();
  optim::SGD one({p}, optim::SGDOptions(0.1).momentum(0.9));
  set_grad(p, grad_at(0));
  one.step();
  StateDict d = one.state_dict();
  optim::SGD two_groups(std::vector<optim::OptimizerParamGroup>{optim::OptimizerParamGroup({q}),
                                                                optim::OptimizerParamGroup({param()})},
                        optim::SGDOptions(0.1));
  EXPECT_THROW_MSG(two_groups.load_state_dict(d), ember::ValueError, "different number of parameter groups (1)");
  optim::SGD bigger({q, param()}, optim::SGDOptions(0.1));
  EXPECT_THROW_MSG(bigger.load_state_dict(d), ember::ValueError, "parameter group of 1 parameters");
  optim::SGD target({q}, optim::SGDOptions(0.1));
  StateDict no_lr("Key");
  for (const auto& item : d)
    if (item.key() != "param_groups.0.lr") no_lr.insert(item.key(), item.value());
  EXPECT_THROW_MSG(target.load_state_dict(no_lr), ember::ValueError, "missing key 'param_groups.0.lr'");
  StateDict extra = d;
  extra.insert("state.7.momentum_buffer", ember::ones({3}));
  EXPECT_THROW_MSG(target.load_state_dict(extra), ember::ValueError, "unexpected key(s) in state dict: 'state.7.momentum_buffer'");
  EXPECT_TRUE(target.state().empty());  // nothing changed by the failed loads
  optim::Adam adam({q});
  EXPECT_THROW_MSG(adam.load_state_dict(d), ember::ValueError, "missing key 'param_groups.0.betas'");
}

// Learning-rate sequences from torch 1.13 (SGD lr 0.5; the value after construction, then after
// each scheduler.step()).
TEST(LRScheduler, StepLRAsPyTorch) {
  Tensor p = param();
  optim::SGD sgd({p}, optim::SGDOptions(0.5));
  optim::StepLR sched(sgd, /*step_size=*/3, /*gamma=*/0.5);
  const std::vector<double> torch = {0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625, 0.0625};
  std::vector<double> got = {sgd.param_groups()[0].options().get_lr()};
  for (int i = 0; i < 10; ++i) {
    sched.step();
    got.push_back(sgd.param_groups()[0].options().get_lr());
    EXPECT_DOUBLE_EQ(sched.closed_form_lrs()[0], got.back());  // 0.5 * 0.5^(epoch / 3)
  }
  EXPECT_TRUE(all_close(got, torch, Tol{1e-15, 0}));
  EXPECT_EQ(sched.last_epoch(), 10);
  EXPECT_DOUBLE_EQ(sched.get_last_lr()[0], 0.0625);
}

TEST(LRScheduler, CosineAnnealingAsPyTorchIncludingBeyondTmax) {
  Tensor p = param(), q = param();
  std::vector<optim::OptimizerParamGroup> groups = {optim::OptimizerParamGroup({p}),
                                                    optim::OptimizerParamGroup({q}, optim::SGDOptions(1.0))};
  optim::SGD sgd(groups, optim::SGDOptions(0.5));
  optim::CosineAnnealingLR sched(sgd, /*T_max=*/5, /*eta_min=*/0.05);
  const std::vector<double> torch = {0.5, 0.45702882373436315, 0.34452882373436317, 0.20547117626563682,
                                     0.09297117626563685, 0.05, 0.09297117626563683, 0.20547117626563693,
                                     0.3445288237343634, 0.45702882373436354, 0.5000000000000004, 0.4570288237343637,
                                     0.3445288237343635, 0.20547117626563705, 0.09297117626563692, 0.05,
                                     0.09297117626563683};
  std::vector<double> got = {sgd.param_groups()[0].options().get_lr()};
  for (int i = 0; i < 16; ++i) {
    sched.step();
    got.push_back(sched.get_last_lr()[0]);
    if (sched.last_epoch() <= 5) {  // the closed form: 0.05 + 0.45 (1 + cos(pi e / 5)) / 2
      EXPECT_NEAR(sched.closed_form_lrs()[0], got.back(), 1e-12);
      EXPECT_NEAR(sched.get_last_lr()[1], 0.05 + 0.95 * (1 + std::cos(kPi * sched.last_epoch() / 5.0)) / 2, 1e-12);
    }
  }
  EXPECT_TRUE(all_close(got, torch, Tol{1e-12, 1e-14}));
  optim::CosineAnnealingLR zero_min(sgd, 4);
  EXPECT_NEAR(zero_min.base_lrs()[0], 0.09297117626563683, 1e-12);  // the lr when it was made
  EXPECT_THROW_MSG(optim::StepLR(sgd, 0), ember::ValueError, "step_size must be positive");
}

}  // namespace
}  // namespace ember_test
