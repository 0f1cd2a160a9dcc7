// Losses: nll_loss_forward / nll_loss_backward (and out=), nll_loss (N-d inputs),
// cross_entropy_loss (class indices with weights, ignore_index and label smoothing; class
// probabilities), mse_loss and binary_cross_entropy_with_logits (weight, pos_weight, large
// logits), for every reduction, against float64 loops and PyTorch 1.13's values.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("nll_loss_forward.output", "nll_loss_forward", "nll_loss_backward.grad_input", "nll_loss_backward",
                 "nll_loss", "cross_entropy_loss", "mse_loss", "binary_cross_entropy_with_logits");

constexpr int64_t kNone = 0, kMean = 1, kSum = 2;

// PyTorch 1.13's example: log-probabilities [4, 3], targets [2, 0, 1, -100], weights [0.5, 2, 1.5].
const std::vector<double> kLogp = {-1.2, -0.5, -2.0, -0.1, -3.0, -0.7, -1.5, -1.1, -0.9, -0.3, -0.8, -2.2};
const std::vector<double> kTarget = {2, 0, 1, -100};
const std::vector<double> kWeight = {0.5, 2.0, 1.5};

TEST(Loss, NllLossForwardAndBackward) {
  Tensor x = make(kLogp, {4, 3}, kFloat64), t = make1d(kTarget, kInt64), w = make1d(kWeight, kFloat64);
  // PyTorch 1.13: none -> [3.0, 0.05, 2.2, 0.0] (total_weight 0); mean -> 1.3125 (total_weight 4);
  // sum -> 5.25 (total_weight 4); mean without weights -> 1.0666667 (total_weight 3).
  auto [none, tw0] = ember::nll_loss_forward(x, t, w, kNone, -100);
  EXPECT_TRUE(matches(none, {4}, kFloat64, {3.0, 0.05, 2.2, 0.0}, Tol{1e-12, 1e-12}));
  auto [mean, tw1] = ember::nll_loss_forward(x, t, w, kMean, -100);
  EXPECT_TRUE(matches(mean, {}, kFloat64, {1.3125}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(tw1, {}, kFloat64, {4}));
  auto [sum, tw2] = ember::nll_loss_forward(x, t, w, kSum, -100);
  EXPECT_TRUE(matches(sum, {}, kFloat64, {5.25}, Tol{1e-12, 1e-12}));
  auto [unweighted, tw3] = ember::nll_loss_forward(x, t, std::nullopt, kMean, -100);
  EXPECT_TRUE(matches(unweighted, {}, kFloat64, {3.2 / 3}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(tw3, {}, kFloat64, {3}));
  // 1-D input and 0-d target: nll_loss_forward(tensor([-1., -2, -3]), tensor(1), None, 1, -100) -> (2, 1)
  auto [one, one_w] = ember::nll_loss_forward(make1d({-1, -2, -3}), make({1}, {}, kInt64), std::nullopt, kMean, -100);
  EXPECT_TRUE(matches(one, {}, kFloat32, {2}));
  EXPECT_TRUE(matches(one_w, {}, kFloat32, {1}));
  // out= form.
  Tensor o = ember::empty({0}, kFloat64), ow = ember::empty({0}, kFloat64);
  ember::nll_loss_forward_out(o, ow, x, t, w, kSum, -100);
  EXPECT_TRUE(matches(o, {}, kFloat64, {5.25}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ow, {}, kFloat64, {4}));
  // Another ignore_index: class 2 is ignored (row 0), so the last row's -100 must be a valid class.
  auto [ig, igw] = ember::nll_loss_forward(x, make1d({2, 0, 1, 1}, kInt64), w, kSum, 2);
  EXPECT_TRUE(matches(ig, {}, kFloat64, {0.5 * 0.1 + 2 * 1.1 + 2 * 0.8}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(igw, {}, kFloat64, {0.5 + 2 + 2}));

  // Backward: grad_input[i][t_i] = -w[t_i] * g (/ total_weight for mean), 0 elsewhere and for ignored rows.
  // PyTorch 1.13 values for mean with total_weight 4, and for none with grad_output [1, 2, 3, 4].
  Tensor gm = ember::nll_loss_backward(make({1}, {}, kFloat64), x, t, w, kMean, -100, tw1);
  EXPECT_TRUE(matches(gm, {4, 3}, kFloat64, {0, 0, -0.375, -0.125, 0, 0, 0, -0.5, 0, 0, 0, 0}, Tol{1e-12, 1e-12}));
  Tensor gn = ember::nll_loss_backward(make1d({1, 2, 3, 4}, kFloat64), x, t, w, kNone, -100, tw0);
  EXPECT_TRUE(matches(gn, {4, 3}, kFloat64, {0, 0, -1.5, -1, 0, 0, 0, -6, 0, 0, 0, 0}, Tol{1e-12, 1e-12}));
  Tensor gs = ember::full({2}, 7.0, kFloat64);
  ember::nll_loss_backward_out(gs, make({2}, {}, kFloat64), x, t, std::nullopt, kSum, -100, tw2);
  EXPECT_TRUE(matches(gs, {4, 3}, kFloat64, {0, 0, -2, -2, 0, 0, 0, -2, 0, 0, 0, 0}, Tol{1e-12, 1e-12}));
  // PyTorch 1.13: IndexError "Target 3 is out of bounds."
  EXPECT_THROW_MSG(ember::nll_loss_forward(x, make1d({3, 0, 1, 1}, kInt64), std::nullopt, kMean, -100), IndexError,
                   "Target 3 is out of bounds");
}

TEST(Loss, NllLossOnNdInputs) {
  // F.nll_loss(arange(24.).view(2, 3, 2, 2) / 10, targets [[[0, 1], [2, 1]], [[1, 1], [0, 2]]]) -> -1.15
  Tensor x = make(iota(24, 0, 0.1), {2, 3, 2, 2}, kFloat64);
  Tensor t = make({0, 1, 2, 1, 1, 1, 0, 2}, {2, 2, 2}, kInt64);
  EXPECT_TRUE(matches(ember::nll_loss(x, t), {}, kFloat64, {-1.15}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::nll_loss(x, t, std::nullopt, kSum), {}, kFloat64, {-9.2}, Tol{1e-12, 1e-12}));
  Tensor per = ember::nll_loss(x, t, std::nullopt, kNone);
  // Element (n, h, w) loses -x[n, t, h, w].
  std::vector<double> want;
  std::vector<double> tv = values(t);
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 2; ++h)
      for (int w = 0; w < 2; ++w) want.push_back(-0.1 * (n * 12 + tv[static_cast<size_t>(n * 4 + h * 2 + w)] * 4 + h * 2 + w));
  EXPECT_TRUE(matches(per, {2, 2, 2}, kFloat64, want, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::nll_loss(make(kLogp, {4, 3}, kFloat64), make1d(kTarget, kInt64), make1d(kWeight, kFloat64)),
                      {}, kFloat64, {1.3125}, Tol{1e-12, 1e-12}));
}

// PyTorch's cross entropy with class-index targets, weights, ignore_index and label smoothing.
double cross_entropy_ref(const std::vector<double>& logits, int64_t n, int64_t c, const std::vector<int64_t>& target,
                         const std::vector<double>& w, int64_t reduction, double eps, std::vector<double>* per) {
  double nll_sum = 0, smooth_sum = 0, wsum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double mx = -INFINITY, s = 0;
    for (int64_t k = 0; k < c; ++k) mx = std::max(mx, logits[static_cast<size_t>(i * c + k)]);
    for (int64_t k = 0; k < c; ++k) s += std::exp(logits[static_cast<size_t>(i * c + k)] - mx);
    auto logp = [&](int64_t k) { return logits[static_cast<size_t>(i * c + k)] - mx - std::log(s); };
    int64_t t = target[static_cast<size_t>(i)];
    if (t == -100) {
      if (per) per->push_back(0);
      continue;
    }
    double wt = w.empty() ? 1 : w[static_cast<size_t>(t)];
    double nll = -wt * logp(t), smooth = 0;
    for (int64_t k = 0; k < c; ++k) smooth -= (w.empty() ? 1 : w[static_cast<size_t>(k)]) * logp(k);
    if (per) per->push_back((1 - eps) * nll + eps / c * smooth);
    nll_sum += nll;
    smooth_sum += smooth;
    wsum += wt;
  }
  double total = (1 - eps) * nll_sum + eps / c * smooth_sum;
  return reduction == kMean ? total / wsum : total;
}

TEST(Loss, CrossEntropyWithClassIndices) {
  std::vector<double> logits = {1.0, 2.0, 0.5, 0.3, -1.0, 2.0};
  Tensor x = make(logits, {2, 3}, kFloat64), t = make1d({1, 2}, kInt64);
  // PyTorch 1.13: 0.33669478; label_smoothing=0.1 -> 0.45669478; weight [1, 2, 3] with smoothing
  // 0.2 -> 0.47879914.
  EXPECT_TRUE(matches(ember::cross_entropy_loss(x, t), {}, kFloat64, {0.33669478}, Tol{1e-8, 1e-8}));
  EXPECT_TRUE(all_close(ember::cross_entropy_loss(x, t, std::nullopt, kMean, -100, 0.1), {0.45669478}, Tol{1e-8, 1e-8}));
  EXPECT_TRUE(all_close(ember::cross_entropy_loss(x, t, make1d({1, 2, 3}, kFloat64), kMean, -100, 0.2), {0.47879914},
                        Tol{1e-8, 1e-8}));
  EXPECT_NEAR(cross_entropy_ref(logits, 2, 3, {1, 2}, {1, 2, 3}, kMean, 0.2, nullptr), 0.47879914, 1e-8);  // the reference agrees
  // reduction none with an ignored target: PyTorch 1.13 -> [0.46436878, 0.0]
  EXPECT_TRUE(matches(ember::cross_entropy_loss(x, make1d({1, -100}, kInt64), std::nullopt, kNone), {2}, kFloat64,
                      {0.46436878, 0}, Tol{1e-8, 1e-8}));
  // A larger case against the reference, every reduction, float32 and float64.
  std::vector<double> big = pseudo_random(8 * 5, -4, 4, 60);
  std::vector<int64_t> bt = {0, 4, 2, -100, 1, 1, 3, 0};
  std::vector<double> bw = {0.5, 1, 2, 1.5, 0.25};
  for (ScalarType dt : {kFloat32, kFloat64}) {
    for (int64_t red : {kNone, kMean, kSum}) {
      for (double eps : {0.0, 0.3}) {
        SCOPED_TRACE(dtype_str(dt) + " reduction " + std::to_string(red) + " eps " + std::to_string(eps));
        std::vector<double> per;
        double total = cross_entropy_ref(values(make(big, {8, 5}, dt)), 8, 5, bt, bw, red, eps, &per);
        Tensor r = ember::cross_entropy_loss(make(big, {8, 5}, dt), make1d(std::vector<double>(bt.begin(), bt.end()), kInt64),
                                             make1d(bw, dt), red, -100, eps);
        Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-5} : Tol{1e-12, 1e-12};
        if (red == kNone) EXPECT_TRUE(matches(r, {8}, dt, per, tol));
        else EXPECT_TRUE(matches(r, {}, dt, {total}, tol));
      }
    }
  }
  // N-d: logits [N, C, d] with targets [N, d] equal the flattened 2-D case.
  Tensor x3 = make(big, {2, 5, 4}, kFloat64);
  Tensor flat = x3.permute({0, 2, 1}).reshape({8, 5});
  Tensor t3 = make({0, 4, 2, 1, 1, 1, 3, 0}, {2, 4}, kInt64);
  EXPECT_TRUE(all_close(ember::cross_entropy_loss(x3, t3), values(ember::cross_entropy_loss(flat, t3.reshape({8}))),
                        Tol{1e-12, 1e-12}));
}

