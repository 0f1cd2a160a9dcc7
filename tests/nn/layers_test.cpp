// Forward values of every layer and of nn::functional, against hand computations and PyTorch
// 1.13 (values printed by /usr/bin/python3 with torch 1.13 from the same inputs, in float64).
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace F = ember::nn::functional;

const Tol kTol64{1e-7, 1e-7};  // references are printed with 7 decimals

void assign(const Tensor& param, const std::vector<double>& vals) {
  NoGradGuard no_grad;
  param.copy_(make(vals, param.sizes(), param.scalar_type()));
}

TEST(Linear, ForwardAndShapes) {
  nn::Linear fc(2, 3);
  fc->to(kFloat64);
  assign(fc->weight, {0.5, -1, 2, 0.25, -0.5, 1.5});
  assign(fc->bias, {0.1, -0.2, 0.3});
  // Row [1, 2]: 0.5 - 2 + 0.1 = -1.4, 2 + 0.5 - 0.2 = 2.3, -0.5 + 3 + 0.3 = 2.8. torch: same.
  Tensor x = make({1, 2, -1, 0.5}, {2, 2}, kFloat64);
  EXPECT_TRUE(matches(fc(x), {2, 3}, kFloat64, {-1.4, 2.3, 2.8, -0.9, -2.075, 1.55}, kTol64));
  EXPECT_TRUE(matches(F::linear(x, fc->weight), {2, 3}, kFloat64, {-1.5, 2.5, 2.5, -1, -1.875, 1.25}, kTol64));
  // Any leading dimensions.
  EXPECT_EQ(fc(ember::ones({4, 5, 2}, kFloat64)).sizes().vec(), (std::vector<int64_t>{4, 5, 3}));
  EXPECT_EQ(fc->weight.sizes().vec(), (std::vector<int64_t>{3, 2}));
}

TEST(Conv2d, ForwardWithStridePaddingAndGroups) {
  nn::Conv2d conv(nn::Conv2dOptions(1, 1, 2).stride(2).padding(1));
  conv->to(kFloat64);
  assign(conv->weight, {1, 2, 3, 4});
  assign(conv->bias, {0.5});
  Tensor x = make(iota(9), {1, 1, 3, 3}, kFloat64);
  // Top-left output sees only x[0][0] = 0 under weight 4: 0.5. torch: [0.5, 11.5, 30.5, 67.5].
  EXPECT_TRUE(matches(conv(x), {1, 1, 2, 2}, kFloat64, {0.5, 11.5, 30.5, 67.5}, kTol64));
  // Plain: 0*1 + 1*2 + 3*3 + 4*4 = 27; torch: [27, 37, 57, 67].
  EXPECT_TRUE(matches(F::conv2d(x, conv->weight), {1, 1, 2, 2}, kFloat64, {27, 37, 57, 67}, kTol64));
  nn::Conv2d grouped(nn::Conv2dOptions(4, 6, 3).groups(2).padding(1));
  EXPECT_EQ(grouped->weight.sizes().vec(), (std::vector<int64_t>{6, 2, 3, 3}));
  EXPECT_EQ(grouped(ember::ones({2, 4, 5, 5})).sizes().vec(), (std::vector<int64_t>{2, 6, 5, 5}));
  EXPECT_THROW_MSG(nn::Conv2d(nn::Conv2dOptions(3, 6, 3).groups(2)), ember::ValueError, "divisible by groups");
}

