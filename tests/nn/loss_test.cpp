// Losses (functional and modules) against hand computations and PyTorch 1.13: every reduction,
// class weights, ignore_index, label smoothing, probability targets, pos_weight, and the errors.
// torch values come from /usr/bin/python3 (torch 1.13) on the same float64 inputs.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace F = ember::nn::functional;

const Tol kTol{1e-7, 1e-7};

// x [4, 3] logits, t class indices, w class weights (shared by the cross-entropy tests).
Tensor logits() { return make({1, 2, 3, 1, -1, 0.5, 0, 0, 0, 2, 0.5, -1}, {4, 3}, kFloat64); }
Tensor targets() { return ember::tensor({2, 0, 1, 1}); }
Tensor class_weights() { return make1d({0.2, 1.0, 3.0}, kFloat64); }

TEST(MSELoss, Reductions) {
  Tensor a = make({1, 2, 3, 4}, {2, 2}, kFloat64), b = make({1.5, 1, -1, 4}, {2, 2}, kFloat64);
  // Squared differences 0.25, 1, 16, 0: sum 17.25, mean 4.3125.
  EXPECT_TRUE(matches(F::mse_loss(a, b), {}, kFloat64, {4.3125}));
  EXPECT_TRUE(matches(F::mse_loss(a, b, ember::kSum), {}, kFloat64, {17.25}));
  EXPECT_TRUE(matches(F::mse_loss(a, b, F::MSELossFuncOptions().reduction(ember::kNone)), {2, 2}, kFloat64, {0.25, 1, 16, 0}));
  EXPECT_TRUE(all_equal(nn::MSELoss(ember::kSum)(a, b), {17.25}));
  EXPECT_TRUE(all_equal(nn::MSELoss()(a, b), {4.3125}));
}

TEST(CrossEntropy, ClassIndicesEveryReduction) {
  Tensor x = logits(), t = targets();
  // Row 0: log(e + e^2 + e^3) - 3 = 0.4076060; row 2 (all zeros): log 3 = 1.0986123.
  double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3;
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, ember::kNone), {row0, 0.5549569, std::log(3.0), 1.7413113}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t), {0.9506216}, kTol));  // torch
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, ember::kSum), {3.8024865}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x[0], t[0]), {row0}, kTol));  // one sample: input [C], target []
  EXPECT_TRUE(all_close(nn::CrossEntropyLoss()(x, t), {0.9506216}, kTol));
}

TEST(CrossEntropy, ClassWeights) {
  Tensor x = logits(), t = targets(), w = class_weights();
  auto opts = F::CrossEntropyFuncOptions().weight(w);
  // none: weight[t_i] * nll_i; mean divides by sum of weight[t_i] = 3 + 0.2 + 1 + 1 = 5.2.
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kNone).weight(w)),
                        {1.2228179, 0.1109914, 1.0986123, 1.7413113}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, opts), {4.1737329 / 5.2}, kTol));  // torch: 0.8026409
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, opts), {0.8026409}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kSum).weight(w)), {4.1737329}, kTol));
  nn::CrossEntropyLoss module(nn::CrossEntropyLossOptions().weight(w));
  EXPECT_TRUE(all_close(module(x, t), {0.8026409}, kTol));
  EXPECT_EQ(module->state_dict().keys(), std::vector<std::string>{"weight"});  // a buffer, as PyTorch
}

TEST(CrossEntropy, LabelSmoothing) {
  Tensor x = logits(), t = targets(), w = class_weights();
  // (1 - 0.1) * nll + 0.1 / 3 * (-sum_c logp_c); torch: mean 0.996455, sum 3.9858198,
  // none [0.507606, 0.6382903, 1.0986123, 1.7413113].
  auto ls = F::CrossEntropyFuncOptions().label_smoothing(0.1);
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, ls), {0.996455}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kSum).label_smoothing(0.1)), {3.9858198}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kNone).label_smoothing(0.1)),
                        {0.507606, 0.6382903, 1.0986123, 1.7413113}, kTol));
  // With weights and 0.2; torch: mean 0.9635287, sum 5.0103492, none [1.1857173, 0.4775144, 1.1865013, 2.1606162].
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.2)), {0.9635287}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kSum).weight(w).label_smoothing(0.2)),
                        {5.0103492}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, t, F::CrossEntropyFuncOptions(ember::kNone).weight(w).label_smoothing(0.2)),
                        {1.1857173, 0.4775144, 1.1865013, 2.1606162}, kTol));
  EXPECT_THROW_MSG(F::cross_entropy(x, t, F::CrossEntropyFuncOptions().label_smoothing(1.5)), ember::ValueError,
                   "label_smoothing must be between 0.0 and 1.0");
}

TEST(CrossEntropy, IgnoreIndex) {
  Tensor x = logits(), w = class_weights();
  Tensor ti = ember::tensor({2, -100, 1, 1});
  // The mean runs over the 3 counted rows; torch: 1.0825098. With smoothing 0.3 the smoothing
  // term is averaged over the counted rows as well: 1.1825098; weighted: 0.9535763.
  EXPECT_TRUE(all_close(F::cross_entropy(x, ti), {(0.407606 + 1.0986123 + 1.7413113) / 3}, Tol{1e-6, 1e-6}));
  EXPECT_TRUE(all_close(F::cross_entropy(x, ti), {1.0825098}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, ti, F::CrossEntropyFuncOptions().label_smoothing(0.3)), {1.1825098}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, ti, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.3)), {0.9535763}, kTol));
  Tensor tc = ember::tensor({2, 1, 1, 1});
  EXPECT_TRUE(all_close(F::cross_entropy(x, tc, F::CrossEntropyFuncOptions().ignore_index(1)), {0.407606}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x, tc, F::CrossEntropyFuncOptions(ember::kNone).ignore_index(1)),
                        {0.407606, 0, 0, 0}, kTol));
}

TEST(CrossEntropy, ProbabilityTargetsAndSpatialInputs) {
  Tensor x = logits(), w = class_weights();
  Tensor probs = make({0.1, 0.2, 0.7, 1, 0, 0, 0.3, 0.3, 0.4, 0, 0.5, 0.5}, {4, 3}, kFloat64);
  EXPECT_TRUE(all_close(F::cross_entropy(x, probs), {1.2381216}, kTol));  // torch
  EXPECT_TRUE(all_close(F::cross_entropy(x, probs, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1)), {2.1761167},
                        kTol));
  // [N=2, C=3, 2, 2] input with [2, 2, 2] targets: x = sin(arange(24)).
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(std::sin(static_cast<double>(i)));
  Tensor x4 = make(v, {2, 3, 2, 2}, kFloat64);
  Tensor t4 = ember::tensor({0, 1, 2, 1, 1, 1, 0, 2}).view({2, 2, 2});
  EXPECT_TRUE(all_close(F::cross_entropy(x4, t4), {1.6064478}, kTol));
  EXPECT_TRUE(all_close(F::cross_entropy(x4, t4, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1)), {1.8206971},
                        kTol));
}