TEST(Loss, CrossEntropyWithClassProbabilities) {
  Tensor x = make({1.0, 2.0, 0.5, 0.3, -1.0, 2.0}, {2, 3}, kFloat64);
  Tensor p = make({0.2, 0.5, 0.3, 0, 0, 1}, {2, 3}, kFloat64);
  // PyTorch 1.13: 0.66169478; label_smoothing=0.3, reduction sum -> 1.84838955.
  EXPECT_TRUE(matches(ember::cross_entropy_loss(x, p), {}, kFloat64, {0.66169478}, Tol{1e-8, 1e-8}));
  EXPECT_TRUE(all_close(ember::cross_entropy_loss(x, p, std::nullopt, kSum, -100, 0.3), {1.84838955}, Tol{1e-8, 1e-8}));
  // One-hot probabilities equal class indices.
  Tensor onehot = make({0, 1, 0, 0, 0, 1}, {2, 3}, kFloat64);
  EXPECT_TRUE(all_close(ember::cross_entropy_loss(x, onehot, std::nullopt, kNone),
                        values(ember::cross_entropy_loss(x, make1d({1, 2}, kInt64), std::nullopt, kNone)), Tol{1e-12, 1e-12}));
}

TEST(Loss, MseLoss) {
  // PyTorch 1.13: mse_loss([1, 2, 3], [1.5, 2, 0]) -> 3.0833333 (mean), 9.25 (sum), [0.25, 0, 9] (none)
  Tensor a = make1d({1, 2, 3}), b = make1d({1.5, 2, 0});
  EXPECT_TRUE(matches(ember::mse_loss(a, b), {}, kFloat32, {9.25 / 3}));
  EXPECT_TRUE(matches(ember::mse_loss(a, b, kSum), {}, kFloat32, {9.25}));
  EXPECT_TRUE(matches(ember::mse_loss(a, b, kNone), {3}, kFloat32, {0.25, 0, 9}));
  std::vector<double> x = pseudo_random(30, -3, 3, 61), y = pseudo_random(30, -3, 3, 62);
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += (x[i] - y[i]) * (x[i] - y[i]);
  EXPECT_TRUE(matches(ember::mse_loss(make(x, {5, 6}, kFloat64), make(y, {5, 6}, kFloat64)), {}, kFloat64, {s / 30},
                      Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::mse_loss(make(x, {5, 6}, kFloat64).t(), make(y, {5, 6}, kFloat64).t(), kSum), {}, kFloat64, {s},
                      Tol{1e-12, 1e-12}));
  EXPECT_THROW_MSG(ember::mse_loss(ember::ones({2}), ember::ones({3})), ValueError, "must match the size of tensor");
}

