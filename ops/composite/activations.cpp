// Activation composites (elu, selu, celu, hardtanh, relu6, leaky_relu, softplus, shrinks,
// threshold, glu, log_sigmoid, mish, hardswish, hardsigmoid, rrelu, prelu) and the dropout
// variants. Formulas are PyTorch 1.13's; branches that could overflow are computed on clamped
// inputs, so that where() never mixes an inf (and a NaN gradient) into the branch it keeps.
// In-place forms copy the result into self.
#include <cmath>

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {
Tensor zero_like_scalar(const Tensor& self) { return ember::zeros({}, self.options()); }
// The in-place forms: self overwritten with the out-of-place result f(self). When self takes part
// in autograd, f runs on a copy of self: f's backward may save its input, which the overwrite
// would otherwise invalidate ("modified by an inplace operation" at backward) and turn into a
// reference cycle through self.
template <typename F>
Tensor in_place(const Tensor& self, const F& f) {
  return self.copy_(f(self.requires_grad() ? self.clone() : self));
}
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
}  // namespace

Tensor elu(const Tensor& self, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  const double a = alpha.to_double(), s = scale.to_double(), is = input_scale.to_double();
  Tensor negative = (self.clamp_max(0) * is).expm1() * (a * s);
  return ember::where(self > 0, self * s, negative);
}
Tensor elu_(const Tensor& self, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  return in_place(self, [&](const Tensor& x) { return ember::elu(x, alpha, scale, input_scale); });
}
Tensor selu(const Tensor& self) { return ember::elu(self, kSeluAlpha, kSeluScale, 1); }
Tensor selu_(const Tensor& self) { return in_place(self, [&](const Tensor& x) { return ember::selu(x); }); }
Tensor celu(const Tensor& self, const Scalar& alpha) {
  EMBER_CHECK(alpha.to_double() != 0, ValueError, "[celu] ZeroDivisionError: alpha must not be 0");
  return ember::elu(self, alpha, 1, 1.0 / alpha.to_double());
}
Tensor celu_(const Tensor& self, const Scalar& alpha) {
  return in_place(self, [&](const Tensor& x) { return ember::celu(x, alpha); });
}

Tensor hardtanh(const Tensor& self, const Scalar& min_val, const Scalar& max_val) {
  EMBER_CHECK(min_val.to_double() <= max_val.to_double(), ValueError, "[hardtanh] min_val cannot be greater than max_val");
  return ember::clamp(self, min_val, max_val);
}
Tensor hardtanh_(const Tensor& self, const Scalar& min_val, const Scalar& max_val) {
  return in_place(self, [&](const Tensor& x) { return ember::hardtanh(x, min_val, max_val); });
}
Tensor relu6(const Tensor& self) { return ember::hardtanh(self, 0, 6); }
Tensor relu6_(const Tensor& self) { return in_place(self, [&](const Tensor& x) { return ember::relu6(x); }); }

Tensor leaky_relu(const Tensor& self, const Scalar& negative_slope) {
  return ember::where(self > 0, self, self * negative_slope);
}
Tensor leaky_relu_(const Tensor& self, const Scalar& negative_slope) {
  return in_place(self, [&](const Tensor& x) { return ember::leaky_relu(x, negative_slope); });
}

Tensor softplus(const Tensor& self, const Scalar& beta, const Scalar& threshold) {
  const double b = beta.to_double(), t = threshold.to_double();
  Tensor scaled = self * b;
  Tensor smooth = scaled.clamp_max(t).exp().log1p() / b;
  return ember::where(scaled > t, self, smooth);
}

Tensor softshrink(const Tensor& self, const Scalar& lambd) {
  const double l = lambd.to_double();
  EMBER_CHECK(l >= 0, ValueError, "[softshrink] lambda must be greater or equal to 0, but found to be ", l, ".");
  Tensor zero = zero_like_scalar(self);
  return ember::where(self > l, self - l, ember::where(self < -l, self + l, zero));
}
Tensor hardshrink(const Tensor& self, const Scalar& lambd) {
  const double l = lambd.to_double();
  return ember::where((self >= -l).logical_and(self <= l), zero_like_scalar(self), self);
}

Tensor threshold(const Tensor& self, const Scalar& threshold, const Scalar& value) {
  return ember::where(self > threshold, self, ember::full({}, value, self.options()));
}
Tensor threshold_(const Tensor& self, const Scalar& threshold, const Scalar& value) {
  return in_place(self, [&](const Tensor& x) { return ember::threshold(x, threshold, value); });
}