TEST(NLLLoss, WeightsIgnoreAndReductions) {
  Tensor x = logits(), t = targets(), w = class_weights();
  Tensor lp = F::log_softmax(x, 1);
  EXPECT_TRUE(all_close(F::nll_loss(lp, t), {0.9506216}, kTol));
  EXPECT_TRUE(all_close(F::nll_loss(lp, t, F::NLLLossFuncOptions().weight(w)), {0.8026409}, kTol));
  EXPECT_TRUE(all_close(nn::NLLLoss(nn::NLLLossOptions(ember::kSum).weight(w))(lp, t), {4.1737329}, kTol));
  // On raw scores: picks 3, 1, 0, 0.5 -> -(4.5) / 4 = -1.125.
  EXPECT_TRUE(all_close(F::nll_loss(x, t), {-1.125}, kTol));
  // Ignored row 1; weights 3, 1, 1 of the counted rows: (-9 + 0 - 0.5) / 5 = -1.9.
  Tensor ti = ember::tensor({2, -100, 1, 1});
  EXPECT_TRUE(all_close(F::nll_loss(x, ti, F::NLLLossFuncOptions().weight(w)), {-1.9}, kTol));
  EXPECT_TRUE(all_close(F::nll_loss(x, ti, F::NLLLossFuncOptions(ember::kNone).weight(w)), {-9, 0, 0, -0.5}, kTol));
  // Everything ignored: the mean is 0 / 0 = nan, as PyTorch.
  EXPECT_TRUE(std::isnan(F::nll_loss(x, ember::tensor({-100, -100, -100, -100})).item<double>()));
}

TEST(NLLLoss, Errors) {
  Tensor x = logits();
  EXPECT_THROW_MSG(F::nll_loss(x, ember::tensor({2, 0, 3, 1})), ember::IndexError, "Target 3 is out of bounds");
  EXPECT_THROW_MSG(F::nll_loss(x, ember::tensor({2, 0, -1, 1})), ember::IndexError, "Target -1 is out of bounds");
  EXPECT_THROW_MSG(F::nll_loss(x, ember::tensor({2, 0})), ember::ValueError,
                   "Expected input batch_size (4) to match target batch_size (2)");
  EXPECT_THROW_MSG(F::nll_loss(x, make1d({0, 1, 2, 0})), ember::TypeError, "expected target of dtype int64");
  EXPECT_THROW_MSG(F::nll_loss(x, targets(), F::NLLLossFuncOptions().weight(make1d({1, 2}, kFloat64))), ember::ValueError,
                   "weight tensor should be defined either for all 3 classes");
  EXPECT_THROW_MSG(F::cross_entropy(x, make({0.5}, {1, 1}, kFloat64)), ember::ValueError, "for class probabilities");
}

TEST(BCEWithLogits, StableForLargeLogitsWithWeights) {
  Tensor z = make({-2, 0.5, 30, 1, -40, 0}, {2, 3}, kFloat64);
  Tensor y = make({0, 1, 1, 0.5, 0, 1}, {2, 3}, kFloat64);
  // z = -2, y = 0: log(1 + e^-2) = 0.126928; z = 0, y = 1: log 2. Large |z| stays finite.
  EXPECT_TRUE(all_close(F::binary_cross_entropy_with_logits(z, y, ember::kNone),
                        {std::log1p(std::exp(-2.0)), 0.474077, 0, 0.8132617, 0, std::log(2.0)}, kTol));
  EXPECT_TRUE(all_close(F::binary_cross_entropy_with_logits(z, y), {0.3512356}, kTol));  // torch
  EXPECT_TRUE(all_close(F::binary_cross_entropy_with_logits(z, y, ember::kSum), {2.1074139}, kTol));
  Tensor pw = make1d({2, 0.5, 1}, kFloat64), bw = make({1, 2, 0.5, 0, 1, 3}, {2, 3}, kFloat64);
  EXPECT_TRUE(all_close(nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(pw))(z, y), {0.3378344}, kTol));
  EXPECT_TRUE(all_close(F::binary_cross_entropy_with_logits(
                            z, y, F::BinaryCrossEntropyWithLogitsFuncOptions(ember::kNone).weight(bw).pos_weight(pw)),
                        {0.126928, 0.474077, 0, 0, 0, 2.0794415}, kTol));
  EXPECT_THROW_MSG(F::binary_cross_entropy_with_logits(z, make1d({1, 0}, kFloat64)), ember::ValueError,
                   "must be the same as input size");
}

}  // namespace
}  // namespace ember_test
