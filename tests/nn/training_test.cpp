// What needs autograd: gradients of the layers and losses (closed forms by hand, and gradcheck
// in float64 against finite differences), BatchNorm's running statistics staying out of the
// graph, Embedding's padding row, and end-to-end training with every optimizer.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace F = ember::nn::functional;
namespace optim = ember::optim;

void assign(const Tensor& param, const std::vector<double>& vals) {
  NoGradGuard no_grad;
  param.copy_(make(vals, param.sizes(), param.scalar_type()));
}

// gradcheck of fn with respect to the given float64 leaves.
void expect_gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs) {
  autograd::GradcheckResult r = autograd::gradcheck(fn, inputs);
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_GT(r.entries_checked, 0);
}

TEST(Gradients, LinearWithMseByHand) {
  nn::Linear fc(2, 1);
  fc->to(kFloat64);
  assign(fc->weight, {0.5, -1});
  assign(fc->bias, {0.25});
  Tensor x = make({1, 2, 3, -1}, {2, 2}, kFloat64), t = make({0, 1}, {2, 1}, kFloat64);
  // y = [0.5 - 2 + 0.25, 1.5 + 1 + 0.25] = [-1.25, 2.75]; r = y - t = [-1.25, 1.75].
  // loss = mean(r^2); dW = 2/2 * r^T x = [-1.25 + 5.25, -2.5 - 1.75] = [4, -4.25]; db = -1.25 + 1.75.
  Tensor loss = nn::MSELoss()(fc(x), t);
  EXPECT_NEAR(loss.item<double>(), (1.25 * 1.25 + 1.75 * 1.75) / 2, 1e-12);
  loss.backward();
  EXPECT_TRUE(all_close(fc->weight.grad(), {4, -4.25}, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(fc->bias.grad(), {0.5}, Tol{1e-12, 1e-12}));
  // A second backward accumulates; zero_grad clears.
  nn::MSELoss()(fc(x), t).backward();
  EXPECT_TRUE(all_close(fc->bias.grad(), {1.0}, Tol{1e-12, 1e-12}));
  fc->zero_grad();
  EXPECT_FALSE(fc->weight.grad().defined());
}

TEST(Gradients, CrossEntropyIsSoftmaxMinusOneHot) {
  Tensor z = make({1, 2, 3, 0, 0, 0}, {2, 3}, kFloat64).requires_grad_();
  F::cross_entropy(z, ember::tensor({2, 0})).backward();
  double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  std::vector<double> want = {std::exp(1.0) / s, std::exp(2.0) / s, std::exp(3.0) / s - 1, 1 / 3.0 - 1, 1 / 3.0, 1 / 3.0};
  for (double& v : want) v /= 2;  // the mean over 2 samples
  EXPECT_TRUE(all_close(z.grad(), want, Tol{1e-12, 1e-12}));
  Tensor u = make({-2, 0.5, 30}, {3}, kFloat64).requires_grad_();
  Tensor y = make1d({0, 1, 1}, kFloat64);
  F::binary_cross_entropy_with_logits(u, y, ember::kSum).backward();  // d/dz = sigmoid(z) - y
  EXPECT_TRUE(all_close(u.grad(), {1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(-0.5)) - 1, 1 / (1 + std::exp(-30.0)) - 1},
                        Tol{1e-12, 1e-12}));
}

