// Per-call overhead of a 1-element add: ember's typed C++ API and its boxed path, beside
// libtorch's (Debian's libtorch-dev 1.13) in the same binary, so that both run under the same
// machine conditions. Run with --benchmark_enable_random_interleaving=true and repetitions
// (make bench does), and compare medians; see docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/torch.h>
#endif

namespace {

void BM_ember_add_typed(benchmark::State& state) {
  ember::Tensor a = ember::ones({1});
  ember::Tensor b = ember::ones({1});
  for (auto _ : state) {
    ember::Tensor c = ember::add(a, b);
    benchmark::DoNotOptimize(c.impl());
  }
}
BENCHMARK(BM_ember_add_typed);

void BM_ember_add_boxed(benchmark::State& state) {
  ember::Tensor a = ember::ones({1});
  ember::Tensor b = ember::ones({1});
  ember::OperatorHandle op = ember::Dispatcher::singleton().find_or_throw("aten::add.Tensor");
  ember::Stack stack;
  stack.reserve(3);
  for (auto _ : state) {
    stack.clear();
    stack.emplace_back(a);
    stack.emplace_back(b);
    stack.emplace_back(int64_t(1));
    op.call_boxed(&stack);
    benchmark::DoNotOptimize(stack.data());
  }
}
BENCHMARK(BM_ember_add_boxed);

void BM_ember_add_inplace(benchmark::State& state) {
  ember::Tensor a = ember::ones({1});
  ember::Tensor b = ember::ones({1});
  for (auto _ : state) {
    a.add_(b);
    benchmark::DoNotOptimize(a.impl());
  }
}
BENCHMARK(BM_ember_add_inplace);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void BM_libtorch_add_typed(benchmark::State& state) {
  torch::Tensor a = torch::ones({1});
  torch::Tensor b = torch::ones({1});
  for (auto _ : state) {
    torch::Tensor c = torch::add(a, b);
    benchmark::DoNotOptimize(c.unsafeGetTensorImpl());
  }
}
BENCHMARK(BM_libtorch_add_typed);

void BM_libtorch_add_boxed(benchmark::State& state) {
  torch::Tensor a = torch::ones({1});
  torch::Tensor b = torch::ones({1});
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("aten::add", "Tensor");
  std::vector<c10::IValue> stack;
  stack.reserve(3);
  for (auto _ : state) {
    stack.clear();
    stack.emplace_back(a);
    stack.emplace_back(b);
    stack.emplace_back(c10::Scalar(1));
    op.callBoxed(&stack);
    benchmark::DoNotOptimize(stack.data());
  }
}
BENCHMARK(BM_libtorch_add_boxed);

void BM_libtorch_add_inplace(benchmark::State& state) {
  torch::Tensor a = torch::ones({1});
  torch::Tensor b = torch::ones({1});
  for (auto _ : state) {
    a.add_(b);
    benchmark::DoNotOptimize(a.unsafeGetTensorImpl());
  }
}
BENCHMARK(BM_libtorch_add_inplace);
#endif

}  // namespace

// main: bench_main.cpp (one main for every file in bench/).
