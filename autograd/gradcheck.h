// gradcheck: compares the gradients autograd computes for a function with central finite
// differences, in float64, as torch.autograd.gradcheck does.
//
//   auto fn = [](const std::vector<Tensor>& x) { return std::vector<Tensor>{(x[0] * x[1]).sin()}; };
//   GradcheckResult r = autograd::gradcheck(fn, {a, b});   // a, b: float64, requires_grad
//   EXPECT_TRUE(r.ok) << r.message;
//
// For every input that requires grad and every floating output, the Jacobian is built twice:
// numerically, column by column, by evaluating fn with one input element moved by +-eps (grad
// mode off), and analytically, row by row, by autograd::grad of one output element. Entries match
// when |analytical - numerical| <= atol + rtol * |numerical|. On failure the message names the
// output, the input and the worst entry (both multi-indices, both values). Inputs must not alias
// each other or themselves (an expanded input moves several elements at once).
//
// gradgradcheck does the same for the function inputs -> gradients (create_graph = true), which
// checks double backward: the derivatives of the derivative formulas.
//
// Cost: one forward pass per input element and one backward pass per output element; meant for
// small tensors. Thread-safe as the ops fn runs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace autograd {

struct GradcheckResult {
  bool ok = true;
  std::string message;      // what failed; empty when ok
  double max_abs_error = 0;  // largest |analytical - numerical| over every compared entry
  int64_t entries_checked = 0;
};

using GradcheckFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
using GradcheckFunction1 = std::function<Tensor(const std::vector<Tensor>&)>;

EMBER_API GradcheckResult gradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps = 1e-6,
                                    double atol = 1e-5, double rtol = 1e-3);
EMBER_API GradcheckResult gradcheck(const GradcheckFunction1& fn, const std::vector<Tensor>& inputs, double eps = 1e-6,
                                    double atol = 1e-5, double rtol = 1e-3);
// As gradcheck, but throws RuntimeError with the message when the check fails.
EMBER_API void gradcheck_or_throw(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps = 1e-6,
                                  double atol = 1e-5, double rtol = 1e-3);

// Second derivatives: gradcheck of (inputs, grad_outputs) -> autograd::grad(fn(inputs), inputs,
// grad_outputs, create_graph = true), with fixed pseudo-random grad_outputs.
EMBER_API GradcheckResult gradgradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps = 1e-6,
                                        double atol = 1e-5, double rtol = 1e-3);

}  // namespace autograd
}  // namespace ember