TEST(Gradients, LayersAgainstFiniteDifferences) {
  ember::manual_seed(3);
  auto leaf = [](std::vector<int64_t> shape) { return ember::randn(shape, kFloat64).requires_grad_(); };
  Tensor x = leaf({2, 3}), w = leaf({4, 3}), b = leaf({4});
  expect_gradcheck([](const std::vector<Tensor>& v) { return F::linear(v[0], v[1], v[2]); }, {x, w, b});
  Tensor img = leaf({1, 2, 4, 4}), kernel = leaf({3, 2, 2, 2}), kb = leaf({3});
  expect_gradcheck([](const std::vector<Tensor>& v) {
    return F::conv2d(v[0], v[1], F::Conv2dFuncOptions().bias(v[2]).stride(2).padding(1));
  }, {img, kernel, kb});
  Tensor bx = leaf({3, 2, 2, 2}), gamma = leaf({2}), beta = leaf({2});
  expect_gradcheck([](const std::vector<Tensor>& v) {
    return F::batch_norm(v[0], Tensor(), Tensor(), F::BatchNormFuncOptions().weight(v[1]).bias(v[2]).training(true));
  }, {bx, gamma, beta});
  Tensor lx = leaf({2, 3}), lw = leaf({3}), lb = leaf({3});
  expect_gradcheck([](const std::vector<Tensor>& v) {
    return F::layer_norm(v[0], F::LayerNormFuncOptions({3}).weight(v[1]).bias(v[2]));
  }, {lx, lw, lb});
  Tensor logits = leaf({3, 4}), cw = ember::rand({4}, kFloat64);
  Tensor labels = ember::tensor({1, 3, -100});
  expect_gradcheck([&](const std::vector<Tensor>& v) {
    return F::cross_entropy(v[0], labels, F::CrossEntropyFuncOptions().weight(cw).label_smoothing(0.2));
  }, {logits});
  Tensor pooled = leaf({1, 1, 4, 4});
  expect_gradcheck([](const std::vector<Tensor>& v) {
    return F::avg_pool2d(v[0], F::AvgPool2dFuncOptions(2)) + F::adaptive_avg_pool2d(v[0], F::AdaptiveAvgPool2dFuncOptions(2));
  }, {pooled});
  Tensor act = leaf({5});
  expect_gradcheck([](const std::vector<Tensor>& v) { return F::gelu(v[0]) + F::sigmoid(v[0]) * F::tanh(v[0]); }, {act});
}

TEST(Gradients, EmbeddingPaddingRowGetsNoGradient) {
  nn::Embedding emb(nn::EmbeddingOptions(4, 2).padding_idx(0));
  emb(ember::tensor({0, 2, 0, 2, 3})).sum().backward();
  // Row 2 was used twice, row 3 once, row 1 never, row 0 is padding.
  EXPECT_TRUE(all_equal(emb->weight.grad(), {0, 0, 0, 0, 2, 2, 1, 1}));
  // scale_grad_by_freq divides each row's gradient by its count in the batch.
  nn::Embedding freq(nn::EmbeddingOptions(4, 1).scale_grad_by_freq(true));
  (freq(ember::tensor({{2, 2}, {3, 2}})) * 6.0).sum().backward();
  EXPECT_TRUE(all_close(freq->weight.grad(), {0, 0, 6, 6}, Tol{1e-6, 1e-6}));
  // Values are unchanged by either.
  EXPECT_TRUE(all_equal(emb(ember::tensor({0})), {0, 0}));
}

TEST(Gradients, BatchNormRunningStatsStayOutOfTheGraph) {
  nn::BatchNorm2d bn(2);
  Tensor x = ember::randn({4, 2, 3, 3}).requires_grad_();
  bn(x).sum().backward();
  EXPECT_FALSE(bn->running_mean.requires_grad());
  EXPECT_FALSE(bn->running_mean.grad_fn());
  EXPECT_FALSE(bn->running_var.grad_fn());
  EXPECT_TRUE(bn->weight.grad().defined());
  // The sum of a batch-normalized output does not depend on the input: its gradient is ~0.
  EXPECT_TRUE(all_close(x.grad(), std::vector<double>(72, 0.0), Tol{0, 1e-5}));
}

// A 2-8-1 network learning XOR; each optimizer must get the loss well below its start.
template <typename Opt, typename Options>
double train_xor(const Options& options, int steps) {
  ember::manual_seed(11);
  nn::Sequential net(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 1));
  Opt opt(net->parameters(), options);
  Tensor x = make({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2}), y = make({0, 1, 1, 0}, {4, 1});
  nn::BCEWithLogitsLoss criterion;
  double loss = 0;
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    Tensor l = criterion(net(x), y);
    l.backward();
    opt.step();
    loss = l.item<double>();
  }
  return loss;
}

