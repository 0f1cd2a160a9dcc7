// ResNet-18 inference (eval mode, no grad, 3x224x224 images at batch 1 and 8), built from
// ember::nn exactly as from torch::nn (torchvision's layout: conv 7x7/2, max pool 3x3/2, four
// stages of two BasicBlocks with 1x1/2 downsampling, global average pool, linear 512 -> 1000;
// in-place ReLU and residual add as torchvision), ember beside libtorch 1.13 in one binary.
//
//   resnet18/B        forward time ("flops": 1.82 GFLOP per image, for bench_main's share of
//                     the measured FMA peak)
//   resnet18_busy/B   the same with one busy competing process on the machine
//   resnet18_rss/B    peak resident memory of a fresh process that builds the model and runs
//                     5 forwards (counters peak_MB and baseline_MB: after start-up, before the
//                     model); the time column of this row means nothing
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

#include "bench_support.h"

namespace ember_bench {
namespace {

constexpr double kFlopsPerImage = 2 * 1.814e9;  // multiply-adds of ResNet-18 at 224x224, x2

namespace en = ember::nn;

struct EmberBlockImpl : en::Module {
  en::Conv2d conv1{nullptr}, conv2{nullptr}, down{nullptr};
  en::BatchNorm2d bn1{nullptr}, bn2{nullptr}, down_bn{nullptr};
  EmberBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", en::Conv2d(en::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", en::BatchNorm2d(out));
    conv2 = register_module("conv2", en::Conv2d(en::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", en::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      down = register_module("down", en::Conv2d(en::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      down_bn = register_module("down_bn", en::BatchNorm2d(out));
    }
  }
  ember::Tensor forward(const ember::Tensor& x) {
    ember::Tensor h = ember::relu_(bn1(conv1(x)));
    h = bn2(conv2(h));
    h.add_(down ? down_bn(down(x)) : x);
    return ember::relu_(h);
  }
};
EMBER_MODULE(EmberBlock);

struct EmberResNet18Impl : en::Module {
  en::Conv2d conv1{nullptr};
  en::BatchNorm2d bn1{nullptr};
  en::Sequential layers{nullptr};
  en::Linear fc{nullptr};
  EmberResNet18Impl() {
    conv1 = register_module("conv1", en::Conv2d(en::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", en::BatchNorm2d(64));
    en::Sequential seq;
    const int64_t widths[4] = {64, 128, 256, 512};
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
      seq->push_back(EmberBlock(in, widths[stage], stage == 0 ? 1 : 2));
      seq->push_back(EmberBlock(widths[stage], widths[stage], 1));
      in = widths[stage];
    }
    layers = register_module("layers", seq);
    fc = register_module("fc", en::Linear(512, 1000));
  }
  ember::Tensor forward(const ember::Tensor& x) {
    ember::Tensor h = ember::relu_(bn1(conv1(x)));
    h = en::functional::max_pool2d(h, en::MaxPool2dOptions(3).stride(2).padding(1));
    h = layers(h);
    h = en::functional::adaptive_avg_pool2d(h, en::AdaptiveAvgPool2dOptions(1));
    return fc(h.flatten(1));
  }
};
EMBER_MODULE(EmberResNet18);

void ember_forward_loop(int64_t batch, int iterations) {
  ember::manual_seed(0);
  EmberResNet18 net;
  net->eval();
  ember::NoGradGuard no_grad;
  ember::Tensor x = ember::randn({batch, 3, 224, 224});
  for (int i = 0; i < iterations; ++i) benchmark::DoNotOptimize(net(x).data_ptr());
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

void report_memory(benchmark::State& state, const std::string& workload) {
  ChildMemory memory;
  for (auto _ : state) memory = run_child_workload(workload);
  state.counters["peak_MB"] = memory.peak_mb;
  state.counters["baseline_MB"] = memory.baseline_mb;
}
void BM_ember_resnet18_rss(benchmark::State& state) {
  report_memory(state, "resnet18_ember_b" + std::to_string(state.range(0)));
}

const bool kEmberChildren = register_child_workload("resnet18_ember_b1", [] { ember_forward_loop(1, 5); }) &&
                            register_child_workload("resnet18_ember_b8", [] { ember_forward_loop(8, 5); });

BENCHMARK(BM_ember_resnet18)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_resnet18_busy)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_resnet18_rss)->Arg(1)->Arg(8)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
namespace tn = torch::nn;

struct TorchBlockImpl : tn::Module {
  tn::Conv2d conv1{nullptr}, conv2{nullptr}, down{nullptr};
  tn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, down_bn{nullptr};
  TorchBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", tn::Conv2d(tn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", tn::BatchNorm2d(out));
    conv2 = register_module("conv2", tn::Conv2d(tn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", tn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      down = register_module("down", tn::Conv2d(tn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      down_bn = register_module("down_bn", tn::BatchNorm2d(out));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = bn1(conv1(x));
    h.relu_();
    h = bn2(conv2(h));
    h.add_(down ? down_bn(down(x)) : x);
    return h.relu_();
  }
};
TORCH_MODULE(TorchBlock);

struct TorchResNet18Impl : tn::Module {
  tn::Conv2d conv1{nullptr};
  tn::BatchNorm2d bn1{nullptr};
  tn::Sequential layers{nullptr};
  tn::Linear fc{nullptr};
  TorchResNet18Impl() {
    conv1 = register_module("conv1", tn::Conv2d(tn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", tn::BatchNorm2d(64));
    tn::Sequential seq;
    const int64_t widths[4] = {64, 128, 256, 512};
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
      seq->push_back(TorchBlock(in, widths[stage], stage == 0 ? 1 : 2));
      seq->push_back(TorchBlock(widths[stage], widths[stage], 1));
      in = widths[stage];
    }
    layers = register_module("layers", seq);
    fc = register_module("fc", tn::Linear(512, 1000));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = bn1(conv1(x));
    h.relu_();
    h = tn::functional::max_pool2d(h, tn::functional::MaxPool2dFuncOptions(3).stride(2).padding(1));
    h = layers->forward(h);
    h = tn::functional::adaptive_avg_pool2d(h, tn::functional::AdaptiveAvgPool2dFuncOptions(1));
    return fc(h.flatten(1));
  }
};
TORCH_MODULE(TorchResNet18);

void torch_forward_loop(int64_t batch, int iterations) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  TorchResNet18 net;
  net->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({batch, 3, 224, 224});
  for (int i = 0; i < iterations; ++i) benchmark::DoNotOptimize(net(x).data_ptr());
}

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
void BM_libtorch_resnet18_rss(benchmark::State& state) {
  report_memory(state, "resnet18_libtorch_b" + std::to_string(state.range(0)));
}

const bool kTorchChildren = register_child_workload("resnet18_libtorch_b1", [] { torch_forward_loop(1, 5); }) &&
                            register_child_workload("resnet18_libtorch_b8", [] { torch_forward_loop(8, 5); });

BENCHMARK(BM_libtorch_resnet18)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_resnet18_busy)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_resnet18_rss)->Arg(1)->Arg(8)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
