// Loss composites: nll_loss (any number of trailing dims), cross_entropy_loss (class indices or
// probabilities, label smoothing), mse_loss and binary_cross_entropy_with_logits, written as
// PyTorch 1.13 writes them, so that values, reductions and edge cases (ignored targets, an empty
// batch) match. They differentiate through their decomposition; nll_loss_forward has its own
// derivative (nll_loss_backward).
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {

constexpr int64_t kReductionNone = 0, kReductionMean = 1, kReductionSum = 2;

void check_reduction(int64_t reduction, const char* op) {
  EMBER_CHECK(reduction >= kReductionNone && reduction <= kReductionSum, ValueError, "[", op, "] ", reduction,
              " is not a valid value for reduction (0: none, 1: mean, 2: sum)");
}

Tensor apply_reduction(const Tensor& loss, int64_t reduction) {
  if (reduction == kReductionMean) return loss.mean();
  if (reduction == kReductionSum) return loss.sum();
  return loss;
}

// [N, C, d1, ..., dk] -> [N * d1 * ... * dk, C]: the class dim last, then flattened.
Tensor classes_last(const Tensor& self) {
  std::vector<int64_t> order;
  order.push_back(0);
  for (int64_t d = 2; d < self.dim(); ++d) order.push_back(d);
  order.push_back(1);
  return self.permute(order).reshape({-1, self.size(1)});
}

}  // namespace

Tensor nll_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                int64_t ignore_index) {
  EMBER_CHECK(self.dim() >= 1, ValueError, "[nll_loss] Expected 1 or more dimensions (got ", self.dim(), ")");
  EMBER_CHECK(self.dim() == 1 || target.dim() >= 1, ValueError, "[nll_loss] Expected input batch_size (", self.size(0),
              ") to match target batch_size (0).");
  if (self.dim() != 1)
    EMBER_CHECK(self.size(0) == target.size(0), ValueError, "[nll_loss] Expected input batch_size (", self.size(0),
                ") to match target batch_size (", target.size(0), ").");
  if (self.dim() <= 2) return std::get<0>(ember::nll_loss_forward(self, target, weight, reduction, ignore_index));
  // K-dimensional loss: every position of the trailing dims is one more sample.
  bool same = target.dim() == self.dim() - 1;
  for (int64_t d = 2; same && d < self.dim(); ++d) same = target.size(d - 1) == self.size(d);
  if (!same) {
    DimVector want;
    want.push_back(self.size(0));
    for (int64_t d = 2; d < self.dim(); ++d) want.push_back(self.size(d));
    EMBER_FAIL(ValueError, "[nll_loss] Expected target size ", want.ref(), ", got ", target.sizes());
  }
  Tensor out = std::get<0>(
      ember::nll_loss_forward(classes_last(self), target.reshape({-1}), weight, reduction, ignore_index));
  return reduction == kReductionNone ? out.view(target.sizes()) : out;
}

Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                          int64_t ignore_index, double label_smoothing) {
  check_reduction(reduction, "cross_entropy_loss");
  EMBER_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, ValueError,
              "[cross_entropy_loss] label_smoothing must be between 0.0 and 1.0. Got: ", label_smoothing);
  EMBER_CHECK(self.dim() >= 1, ValueError, "[cross_entropy_loss] Expected 1 or more dimensions (got ", self.dim(), ")");
  const int64_t class_dim = self.dim() == 1 ? 0 : 1;
  const int64_t classes = self.size(class_dim);
  const Tensor input = ember::log_softmax(self, class_dim, self.scalar_type());
  // The weight viewed to broadcast along the class dim: [C] -> [1, C, 1, ...].
  std::optional<Tensor> class_weight;
  if (weight && weight->defined()) {
    EMBER_CHECK(weight->dim() == 1 && weight->numel() == classes, ValueError,
                "[cross_entropy_loss] weight tensor should be defined either for all ", classes,
                " classes or no classes but got weight tensor of shape: ", weight->sizes());
    DimVector shape(static_cast<size_t>(self.dim()), 1);
    shape[static_cast<size_t>(class_dim)] = classes;
    class_weight = weight->view(shape);
  }

  if (is_floating_point(target.scalar_type())) {
    // Class probabilities: -sum(target * log_softmax(self)) over the class dim.
    EMBER_CHECK(target.sizes() == self.sizes(), ValueError, "[cross_entropy_loss] Expected target of size ", self.sizes(),
                " (the input's, for class probabilities), got ", target.sizes());
    EMBER_CHECK(ignore_index < 0, ValueError, "[cross_entropy_loss] ignore_index is not supported for floating point target");
    Tensor t = label_smoothing > 0 ? target * (1 - label_smoothing) + label_smoothing / static_cast<double>(classes) : target;
    Tensor terms = class_weight ? input * t * *class_weight : input * t;
    if (reduction == kReductionNone) return -terms.sum({class_dim});
    if (reduction == kReductionSum) return -terms.sum();
    return -terms.sum() / (static_cast<double>(self.numel()) / static_cast<double>(classes));
  }

  Tensor nll = ember::nll_loss(input, target, weight, reduction, ignore_index);
  if (label_smoothing <= 0) return nll;
  // Label smoothing: (1 - eps) * nll + eps / C * (the loss against the uniform distribution).
  Tensor smooth = class_weight ? -(input * *class_weight).sum({class_dim}) : -input.sum({class_dim});
  const Tensor ignored = target == Scalar(ignore_index);
  smooth = smooth.masked_fill(ignored, 0.0);
  Tensor reduced;
  if (reduction == kReductionMean) {
    if (class_weight) {
      // Normalized by the summed weights of the counted targets, as nll_loss is.
      Tensor counted_weights = weight->gather(0, target.masked_fill(ignored, 0).flatten()).masked_fill(ignored.flatten(), 0.0);
      reduced = smooth.sum() / counted_weights.sum();
    } else {
      reduced = smooth.sum() / ember::logical_not(ignored).sum();
    }
  } else {
    reduced = apply_reduction(smooth, reduction);
  }
  return nll * (1 - label_smoothing) + reduced * (label_smoothing / static_cast<double>(classes));
}

Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  check_reduction(reduction, "mse_loss");
  const Tensor diff = self - target;
  return apply_reduction(diff * diff, reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                                        const std::optional<Tensor>& pos_weight, int64_t reduction) {
  check_reduction(reduction, "binary_cross_entropy_with_logits");
  EMBER_CHECK(target.sizes() == self.sizes(), ValueError, "[binary_cross_entropy_with_logits] Target size (", target.sizes(),
              ") must be the same as input size (", self.sizes(), ")");
  // log(1 + exp(-x)) = m + log(exp(-m) + exp(-x - m)) with m = max(-x, 0): no exp overflows.
  const Tensor max_val = ember::relu(-self);
  const Tensor log_one_plus_exp = ((-max_val).exp() + (-self - max_val).exp()).log() + max_val;
  Tensor loss;
  if (pos_weight && pos_weight->defined()) {
    const Tensor log_weight = (*pos_weight - 1) * target + 1;
    loss = (1 - target) * self + log_weight * log_one_plus_exp;
  } else {
    loss = (1 - target) * self + log_one_plus_exp;
  }
  if (weight && weight->defined()) loss = loss * *weight;
  return apply_reduction(loss, reduction);
}

}  // namespace native
}  // namespace ember
