// The script compiler and interpreter beside TorchScript (Debian's libtorch-dev 1.13) in the
// same binary: compiling 200 lines, a loop of scalar int/float arithmetic, and a loop of small
// tensor ops. Both sides compile the same source text; calls go through each one's Function
// call (TorchScript's graph executor, after its profiling runs: the loop is warmed up first).
// See docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <ember/ember.h>

#include <sstream>

#include "script/api/compilation_unit.h"

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/script.h>
#include <torch/torch.h>
#endif

namespace {

// 20 functions of 10 lines each: arithmetic, branches, loops, lists and calls.
std::string two_hundred_lines() {
  std::ostringstream s;
  for (int i = 0; i < 20; ++i) {
    s << "def f" << i << "(x: Tensor, n: int) -> Tensor:\n"
      << "    total = 0\n"
      << "    for i in range(n):\n"
      << "        if i % 2 == 0:\n"
      << "            total += i * " << i + 1 << "\n"
      << "        else:\n"
      << "            total -= 1\n"
      << "    xs: List[int] = [total, n, " << i << "]\n"
      << "    y = torch.relu(x * float(len(xs)) + " << i << ")\n"
      << "    return y" << (i > 0 ? " + f" + std::to_string(i - 1) + "(x, n)" : "") << "\n";
  }
  return s.str();
}

const char* kLoops = R"(
def scalar_loop(n: int) -> float:
    total = 0.0
    k = 0
    for i in range(n):
        if i % 3 == 0:
            total += i * 0.5
            k += 1
        else:
            total -= 1.0
    return total + k

def tensor_loop(x: Tensor, n: int) -> Tensor:
    for i in range(n):
        x = torch.tanh(x * 0.5 + 0.25)
    return x
)";

void BM_ember_script_compile_200_lines(benchmark::State& state) {
  std::string source = two_hundred_lines();
  for (auto _ : state) {
    ember::script::CompilationUnit cu;
    cu.define(source);
    for (ember::script::Function* f : cu.functions()) f->ensure_defined();
    benchmark::DoNotOptimize(&cu);
  }
}
BENCHMARK(BM_ember_script_compile_200_lines)->Unit(benchmark::kMillisecond);

void BM_ember_script_scalar_loop(benchmark::State& state) {
  ember::script::CompilationUnit cu;
  cu.define(kLoops);
  ember::script::Function& f = cu.get_function("scalar_loop");
  f({ember::IValue(int64_t(1000))});
  for (auto _ : state) benchmark::DoNotOptimize(f({ember::IValue(int64_t(1000))}));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ember_script_scalar_loop)->Unit(benchmark::kMicrosecond);

void BM_ember_script_tensor_loop(benchmark::State& state) {
  ember::script::CompilationUnit cu;
  cu.define(kLoops);
  ember::script::Function& f = cu.get_function("tensor_loop");
  ember::Tensor x = ember::ones({4});
  f({x, ember::IValue(int64_t(100))});
  for (auto _ : state) benchmark::DoNotOptimize(f({x, ember::IValue(int64_t(100))}));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ember_script_tensor_loop)->Unit(benchmark::kMicrosecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void BM_libtorch_script_compile_200_lines(benchmark::State& state) {
  std::string source = two_hundred_lines();
  for (auto _ : state) {
    std::shared_ptr<torch::jit::CompilationUnit> cu = torch::jit::compile(source);
    benchmark::DoNotOptimize(cu.get());
  }
}
BENCHMARK(BM_libtorch_script_compile_200_lines)->Unit(benchmark::kMillisecond);

void BM_libtorch_script_scalar_loop(benchmark::State& state) {
  std::shared_ptr<torch::jit::CompilationUnit> cu = torch::jit::compile(kLoops);
  torch::jit::Function& f = cu->get_function("scalar_loop");
  for (int warm = 0; warm < 5; ++warm) f({int64_t(1000)});  // the profiling executor's runs
  for (auto _ : state) benchmark::DoNotOptimize(f({int64_t(1000)}));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_libtorch_script_scalar_loop)->Unit(benchmark::kMicrosecond);

void BM_libtorch_script_tensor_loop(benchmark::State& state) {
  std::shared_ptr<torch::jit::CompilationUnit> cu = torch::jit::compile(kLoops);
  torch::jit::Function& f = cu->get_function("tensor_loop");
  torch::Tensor x = torch::ones({4});
  for (int warm = 0; warm < 5; ++warm) f({x, int64_t(100)});
  for (auto _ : state) benchmark::DoNotOptimize(f({x, int64_t(100)}));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_libtorch_script_tensor_loop)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace
