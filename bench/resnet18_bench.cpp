// ResNet-18 inference (eval mode, no grad, 3x224x224 images at batch 1 and 8), the same model
// from ember::nn and torch::nn (resnet18_ember.h / resnet18_torch.h), ember beside libtorch 1.13:
//   resnet18/B        forward time ("flops": 3.63 GFLOP per image, for bench_main's share of the
//                     measured FMA peak)
//   resnet18_busy/B   the same with one busy competing process on the machine
//   resnet18_rss/B    peak resident memory (VmHWM) of a separate program that loads only that
//                     library, builds the model and runs 5 forwards (rss/); counters peak_MB and
//                     baseline_MB (before the model); the time column of this row means nothing
//   resnet18_maxpool/B  the model's one max pooling alone ([B, 64, 112, 112], 3x3, stride 2,
//                     padding 1, no grad): a piece of batch 1's profile
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "bench_support.h"
#include "resnet18_ember.h"
#ifdef EMBER_BENCH_WITH_LIBTORCH
#include "resnet18_torch.h"
#endif

namespace ember_bench {
namespace {

constexpr double kFlopsPerImage = 2 * 1.814e9;  // multiply-adds of ResNet-18 at 224x224, x2

void report_memory(benchmark::State& state, const char* program) {
  ChildMemory memory;
  for (auto _ : state) memory = run_memory_program(program, state.range(0));
  state.counters["peak_MB"] = memory.peak_mb;
  state.counters["baseline_MB"] = memory.baseline_mb;
}

void ember_resnet(benchmark::State& state, bool busy) {
  ember::manual_seed(0);
  EmberResNet18 net;
  net->eval();
  ember::NoGradGuard no_grad;
  ember::Tensor x = ember::randn({state.range(0), 3, 224, 224});
  for (int i = 0; i < 3; ++i) net(x);
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) benchmark::DoNotOptimize(net(x).data_ptr());
  if (!busy)
    state.counters["flops"] = benchmark::Counter(kFlopsPerImage * double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_ember_resnet18(benchmark::State& state) { ember_resnet(state, false); }
void BM_ember_resnet18_busy(benchmark::State& state) { ember_resnet(state, true); }
void BM_ember_resnet18_rss(benchmark::State& state) { report_memory(state, EMBER_BENCH_RSS_EMBER); }

BENCHMARK(BM_ember_resnet18)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_resnet18_busy)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
void BM_ember_resnet18_maxpool(benchmark::State& state) {
  ember::NoGradGuard no_grad;
  ember::Tensor x = ember::randn({state.range(0), 64, 112, 112});
  for (auto _ : state) benchmark::DoNotOptimize(ember::max_pool2d(x, {3, 3}, {2, 2}, {1, 1}).data_ptr());
}
BENCHMARK(BM_ember_resnet18_maxpool)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ember_resnet18_rss)->Arg(1)->Arg(8)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void torch_resnet(benchmark::State& state, bool busy) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  TorchResNet18 net;
  net->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({state.range(0), 3, 224, 224});
  for (int i = 0; i < 3; ++i) net(x);
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) benchmark::DoNotOptimize(net(x).data_ptr());
  if (!busy)
    state.counters["flops"] = benchmark::Counter(kFlopsPerImage * double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_libtorch_resnet18(benchmark::State& state) { torch_resnet(state, false); }
void BM_libtorch_resnet18_busy(benchmark::State& state) { torch_resnet(state, true); }
void BM_libtorch_resnet18_rss(benchmark::State& state) { report_memory(state, EMBER_BENCH_RSS_LIBTORCH); }

BENCHMARK(BM_libtorch_resnet18)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_resnet18_busy)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
void BM_libtorch_resnet18_maxpool(benchmark::State& state) {
  torch::set_num_threads(bench_threads());
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({state.range(0), 64, 112, 112});
  for (auto _ : state) benchmark::DoNotOptimize(torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1}).data_ptr());
}
BENCHMARK(BM_libtorch_resnet18_maxpool)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_libtorch_resnet18_rss)->Arg(1)->Arg(8)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
