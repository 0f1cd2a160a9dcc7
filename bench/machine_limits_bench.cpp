// The machine's own limits, measured in the same run as the rows they judge (bench_main.cpp
// prints each row's share of them):
//   BM_limit_add_bandwidth  STREAM-style add c[i] = a[i] + b[i] over three 64 MiB float arrays
//                           (far above the caches), on the benchmarks' intra-op thread count;
//                           "bytes" counts the 3 arrays (192 MiB) per pass, as STREAM does.
//   BM_limit_fma_peak       independent vector FMA chains on every intra-op thread, with the
//                           widest vector ISA the CPU has (AVX-512, else AVX2 + FMA).
#include <benchmark/benchmark.h>

#include <immintrin.h>

#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "bench_support.h"

namespace ember_bench {
namespace {

constexpr int64_t kStreamFloats = int64_t(16) << 20;

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using FloatBuffer = std::unique_ptr<float[], FreeDeleter>;

FloatBuffer aligned_floats(int64_t n) {
  return FloatBuffer(static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(n) * sizeof(float))));
}

void BM_limit_add_bandwidth(benchmark::State& state) {
  ThreadTeam team(bench_threads());
  FloatBuffer a = aligned_floats(kStreamFloats), b = aligned_floats(kStreamFloats), c = aligned_floats(kStreamFloats);
  float* pa = a.get();
  float* pb = b.get();
  float* pc = c.get();
  auto part = [](int index, int count, int64_t* begin, int64_t* end) {
    const int64_t chunk = (kStreamFloats / count + 15) / 16 * 16;
    *begin = std::min<int64_t>(kStreamFloats, index * chunk);
    *end = std::min<int64_t>(kStreamFloats, *begin + chunk);
  };
  // First touch on the threads that later stream the data.
  team.run([&](int index, int count) {
    int64_t begin, end;
    part(index, count, &begin, &end);
    for (int64_t i = begin; i < end; ++i) {
      pa[i] = 1.0f;
      pb[i] = 2.0f;
      pc[i] = 0.0f;
    }
  });
  for (auto _ : state) {
    team.run([&](int index, int count) {
      int64_t begin, end;
      part(index, count, &begin, &end);
      for (int64_t i = begin; i < end; ++i) pc[i] = pa[i] + pb[i];
    });
    benchmark::DoNotOptimize(pc);
    benchmark::ClobberMemory();
  }
  state.counters["bytes"] = benchmark::Counter(3.0 * kStreamFloats * sizeof(float), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_limit_add_bandwidth)->UseRealTime()->Unit(benchmark::kMillisecond);

constexpr int64_t kFmaIterations = 1 << 20;

// 12 independent chains of 16-float FMAs: enough to cover FMA latency x throughput.
__attribute__((target("avx512f"))) float fma_chains_avx512(int64_t iterations) {
  __m512 acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm512_set1_ps(0.001f * static_cast<float>(k));
  const __m512 m = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i)
    for (int k = 0; k < 12; ++k) acc[k] = _mm512_fmadd_ps(acc[k], m, add);
  __m512 s = acc[0];
  for (int k = 1; k < 12; ++k) s = _mm512_add_ps(s, acc[k]);
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(int64_t iterations) {
  __m256 acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm256_set1_ps(0.001f * static_cast<float>(k));
  const __m256 m = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i)
    for (int k = 0; k < 12; ++k) acc[k] = _mm256_fmadd_ps(acc[k], m, add);
  __m256 s = acc[0];
  for (int k = 1; k < 12; ++k) s = _mm256_add_ps(s, acc[k]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  return lanes[0] + lanes[7];
}

void BM_limit_fma_peak(benchmark::State& state) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    state.SkipWithError("no AVX2/FMA");
    return;
  }
  ThreadTeam team(bench_threads());
  float sink[64] = {};
  for (auto _ : state) {
    team.run([&](int index, int) {
      sink[index] = avx512 ? fma_chains_avx512(kFmaIterations) : fma_chains_avx2(kFmaIterations);
    });
    benchmark::DoNotOptimize(sink);
  }
  const double lanes = avx512 ? 16 : 8;
  state.counters["flops"] = benchmark::Counter(2.0 * lanes * 12 * kFmaIterations * team.size(),
                                               benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(avx512 ? "avx512" : "avx2");
}
BENCHMARK(BM_limit_fma_peak)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ember_bench
