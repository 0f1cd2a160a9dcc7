// Derivative helpers of the neural-network ops (see nn_functions.h). The batch-norm and
// layer-norm formulas are the partial derivatives of
//   grad_input  = s * (h - sum(h) / M - xc * s^2 * sum(h * xc) / M)   (train / layer norm)
//               = s * h                                                (batch norm eval)
//   grad_weight = sum(grad * xc * s),  grad_bias = sum(grad)
// with xc = input - mean, s the inverse standard deviation, h = grad * weight (batch norm:
// weight multiplies the whole of grad_input), sums per channel (batch norm, over all dims but 1)
// or per row (layer norm, over the normalized dims), and mean and s independent inputs.
#include "autograd/nn_functions.h"

#include <cmath>

#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace autograd {

namespace {

// a + b where an undefined tensor is zero.
Tensor add_defined(const Tensor& a, const Tensor& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return a + b;
}

// grads[i] when the output it belongs to exists and received a gradient.
Tensor grad_of(const std::vector<Tensor>& grads, size_t i, const std::vector<bool>& output_mask) {
  if (i >= grads.size() || !grads[i].defined()) return Tensor();
  if (i < output_mask.size() && !output_mask[i]) return Tensor();
  return grads[i];
}

}  // namespace

// ---- activations and softmax -------------------------------------------------------------------

Tensor silu_double_backward(const Tensor& grad, const Tensor& grad_output, const Tensor& self) {
  const Tensor s = self.sigmoid();
  return grad * grad_output * s * (1 - s) * (2 + self * (1 - 2 * s));
}

Tensor gelu_double_backward(const Tensor& grad, const Tensor& grad_output, const Tensor& self,
                            const std::string& approximate) {
  if (approximate == "tanh") {
    // f = 0.5 (1 + t) + 0.5 x (1 - t^2) u' with t = tanh(u), u = beta (x + kappa x^3):
    // f' = (1 - t^2) (u' + 0.5 x (u'' - 2 t u'^2)).
    const double beta = M_SQRT2 * M_2_SQRTPI * 0.5, kappa = 0.044715;
    const Tensor x_sq = self * self;
    const Tensor t = ((self + x_sq * self * kappa) * beta).tanh();
    const Tensor du = (x_sq * (3 * kappa) + 1) * beta;
    const Tensor d2u = self * (6 * beta * kappa);
    return grad * grad_output * (1 - t * t) * (du + self * 0.5 * (d2u - t * du * du * 2));
  }
  // f = Phi(x) + x phi(x): f' = phi(x) (2 - x^2).
  const double inv_sqrt_2pi = 0.5 * M_2_SQRTPI * M_SQRT1_2;
  const Tensor pdf = (self * self * -0.5).exp() * inv_sqrt_2pi;
  return grad * grad_output * pdf * (2 - self * self);
}

Tensor softmax_double_backward(const Tensor& grad, const Tensor& grad_output, int64_t dim, const Tensor& output) {
  return grad * (grad_output - (grad_output * output).sum({dim}, true)) - grad_output * (grad * output).sum({dim}, true);
}

Tensor log_softmax_double_backward(const Tensor& grad, const Tensor& grad_output, int64_t dim, const Tensor& output) {
  return -grad * output.exp() * grad_output.sum({dim}, true);
}

Tensor log_softmax_double_backward_grad_output(const Tensor& grad, int64_t dim, const Tensor& output) {
  return grad - (grad * output.exp()).sum({dim}, true);
}

// ---- pooling -----------------------------------------------------------------------------------

Tensor max_pool2d_double_backward(const Tensor& grad, const Tensor& indices) {
  return grad.flatten(-2).gather(-1, indices.flatten(-2)).view(indices.sizes());
}

Tensor adaptive_avg_pool2d_double_backward(const Tensor& grad, IntArrayRef grad_output_sizes) {
  const size_t n = grad_output_sizes.size();
  const int64_t size[2] = {grad_output_sizes[n - 2], grad_output_sizes[n - 1]};
  return ember::_adaptive_avg_pool2d(grad, IntArrayRef(size, 2));
}

