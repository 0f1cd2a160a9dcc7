// One SGD step (momentum 0.9, weight decay 1e-4, after the first step) over ResNet-18's
// parameters (62 tensors, 11.7M floats; gradients set once), ember beside libtorch 1.13's
// torch::optim::SGD (per tensor; its C++ API has no multi-tensor path):
//   sgd_resnet18/1   ember with foreach(true): one _fused_sgd_ call, one parallel pass
//   sgd_resnet18/0   ember with foreach(false): the per-parameter path (three ops per tensor)
//   adam_resnet18/1, /0   the same for Adam (amsgrad off, weight decay 1e-4) against torch::optim::Adam
// The libtorch rows are the same measurement for both arguments, so each pair reads as a ratio.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "resnet18_ember.h"
#ifdef EMBER_BENCH_WITH_LIBTORCH
#include "resnet18_torch.h"
#endif

namespace ember_bench {
namespace {

void BM_ember_sgd_resnet18(benchmark::State& state) {
  ember::manual_seed(0);
  EmberResNet18 net;
  std::vector<ember::Tensor> params = net->parameters();
  for (ember::Tensor& p : params) p.mutable_grad() = ember::randn(p.sizes());
  ember::optim::SGD sgd(params, ember::optim::SGDOptions(0.01).momentum(0.9).weight_decay(1e-4).foreach(state.range(0) != 0));
  sgd.step();  // momentum buffers exist from here on
  for (auto _ : state) sgd.step();
}
BENCHMARK(BM_ember_sgd_resnet18)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ember_adam_resnet18(benchmark::State& state) {
  ember::manual_seed(0);
  EmberResNet18 net;
  std::vector<ember::Tensor> params = net->parameters();
  for (ember::Tensor& p : params) p.mutable_grad() = ember::randn(p.sizes());
  ember::optim::Adam adam(params, ember::optim::AdamOptions(1e-3).weight_decay(1e-4).foreach(state.range(0) != 0));
  adam.step();
  for (auto _ : state) adam.step();
}
BENCHMARK(BM_ember_adam_resnet18)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void BM_libtorch_sgd_resnet18(benchmark::State& state) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  TorchResNet18 net;
  std::vector<torch::Tensor> params = net->parameters();
  for (torch::Tensor& p : params) p.mutable_grad() = torch::randn(p.sizes());
  torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9).weight_decay(1e-4));
  sgd.step();
  for (auto _ : state) sgd.step();
}
BENCHMARK(BM_libtorch_sgd_resnet18)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_libtorch_adam_resnet18(benchmark::State& state) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  TorchResNet18 net;
  std::vector<torch::Tensor> params = net->parameters();
  for (torch::Tensor& p : params) p.mutable_grad() = torch::randn(p.sizes());
  torch::optim::Adam adam(params, torch::optim::AdamOptions(1e-3).weight_decay(1e-4));
  adam.step();
  for (auto _ : state) adam.step();
}
BENCHMARK(BM_libtorch_adam_resnet18)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