TEST(Loss, BinaryCrossEntropyWithLogits) {
  std::vector<double> z = {-2, 0.5, 3, 1, -1, 0}, y = {0, 1, 1, 0.5, 0, 1};
  std::vector<double> w = {1, 2, 0.5}, pw = {3, 1, 2};
  Tensor tz = make(z, {2, 3}, kFloat64), ty = make(y, {2, 3}, kFloat64);
  // PyTorch 1.13: mean -> 0.41154382; with weight and pos_weight, none ->
  // [[0.12692801, 0.94815397, 0.04858735], [1.12652338, 0.62652338, 0.69314718]]
  EXPECT_TRUE(matches(ember::binary_cross_entropy_with_logits(tz, ty), {}, kFloat64, {0.41154382}, Tol{1e-8, 1e-8}));
  EXPECT_TRUE(matches(ember::binary_cross_entropy_with_logits(tz, ty, make1d(w, kFloat64), make1d(pw, kFloat64), kNone),
                      {2, 3}, kFloat64, {0.12692801, 0.94815397, 0.04858735, 1.12652338, 0.62652338, 0.69314718}, Tol{1e-8, 1e-8}));
  // The formula: w * [(1 - y) * z + (1 + (pw - 1) * y) * log(1 + exp(-z))], computed stably.
  std::vector<double> want;
  double total = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    double soft = std::log1p(std::exp(-std::fabs(z[i]))) + std::max(-z[i], 0.0);
    double l = w[i % 3] * ((1 - y[i]) * z[i] + (1 + (pw[i % 3] - 1) * y[i]) * soft);
    want.push_back(l);
    total += l;
  }
  EXPECT_TRUE(all_close(ember::binary_cross_entropy_with_logits(tz, ty, make1d(w, kFloat64), make1d(pw, kFloat64), kSum),
                        {total}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(ember::binary_cross_entropy_with_logits(tz.to(kFloat32), ty.to(kFloat32), make1d(w), make1d(pw), kMean),
                        {total / 6}, Tol{1e-6, 1e-6}));
  // Large logits stay finite: PyTorch 1.13 -> 200 for z = [100, -100], y = [0, 1], sum.
  EXPECT_TRUE(all_close(ember::binary_cross_entropy_with_logits(make1d({100, -100}, kFloat64), make1d({0, 1}, kFloat64),
                                                                std::nullopt, std::nullopt, kSum),
                        {200}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(ember::binary_cross_entropy_with_logits(make1d({100, -100}), make1d({0, 1}), std::nullopt, std::nullopt,
                                                                kSum),
                        {200}, Tol{1e-6, 1e-6}));
}

// The operator (not nn::functional's) pairs an [N, 1] input with an [N] target, as ATen's, which
// compares them with size-1 dimensions dropped; PyTorch 1.13's torch.ops.aten.binary_cross_entropy.
TEST(LossTest, BinaryCrossEntropyOperatorSqueezesSizeOneDims) {
  Tensor x = make1d({0.2, 0.7, 0.9}, kFloat64).unsqueeze(1);
  Tensor t = make1d({0, 1, 1}, kFloat64);
  EXPECT_TRUE(matches(ember::binary_cross_entropy(x, t, std::nullopt, 0), {3, 1}, kFloat64,
                      {0.2231435513142097, 0.35667494393873245, 0.10536051565782628}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(ember::binary_cross_entropy(x, t), {0.22839300363692283}, Tol{1e-12, 1e-12}));
  EXPECT_THROW_MSG(ember::binary_cross_entropy(x, make1d({0, 1}, kFloat64)), ember::ValueError, "does not match");
}

// At inputs of exactly 0 and 1 the gradient is finite where PyTorch's is (its denominator
// max(x (1 - x), 1e-12)); the decomposition's own gradient was NaN there (0 * inf through the
// clamped log), which made training that saturates a sigmoid diverge. Values from PyTorch 1.13.
TEST(LossTest, BinaryCrossEntropyGradientAtZeroAndOne) {
  Tensor x = make1d({0, 1, 0.5, 0, 1}, kFloat64).requires_grad_(true);
  Tensor t = make1d({0, 1, 1, 1, 0.2}, kFloat64).requires_grad_(true);
  Tensor loss = ember::binary_cross_entropy(x, t);
  EXPECT_TRUE(all_close(loss.detach(), {36.13862943611199}, Tol{1e-12, 1e-12}));
  loss.backward();
  EXPECT_TRUE(all_close(x.grad(), {0, 0, -0.4, -200000000799.16058, 160000000639.32846}, Tol{0, 1e-12}));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(all_close(t.grad(), {inf, -inf, 0, inf, -inf}, Tol{0, 0}));
}

}  // namespace
}  // namespace ember_test
