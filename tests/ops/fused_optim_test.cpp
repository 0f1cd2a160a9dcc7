// The multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_) against float64
// loops of nn/optim's formulas (PyTorch's), for every floating dtype, several shapes in one call
// (an empty one, a 0-d one, one above the CPU plugin's parallel grain), each option that changes
// the formula; and every check of their meta function (ops/meta/optim.cpp) as a typed error.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("_fused_sgd_", "_fused_adam_", "_fused_adamw_");

const std::vector<std::vector<int64_t>> kShapes = {{2, 3}, {0}, {}, {200, 300}};

// Values in [-2, 2] (positive in [0.1, 2.1] for second moments), rounded to dtype, and the same
// numbers as float64.
struct List {
  std::vector<Tensor> tensors;
  std::vector<std::vector<double>> values;
};
List make_list(ScalarType dtype, int seed, bool positive = false) {
  List l;
  for (size_t k = 0; k < kShapes.size(); ++k) {
    int64_t n = 1;
    for (int64_t s : kShapes[k]) n *= s;
    std::vector<double> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const double u = std::sin(0.37 * static_cast<double>(i + 1) * (seed + 1) + static_cast<double>(k));
      v[static_cast<size_t>(i)] = positive ? 1.1 + u : 2 * u;
    }
    Tensor t = make(v, kShapes[k], kFloat64).to(dtype);
    l.values.push_back(values(t));  // after rounding to dtype
    l.tensors.push_back(t);
  }
  return l;
}

Tol tol_of(ScalarType dtype) {
  Tol t = tol_for(dtype);
  return dtype == kFloat32 ? Tol{1e-5, 1e-5} : t;  // a few float32 roundings per element
}

void expect_list(const List& got, const std::vector<std::vector<double>>& want, ScalarType dtype, const char* what) {
  for (size_t k = 0; k < want.size(); ++k)
    EXPECT_TRUE(all_close(values(got.tensors[k]), want[k], tol_of(dtype))) << what << "[" << k << "] " << dtype;
}

struct SgdCase {
  double momentum, dampening, weight_decay;
  bool nesterov, maximize, first;
};

TEST(FusedOptim, SgdAgainstFloat64) {
  NoGradGuard no_grad;
  const double lr = 0.1;
  for (ScalarType dtype : {kFloat16, kBFloat16, kFloat32, kFloat64}) {
    for (const SgdCase& c : {SgdCase{0, 0, 0, false, false, false}, SgdCase{0, 0, 0.01, false, true, false},
                             SgdCase{0.9, 0, 0, false, false, true}, SgdCase{0.9, 0, 0.1, false, false, false},
                             SgdCase{0.5, 0.25, 0.1, false, true, false}, SgdCase{0.9, 0, 0.01, true, false, true},
                             SgdCase{0.9, 0, 0.01, true, false, false}}) {
      List p = make_list(dtype, 1), g = make_list(dtype, 2), b = make_list(dtype, 3);
      std::vector<std::vector<double>> want_p = p.values, want_b = b.values;
      for (size_t k = 0; k < kShapes.size(); ++k) {
        for (size_t i = 0; i < want_p[k].size(); ++i) {
          double d = g.values[k][i] * (c.maximize ? -1 : 1) + c.weight_decay * p.values[k][i];
          if (c.momentum != 0) {
            double& buf = want_b[k][i];
            buf = c.first ? d : c.momentum * buf + (1 - c.dampening) * d;
            d = c.nesterov ? d + c.momentum * buf : buf;
          }
          want_p[k][i] = p.values[k][i] - lr * d;
        }
      }
      ember::_fused_sgd_(p.tensors, g.tensors, c.momentum != 0 ? b.tensors : std::vector<Tensor>{}, c.weight_decay,
                         c.momentum, lr, c.dampening, c.nesterov, c.maximize, c.first);
      expect_list(p, want_p, dtype, "param");
      expect_list(b, want_b, dtype, "momentum buffer");  // unchanged without momentum
      expect_list(g, g.values, dtype, "grad");
    }
  }
}

TEST(FusedOptim, AdamAndAdamWAgainstFloat64) {
  NoGradGuard no_grad;
  const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  for (ScalarType dtype : {kFloat16, kBFloat16, kFloat32, kFloat64}) {
    for (bool decoupled : {false, true}) {
      for (bool amsgrad : {false, true}) {
        for (double wd : {0.0, 0.1}) {
          const bool maximize = amsgrad && wd != 0;
          List p = make_list(dtype, 1), g = make_list(dtype, 2), m = make_list(dtype, 3),
               v = make_list(dtype, 4, true), vmax = make_list(dtype, 5, true);
          std::vector<int64_t> steps = {1, 2, 10, 1000};
          std::vector<std::vector<double>> wp = p.values, wm = m.values, wv = v.values, wvmax = vmax.values;
          for (size_t k = 0; k < kShapes.size(); ++k) {
            const double step = static_cast<double>(steps[k]);
            const double bc1 = 1 - std::pow(beta1, step), bc2_sqrt = std::sqrt(1 - std::pow(beta2, step));
            for (size_t i = 0; i < wp[k].size(); ++i) {
              double d = g.values[k][i] * (maximize ? -1 : 1), pv = p.values[k][i];
              if (wd != 0) {
                if (decoupled) pv *= 1 - lr * wd;
                else d += wd * pv;
              }
              wm[k][i] = beta1 * wm[k][i] + (1 - beta1) * d;
              wv[k][i] = beta2 * wv[k][i] + (1 - beta2) * d * d;
              double second = wv[k][i];
              if (amsgrad) second = wvmax[k][i] = std::max(wvmax[k][i], wv[k][i]);
              wp[k][i] = pv - lr / bc1 * wm[k][i] / (std::sqrt(second) / bc2_sqrt + eps);
            }
          }
          auto fused = decoupled ? &ember::_fused_adamw_ : &ember::_fused_adam_;
          fused(p.tensors, g.tensors, m.tensors, v.tensors, amsgrad ? vmax.tensors : std::vector<Tensor>{}, steps, lr,
                beta1, beta2, wd, eps, amsgrad, maximize);
          SCOPED_TRACE(std::string(decoupled ? "adamw" : "adam") + (amsgrad ? " amsgrad" : "") + " wd " + std::to_string(wd));
          expect_list(p, wp, dtype, "param");
          expect_list(m, wm, dtype, "exp_avg");
          expect_list(v, wv, dtype, "exp_avg_sq");
          expect_list(vmax, amsgrad ? wvmax : vmax.values, dtype, "max_exp_avg_sq");
        }
      }
    }
  }
}

TEST(FusedOptim, MetaRejectsBadLists) {
  NoGradGuard no_grad;
  auto f32 = [](std::vector<int64_t> s) { return ember::zeros(s); };
  std::vector<Tensor> ps = {f32({2, 3}), f32({4})}, gs = {f32({2, 3}), f32({4})}, bs = {f32({2, 3}), f32({4})};
  auto sgd = [](const std::vector<Tensor>& p, const std::vector<Tensor>& g, const std::vector<Tensor>& b) {
    ember::_fused_sgd_(p, g, b, 0, 0.9, 0.1, 0, false, false, false);
  };
  EXPECT_THROW_MSG(sgd({}, {}, {}), ValueError, "non-empty list of parameters");
  EXPECT_THROW_MSG(sgd(ps, {gs[0]}, bs), ValueError, "expected 2 tensors in grads");
  EXPECT_THROW_MSG(sgd(ps, gs, {}), ValueError, "expected 2 tensors in momentum_buffer_list");
  EXPECT_THROW_MSG(sgd(ps, {gs[0], f32({5})}, bs), ValueError, "grads[1] has shape [5] but its parameter has shape [4]");
  EXPECT_THROW_MSG(sgd(ps, {gs[0], ember::zeros({4}, TensorOptions().dtype(kFloat64))}, bs), TypeError,
                   "expected all tensors of dtype");
  EXPECT_THROW_MSG(sgd({ember::zeros({2}, TensorOptions().dtype(kInt64))}, {f32({2})}, {f32({2})}), TypeError,
                   "floating-point parameters");
  EXPECT_THROW_MSG(sgd({f32({3, 2}).t(), ps[1]}, gs, bs), ValueError, "self[0] is not contiguous");
  EXPECT_THROW_MSG(sgd({ps[0], Tensor()}, gs, bs), ValueError, "self[1] is undefined");
  EXPECT_THROW_MSG(sgd(ps, gs, {bs[0], ps[1]}), ValueError, "share memory");
  EXPECT_THROW_MSG(sgd({ps[0], ps[0]}, {gs[0], gs[0]}, {bs[0], f32({2, 3})}), ValueError, "share memory");
  Tensor flat = f32({10});  // parameters that are disjoint views of one storage are fine
  ember::_fused_sgd_({flat.slice(0, 0, 4), flat.slice(0, 4, 10)}, {f32({4}), f32({6})}, {}, 0, 0, 0.1, 0, false, false,
                     false);
  ember::_fused_sgd_(ps, gs, {}, 0, 0, 0.1, 0, false, false, false);  // no momentum: buffers may be absent

  std::vector<Tensor> m = {f32({2, 3}), f32({4})}, v = {f32({2, 3}), f32({4})};
  auto adam = [&](std::vector<int64_t> steps, double beta1) {
    ember::_fused_adam_(ps, gs, m, v, {}, steps, 0.1, beta1, 0.999, 0, 1e-8, false, false);
  };
  EXPECT_THROW_MSG(adam({1}, 0.9), ValueError, "expected 2 state_steps");
  EXPECT_THROW_MSG(adam({1, 0}, 0.9), ValueError, "state_steps[1] is 0");
  EXPECT_THROW_MSG(adam({1, 1}, 1.0), ValueError, "betas must be in [0, 1)");
  EXPECT_THROW_MSG(ember::_fused_adamw_(ps, gs, m, v, {}, {1, 1}, 0.1, 0.9, 0.999, 0, 1e-8, true, false), ValueError,
                   "expected 2 tensors in max_exp_avg_sqs");
  EXPECT_THROW_MSG(ember::_fused_adam_(ps, gs, {m[0]}, v, {}, {1, 1}, 0.1, 0.9, 0.999, 0, 1e-8, false, false),
                   ValueError, "expected 2 tensors in exp_avgs");
  EXPECT_THROW_MSG(ember::_fused_adam_(ps, gs, m, {v[0], ps[1]}, {}, {1, 1}, 0.1, 0.9, 0.999, 0, 1e-8, false, false),
                   ValueError, "share memory");
  // Nothing changed by a refused call.
  EXPECT_TRUE(all_close(values(ps[0]), std::vector<double>(6, 0.0), Tol{0, 0}));
}

}  // namespace
}  // namespace ember_test
