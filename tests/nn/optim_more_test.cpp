// Adagrad, RMSprop (plain; centered with momentum and weight decay) and LBFGS (fixed step;
// strong Wolfe line search) on a fixed float64 objective, against PyTorch 1.13 (printed by
// /usr/bin/python3 with torch.optim on the same objective and start point); option checks; the
// libtorch "old interface" (size, parameters, add_parameters) that warns it will be removed; and
// the default make_param_state of a user-written optimizer.
#include <string>
#include <vector>

#include "support/captured_warnings.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace optim = ember::optim;

const Tol kTol{1e-9, 1e-9};

// (1 - a)^2 + 5 (b - a^2)^2 + (c a - 0.5)^2
Tensor objective(const Tensor& p) {
  Tensor a = p[0], b = p[1], c = p[2];
  return (1 - a).pow(2) + 5 * (b - a.pow(2)).pow(2) + (c * a - 0.5).pow(2);
}

Tensor start() { return make1d({-0.5, 0.8, 1.2}, kFloat64).requires_grad_(); }

// Steps opt `steps` times (through a closure when asked); returns the parameter's values.
std::vector<double> minimize(optim::Optimizer& opt, const Tensor& p, int steps, bool through_closure) {
  auto closure = [&] {
    opt.zero_grad();
    Tensor loss = objective(p);
    loss.backward();
    return loss;
  };
  for (int i = 0; i < steps; ++i) {
    if (through_closure) {
      opt.step(closure);
    } else {
      closure();
      opt.step();
    }
  }
  return values(p);
}

TEST(OptimMoreTest, AdagradMatchesPyTorch) {
  Tensor p = start();
  optim::Adagrad opt({p}, optim::AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.05).initial_accumulator_value(0.1));
  EXPECT_TRUE(all_close(minimize(opt, p, 3, false), {-0.2904554241712901, 0.5792378910349033, 1.0010935954519395}, kTol));
}

// libtorch keys per-parameter state by the TensorImpl address's text; ember by the address, and
// that text converts to the same key.
TEST(OptimMoreTest, StateIsReachableByLibtorchsKey) {
  Tensor p = start();
  optim::Adagrad opt({p}, optim::AdagradOptions(0.1).initial_accumulator_value(0.25));
  // Adagrad's state exists from the start, as PyTorch's.
  ASSERT_EQ(opt.state().count(p.impl()), 1u);
  const auto& initial = static_cast<const optim::AdagradParamState&>(*opt.state().at(p.impl()));
  EXPECT_EQ(initial.step(), 0);
  EXPECT_TRUE(all_close(initial.sum(), {0.25, 0.25, 0.25}));
  minimize(opt, p, 2, false);
  auto& state = static_cast<optim::AdagradParamState&>(*opt.state()[guts::to_string(p.unsafeGetTensorImpl())]);
  EXPECT_EQ(state.step(), 2);
  state.step(state.step() + 1);
  EXPECT_EQ(static_cast<optim::AdagradParamState&>(*opt.state().at(p.impl())).step(), 3);
  EXPECT_EQ(opt.state().size(), 1u);  // the text found the existing entry
  EXPECT_THROW_MSG(optim::ParamStateKey("weight"), ValueError, "is not a parameter key");
  EXPECT_THROW_MSG(optim::ParamStateKey("0x12zz"), ValueError, "is not a parameter key");
}

TEST(OptimMoreTest, RMSpropMatchesPyTorch) {
  Tensor p = start();
  optim::RMSprop plain({p}, optim::RMSpropOptions(0.01));
  EXPECT_TRUE(all_close(minimize(plain, p, 3, false), {-0.2149592097907415, 0.5722413853259991, 1.0083024284867073}, kTol));

  Tensor q = start();
  optim::RMSprop centered({q},
                          optim::RMSpropOptions(0.01).alpha(0.9).momentum(0.5).centered(true).weight_decay(0.01));
  EXPECT_TRUE(all_close(minimize(centered, q, 3, false), {-0.3652770149293969, 0.6809914304869087, 1.0866007165284572},
                        kTol));
}

TEST(OptimMoreTest, LBFGSMatchesPyTorch) {
  Tensor p = start();
  optim::LBFGS fixed_step({p}, optim::LBFGSOptions(0.5).max_iter(5));
  EXPECT_TRUE(all_close(minimize(fixed_step, p, 2, true), {0.7313495036352436, 0.5069415222959528, 0.8410073780987211},
                        Tol{1e-8, 1e-8}));

  Tensor q = start();
  optim::LBFGS wolfe({q}, optim::LBFGSOptions(1).max_iter(20).line_search_fn("strong_wolfe"));
  EXPECT_TRUE(all_close(minimize(wolfe, q, 2, true), {1.000002398656656, 1.0000053177815549, 0.4999944768437432},
                        Tol{1e-7, 1e-7}));
}

TEST(OptimMoreTest, LBFGSNeedsAClosureAndOneGroup) {
  Tensor p = start();
  optim::LBFGS opt({p}, optim::LBFGSOptions(1));
  EXPECT_THROW_MSG(opt.step(nullptr), ember::ValueError, "requires a closure");
  std::vector<optim::OptimizerParamGroup> groups = {optim::OptimizerParamGroup({start()}),
                                                    optim::OptimizerParamGroup({start()})};
  EXPECT_THROW_MSG(optim::LBFGS(groups, optim::LBFGSOptions(1)), ember::ValueError, "parameter groups");
  EXPECT_THROW(optim::LBFGS({start()}, optim::LBFGSOptions(1).line_search_fn("backtracking")), ember::ValueError);
}

TEST(OptimMoreTest, OptionChecks) {
  Tensor p = start();
  EXPECT_THROW(optim::Adagrad({p}, optim::AdagradOptions(-1.0)), ember::ValueError);
  EXPECT_THROW(optim::RMSprop({p}, optim::RMSpropOptions(0.01).alpha(-0.5)), ember::ValueError);
}

TEST(OptimMoreTest, OldInterfaceWarnsOncePerCall) {
  Tensor a = start(), b = start();
  optim::SGD sgd({a}, 0.1);
  CapturedWarnings captured;
  WarningHandlerGuard guard(&captured);
  EXPECT_EQ(sgd.size(), 1u);
  sgd.add_parameters({b});
  EXPECT_EQ(sgd.parameters().size(), 2u);
  ASSERT_EQ(captured.messages.size(), 3u);
  for (const auto& m : captured.messages) EXPECT_NE(m.find("will be removed"), std::string::npos) << m;
}

// An optimizer written against libtorch's interface: only step() is overridden.
struct StatelessOptimizer : optim::Optimizer {
  explicit StatelessOptimizer(std::vector<Tensor> params)
      : Optimizer({optim::OptimizerParamGroup(std::move(params))}, std::make_unique<optim::SGDOptions>(0.1)) {}
  Tensor step(LossClosure = nullptr) override { return {}; }
};

TEST(OptimMoreTest, UserOptimizerWithoutStateCannotLoadState) {
  Tensor p = start();
  StatelessOptimizer opt({p});
  EXPECT_FALSE(opt.step().defined());
  optim::SGD with_state({start()}, optim::SGDOptions(0.1).momentum(0.9));
  with_state.param_groups()[0].params()[0].mutable_grad() = make1d({1.0, 1.0, 1.0}, kFloat64);
  with_state.step();
  EXPECT_THROW_MSG(opt.load_state_dict(with_state.state_dict()), ember::NotImplementedError, "make_param_state");
}

}  // namespace
}  // namespace ember_test
