// Multi-tensor (foreach) optimizer steps: SGD / Adam / AdamW with foreach(true) go through one
// _fused_sgd_ / _fused_adam_ / _fused_adamw_ call per (device, dtype) and must give what the
// per-parameter path gives (the values PyTorch 1.13 printed for optim_test.cpp's cases, and the
// per-parameter path on many shapes and options); parameters the kernels cannot take (a
// non-contiguous parameter, a loaded state of another layout) fall back to the per-parameter
// path; the fused ops refuse leaves that require grad in grad mode. The ops' values and checks:
// tests/ops/fused_optim_test.cpp.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace optim = ember::optim;

const Tol kTol{1e-9, 1e-9};

Tensor param() { return make1d({1.0, -2.0, 0.5}, kFloat64).requires_grad_(); }
const std::vector<std::vector<double>> kGrads = {{0.1, -0.2, 0.3}, {0.5, 0.5, -0.5}, {-0.3, 0.1, 0.0}};

std::vector<std::vector<double>> run3(optim::Optimizer& opt, const Tensor& p) {
  std::vector<std::vector<double>> out;
  for (int i = 0; i < 3; ++i) {
    p.mutable_grad() = make1d(kGrads[static_cast<size_t>(i)], kFloat64);
    opt.step();
    out.push_back(values(p));
  }
  return out;
}

TEST(ForeachOptim, SgdMatchesPyTorchValues) {
  Tensor q = param();
  optim::SGD momentum({q}, optim::SGDOptions(0.1).momentum(0.9).foreach(true));
  auto s = run3(momentum, q);
  EXPECT_TRUE(all_close(s[0], {0.99, -1.98, 0.47}, kTol));
  EXPECT_TRUE(all_close(s[1], {0.931, -2.012, 0.493}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.9079, -2.0508, 0.5137}, kTol));  // torch
  auto& st = static_cast<optim::SGDParamState&>(*momentum.state().at(q.impl()));
  EXPECT_TRUE(all_close(st.momentum_buffer(), {0.231, 0.388, -0.207}, kTol));
}

TEST(ForeachOptim, AdamAndAdamWMatchPyTorchValues) {
  Tensor p = param();
  optim::Adam adam({p}, optim::AdamOptions(0.1).foreach(true));
  auto s = run3(adam, p);
  EXPECT_TRUE(all_close(s[1], {0.8138953862, -1.9442215302, 0.4293561231}, kTol));  // torch
  EXPECT_TRUE(all_close(s[2], {0.7889425641, -1.989499214, 0.4520484886}, kTol));
  EXPECT_EQ(static_cast<optim::AdamParamState&>(*adam.state().at(p.impl())).step(), 3);

  Tensor q = param();
  optim::Adam ams({q}, optim::AdamOptions(0.1).amsgrad(true).foreach(true));
  s = run3(ams, q);
  EXPECT_TRUE(all_close(s[2], {0.7889425641, -1.989499214, 0.4520371396}, kTol));

  Tensor r = param();
  optim::AdamW adamw({r}, optim::AdamWOptions(0.1).weight_decay(0.5).amsgrad(true).eps(1e-3).foreach(true));
  s = run3(adamw, r);
  EXPECT_TRUE(all_close(s[0], {0.850990099, -1.8004975124, 0.3753322259}, kTol));
  EXPECT_TRUE(all_close(s[2], {0.6615653706, -1.7119843878, 0.3891720495}, kTol));
}

// Parameters of several shapes (one above the CPU plugin's parallel grain, an empty one, a 0-d
// one) in two dtypes, and a non-contiguous one that must take the per-parameter path.
std::vector<Tensor> make_params(uint64_t seed) {
  manual_seed(seed);
  std::vector<Tensor> ps = {ember::randn({4, 3}), ember::randn({300, 200}), ember::randn({0, 5}),
                            ember::randn({}), ember::randn({7}, TensorOptions().dtype(kFloat64)),
                            ember::randn({5, 6}).t()};
  for (Tensor& p : ps) p.requires_grad_();
  return ps;
}

void set_grads(std::vector<Tensor>& ps, int step) {
  manual_seed(1000 + static_cast<uint64_t>(step));
  for (Tensor& p : ps) p.mutable_grad() = ember::randn(p.sizes(), TensorOptions().dtype(p.scalar_type()));
}

template <typename Make>
void expect_same_as_per_parameter(const Make& make, const char* what) {
  SCOPED_TRACE(what);
  std::vector<Tensor> a = make_params(7), b = make_params(7);
  std::unique_ptr<optim::Optimizer> fused = make(a, true), plain = make(b, false);
  for (int step = 0; step < 4; ++step) {
    set_grads(a, step);
    set_grads(b, step);
    const uint32_t version = a[0].impl()->version();
    fused->step();
    plain->step();
    EXPECT_NE(a[0].impl()->version(), version) << "the fused step must bump the parameter's version";
    for (size_t i = 0; i < a.size(); ++i) {
      const double tol = a[i].scalar_type() == kFloat64 ? 1e-12 : 2e-6;
      EXPECT_TRUE(all_close(values(a[i]), values(b[i]), Tol{tol, tol})) << "parameter " << i << " step " << step;
    }
  }
}