TEST(BatchNorm2d, TrainingUpdatesRunningStatsThenEvalUsesThem) {
  nn::BatchNorm2d bn(2);
  bn->to(kFloat64);
  EXPECT_TRUE(all_equal(bn->weight, {1, 1}));
  EXPECT_TRUE(all_equal(bn->bias, {0, 0}));
  Tensor x = make({1, 2, 3, 4, 5, 6, 7, 9}, {2, 2, 1, 2}, kFloat64);
  // Channel 0 holds 1, 2, 5, 6: mean 3.5, biased var 4.25, unbiased 17/3.
  // running_mean = 0.1 * 3.5 = 0.35; running_var = 0.9 + 0.1 * 17/3 = 1.4666667.
  Tensor y = bn(x);
  double inv = 1 / std::sqrt(4.25 + 1e-5);
  EXPECT_NEAR(values(y)[0], (1 - 3.5) * inv, 1e-9);
  EXPECT_TRUE(all_close(y, {-1.2126767, -0.727606, -1.1531123, -0.7337987, 0.727606, 1.2126767, 0.524142, 1.3627691}, kTol64));
  EXPECT_TRUE(all_close(bn->running_mean, {0.35, 0.575}, kTol64));
  EXPECT_TRUE(all_close(bn->running_var, {1.4666667, 1.6583333}, kTol64));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
  bn(x * 2.0);
  EXPECT_TRUE(all_close(bn->running_mean, {1.015, 1.6675}, kTol64));  // torch: [1.015, 1.6675]
  EXPECT_TRUE(all_close(bn->running_var, {3.5866667, 4.5258333}, kTol64));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 2);
  bn->eval();
  EXPECT_TRUE(all_close(bn(x), {-0.0079204, 0.5201039, 0.6263505, 1.0964072, 2.1041767, 2.632201, 2.5065773, 3.4466907},
                        kTol64));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 2);  // evaluation counts nothing
  EXPECT_TRUE(all_close(bn->running_mean, {1.015, 1.6675}, kTol64));
}

