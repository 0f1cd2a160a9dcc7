// Every kernel source of the CUDA plugin compiles with NVRTC for the architectures the build
// targets (EMBER_CUDA_ARCHITECTURES, default 90): the elementwise catalog for each registered
// dtype and variant, dtype conversions between every pair, and each kernel family for the dtypes
// it is instantiated with. No GPU is needed, so CI checks the kernels' CUDA code; the GPU tests
// (cuda_*_test.cpp) then check what they compute on the device machine.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <sstream>
#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "jit_compiler.h"
#include "kernel_families.h"
#include "kernel_source_gen.h"
#include "pointwise_ops.h"

namespace ember_cuda {
namespace {

std::vector<int> architectures() {
  std::vector<int> out;
  std::stringstream ss(EMBER_CUDA_TEST_ARCHITECTURES);
  std::string item;
  while (std::getline(ss, item, ';')) {
    if (item.empty()) continue;
    out.push_back(std::stoi(item));  // "90", "90a" and "90-real" all read as 90
  }
  return out;
}

void expect_compiles(const std::string& source, const std::string& name) {
  for (int arch : architectures()) {
    try {
      CompiledProgram p = compile_program_uncached(source, name, arch);
      EXPECT_GT(p.image.size(), 0u) << name;
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << " for sm_" << arch << ":\n" << e.what();
    }
  }
}

// The dense 32-bit kernel for every (op, dtype, variant): that is where each body is compiled.
TEST(CudaNvrtcSources, EveryElementwiseOpCompilesForEveryDtypeAndVariant) {
  for (const PointwiseOp* op : all_pointwise_ops()) {
    for (int32_t d = 0; d < EMBER_DTYPE_COUNT; ++d) {
      if (!((op->dtypes >> d) & 1u)) continue;
      for (uint32_t v = 0; v < op->num_variants; ++v) {
        ElementwiseSpec spec;
        op->signature(d, spec);
        spec.body = op->body(spec, v);
        expect_compiles(elementwise_source(spec), std::string(op->name) + "_" + std::to_string(d) + "_" + std::to_string(v));
      }
    }
  }
}

// The other kernel kinds (64-bit dense, strided with 32- and 64-bit offsets) share the bodies;
// one, two and three inputs cover their operand handling.
TEST(CudaNvrtcSources, EveryKernelKindCompiles) {
  for (const PointwiseOp* op : {&pointwise::tanh, &pointwise::add, &pointwise::where}) {
    for (int kind = 1; kind <= 3; ++kind) {
      ElementwiseSpec spec;
      op->signature(EMBER_DTYPE_FLOAT16, spec);
      spec.body = op->body(spec, 0);
      spec.kind = kind;
      spec.ndim = kind == 1 ? 1 : 3;
      expect_compiles(elementwise_source(spec), std::string(op->name) + "_kind" + std::to_string(kind));
    }
  }
}

TEST(CudaNvrtcSources, DtypeConversionsCompileForEveryPair) {
  for (int32_t to = 0; to < EMBER_DTYPE_COUNT; ++to) {
    for (int32_t from = 0; from < EMBER_DTYPE_COUNT; ++from) {
      ElementwiseSpec spec;
      spec.nin = 1;
      spec.out = to;
      spec.in[0] = from;
      spec.body = convert_op.body(spec, 0);
      expect_compiles(elementwise_source(spec), "copy_" + std::to_string(from) + "_" + std::to_string(to));
    }
  }
}

TEST(CudaNvrtcSources, EveryKernelFamilyCompiles) {
  for (const FamilyInstance& f : all_family_instances()) expect_compiles(f.source, f.name);
}

// With EMBER_CUDA_WARM_CACHE=<arch> (90 for the H100): compiles the programs a run is likely to
// need into the disk kernel cache, on every core, exactly as the plugin would one at a time
// (scripts/device/run_cuda_checks.sh does this first).
TEST(CudaNvrtcSources, WarmKernelCache) {
  const char* arch_text = std::getenv("EMBER_CUDA_WARM_CACHE");
  if (!arch_text || !*arch_text) GTEST_SKIP() << "set EMBER_CUDA_WARM_CACHE=<arch> to fill the kernel cache";
  ASSERT_FALSE(kernel_cache_dir().empty()) << "the disk kernel cache is off";
  const int arch = std::stoi(arch_text);
  const std::vector<FamilyInstance> work = cache_warm_instances();
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::mutex log_mutex;
  std::vector<std::thread> threads;
  const unsigned n = std::max(1u, std::thread::hardware_concurrency());
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < work.size(); i = next++) {
        try {
          compile_program(work[i].source, work[i].program_name, arch);
        } catch (const std::exception& e) {
          ++failures;
          std::lock_guard<std::mutex> lock(log_mutex);
          std::fprintf(stderr, "%s: %s\n", work[i].name.c_str(), e.what());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("warmed %zu programs for sm_%d in %.1f s on %u threads into %s\n", work.size(), arch, s, n,
              kernel_cache_dir().c_str());
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ember_cuda
