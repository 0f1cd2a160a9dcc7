// The rest of PyTorch's losses and distances as composites: l1, smooth_l1, huber, kl_div,
// binary_cross_entropy, hinge_embedding, multi_margin, multilabel_margin, soft_margin,
// cosine_embedding, margin_ranking, triplet_margin, poisson_nll, ctc; cosine_similarity,
// pairwise_distance, pdist, cdist. Formulas follow PyTorch 1.13 (reduction: none 0, mean 1, sum 2).
#include <cmath>
#include <limits>

#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {

Tensor reduce(const Tensor& loss, int64_t reduction, const char* op) {
  EMBER_CHECK(reduction >= 0 && reduction <= 2, ValueError, "[", op, "] ", reduction,
              " is not a valid value for reduction (0: none, 1: mean, 2: sum)");
  if (reduction == 1) return loss.mean();
  if (reduction == 2) return loss.sum();
  return loss;
}

Tensor zero_of(const Tensor& t) { return ember::zeros({}, t.options()); }

}  // namespace

Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return reduce((self - target).abs(), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  EMBER_CHECK(beta >= 0, ValueError, "[smooth_l1_loss] smooth_l1_loss does not support negative values for beta.");
  if (beta == 0) return ember::l1_loss(self, target, reduction);
  Tensor d = (self - target).abs();
  return reduce(ember::where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction, "smooth_l1_loss");
}

Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  EMBER_CHECK(delta > 0, ValueError, "[huber_loss] huber_loss does not support non-positive values for delta.");
  Tensor d = (self - target).abs();
  return reduce(ember::where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta), reduction, "huber_loss");
}

Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction, bool log_target) {
  Tensor out;
  if (log_target) {
    out = target.exp() * (target - self);
  } else {
    // xlogy(target, target) - target * self, with 0 * log 0 = 0.
    Tensor safe = ember::where(target > 0, target, ember::ones({}, target.options()));
    out = target * safe.log() - target * self;
  }
  return reduce(out, reduction, "kl_div");
}

Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                            int64_t reduction) {
  // The operator (unlike nn::functional's, which insists on equal sizes) compares the two with
  // their size-1 dimensions dropped, as ATen's: a [N, 1] input takes an [N] target.
  Tensor matched_target = target;
  if (self.sizes() != target.sizes()) {
    EMBER_CHECK(self.squeeze().sizes() == target.squeeze().sizes(), ValueError, "[binary_cross_entropy] the target (size ",
                target.sizes(), ") does not match the input (size ", self.sizes(), ") once size-1 dimensions are dropped");
    matched_target = target.reshape(self.sizes());
  }
  {
    bool in_range = self.numel() == 0 || ((self >= 0).logical_and(self <= 1)).all().item<bool>();
    EMBER_CHECK(in_range, ValueError, "[binary_cross_entropy] all elements of input should be between 0 and 1");
  }
  Tensor log_x = self.log().clamp_min(-100);
  Tensor log_1mx = (1 - self).log().clamp_min(-100);
  Tensor loss = -(matched_target * log_x + (1 - matched_target) * log_1mx);
  if (weight && weight->defined()) loss = loss * *weight;
  return reduce(loss, reduction, "binary_cross_entropy");
}

Tensor hinge_embedding_loss(const Tensor& self, const Tensor& target, double margin, int64_t reduction) {
  Tensor zero = zero_of(self);
  Tensor margin_part = ember::where(target != 1, (margin - self).clamp_min(0), zero);
  Tensor self_part = ember::where(target != -1, self, zero);
  return reduce(margin_part + self_part, reduction, "hinge_embedding_loss");
}

