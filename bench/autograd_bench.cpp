// Autograd overhead and a full training step, ember beside libtorch 1.13 in the same binary:
//  - a 1-element add whose inputs require grad (records a graph node per call);
//  - one training step of the demo's small CNN (forward, cross entropy, backward, Adam step) on a
//    batch of 64 16x16 images.
#include <benchmark/benchmark.h>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int kBatch = 64;

void BM_ember_add_requires_grad(benchmark::State& state) {
  ember::Tensor a = ember::ones({1}).requires_grad_();
  ember::Tensor b = ember::ones({1}).requires_grad_();
  for (auto _ : state) {
    ember::Tensor c = ember::add(a, b);
    benchmark::DoNotOptimize(c.impl());
  }
}
BENCHMARK(BM_ember_add_requires_grad);

void BM_ember_cnn_train_step(benchmark::State& state) {
  namespace nn = ember::nn;
  ember::manual_seed(0);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1).bias(false)), nn::BatchNorm2d(8), nn::ReLU(),
                       nn::MaxPool2d(2), nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1).bias(false)),
                       nn::BatchNorm2d(16), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(16 * 4 * 4, 4));
  ember::optim::Adam optimizer(model->parameters(), ember::optim::AdamOptions(0.005));
  ember::Tensor x = ember::randn({kBatch, 1, 16, 16});
  ember::Tensor y = ember::randint(0, 4, {kBatch});
  for (auto _ : state) {
    optimizer.zero_grad();
    ember::Tensor loss = nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    benchmark::DoNotOptimize(loss.impl());
  }
}
BENCHMARK(BM_ember_cnn_train_step)->Unit(benchmark::kMicrosecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void BM_libtorch_add_requires_grad(benchmark::State& state) {
  torch::Tensor a = torch::ones({1}).requires_grad_();
  torch::Tensor b = torch::ones({1}).requires_grad_();
  for (auto _ : state) {
    torch::Tensor c = torch::add(a, b);
    benchmark::DoNotOptimize(c.unsafeGetTensorImpl());
  }
}
BENCHMARK(BM_libtorch_add_requires_grad);

void BM_libtorch_cnn_train_step(benchmark::State& state) {
  namespace nn = torch::nn;
  torch::manual_seed(0);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1).bias(false)), nn::BatchNorm2d(8), nn::ReLU(),
                       nn::MaxPool2d(2), nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1).bias(false)),
                       nn::BatchNorm2d(16), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(16 * 4 * 4, 4));
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(0.005));
  torch::Tensor x = torch::randn({kBatch, 1, 16, 16});
  torch::Tensor y = torch::randint(0, 4, {kBatch});
  for (auto _ : state) {
    optimizer.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    benchmark::DoNotOptimize(loss.unsafeGetTensorImpl());
  }
}
BENCHMARK(BM_libtorch_cnn_train_step)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace
