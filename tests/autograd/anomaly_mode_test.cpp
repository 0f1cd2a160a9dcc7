// Anomaly detection (autograd/anomaly_mode.h), as libtorch's DetectAnomalyGuard: a failing
// backward warns with the traceback of the forward call that created the node (and of the node
// that induced it, for double backward) before the error propagates; check_nan turns NaN gradients
// into errors naming the node; guards nest and restore the mode.
#include "support/captured_warnings.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
using namespace ember::autograd;

// grad of grad of x^1.5 at 0 with a zero grad_output: 0 * inf, NaN, in a node the first backward
// created.
void second_derivative_with_nan() {
  Tensor x = make1d({0.0}, kFloat64).requires_grad_(true);
  Tensor y = x.pow(1.5);
  auto g = grad({y}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true);
  grad({g[0]}, {x}, {make1d({0.0}, kFloat64)});
}

TEST(AnomalyMode, ABackwardErrorWarnsWithTheForwardTraceback) {
  DetectAnomalyGuard detect;
  EXPECT_TRUE(AnomalyMode::is_enabled());
  CapturedWarnings warnings;
  WarningHandlerGuard guard(&warnings);
  Tensor x = make1d({5.0}).requires_grad_(true);
  Tensor y = x * x;
  Tensor z = y * y;
  y.add_(1.0);
  EXPECT_THROW_MSG(z.backward(), RuntimeError, "modified by an inplace operation");
  ASSERT_EQ(warnings.messages.size(), 1u);
  EXPECT_NE(warnings.messages[0].find("Error detected in MulBackward0. Traceback of forward call that caused the error:"),
            std::string::npos);
  EXPECT_NE(warnings.messages[0].find("frame #0"), std::string::npos);
}

TEST(AnomalyMode, NanInDoubleBackwardNamesTheNodeAndTheOneThatInducedIt) {
  DetectAnomalyGuard detect;
  CapturedWarnings warnings;
  WarningHandlerGuard guard(&warnings);
  EXPECT_THROW_MSG(second_derivative_with_nan(), RuntimeError, "returned nan values in its 0th output.");
  ASSERT_EQ(warnings.messages.size(), 2u);
  EXPECT_NE(warnings.messages[0].find("Traceback of forward call that caused the error"), std::string::npos);
  EXPECT_NE(warnings.messages[1].find("Previous calculation was induced by PowBackward0. Traceback of forward call "
                                      "that induced the previous calculation"),
            std::string::npos);
}

TEST(AnomalyMode, GuardsNestAndRestore) {
  EXPECT_FALSE(AnomalyMode::is_enabled());
  second_derivative_with_nan();  // NaN is not checked outside anomaly mode
  {
    DetectAnomalyGuard no_nan_check(/*check_nan=*/false);
    EXPECT_TRUE(AnomalyMode::is_enabled());
    EXPECT_FALSE(AnomalyMode::should_check_nan());
    second_derivative_with_nan();
    {
      DetectAnomalyGuard nan_check(/*check_nan=*/true);
      EXPECT_THROW_MSG(second_derivative_with_nan(), RuntimeError, "returned nan values");
    }
    EXPECT_FALSE(AnomalyMode::should_check_nan());
    second_derivative_with_nan();
  }
  EXPECT_FALSE(AnomalyMode::is_enabled());
  // Nodes made outside the mode carry nothing.
  Tensor x = make1d({1.0}).requires_grad_(true);
  EXPECT_TRUE((x * 2.0).grad_fn()->anomaly_metadata() == nullptr);
}

}  // namespace
}  // namespace ember_test