// ---- losses ------------------------------------------------------------------------------------

Tensor nll_loss_double_backward(const Tensor& grad, const Tensor& target, const std::optional<Tensor>& weight,
                                int64_t reduction, int64_t ignore_index, const Tensor& total_weight) {
  constexpr int64_t kMean = 1, kSum = 2;
  if (reduction != kMean) return std::get<0>(ember::nll_loss_forward(grad, target, weight, reduction, ignore_index));
  return std::get<0>(ember::nll_loss_forward(grad, target, weight, kSum, ignore_index)) / total_weight.reshape({});
}

// ---- convolution -------------------------------------------------------------------------------
// grad_input is linear in (grad_output, weight), grad_weight in (grad_output, input), grad_bias in
// grad_output: each derivative is a convolution or a convolution_backward of the other factor.

Tensor convolution_backward_grad_grad_output(const std::vector<Tensor>& grads, const Tensor& grad_output,
                                             const Tensor& input, const Tensor& weight, IntArrayRef stride,
                                             IntArrayRef padding, IntArrayRef dilation, bool transposed,
                                             IntArrayRef output_padding, int64_t groups,
                                             const std::vector<bool>& output_mask) {
  Tensor result;
  if (Tensor gg_input = grad_of(grads, 0, output_mask); gg_input.defined())
    result = ember::convolution(gg_input, weight, std::nullopt, stride, padding, dilation, transposed, output_padding, groups);
  if (Tensor gg_weight = grad_of(grads, 1, output_mask); gg_weight.defined())
    result = add_defined(result, ember::convolution(input, gg_weight, std::nullopt, stride, padding, dilation, transposed,
                                                    output_padding, groups));
  if (Tensor gg_bias = grad_of(grads, 2, output_mask); gg_bias.defined()) {
    DimVector shape(static_cast<size_t>(grad_output.dim()), 1);
    shape[grad_output.dim() == 4 ? 1 : 0] = gg_bias.numel();
    const Tensor bias_term = gg_bias.reshape(shape);
    result = result.defined() ? result + bias_term : ember::zeros_like(grad_output) + bias_term;
  }
  return result;
}

Tensor convolution_backward_grad_input(const std::vector<Tensor>& grads, const Tensor& grad_output, const Tensor& input,
                                       const Tensor& /*weight*/, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                                       bool transposed, IntArrayRef output_padding, int64_t groups,
                                       const std::vector<bool>& output_mask) {
  Tensor gg_weight = grad_of(grads, 1, output_mask);
  if (!gg_weight.defined()) return Tensor();
  return std::get<0>(ember::convolution_backward(grad_output, input, gg_weight, std::nullopt, stride, padding, dilation,
                                                 transposed, output_padding, groups, {true, false, false}));
}

Tensor convolution_backward_grad_weight(const std::vector<Tensor>& grads, const Tensor& grad_output, const Tensor& /*input*/,
                                        const Tensor& weight, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                                        bool transposed, IntArrayRef output_padding, int64_t groups,
                                        const std::vector<bool>& output_mask) {
  Tensor gg_input = grad_of(grads, 0, output_mask);
  if (!gg_input.defined()) return Tensor();
  return std::get<1>(ember::convolution_backward(grad_output, gg_input, weight, std::nullopt, stride, padding, dilation,
                                                 transposed, output_padding, groups, {false, true, false}));
}

// ---- batch norm --------------------------------------------------------------------------------