Tensor multi_margin_loss(const Tensor& self, const Tensor& target, const Scalar& p, const Scalar& margin,
                         const std::optional<Tensor>& weight, int64_t reduction) {
  const int64_t pv = p.to_long();
  EMBER_CHECK(pv == 1 || pv == 2, ValueError, "[multi_margin_loss] only p == 1 and p == 2 supported");
  EMBER_CHECK(self.dim() <= 2 && self.numel() > 0, ValueError,
              "[multi_margin_loss] Expected non-empty vector or matrix with optional 0-dim batch size, but got: ", self.sizes());
  Tensor x = self.dim() <= 1 ? self.reshape({1, -1}) : self;
  Tensor y = target.reshape({-1});
  const int64_t classes = x.size(1);
  EMBER_CHECK(y.numel() == x.size(0), ValueError, "[multi_margin_loss] inconsistent target size: ", target.sizes(),
              " for input of size: ", self.sizes());
  Tensor x_y = x.gather(1, y.unsqueeze(1));
  Tensor z = (x - x_y + margin).clamp_min(0);
  if (pv == 2) z = z * z;
  if (weight && weight->defined()) z = z * weight->index_select(0, y).unsqueeze(1);
  Tensor not_target = ember::one_hot(y, classes).logical_not();
  Tensor per_sample = (z * not_target).sum({1}) / static_cast<double>(classes);
  if (self.dim() <= 1 && reduction == 0) per_sample = per_sample.reshape(target.dim() == 0 ? IntArrayRef() : IntArrayRef({1}));
  return reduce(per_sample, reduction, "multi_margin_loss");
}

Tensor multilabel_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  EMBER_CHECK(self.sizes() == target.sizes(), ValueError, "[multilabel_margin_loss] inconsistent target size: ",
              target.sizes(), " for input of size: ", self.sizes());
  Tensor x = self.dim() <= 1 ? self.reshape({1, -1}) : self;
  Tensor y = target.dim() <= 1 ? target.reshape({1, -1}) : target;
  const int64_t classes = x.size(1);
  // Targets are the entries before the first -1 of each row.
  Tensor valid = (y == -1).to(kInt64).cumsum(1) == 0;                  // [N, C]
  Tensor safe_y = ember::where(valid, y, ember::zeros({}, y.options()));
  Tensor is_target = ember::zeros(x.sizes(), TensorOptions(kInt64).device(x.device()))
                         .scatter_add(1, safe_y, valid.to(kInt64)) > 0;  // [N, C]
  Tensor x_t = x.gather(1, safe_y);                                       // [N, K]
  Tensor pair = (1 - x_t.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0);    // [N, K, C]
  Tensor mask = valid.unsqueeze(2).logical_and(is_target.logical_not().unsqueeze(1));
  Tensor per_sample = (pair * mask).sum({1, 2}) / static_cast<double>(classes);
  if (self.dim() <= 1) per_sample = per_sample.reshape({});
  return reduce(per_sample, reduction, "multilabel_margin_loss");
}

Tensor soft_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return reduce((-self * target).exp().log1p(), reduction, "soft_margin_loss");
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
                             int64_t reduction) {
  const int64_t targ_dim = target.dim();
  EMBER_CHECK(targ_dim == 1 || targ_dim == 0, ValueError,
              "[cosine_embedding_loss] 0D or 1D target tensor expected, multi-target not supported");
  if (targ_dim == 1) {
    EMBER_CHECK(input1.dim() == 2 && input2.dim() == 2, ValueError,
                "[cosine_embedding_loss] 1D target tensor expects 2D input tensors, but found inputs with sizes ",
                input1.sizes(), " and ", input2.sizes(), ".");
  } else {
    EMBER_CHECK(input1.dim() == 1 && input2.dim() == 1, ValueError,
                "[cosine_embedding_loss] 0D target tensor expects 1D input tensors, but found inputs with sizes ",
                input1.sizes(), " and ", input2.sizes(), ".");
  }
  constexpr double kEpsilon = 1e-12;
  Tensor prod_sum = (input1 * input2).sum({targ_dim});
  Tensor mag1 = (input1 * input1).sum({targ_dim}) + kEpsilon;
  Tensor mag2 = (input2 * input2).sum({targ_dim}) + kEpsilon;
  Tensor cos = prod_sum / (mag1 * mag2).sqrt();
  Tensor zero = zero_of(cos);
  Tensor pos = ember::where(target == 1, 1 - cos, zero);
  Tensor neg = ember::where(target == -1, (cos - margin).clamp_min(0), zero);
  return reduce(pos + neg, reduction, "cosine_embedding_loss");
}

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
                           int64_t reduction) {
  return reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction, "margin_ranking_loss");
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative, double margin, double p,
                           double eps, bool swap, int64_t reduction) {
  const int64_t a = anchor.dim(), pd = positive.dim(), nd = negative.dim();
  EMBER_CHECK(a == pd && a == nd, ValueError,
              "[triplet_margin_loss] All inputs should have same dimension but got ", a, "D, ", pd, "D and ", nd, "D inputs.");
  Tensor d_pos = ember::pairwise_distance(anchor, positive, p, eps, false);
  Tensor d_neg = ember::pairwise_distance(anchor, negative, p, eps, false);
  if (swap) d_neg = ember::minimum(d_neg, ember::pairwise_distance(positive, negative, p, eps, false));
  return reduce((d_pos - d_neg + margin).clamp_min(0), reduction, "triplet_margin_loss");
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input, bool full, double eps,
                        int64_t reduction) {
  Tensor loss = log_input ? input.exp() - target * input : input - target * (input + eps).log();
  if (full) {
    Tensor safe = ember::where(target > 1, target, ember::ones({}, target.options()));
    Tensor stirling = safe * safe.log() - safe + (safe * (2 * M_PI)).log() * 0.5;
    loss = loss + ember::where(target > 1, stirling, zero_of(stirling));
  }
  return reduce(loss, reduction, "poisson_nll_loss");
}

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim, double eps) {
  int64_t nd = std::max(x1.dim(), x2.dim());
  EMBER_CHECK(nd > 0, ValueError, "[cosine_similarity] expected at least 1-d inputs");
  Tensor a = is_floating_point(x1.scalar_type()) ? x1 : x1.to(default_dtype());
  Tensor b = is_floating_point(x2.scalar_type()) ? x2 : x2.to(default_dtype());
  int64_t d = wrap_dim(dim, nd, "cosine_similarity");
  // Each input divided by its norm first (PyTorch 1.13), norms clamped at eps.
  Tensor n1 = ember::norm(a, 2, IntArrayRef(d - (nd - a.dim())), true).clamp_min(eps);
  Tensor n2 = ember::norm(b, 2, IntArrayRef(d - (nd - b.dim())), true).clamp_min(eps);
  return ((a / n1) * (b / n2)).sum({d});
}

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  const int64_t out_dim = std::max(x1.dim(), x2.dim());
  if (out_dim == 0) return ember::norm(x1 - x2 + eps, p, IntArrayRef(), keepdim);
  return ember::norm(x1 - x2 + eps, p, IntArrayRef(out_dim - 1), keepdim);
}

Tensor pdist(const Tensor& self, double p) {
  EMBER_CHECK(self.dim() == 2, ValueError, "[pdist] pdist only supports 2D tensors, got: ", self.dim(), "D");
  EMBER_CHECK(p >= 0, ValueError, "[pdist] pdist only supports non-negative p values");
  const int64_t n = self.size(0);
  if (n <= 1) return ember::empty({0}, self.options());
  Tensor rows = ember::arange(n, TensorOptions(kInt64).device(self.device()));
  Tensor pairs = (rows.unsqueeze(1) < rows.unsqueeze(0)).nonzero();  // [n(n-1)/2, 2], row-major
  Tensor a = self.index_select(0, pairs.select(1, 0));
  Tensor b = self.index_select(0, pairs.select(1, 1));
  return ember::norm(a - b, p, IntArrayRef(1), false);
}

Tensor cdist(const Tensor& x1, const Tensor& x2, double p, std::optional<int64_t>) {
  EMBER_CHECK(x1.dim() >= 2 && x2.dim() >= 2, ValueError, "[cdist] cdist only supports at least 2D tensors");
  EMBER_CHECK(x1.size(-1) == x2.size(-1), ValueError, "[cdist] X1 and X2 must have the same number of columns. X1: ",
              x1.size(-1), " X2: ", x2.size(-1));
  return ember::norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, IntArrayRef(-1), false);
}

}  // namespace native
}  // namespace ember
