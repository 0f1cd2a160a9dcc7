// GPU benchmarks of ember's CUDA plugin (Google Benchmark, manual time from CUDA events), the
// workloads of docs/PERFORMANCE.md's GPU section: elementwise add / exp / tanh / gelu and sum of
// 256M float32, softmax of 4096 x 4096, matmul 8192 in float32 and bfloat16, ResNet-50 forward
// (batch 1 and 64) and training step (batch 64, float32), and the host cost of one small op.
// bench/cuda/torch_cuda_bench.py and libtorch_cuda_bench.cpp time the same work in PyTorch;
// scripts/device/run_cuda_checks.sh runs all three side by side and prints the ratios.
//
// Skips every benchmark (with a message) where no CUDA device is usable.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>

#include <ember/ember.h>

#include "bench/cuda/resnet50.h"
#include "ops/accelerator.h"
#include "ops/autocast.h"
#include "core/stream.h"

namespace {

using ember::Device;
using ember::Tensor;
using ember::TensorOptions;

Device gpu() { return Device(ember::find_device_type("cuda"), 0); }

bool require_gpu(benchmark::State& st) {
  if (ember::cuda::is_available()) return true;
  st.SkipWithError("no usable CUDA device");
  return false;
}

// Times fn with CUDA events around each iteration (after `warmup` untimed calls).
void timed(benchmark::State& st, const std::function<void()>& fn, int warmup = 3) {
  for (int i = 0; i < warmup; ++i) fn();
  ember::synchronize(gpu());
  double host_seconds = 0;  // the time the host spends issuing the work (the GPU's time is the row's)
  for (auto _ : st) {
    ember::Event start(true), end(true);
    start.record(gpu());
    const auto issue_begin = std::chrono::steady_clock::now();
    fn();
    host_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - issue_begin).count();
    end.record(gpu());
    end.synchronize();
    st.SetIterationTime(start.elapsed_time(end) / 1e3);
  }
  // host_ms close to the row's time: the host is the bottleneck (the GPU waits for launches).
  st.counters["host_ms"] = benchmark::Counter(host_seconds * 1e3, benchmark::Counter::kAvgIterations);
}

constexpr int64_t kBig = int64_t(256) << 20;  // 256M elements