Tensor glu(const Tensor& self, int64_t dim) {
  EMBER_CHECK(self.dim() > 0, ValueError, "[glu] glu does not support scalars because halving size must be even");
  int64_t d = wrap_dim(dim, self.dim(), "glu");
  int64_t n = self.size(d);
  EMBER_CHECK(n % 2 == 0, ValueError, "[glu] Halving dimension must be even, but dimension ", d, " is size ", n);
  return self.narrow(d, 0, n / 2) * self.narrow(d, n / 2, n / 2).sigmoid();
}

Tensor log_sigmoid(const Tensor& self) { return self.clamp_max(0) - (-self.abs()).exp().log1p(); }

Tensor mish(const Tensor& self) { return self * ember::softplus(self, 1, 20).tanh(); }
Tensor mish_(const Tensor& self) { return in_place(self, [&](const Tensor& x) { return ember::mish(x); }); }
Tensor hardsigmoid(const Tensor& self) { return ember::hardtanh(self + 3, 0, 6) / 6; }
Tensor hardsigmoid_(const Tensor& self) {
  return in_place(self, [&](const Tensor& x) { return ember::hardsigmoid(x); });
}
Tensor hardswish(const Tensor& self) { return self * ember::hardsigmoid(self); }
Tensor hardswish_(const Tensor& self) { return in_place(self, [&](const Tensor& x) { return ember::hardswish(x); }); }

Tensor rrelu(const Tensor& self, const Scalar& lower, const Scalar& upper, bool training,
             const std::optional<Generator>& generator) {
  const double lo = lower.to_double(), hi = upper.to_double();
  EMBER_CHECK(lo <= hi, ValueError, "[rrelu] Lower bound should be less than or equal to the upper bound");
  if (!training) return ember::leaky_relu(self, (lo + hi) / 2);
  Tensor slope = ember::empty_like(self).uniform_(lo, hi, generator);
  return ember::where(self > 0, self, self * slope);
}
Tensor rrelu_(const Tensor& self, const Scalar& lower, const Scalar& upper, bool training,
              const std::optional<Generator>& generator) {
  return in_place(self, [&](const Tensor& x) { return ember::rrelu(x, lower, upper, training, generator); });
}

Tensor prelu(const Tensor& self, const Tensor& weight) {
  const int64_t n = weight.numel();
  Tensor w = weight.reshape({-1});
  if (n != 1) {
    EMBER_CHECK(self.dim() > 0, ValueError, "[prelu] Not allow zero-dim input tensor.");
    const int64_t channels = self.dim() >= 2 ? self.size(1) : 1;
    EMBER_CHECK(n == channels, ValueError,
                "[prelu] Mismatch of parameter numbers and input channel size. Found parameter numbers = ", n,
                " and channel size = ", channels, ".");
    if (self.dim() >= 2) {
      DimVector shape(static_cast<size_t>(self.dim() - 1), 1);
      shape[0] = n;
      w = w.reshape(shape);
    }
  } else {
    w = w.reshape({});
  }
  return ember::where(self > 0, self, self * w);
}

namespace {
// Dropout's noise: Bernoulli(1 - p) per element, or per (sample, channel) for feature dropout.
Tensor dropout_noise(const Tensor& input, double p, bool feature) {
  if (!feature) return ember::empty_like(input).bernoulli_(1 - p, std::nullopt);
  EMBER_CHECK(input.dim() >= 2, ValueError,
              "[feature_dropout] Feature dropout requires at least 2 dimensions in the input");
  DimVector shape(static_cast<size_t>(input.dim()), 1);
  shape[0] = input.size(0);
  shape[1] = input.size(1);
  return ember::empty(shape, input.options()).bernoulli_(1 - p, std::nullopt);
}

Tensor dropout_impl(const Tensor& input, double p, bool train, bool feature, bool alpha, const char* op) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[", op, "] dropout probability has to be between 0 and 1, but got ", p);
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1 && !alpha) return input * ember::zeros({}, input.options());
  Tensor noise = dropout_noise(input, p, feature);
  if (!alpha) return input * (noise / (1 - p));
  constexpr double kAlpha = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((kAlpha * kAlpha * p + 1) * (1 - p));
  Tensor b = (noise - 1) * (kAlpha * a) + kAlpha * a * p;
  return input * (noise * a) + b;
}
}  // namespace

Tensor feature_dropout(const Tensor& input, double p, bool train) {
  return dropout_impl(input, p, train, true, false, "feature_dropout");
}
Tensor alpha_dropout(const Tensor& input, double p, bool train) {
  return dropout_impl(input, p, train, false, true, "alpha_dropout");
}
Tensor feature_alpha_dropout(const Tensor& input, double p, bool train) {
  return dropout_impl(input, p, train, true, true, "feature_alpha_dropout");
}

}  // namespace native
}  // namespace ember