TEST(BatchNorm2d, CumulativeAverageAndOptions) {
  nn::BatchNorm2d bn(nn::BatchNorm2dOptions(2).momentum(std::nullopt));
  bn->to(kFloat64);
  Tensor x = make({1, 2, 3, 4, 5, 6, 7, 9}, {2, 2, 1, 2}, kFloat64);
  bn(x);
  bn(x * 2.0);
  // Means of the two batches' statistics: (3.5 + 7) / 2 = 5.25; torch: [5.25, 8.625], [14.1666667, 18.9583333].
  EXPECT_TRUE(all_close(bn->running_mean, {5.25, 8.625}, kTol64));
  EXPECT_TRUE(all_close(bn->running_var, {14.1666667, 18.9583333}, kTol64));

  nn::BatchNorm2d plain(nn::BatchNorm2dOptions(2).affine(false).track_running_stats(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_TRUE(plain->buffers().empty());
  plain->eval();  // without running statistics, evaluation still uses the batch's
  Tensor y = plain(make({1, 3, 1, 3}, {1, 2, 1, 2}));
  EXPECT_TRUE(all_close(y, {-1, 1, -1, 1}, Tol{1e-4, 1e-4}));
  EXPECT_THROW_MSG(bn(ember::ones({2, 2, 3})), ember::ValueError, "expected 4D input (got 3D input)");
  bn->reset_running_stats();
  EXPECT_TRUE(all_equal(bn->running_var, {1, 1}));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);
}

TEST(LayerNorm, NormalizesTrailingDimensions) {
  nn::LayerNorm ln(nn::LayerNormOptions({3}));
  ln->to(kFloat64);
  EXPECT_TRUE(all_equal(ln->weight, {1, 1, 1}));
  assign(ln->weight, {1, 2, 0.5});
  assign(ln->bias, {0, 0.1, -0.1});
  Tensor x = make({1, 2, 4, -1, 0, 3}, {2, 3}, kFloat64);
  // torch: [-1.0690415, -0.4345208, 0.568151, -0.980579, -0.6844632, 0.5864053].
  EXPECT_TRUE(matches(ln(x), {2, 3}, kFloat64, {-1.0690415, -0.4345208, 0.568151, -0.980579, -0.6844632, 0.5864053}, kTol64));
  nn::LayerNorm plain(nn::LayerNormOptions({2, 2}).elementwise_affine(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_TRUE(all_close(plain(make({1, 1, 3, 3}, {1, 2, 2})), {-1, -1, 1, 1}, Tol{1e-4, 1e-4}));
}

TEST(Embedding, LooksUpRowsAndZeroesThePaddingRow) {
  nn::Embedding emb(4, 2);
  assign(emb->weight, iota(8));
  Tensor idx = ember::tensor({{0, 2}, {3, 0}});
  EXPECT_TRUE(matches(emb(idx), {2, 2, 2}, kFloat32, {0, 1, 4, 5, 6, 7, 0, 1}));
  nn::Embedding padded(nn::EmbeddingOptions(5, 3).padding_idx(-4));
  EXPECT_EQ(*padded->options.padding_idx(), 1);
  std::vector<double> w = values(padded->weight);
  for (int j = 0; j < 3; ++j) EXPECT_EQ(w[3 + j], 0.0);
  EXPECT_NE(w[0], 0.0);
  EXPECT_TRUE(all_equal(F::embedding(ember::tensor({2}), emb->weight), {4, 5}));
  EXPECT_THROW_MSG(nn::Embedding(nn::EmbeddingOptions(3, 2).padding_idx(3)), ember::IndexError,
                   "Padding_idx must be within num_embeddings");
}

TEST(Dropout, ZeroesAndScalesInTrainingOnlyAndIsIdentityInEval) {
  ember::manual_seed(7);
  nn::Dropout drop(0.5);
  Tensor x = ember::ones({20000});
  std::vector<double> y = values(drop(x));
  size_t zeros = 0;
  for (double v : y) {
    EXPECT_TRUE(v == 0.0 || v == 2.0) << v;
    zeros += v == 0.0;
  }
  EXPECT_NEAR(static_cast<double>(zeros) / y.size(), 0.5, 0.02);
  drop->eval();
  EXPECT_TRUE(drop(x).is_same(x) || all_equal(drop(x), std::vector<double>(20000, 1.0)));
  EXPECT_TRUE(all_equal(F::dropout(x, F::DropoutFuncOptions().p(1.0)), std::vector<double>(20000, 0.0)));
  EXPECT_TRUE(all_equal(F::dropout(make1d({1, 2}), F::DropoutFuncOptions().training(false)), {1, 2}));
  EXPECT_THROW_MSG(nn::Dropout(1.5), ember::ValueError, "between 0 and 1, but got 1.5");
}

TEST(Activations, ValuesAgainstFormulas) {
  Tensor x = make1d({-2, -0.5, 0, 0.5, 2}, kFloat64);
  EXPECT_TRUE(all_equal(nn::ReLU()(x), {0, 0, 0, 0.5, 2}));
  // torch F.gelu: [-0.0455003, -0.1542688, 0, 0.3457312, 1.9544997]; tanh form differs slightly.
  EXPECT_TRUE(all_close(nn::GELU()(x), {-0.0455003, -0.1542688, 0, 0.3457312, 1.9544997}, kTol64));
  EXPECT_TRUE(all_close(nn::GELU(nn::GELUOptions().approximate("tanh"))(x), {-0.0454023, -0.154286, 0, 0.345714, 1.9545977},
                        kTol64));
  std::vector<double> sig, th;
  for (double v : values(x)) {
    sig.push_back(1 / (1 + std::exp(-v)));
    th.push_back(std::tanh(v));
  }
  EXPECT_TRUE(all_close(nn::Sigmoid()(x), sig, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(nn::Tanh()(x), th, Tol{1e-12, 1e-12}));
  Tensor y = x.clone();
  Tensor r = nn::ReLU(nn::ReLUOptions(true))(y);
  EXPECT_TRUE(r.is_same(y));
  EXPECT_TRUE(all_equal(y, {0, 0, 0, 0.5, 2}));  // in place
  EXPECT_THROW_MSG(nn::GELU(nn::GELUOptions().approximate("fast"))(x), ember::ValueError, "approximate");
}

TEST(Pooling, MaxAvgAdaptive) {
  std::vector<double> v = iota(16);
  v[5] = 20;
  Tensor x = make(v, {1, 1, 4, 4}, kFloat64);
  EXPECT_TRUE(matches(nn::MaxPool2d(2)(x), {1, 1, 2, 2}, kFloat64, {20, 7, 13, 15}));
  EXPECT_TRUE(matches(nn::AvgPool2d(2)(x), {1, 1, 2, 2}, kFloat64, {6.25, 4.5, 10.5, 12.5}));  // (0+1+4+20)/4
  EXPECT_TRUE(all_equal(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(1).padding(1))(x),
                        {20, 20, 20, 7, 20, 20, 20, 11, 20, 20, 20, 15, 13, 14, 15, 15}));
  // torch: avg_pool2d(x, 3, stride=2, padding=1) -> [2.7777778, 4.3333333, 7.3333333, 11.6666667];
  // count_include_pad=False -> [6.25, 6.5, 11.0, 11.6666667].
  EXPECT_TRUE(all_close(nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(2).padding(1))(x),
                        {2.7777778, 4.3333333, 7.3333333, 11.6666667}, kTol64));
  EXPECT_TRUE(all_close(F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(2).padding(1).count_include_pad(false)),
                        {6.25, 6.5, 11.0, 11.6666667}, kTol64));
  EXPECT_TRUE(matches(nn::AdaptiveAvgPool2d(1)(x), {1, 1, 1, 1}, kFloat64, {8.4375}));
  // torch: adaptive_avg_pool2d(x, (3, 2)) -> [6.25, 4.5, 10.25, 8.5, 10.5, 12.5].
  EXPECT_TRUE(matches(F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({3, 2})), {1, 1, 3, 2}, kFloat64,
                      {6.25, 4.5, 10.25, 8.5, 10.5, 12.5}));
  // An empty entry keeps the input's size.
  EXPECT_EQ(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({std::nullopt, 1}))(x).sizes().vec(),
            (std::vector<int64_t>{1, 1, 4, 1}));
  EXPECT_TRUE(all_equal(F::max_pool2d(x, F::MaxPool2dFuncOptions(4)), {20}));
}

