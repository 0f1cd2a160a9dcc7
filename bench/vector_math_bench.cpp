// Elementwise math on 16M float32 values and softmax over 4096 x 4096, ember beside libtorch
// 1.13 in the same binary. Outputs are preallocated (the out= forms), so rows time the kernels,
// not page faults of a fresh 64 MiB result. Each row counts the bytes it must move ("bytes":
// inputs read + output written) for bench_main's share of the measured add bandwidth.
//
// Rows named ..._busy run with one competing busy process on the machine (bench_support.h).
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

#include "bench_support.h"

namespace ember_bench {
namespace {

constexpr int64_t kN = int64_t(16) << 20;
constexpr int64_t kRows = 4096, kCols = 4096;

enum UnaryOp : int64_t { kExp, kLog, kTanh, kSigmoid, kGelu, kGeluTanh, kSin, kCos, kPow, kTanhOfSquare, kSilu, kAdd, kErf };
const char* const kUnaryNames[] = {"exp", "log", "tanh", "sigmoid", "gelu", "gelu_tanh", "sin", "cos", "pow", "tanh_x_x", "silu", "add", "erf"};

int64_t inputs_of(int64_t op) { return op == kPow || op == kAdd ? 2 : 1; }

void label(benchmark::State& state, int64_t op, int64_t elements, bool busy) {
  state.SetLabel(kUnaryNames[op]);
  // tanh(x * x) writes and reads an intermediate: 4 passes over memory.
  const double passes = op == kTanhOfSquare ? 4 : static_cast<double>(inputs_of(op) + 1);
  if (!busy)
    state.counters["bytes"] =
        benchmark::Counter(passes * static_cast<double>(elements) * sizeof(float), benchmark::Counter::kIsIterationInvariantRate);
}

void ember_unary(benchmark::State& state, bool busy) {
  const int64_t op = state.range(0);
  ember::manual_seed(0);
  ember::Tensor x = ember::randn({kN});
  if (op == kLog || op == kPow) x = ember::rand({kN}) + 0.01;
  ember::Tensor y = ember::randn({kN});
  ember::Tensor out = ember::empty({kN});
  ember::Tensor tmp = ember::empty({kN});
  auto once = [&] {
    switch (op) {
      case kExp: ember::exp_out(out, x); break;
      case kLog: ember::log_out(out, x); break;
      case kTanh: ember::tanh_out(out, x); break;
      case kSigmoid: ember::sigmoid_out(out, x); break;
      case kGelu: ember::gelu_out(out, x); break;
      case kGeluTanh: ember::gelu_out(out, x, "tanh"); break;
      case kSin: ember::sin_out(out, x); break;
      case kCos: ember::cos_out(out, x); break;
      case kPow: ember::pow_out(out, x, y); break;
      case kTanhOfSquare: ember::tanh_out(out, ember::mul_out(tmp, x, x)); break;
      case kSilu: ember::silu_out(out, x); break;
      case kAdd: ember::add_out(out, x, y); break;
      case kErf: ember::erf_out(out, x); break;
    }
  };
  once();
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) {
    once();
    benchmark::DoNotOptimize(out.data_ptr());
  }
  label(state, op, kN, busy);
}

void BM_ember_unary_16M(benchmark::State& state) { ember_unary(state, false); }
void BM_ember_unary_16M_busy(benchmark::State& state) { ember_unary(state, true); }

void ember_softmax(benchmark::State& state, bool busy) {
  ember::manual_seed(0);
  ember::Tensor x = ember::randn({kRows, kCols});
  ember::Tensor out = ember::empty({kRows, kCols});
  const bool log = state.range(0) == 1;
  auto once = [&] { log ? ember::_log_softmax_out(out, x, 1, false) : ember::_softmax_out(out, x, 1, false); };
  once();
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) {
    once();
    benchmark::DoNotOptimize(out.data_ptr());
  }
  state.SetLabel(log ? "log_softmax" : "softmax");
  if (!busy)
    state.counters["bytes"] = benchmark::Counter(2.0 * kRows * kCols * sizeof(float), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_ember_softmax_4096x4096(benchmark::State& state) { ember_softmax(state, false); }

#define UNARY_ARGS                                                                                                  \
  Arg(kExp)->Arg(kLog)->Arg(kTanh)->Arg(kSigmoid)->Arg(kGelu)->Arg(kGeluTanh)->Arg(kSin)->Arg(kCos)->Arg(kPow)->Arg( \
      kTanhOfSquare)->Arg(kSilu)->Arg(kAdd)->Arg(kErf)

BENCHMARK(BM_ember_unary_16M)->UNARY_ARGS->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_unary_16M_busy)->Arg(kExp)->Arg(kTanh)->Arg(kTanhOfSquare)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ember_softmax_4096x4096)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
void torch_unary(benchmark::State& state, bool busy) {
  torch::set_num_threads(bench_threads());
  const int64_t op = state.range(0);
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({kN});
  if (op == kLog || op == kPow) x = torch::rand({kN}) + 0.01;
  torch::Tensor y = torch::randn({kN});
  torch::Tensor out = torch::empty({kN});
  torch::Tensor tmp = torch::empty({kN});
  auto once = [&] {
    switch (op) {
      case kExp: torch::exp_out(out, x); break;
      case kLog: torch::log_out(out, x); break;
      case kTanh: torch::tanh_out(out, x); break;
      case kSigmoid: torch::sigmoid_out(out, x); break;
      case kGelu: torch::gelu_out(out, x); break;
      case kGeluTanh: torch::gelu_out(out, x, "tanh"); break;
      case kSin: torch::sin_out(out, x); break;
      case kCos: torch::cos_out(out, x); break;
      case kPow: torch::pow_out(out, x, y); break;
      case kTanhOfSquare: torch::tanh_out(out, torch::mul_out(tmp, x, x)); break;
      case kSilu: torch::silu_out(out, x); break;
      case kAdd: torch::add_out(out, x, y); break;
      case kErf: torch::erf_out(out, x); break;
    }
  };
  once();
  std::optional<BusyCompetitor> competitor;
  if (busy) competitor.emplace();
  for (auto _ : state) {
    once();
    benchmark::DoNotOptimize(out.data_ptr());
  }
  label(state, op, kN, busy);
}
void BM_libtorch_unary_16M(benchmark::State& state) { torch_unary(state, false); }
void BM_libtorch_unary_16M_busy(benchmark::State& state) { torch_unary(state, true); }

void BM_libtorch_softmax_4096x4096(benchmark::State& state) {
  torch::set_num_threads(bench_threads());
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({kRows, kCols});
  torch::Tensor out = torch::empty({kRows, kCols});
  const bool log = state.range(0) == 1;
  auto once = [&] { log ? torch::_log_softmax_out(out, x, 1, false) : torch::_softmax_out(out, x, 1, false); };
  once();
  for (auto _ : state) {
    once();
    benchmark::DoNotOptimize(out.data_ptr());
  }
  state.SetLabel(log ? "log_softmax" : "softmax");
}

BENCHMARK(BM_libtorch_unary_16M)->UNARY_ARGS->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_unary_16M_busy)->Arg(kExp)->Arg(kTanh)->Arg(kTanhOfSquare)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_libtorch_softmax_4096x4096)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace ember_bench