TEST(ForeachOptim, SgdSameAsPerParameterPath) {
  struct Case {
    double momentum, dampening, weight_decay;
    bool nesterov, maximize;
  };
  for (const Case& c : {Case{0, 0, 0, false, false}, Case{0, 0, 0.01, false, true}, Case{0.9, 0, 0, false, false},
                        Case{0.9, 0.3, 0.1, false, false}, Case{0.9, 0, 0.01, true, true}}) {
    expect_same_as_per_parameter(
        [&](std::vector<Tensor>& ps, bool foreach) {
          return std::make_unique<optim::SGD>(ps, optim::SGDOptions(0.05)
                                                      .momentum(c.momentum)
                                                      .dampening(c.dampening)
                                                      .weight_decay(c.weight_decay)
                                                      .nesterov(c.nesterov)
                                                      .maximize(c.maximize)
                                                      .foreach(foreach));
        },
        "sgd");
  }
}

TEST(ForeachOptim, AdamSameAsPerParameterPath) {
  for (bool amsgrad : {false, true}) {
    for (double wd : {0.0, 0.1}) {
      expect_same_as_per_parameter(
          [&](std::vector<Tensor>& ps, bool foreach) {
            return std::make_unique<optim::Adam>(
                ps, optim::AdamOptions(0.01).weight_decay(wd).amsgrad(amsgrad).maximize(wd != 0).foreach(foreach));
          },
          "adam");
      expect_same_as_per_parameter(
          [&](std::vector<Tensor>& ps, bool foreach) {
            return std::make_unique<optim::AdamW>(ps, optim::AdamWOptions(0.01).weight_decay(wd).amsgrad(amsgrad).foreach(foreach));
          },
          "adamw");
    }
  }
}

TEST(ForeachOptim, LoadedStateOfAnotherLayoutTakesThePerParameterPath) {
  Tensor p = param(), q = param();
  optim::SGD fused({p}, optim::SGDOptions(0.1).momentum(0.9).foreach(true));
  optim::SGD plain({q}, optim::SGDOptions(0.1).momentum(0.9).foreach(false));
  run3(fused, p);
  run3(plain, q);
  // A momentum buffer that is a strided view (as a loaded state might be): not fusable.
  auto& st = static_cast<optim::SGDParamState&>(*fused.state().at(p.impl()));
  Tensor wide = ember::zeros({6}, TensorOptions().dtype(kFloat64));
  wide.slice(0, 0, 6, 2).copy_(st.momentum_buffer());
  st.momentum_buffer(wide.slice(0, 0, 6, 2));
  p.mutable_grad() = make1d({0.2, 0.2, 0.2}, kFloat64);
  q.mutable_grad() = make1d({0.2, 0.2, 0.2}, kFloat64);
  fused.step();
  plain.step();
  EXPECT_TRUE(all_close(values(p), values(q), kTol));
}

TEST(ForeachOptim, FusedOpRefusesLeavesThatRequireGradUnderGradMode) {
  Tensor p = ember::zeros({3}).requires_grad_();
  std::vector<Tensor> ps = {p}, gs = {ember::ones({3})};
  EXPECT_THROW_MSG(ember::_fused_sgd_(ps, gs, {}, 0, 0, 0.1, 0, false, false, false), RuntimeError,
                   "leaf Variable that requires grad");
  EXPECT_TRUE(all_close(values(p), {0, 0, 0}, Tol{0, 0})) << "a refused call changes nothing";
  // A non-leaf that requires grad is updated, and backward through it raises not-implemented.
  Tensor x = ember::ones({3}).requires_grad_();
  Tensor y = x * 2;
  std::vector<Tensor> ys = {y};
  ember::_fused_sgd_(ys, gs, {}, 0, 0, 0.5, 0, false, false, false);
  EXPECT_TRUE(all_close(values(y), {1.5, 1.5, 1.5}, Tol{1e-7, 1e-7}));
  EXPECT_THROW_MSG(y.sum().backward(), NotImplementedError, "not implemented");
  NoGradGuard no_grad;
  ember::_fused_sgd_(ps, gs, {}, 0, 0, 0.1, 0, false, false, false);
  EXPECT_TRUE(all_close(values(p), {-0.1, -0.1, -0.1}, Tol{1e-7, 1e-7}));
}

}  // namespace
}  // namespace ember_test