TEST(Flatten, CollapsesDimensions) {
  Tensor x = ember::ones({2, 3, 4, 5});
  EXPECT_EQ(nn::Flatten()(x).sizes().vec(), (std::vector<int64_t>{2, 60}));
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(x).sizes().vec(),
            (std::vector<int64_t>{6, 4, 5}));
}

TEST(Functional, SoftmaxAndLogSoftmax) {
  Tensor x = make({1, 2, 3, 0, 0, 0}, {2, 3}, kFloat64);
  double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_TRUE(all_close(F::softmax(x, 1), {std::exp(1.0) / s, std::exp(2.0) / s, std::exp(3.0) / s, 1 / 3.0, 1 / 3.0, 1 / 3.0},
                        Tol{1e-12, 1e-12}));
  EXPECT_TRUE(all_close(F::log_softmax(x, F::LogSoftmaxFuncOptions(1)),
                        {1 - std::log(s), 2 - std::log(s), 3 - std::log(s), -std::log(3.0), -std::log(3.0), -std::log(3.0)},
                        Tol{1e-12, 1e-12}));
  EXPECT_EQ(F::softmax(make1d({1, 2}), F::SoftmaxFuncOptions(0).dtype(kFloat64)).scalar_type(), kFloat64);
}

TEST(Functional, BatchNormAndLayerNormMatchModules) {
  Tensor x = make({1, 2, 3, 4, 5, 6, 7, 9}, {2, 2, 1, 2}, kFloat64);
  Tensor rm = ember::zeros({2}, kFloat64), rv = ember::ones({2}, kFloat64);
  Tensor y = F::batch_norm(x, rm, rv, F::BatchNormFuncOptions().training(true));
  EXPECT_NEAR(values(y)[0], -1.2126767, 1e-7);
  EXPECT_TRUE(all_close(rm, {0.35, 0.575}, kTol64));  // updated in place in training
  Tensor z = F::batch_norm(x, rm, rv);                 // evaluation by default
  EXPECT_NEAR(values(z)[0], (1 - 0.35) / std::sqrt(1.4666667 + 1e-5), 1e-6);
  EXPECT_TRUE(all_close(F::layer_norm(make({1, 3}, {1, 2}, kFloat64), F::LayerNormFuncOptions({2}).eps(0)), {-1, 1}, kTol64));
}

}  // namespace
}  // namespace ember_test