TEST(Training, EveryOptimizerLearnsXor) {
  EXPECT_LT(train_xor<optim::SGD>(optim::SGDOptions(0.5).momentum(0.9), 400), 0.05);
  EXPECT_LT(train_xor<optim::SGD>(optim::SGDOptions(0.5).momentum(0.9).nesterov(true), 400), 0.05);
  EXPECT_LT(train_xor<optim::Adam>(optim::AdamOptions(0.05), 400), 0.05);
  EXPECT_LT(train_xor<optim::AdamW>(optim::AdamWOptions(0.05), 400), 0.05);
}

TEST(Training, LinearRegressionRecoversWeightsWithScheduler) {
  ember::manual_seed(5);
  Tensor x = ember::randn({64, 3});
  Tensor true_w = make({2, -3, 0.5}, {3, 1});
  Tensor y = x.matmul(true_w) + 1.0;
  nn::Linear fc(3, 1);
  optim::SGD sgd(fc->parameters(), optim::SGDOptions(0.1));
  optim::StepLR sched(sgd, 50, 0.5);
  for (int i = 0; i < 200; ++i) {
    sgd.zero_grad();
    F::mse_loss(fc(x), y).backward();
    sgd.step();
    sched.step();
  }
  EXPECT_TRUE(all_close(fc->weight, {2, -3, 0.5}, Tol{0, 1e-3}));
  EXPECT_TRUE(all_close(fc->bias, {1}, Tol{0, 1e-3}));
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.1 / 16);
}

TEST(Training, ConvNetStepAndEvalMode) {
  ember::manual_seed(2);
  nn::Sequential net(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1)), nn::BatchNorm2d(4), nn::ReLU(),
                     nn::MaxPool2d(2), nn::Dropout(0.2), nn::Flatten(), nn::Linear(4 * 4 * 4, 3));
  optim::Adam adam(net->parameters(), optim::AdamOptions(0.01));
  Tensor x = ember::randn({6, 1, 8, 8});
  Tensor labels = ember::tensor({0, 1, 2, 0, 1, 2});
  double first = 0, last = 0;
  for (int i = 0; i < 30; ++i) {
    adam.zero_grad();
    Tensor loss = F::cross_entropy(net(x), labels);
    loss.backward();
    adam.step();
    (i == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first * 0.5);
  net->eval();
  Tensor a = net(x), b = net(x);
  EXPECT_EQ(values(a), values(b));  // no dropout, fixed statistics
  EXPECT_EQ(net->at<nn::BatchNorm2dImpl>(1).num_batches_tracked.item<int64_t>(), 30);
}

// The example at the top of docs/NN.md, as written there.
struct DocNetImpl : nn::Module {
  DocNetImpl() : conv(register_module("conv", nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1)))),
                 bn(register_module("bn", nn::BatchNorm2d(8))),
                 fc(register_module("fc", nn::Linear(8 * 14 * 14, 10))) {}
  Tensor forward(Tensor x) {
    x = F::max_pool2d(F::relu(bn(conv(x))), F::MaxPool2dFuncOptions(2));
    return fc(x.flatten(1));
  }
  nn::Conv2d conv;
  nn::BatchNorm2d bn;
  nn::Linear fc;
};
EMBER_MODULE(DocNet);

TEST(Training, DocumentationExampleRuns) {
  DocNet net;
  optim::AdamW opt(net->parameters(), optim::AdamWOptions(1e-3));
  optim::CosineAnnealingLR sched(opt, /*T_max=*/10);
  Tensor images = ember::randn({4, 1, 28, 28});
  Tensor labels = ember::tensor({1, 7, 3, 9});
  opt.zero_grad();
  Tensor loss = F::cross_entropy(net(images), labels);
  loss.backward();
  opt.step();
  sched.step();
  EXPECT_EQ(net->named_parameters().size(), 6u);
  EXPECT_TRUE(std::isfinite(loss.item<double>()));
  EXPECT_NEAR(sched.get_last_lr()[0], 1e-3 * (1 + std::cos(3.14159265358979323846 / 10)) / 2, 1e-15);
}

}  // namespace
}  // namespace ember_test
