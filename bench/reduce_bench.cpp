// Reductions, ember beside libtorch 1.13 in the same binary: sum, mean, max, argmax and var
// over all 16M float32 elements ("bytes": one read of the input, for bench_main's share of the
// add bandwidth), and along dim 0 and dim 1 of a [4096, 4096] float32 tensor. Rows named
// ..._busy run with one competing busy process on the machine.
#include <benchmark/benchmark.h>

#include <optional>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

#include "bench_support.h"

namespace ember_bench {
namespace {

constexpr int64_t kN = int64_t(16) << 20;
constexpr int64_t kSide = 4096;

enum ReduceOp : int64_t { kSum, kMean, kMax, kArgmax, kVar };
const char* const kReduceNames[] = {"sum", "mean", "max", "argmax", "var"};

// range(0): the op; range(1): the dim of [4096, 4096], or -1 for every element of 16M.
void label(benchmark::State& state, bool busy) {
  state.SetLabel(kReduceNames[state.range(0)]);
  if (state.range(1) < 0 && !busy)
    state.counters["bytes"] = benchmark::Counter(double(kN) * sizeof(float), benchmark::Counter::kIsIterationInvariantRate);
}

void ember_reduce(benchmark::State& state, bool busy) {
  const int64_t op = state.range(0), dim = state.range(1);
  ember::manual_seed(0);
  ember::Tensor x = dim < 0 ? ember::randn({kN}) : ember::randn({kSide, kSide});
  auto once = [&]() -> ember::Tensor {
    if (dim < 0) {
      switch (op) {
        case kSum: return ember::sum(x);
        case kMean: return ember::mean(x);
        case kMax: return ember::max(x);
        case kArgmax: return ember::argmax(x);
        default: return ember::var(x);
      }
    }
    switch (op) {
      case kSum: return ember::sum(x, {dim});
      case kMean: return ember::mean(x, {dim});
      case kMax: return std::get<0>(ember::max(x, dim));
      case kArgmax: return ember::argmax(x, dim);
      default: return ember::var(x, {dim});
    }
  };
  once();
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) benchmark::DoNotOptimize(once().data_ptr());
  label(state, busy);
}
void BM_ember_reduce(benchmark::State& state) { ember_reduce(state, false); }
void BM_ember_reduce_busy(benchmark::State& state) { ember_reduce(state, true); }

void reduce_args(benchmark::internal::Benchmark* b) {
  for (int64_t dim : {-1, 0, 1})
    for (int64_t op = kSum; op <= kVar; ++op) b->Args({op, dim});
}
BENCHMARK(BM_ember_reduce)->Apply(reduce_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_reduce_busy)->Args({kSum, -1})->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void torch_reduce(benchmark::State& state, bool busy) {
  torch::set_num_threads(bench_threads());
  const int64_t op = state.range(0), dim = state.range(1);
  torch::manual_seed(0);
  torch::Tensor x = dim < 0 ? torch::randn({kN}) : torch::randn({kSide, kSide});
  auto once = [&]() -> torch::Tensor {
    if (dim < 0) {
      switch (op) {
        case kSum: return torch::sum(x);
        case kMean: return torch::mean(x);
        case kMax: return torch::max(x);
        case kArgmax: return torch::argmax(x);
        default: return torch::var(x);
      }
    }
    switch (op) {
      case kSum: return torch::sum(x, at::IntArrayRef{dim});
      case kMean: return torch::mean(x, at::IntArrayRef{dim});
      case kMax: return std::get<0>(torch::max(x, dim));
      case kArgmax: return torch::argmax(x, dim);
      default: return torch::var(x, at::IntArrayRef{dim});
    }
  };
  once();
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) benchmark::DoNotOptimize(once().data_ptr());
  label(state, busy);
}
void BM_libtorch_reduce(benchmark::State& state) { torch_reduce(state, false); }
void BM_libtorch_reduce_busy(benchmark::State& state) { torch_reduce(state, true); }
BENCHMARK(BM_libtorch_reduce)->Apply(reduce_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_reduce_busy)->Args({kSum, -1})->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
