// gradcheck itself: it passes correct gradients and reports wrong ones with the worst entry.
#include "autograd/custom_function.h"
#include "autograd/gradcheck.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

Tensor leaf(const std::vector<double>& v, IntArrayRef sizes) { return make(v, sizes, kFloat64).requires_grad_(); }

TEST(Gradcheck, PassesCorrectGradients) {
  autograd::GradcheckResult r = autograd::gradcheck(
      [](const std::vector<Tensor>& x) { return std::vector<Tensor>{(x[0] * x[1]).sin(), x[0].exp().sum()}; },
      {leaf({0.1, -0.4, 0.7, 1.2}, {2, 2}), leaf({0.3, 0.9}, {2})});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.entries_checked, 4 * 4 + 4 * 1 + 2 * 4 + 2 * 1);
  EXPECT_LT(r.max_abs_error, 1e-7);
}

TEST(Gradcheck, ReportsTheWorstEntryOfAWrongGradient) {
  static bool done = [] {
    Library lib("gradcheck_test");
    lib.def("bad_square(Tensor x) -> Tensor");
    lib.impl("bad_square", "cpu", [](const Tensor& x) { return x * x; });
    // Wrong on purpose: 3x instead of 2x.
    autograd::register_backward("gradcheck_test::bad_square",
                                [](const autograd::BackwardContext& ctx, const std::vector<Tensor>& g) {
                                  return std::vector<Tensor>{g[0] * ctx.input(0) * 3.0};
                                });
    return true;
  }();
  (void)done;
  auto fn = [](const std::vector<Tensor>& x) {
    return std::vector<Tensor>{op<Tensor(const Tensor&)>("gradcheck_test::bad_square").call(x[0])};
  };
  autograd::GradcheckResult r = autograd::gradcheck(fn, {leaf({1, -2, 0.5}, {3})});
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.message.find("Jacobian mismatch for output 0 with respect to input 0 (3 of 9 entries differ)"),
            std::string::npos)
      << r.message;
  // The worst entry is the largest |x|: x = -2, numerical -4, analytical -6.
  EXPECT_NE(r.message.find("worst at output element [1] and input element [1]: numerical -4"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("analytical -6"), std::string::npos) << r.message;
  EXPECT_THROW(autograd::gradcheck_or_throw(fn, {leaf({1, -2, 0.5}, {3})}), RuntimeError);
}

TEST(Gradcheck, RequiresFloat64InputsThatRequireGrad) {
  auto fn = [](const std::vector<Tensor>& x) { return std::vector<Tensor>{x[0] * 2.0}; };
  autograd::GradcheckResult r = autograd::gradcheck(fn, {make1d({1, 2}, kFloat32).requires_grad_()});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("float64"), std::string::npos) << r.message;
  r = autograd::gradcheck(fn, {make1d({1, 2}, kFloat64)});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("no input requires grad"), std::string::npos);
}

TEST(Gradcheck, GradgradcheckChecksSecondDerivatives) {
  autograd::GradcheckResult r = autograd::gradgradcheck(
      [](const std::vector<Tensor>& x) { return std::vector<Tensor>{x[0].pow(3) * x[1]}; },
      {leaf({0.5, -1.5}, {2}), leaf({2, 3}, {2})});
  EXPECT_TRUE(r.ok) << r.message;
}

}  // namespace
}  // namespace ember_test
