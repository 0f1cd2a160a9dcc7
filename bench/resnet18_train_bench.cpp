// One training step of ResNet-18 on the CPU (train mode, batch 8 at 224x224: forward,
// cross-entropy, backward, SGD with momentum 0.9), ember beside libtorch 1.13 built the same way
// (resnet18_ember.h / resnet18_torch.h). Batch norm runs in training mode here: its backward is one
// native_batch_norm_backward call per layer for input, weight and bias together (ops.yaml's
// formula of several inputs), and the running statistics are updated as in PyTorch.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "resnet18_ember.h"
#ifdef EMBER_BENCH_WITH_LIBTORCH
#include "resnet18_torch.h"
#endif

namespace ember_bench {
namespace {

void BM_ember_resnet18_train_step(benchmark::State& state) {
  ember::manual_seed(0);
  EmberResNet18 net;
  net->train();
  ember::optim::SGD sgd(net->parameters(), ember::optim::SGDOptions(0.01).momentum(0.9));
  const ember::Tensor x = ember::randn({state.range(0), 3, 224, 224});
  const ember::Tensor target = ember::randint(0, 1000, {state.range(0)});
  auto step = [&] {
    sgd.zero_grad();
    ember::Tensor loss = ember::nn::functional::cross_entropy(net(x), target);
    loss.backward();
    sgd.step();
    return loss;
  };
  step();  // momentum buffers and the allocator's blocks exist from here on
  for (auto _ : state) benchmark::DoNotOptimize(step().data_ptr());
}
BENCHMARK(BM_ember_resnet18_train_step)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void BM_libtorch_resnet18_train_step(benchmark::State& state) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  TorchResNet18 net;
  net->train();
  torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  const torch::Tensor x = torch::randn({state.range(0), 3, 224, 224});
  const torch::Tensor target = torch::randint(0, 1000, {state.range(0)});
  auto step = [&] {
    sgd.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net(x), target);
    loss.backward();
    sgd.step();
    return loss;
  };
  step();
  for (auto _ : state) benchmark::DoNotOptimize(step().data_ptr());
}
BENCHMARK(BM_libtorch_resnet18_train_step)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
