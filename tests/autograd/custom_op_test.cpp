// Custom operators and autograd: a C++ backward registered with register_backward, an op that is
// differentiable because its only kernel is Composite, and an op without either.
#include <cmath>

#include "autograd/custom_function.h"
#include "autograd/gradcheck.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using autograd::BackwardContext;

Tensor leaf(const std::vector<double>& v) { return make1d(v, kFloat64).requires_grad_(); }

// scaled_tanh(x, s) = tanh(x) * s, d/dx = s * (1 - tanh^2) = s - y^2 / s.
void define_scaled_tanh() {
  static bool done = [] {
    Library lib("myops");
    lib.def("scaled_tanh(Tensor x, float scale) -> Tensor");
    lib.impl("scaled_tanh", "cpu", [](const Tensor& x, double s) { return ember::tanh(x) * s; });
    autograd::register_backward("myops::scaled_tanh",
                                [](const BackwardContext& ctx, const std::vector<Tensor>& grads) -> std::vector<Tensor> {
                                  double s = ctx.argument(1).to_double();
                                  Tensor y = ctx.output(0);
                                  return {grads[0] * (s - y * y / s)};
                                });
    return true;
  }();
  (void)done;
}

Tensor scaled_tanh(const Tensor& x, double s) {
  return op<Tensor(const Tensor&, double)>("myops::scaled_tanh").call(x, s);
}

TEST(CustomOpAutograd, CppBackwardFunction) {
  define_scaled_tanh();
  Tensor x = leaf({-1.0, 0.25, 2.0});
  Tensor y = scaled_tanh(x, 3.0);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "ScaledTanhBackward0");
  y.sum().backward();
  std::vector<double> want;
  for (double v : {-1.0, 0.25, 2.0}) want.push_back(3.0 * (1 - std::tanh(v) * std::tanh(v)));
  EXPECT_TRUE(all_close(x.grad(), want, {1e-12, 1e-12}));
  autograd::GradcheckResult r = autograd::gradcheck(
      [](const std::vector<Tensor>& in) { return scaled_tanh(in[0], 0.5); }, {leaf({-0.7, 0.1, 1.3})});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.entries_checked, 9);
}

TEST(CustomOpAutograd, BackwardSeesVersionCheckedTensors) {
  define_scaled_tanh();
  Tensor x = leaf({0.5, 1.0});
  Tensor y = scaled_tanh(x * 1.0, 2.0);
  Tensor z = y * 1.0;
  y.add_(1.0);  // the saved output
  EXPECT_THROW(z.sum().backward(), RuntimeError);
  // No grad mode: nothing recorded.
  NoGradGuard no_grad;
  EXPECT_FALSE(scaled_tanh(x, 2.0).requires_grad());
}

TEST(CustomOpAutograd, SeveralTensorArgumentsAndOptionalOnes) {
  static bool done = [] {
    Library lib("myops_affine");
    lib.def("affine(Tensor x, Tensor w, Tensor? b, float k) -> Tensor");
    lib.impl("affine", "cpu", [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b, double k) {
      Tensor r = x * w * k;
      return b ? r + *b : r;
    });
    // One gradient per argument this time (the entry for k is ignored).
    autograd::register_backward(
        "myops_affine::affine", [](const BackwardContext& ctx, const std::vector<Tensor>& g) -> std::vector<Tensor> {
          double k = ctx.argument(3).to_double();
          Tensor gx = ctx.needs_input_grad(0) ? g[0] * ctx.input(1) * k : Tensor();
          Tensor gw = ctx.needs_input_grad(1) ? g[0] * ctx.input(0) * k : Tensor();
          Tensor gb = ctx.input(2).defined() ? g[0] : Tensor();
          return {gx, gw, gb, Tensor()};
        });
    return true;
  }();
  (void)done;
  auto affine = [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b) {
    return op<Tensor(const Tensor&, const Tensor&, const std::optional<Tensor>&, double)>("myops_affine::affine")
        .call(x, w, b, 2.0);
  };
  autograd::GradcheckResult r = autograd::gradcheck(
      [&](const std::vector<Tensor>& in) { return affine(in[0], in[1], in[2]); },
      {leaf({1, 2, 3}), leaf({0.5, -1, 2}), leaf({0.1, 0.2, 0.3})});
  EXPECT_TRUE(r.ok) << r.message;
  r = autograd::gradcheck([&](const std::vector<Tensor>& in) { return affine(in[0], in[1], std::nullopt); },
                          {leaf({1, 2}), make1d({3, 4}, kFloat64)});  // w needs no gradient
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(CustomOpAutograd, CompositeOpsAreDifferentiableThroughTheirDecomposition) {
  static bool done = [] {
    Library lib("myops_composite");
    lib.def("softplus(Tensor x, float beta) -> Tensor");
    lib.impl("softplus", "Composite",
             [](const Tensor& x, double beta) { return ember::log(ember::exp(x * beta) + 1.0) / beta; });
    return true;
  }();
  (void)done;
  auto softplus = [](const Tensor& x) {
    return op<Tensor(const Tensor&, double)>("myops_composite::softplus").call(x, 2.0);
  };
  Tensor x = leaf({-1, 0, 1.5});
  Tensor y = softplus(x);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "DivBackward0");  // the last op of the decomposition
  autograd::GradcheckResult r = autograd::gradcheck([&](const std::vector<Tensor>& in) { return softplus(in[0]); },
                                                    {leaf({-1, 0, 1.5})});
  EXPECT_TRUE(r.ok) << r.message;
  r = autograd::gradgradcheck(
      [&](const std::vector<Tensor>& in) { return std::vector<Tensor>{softplus(in[0])}; }, {leaf({-1, 0.5})});
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(CustomOpAutograd, OpsWithoutABackwardFailOnlyInBackward) {
  static bool done = [] {
    Library lib("myops_nograd");
    lib.def("twice(Tensor x) -> Tensor");
    lib.impl("twice", "cpu", [](const Tensor& x) { return x * 2.0; });
    lib.def("positive(Tensor x) -> Tensor");
    lib.impl("positive", "cpu", [](const Tensor& x) { return x > 0.0; });
    return true;
  }();
  (void)done;
  Tensor x = leaf({-1, 2});
  Tensor y = op<Tensor(const Tensor&)>("myops_nograd::twice").call(x);
  EXPECT_TRUE(all_close(y, {-2, 4}));
  ASSERT_TRUE(y.requires_grad());
  EXPECT_EQ(y.grad_fn()->name(), "NotImplemented");
  try {
    y.sum().backward();
    ADD_FAILURE() << "backward did not throw";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("the derivative for 'myops_nograd::twice' is not implemented."),
              std::string::npos)
        << e.what();
  }
  Tensor m = op<Tensor(const Tensor&)>("myops_nograd::positive").call(x);
  EXPECT_FALSE(m.requires_grad());  // bool results are not differentiable
}

TEST(CustomOpAutograd, RegisterBackwardRejectsWhatItCannotSupport) {
  Library lib("myops_reject");
  lib.def("scale_(Tensor(a!) self, float s) -> Tensor(a!)");
  EXPECT_THROW(autograd::register_backward("myops_reject::scale_",
                                           [](const BackwardContext&, const std::vector<Tensor>& g) { return g; }),
               ValueError);
  EXPECT_THROW(autograd::register_backward("myops_reject::missing",
                                           [](const BackwardContext&, const std::vector<Tensor>& g) { return g; }),
               ValueError);
}

}  // namespace
}  // namespace ember_test