void BM_Add(benchmark::State& st) {
  if (!require_gpu(st)) return;
  Tensor a = ember::rand({kBig}, TensorOptions(gpu())), b = ember::rand({kBig}, TensorOptions(gpu()));
  timed(st, [&] { benchmark::DoNotOptimize(a + b); });
  st.counters["GB/s"] = benchmark::Counter(3.0 * 4 * kBig, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Add)->UseManualTime()->Unit(benchmark::kMillisecond);

void unary(benchmark::State& st, const std::function<Tensor(const Tensor&)>& f) {
  if (!require_gpu(st)) return;
  Tensor a = ember::rand({kBig}, TensorOptions(gpu()));
  timed(st, [&] { benchmark::DoNotOptimize(f(a)); });
  st.counters["GB/s"] = benchmark::Counter(2.0 * 4 * kBig, benchmark::Counter::kIsIterationInvariantRate);
}
void BM_Exp(benchmark::State& st) { unary(st, [](const Tensor& a) { return a.exp(); }); }
void BM_Tanh(benchmark::State& st) { unary(st, [](const Tensor& a) { return a.tanh(); }); }
void BM_Gelu(benchmark::State& st) { unary(st, [](const Tensor& a) { return ember::nn::functional::gelu(a); }); }
BENCHMARK(BM_Exp)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Tanh)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gelu)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Sum(benchmark::State& st) {
  if (!require_gpu(st)) return;
  Tensor a = ember::rand({kBig}, TensorOptions(gpu()));
  timed(st, [&] { benchmark::DoNotOptimize(a.sum()); });
  st.counters["GB/s"] = benchmark::Counter(4.0 * kBig, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sum)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Softmax(benchmark::State& st) {
  if (!require_gpu(st)) return;
  Tensor a = ember::randn({4096, 4096}, TensorOptions(gpu()));
  timed(st, [&] { benchmark::DoNotOptimize(a.softmax(-1)); });
  st.counters["GB/s"] = benchmark::Counter(2.0 * 4 * 4096 * 4096, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Softmax)->UseManualTime()->Unit(benchmark::kMicrosecond);

void matmul(benchmark::State& st, ember::ScalarType dtype) {
  if (!require_gpu(st)) return;
  Tensor a = ember::randn({8192, 8192}, TensorOptions(dtype).device(gpu()));
  Tensor b = ember::randn({8192, 8192}, TensorOptions(dtype).device(gpu()));
  timed(st, [&] { benchmark::DoNotOptimize(a.matmul(b)); });
  st.counters["TFLOP/s"] = benchmark::Counter(2.0 * 8192.0 * 8192.0 * 8192.0 / 1e12,
                                              benchmark::Counter::kIsIterationInvariantRate);
}
void BM_MatmulFloat32(benchmark::State& st) { matmul(st, ember::kFloat32); }
void BM_MatmulBFloat16(benchmark::State& st) { matmul(st, ember::kBFloat16); }
// A fixed count, as torch_cuda_bench.py's: a long run of full-power products lowers the clocks,
// so the same number of products on both sides keeps the comparison fair.
BENCHMARK(BM_MatmulFloat32)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_MatmulBFloat16)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_ResNet50Forward(benchmark::State& st) {
  if (!require_gpu(st)) return;
  ember::manual_seed(0);
  ember_bench::ResNet50 model;
  model->to(gpu());
  model->eval();
  Tensor x = ember::randn({st.range(0), 3, 224, 224}, TensorOptions(gpu()));
  ember::NoGradGuard no_grad;
  timed(st, [&] { benchmark::DoNotOptimize(model->forward(x)); });
  st.counters["img/s"] = benchmark::Counter(static_cast<double>(st.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ResNet50Forward)->Arg(1)->Arg(64)->UseManualTime()->Unit(benchmark::kMillisecond);

// One SGD step of ResNet-50 at batch 64, float32; `cudnn_benchmark`: convolution algorithms timed
// per shape (ember::cuda::set_cudnn_benchmark) instead of cuDNN's heuristics; `bf16_autocast`:
// the forward and loss under AutocastGuard("cuda", bfloat16), as torch.autocast in PyTorch's row.
// `per_tensor`: SGD with foreach(false), the per-parameter path (for the A/B of the multi-tensor step).
void train_step(benchmark::State& st, bool cudnn_benchmark, bool bf16_autocast = false, bool per_tensor = false) {
  if (!require_gpu(st)) return;
  ember::cuda::set_cudnn_benchmark(cudnn_benchmark);
  ember::manual_seed(0);
  ember_bench::ResNet50 model;
  model->to(gpu());
  model->train();
  ember::optim::SGD opt(model->parameters(),
                        ember::optim::SGDOptions(0.01).momentum(0.9).foreach(per_tensor ? std::optional<bool>(false) : std::nullopt));
  Tensor x = ember::randn({64, 3, 224, 224}, TensorOptions(gpu()));
  Tensor y = ember::randint(0, 1000, {64}, TensorOptions(ember::kInt64).device(gpu()));
  auto step = [&] {
    opt.zero_grad();
    Tensor loss;
    {
      ember::AutocastGuard autocast("cuda", ember::kBFloat16, bf16_autocast);
      loss = ember::nn::functional::cross_entropy(model->forward(x), y);
    }
    loss.backward();
    opt.step();
  };
  step();
  ember::cuda::synchronize();
  ember::cuda::reset_peak_memory_stats();
  timed(st, step, 2);
  ember::cuda::set_cudnn_benchmark(false);
  st.counters["img/s"] = benchmark::Counter(64.0, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["peak_MiB"] = static_cast<double>(ember::cuda::max_memory_allocated()) / 1048576.0;
}
void BM_ResNet50TrainStep(benchmark::State& st) { train_step(st, false); }
void BM_ResNet50TrainStepCudnnBenchmark(benchmark::State& st) { train_step(st, true); }
void BM_ResNet50TrainStepAutocastBF16(benchmark::State& st) { train_step(st, false, true); }
void BM_ResNet50TrainStepPerTensorSGD(benchmark::State& st) { train_step(st, false, false, true); }
BENCHMARK(BM_ResNet50TrainStep)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_ResNet50TrainStepCudnnBenchmark)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_ResNet50TrainStepPerTensorSGD)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_ResNet50TrainStepAutocastBF16)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

// Host cost: wall time per `a + b` on one-element GPU tensors, launches only (synchronized once).
// Host time per `a + b` on one-element tensors: batches of kSmallOpBatch launches, each batch
// started on an idle GPU, so that the launch queue never fills and the time is the host's (a
// one-block kernel takes the GPU 2-3 us: timed back to back without a pause, a fast host only
// measures the GPU). libtorch_cuda_bench.cpp times libtorch the same way.
constexpr int kSmallOpBatch = 200;
void BM_SmallOpHostCost(benchmark::State& st) {
  if (!require_gpu(st)) return;
  Tensor a = ember::ones({1}, TensorOptions(gpu())), b = ember::ones({1}, TensorOptions(gpu()));
  for (int i = 0; i < 1000; ++i) benchmark::DoNotOptimize(a + b);
  for (auto _ : st) {
    ember::cuda::synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kSmallOpBatch; ++i) benchmark::DoNotOptimize(a + b);
    const auto t1 = std::chrono::steady_clock::now();
    st.SetIterationTime(std::chrono::duration<double>(t1 - t0).count() / kSmallOpBatch);
  }
  ember::cuda::synchronize();
}
BENCHMARK(BM_SmallOpHostCost)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