namespace {

// [C] -> [1, C, 1, ...] to broadcast along input's channel dim.
Tensor per_channel(const Tensor& v, const Tensor& input) {
  DimVector shape(static_cast<size_t>(input.dim()), 1);
  shape[1] = input.size(1);
  return v.reshape(shape);
}

// Sum over every dim but the channel dim, kept as size-1 dims.
Tensor channel_sum(const Tensor& t) {
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != 1) dims.push_back(d);
  return t.sum(dims, true);
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> batch_norm_backward_with_stats(
    const Tensor& grad, const Tensor& grad_mean, const Tensor& grad_invstd, const Tensor& input,
    const std::optional<Tensor>& weight, const std::optional<Tensor>& running_mean,
    const std::optional<Tensor>& running_var, const Tensor& save_mean, const Tensor& save_invstd, bool training,
    double eps, const std::vector<bool>& grad_input_mask) {
  const bool want_input = grad_input_mask.at(0);
  Tensor gi, gw, gb;
  if (grad.defined())
    std::tie(gi, gw, gb) = ember::native_batch_norm_backward(grad, input, weight, running_mean, running_var, save_mean,
                                                             save_invstd, training, eps,
                                                             {want_input, grad_input_mask.at(1), grad_input_mask.at(2)});
  if (!training || !want_input) return {gi, gw, gb};
  const int64_t channels = input.size(1);
  const double count = static_cast<double>(input.numel() / std::max<int64_t>(channels, 1));
  // save_mean = mean(input): d/d input = 1 / count.
  if (grad_mean.defined() && grad_mean.numel() == channels) {
    const Tensor term = per_channel(grad_mean, input) / count;
    gi = gi.defined() ? gi + term : ember::zeros_like(input) + term;
  }
  // save_invstd = (var + eps)^(-1/2): d/d input = -invstd^3 (input - mean) / count.
  if (grad_invstd.defined() && grad_invstd.numel() == channels) {
    const Tensor s = per_channel(save_invstd, input);
    const Tensor centered = input - per_channel(save_mean, input);
    gi = add_defined(gi, per_channel(grad_invstd, input) * s * s * s * centered * (-1.0 / count));
  }
  return {gi, gw, gb};
}

Tensor batch_norm_double_backward(const std::string& wrt, const std::vector<Tensor>& grads, const Tensor& grad_out,
                                  const Tensor& input, const std::optional<Tensor>& weight,
                                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var,
                                  const std::optional<Tensor>& save_mean, const std::optional<Tensor>& save_invstd,
                                  bool train, double eps, const std::vector<bool>& output_mask) {
  if (!train && (wrt == "save_mean" || wrt == "save_invstd")) return Tensor();
  const Tensor gi = grad_of(grads, 0, output_mask);
  const Tensor gw = grad_of(grads, 1, output_mask).defined() ? per_channel(grads[1], input) : Tensor();
  const Tensor gb = grad_of(grads, 2, output_mask).defined() ? per_channel(grads[2], input) : Tensor();
  const double count = static_cast<double>(input.numel() / std::max<int64_t>(input.size(1), 1));
  const Tensor mean = per_channel(train ? *save_mean : *running_mean, input);
  const Tensor s = train ? per_channel(*save_invstd, input) : per_channel((*running_var + eps).rsqrt(), input);
  const Tensor w = weight && weight->defined() ? per_channel(*weight, input) : Tensor();
  auto times_w = [&](const Tensor& t) { return w.defined() ? t * w : t; };
  const Tensor& g = grad_out;
  const Tensor xc = input - mean;
  auto sum_a = [&] { return channel_sum(g); };
  auto sum_b = [&] { return channel_sum(g * xc); };

  if (wrt == "grad_out") {
    Tensor result;
    if (gi.defined())
      result = train ? times_w(s * (gi - channel_sum(gi) / count - xc * s * s * channel_sum(gi * xc) / count))
                     : times_w(s * gi);
    if (gw.defined()) result = add_defined(result, gw * xc * s);
    if (gb.defined()) result = result.defined() ? result + gb : ember::zeros_like(input) + gb;
    return result;
  }
  if (wrt == "input") {
    Tensor result;
    if (gi.defined() && train) result = times_w((gi * sum_b() + g * channel_sum(gi * xc)) * s * s * s * (-1.0 / count));
    if (gw.defined()) result = add_defined(result, gw * s * g);
    return result;
  }
  if (wrt == "weight") {
    if (!w.defined() || !gi.defined()) return Tensor();
    const Tensor v = train ? channel_sum(gi * s * (g - sum_a() / count - xc * s * s * sum_b() / count)) : channel_sum(gi * s * g);
    return v.reshape(weight->sizes());
  }
  if (wrt == "save_mean") {
    Tensor result;
    if (gi.defined()) result = times_w((sum_b() * channel_sum(gi) + sum_a() * channel_sum(gi * xc)) * s * s * s / count);
    if (gw.defined()) result = add_defined(result, -(gw * s * sum_a()));
    return result.defined() ? result.reshape(save_mean->sizes()) : result;
  }
  if (wrt == "save_invstd") {
    Tensor result;
    if (gi.defined())
      result = times_w(channel_sum(gi * g) - sum_a() * channel_sum(gi) / count -
                       s * s * sum_b() * channel_sum(gi * xc) * (3.0 / count));
    if (gw.defined()) result = add_defined(result, gw * sum_b());
    return result.defined() ? result.reshape(save_invstd->sizes()) : result;
  }
  EMBER_FAIL(InternalError, "batch_norm_double_backward: no input '", wrt, "'");
}

// ---- layer norm --------------------------------------------------------------------------------

namespace {

struct LayerNormGeometry {
  int64_t axis;          // first normalized dim
  double count;          // elements per row
  DimVector stat_shape;  // input's shape with the normalized dims 1
  std::vector<int64_t> row_dims, leading_dims;
};

LayerNormGeometry layer_norm_geometry(const Tensor& input, IntArrayRef normalized_shape) {
  LayerNormGeometry g;
  g.axis = input.dim() - static_cast<int64_t>(normalized_shape.size());
  g.count = 1;
  g.stat_shape = DimVector(input.sizes());
  for (int64_t d = 0; d < input.dim(); ++d) {
    if (d >= g.axis) {
      g.count *= static_cast<double>(input.size(d));
      g.stat_shape[static_cast<size_t>(d)] = 1;
      g.row_dims.push_back(d);
    } else {
      g.leading_dims.push_back(d);
    }
  }
  return g;
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> layer_norm_backward_with_stats(
    const Tensor& grad, const Tensor& grad_mean, const Tensor& grad_rstd, const Tensor& input,
    IntArrayRef normalized_shape, const Tensor& mean, const Tensor& rstd, const std::optional<Tensor>& weight,
    const std::optional<Tensor>& bias, const std::vector<bool>& grad_input_mask) {
  const bool want_input = grad_input_mask.at(0);
  Tensor gi, gw, gb;
  if (grad.defined())
    std::tie(gi, gw, gb) = ember::native_layer_norm_backward(grad, input, normalized_shape, mean, rstd, weight, bias,
                                                             {want_input, grad_input_mask.at(1), grad_input_mask.at(2)});
  if (!want_input) return {gi, gw, gb};
  const LayerNormGeometry geo = layer_norm_geometry(input, normalized_shape);
  if (grad_mean.defined() && grad_mean.numel() == mean.numel()) {
    const Tensor term = grad_mean.reshape(geo.stat_shape) / geo.count;
    gi = gi.defined() ? gi + term : ember::zeros_like(input) + term;
  }
  if (grad_rstd.defined() && grad_rstd.numel() == rstd.numel()) {
    const Tensor s = rstd.reshape(geo.stat_shape);
    const Tensor centered = input - mean.reshape(geo.stat_shape);
    gi = add_defined(gi, grad_rstd.reshape(geo.stat_shape) * s * s * s * centered * (-1.0 / geo.count));
  }
  return {gi, gw, gb};
}

Tensor layer_norm_double_backward(const std::string& wrt, const std::vector<Tensor>& grads, const Tensor& grad_out,
                                  const Tensor& input, IntArrayRef normalized_shape, const Tensor& mean, const Tensor& rstd,
                                  const std::optional<Tensor>& weight, const std::vector<bool>& output_mask) {
  const LayerNormGeometry geo = layer_norm_geometry(input, normalized_shape);
  auto row_sum = [&](const Tensor& t) { return t.sum(geo.row_dims, true); };
  auto column_sum = [&](const Tensor& t) { return geo.leading_dims.empty() ? t : t.sum(geo.leading_dims, false); };
  const Tensor gi = grad_of(grads, 0, output_mask);
  const Tensor gw = grad_of(grads, 1, output_mask);
  const Tensor gb = grad_of(grads, 2, output_mask);
  const double n = geo.count;
  const Tensor s = rstd.reshape(geo.stat_shape);
  const Tensor xc = input - mean.reshape(geo.stat_shape);
  const Tensor& g = grad_out;
  const bool affine = weight && weight->defined();
  const Tensor h = affine ? g * *weight : g;
  // d(grad_input)/dh transposed, applied to gi.
  auto transposed_gi = [&] { return s * (gi - row_sum(gi) / n) - s * s * s * xc * row_sum(gi * xc) / n; };

  if (wrt == "grad_out") {
    Tensor result;
    if (gi.defined()) result = affine ? transposed_gi() * *weight : transposed_gi();
    if (gw.defined()) result = add_defined(result, gw * xc * s);
    if (gb.defined()) result = result.defined() ? result + gb : ember::zeros_like(input) + gb;
    return result;
  }
  if (wrt == "input") {
    Tensor result;
    if (gi.defined()) result = (gi * row_sum(h * xc) + h * row_sum(gi * xc)) * s * s * s * (-1.0 / n);
    if (gw.defined()) result = add_defined(result, gw * g * s);
    return result;
  }
  if (wrt == "weight") {
    if (!affine || !gi.defined()) return Tensor();
    return column_sum(g * transposed_gi()).reshape(weight->sizes());
  }
  if (wrt == "mean") {
    Tensor result;
    if (gi.defined()) result = (row_sum(h * xc) * row_sum(gi) + row_sum(h) * row_sum(gi * xc)) * s * s * s / n;
    if (gw.defined()) result = add_defined(result, -(s * row_sum(gw * g)));
    return result.defined() ? result.reshape(mean.sizes()) : result;
  }
  if (wrt == "rstd") {
    Tensor result;
    if (gi.defined())
      result = row_sum(gi * h) - row_sum(h) * row_sum(gi) / n - s * s * row_sum(h * xc) * row_sum(gi * xc) * (3.0 / n);
    if (gw.defined()) result = add_defined(result, row_sum(gw * g * xc));
    return result.defined() ? result.reshape(rstd.sizes()) : result;
  }
  EMBER_FAIL(InternalError, "layer_norm_double_backward: no input '", wrt, "'");
}

namespace {
// The forward reshapes a target whose sizes differ only in size-1 dims to self's sizes.
Tensor bce_scale(Tensor g, const Tensor& self, const std::optional<Tensor>& weight, int64_t reduction) {
  if (weight && weight->defined()) g = g * *weight;
  if (reduction == 1) g = g / static_cast<double>(self.numel());
  return g;
}
}  // namespace

Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                     const std::optional<Tensor>& weight, int64_t reduction) {
  Tensor t = target.sizes() == self.sizes() ? target : target.reshape(self.sizes());
  // PyTorch's EPSILON is the float 1e-12f, widened.
  Tensor g = (self - t) / ((1 - self) * self).clamp_min(static_cast<double>(1e-12f));
  return bce_scale(g, self, weight, reduction) * grad;
}

Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                            const std::optional<Tensor>& weight, int64_t reduction) {
  Tensor g = (1 - self).log() - self.log();  // -logit(self), unclamped as PyTorch's
  return (bce_scale(g, self, weight, reduction) * grad).reshape(target.sizes());
}

}  // namespace autograd
}  // namespace ember
