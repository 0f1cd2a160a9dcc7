// CPU feature detection and the active vector table (isa.h).
#include "isa.h"

#include <atomic>

#include <dnnl.hpp>

#include <ember/sdk/plugin.h>

namespace ember_cpu {

namespace {

std::atomic<Isa> g_active{Isa::Scalar};
std::atomic<const VecKernels*> g_table{nullptr};

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "scalar";
  }
}

std::optional<Isa> parse_isa(std::string_view name) {
  if (name == "avx512") return Isa::Avx512;
  if (name == "avx2") return Isa::Avx2;
  if (name == "scalar") return Isa::Scalar;
  return std::nullopt;
}

bool cpu_supports(Isa isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  // __builtin_cpu_supports also checks that the OS saves the vector state (XCR0).
  switch (isa) {
    case Isa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
    case Isa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default:
      return true;
  }
#else
  return isa == Isa::Scalar;
#endif
}

Isa best_isa() {
  if (cpu_supports(Isa::Avx512)) return Isa::Avx512;
  if (cpu_supports(Isa::Avx2)) return Isa::Avx2;
  return Isa::Scalar;
}

const VecKernels& vec_kernels_for(Isa isa) {
  EMBER_SDK_CHECK(cpu_supports(isa), EMBER_ERROR_VALUE, "option 'isa': this CPU does not support ", isa_name(isa),
                  " (best: ", isa_name(best_isa()), ")");
  switch (isa) {
#if defined(__x86_64__)
    case Isa::Avx512: return vec_kernels_avx512();
    case Isa::Avx2: return vec_kernels_avx2();
#endif
    default: return vec_kernels_scalar();
  }
}

void select_isa(Isa isa) {
  const VecKernels& table = vec_kernels_for(isa);
  g_active.store(isa, std::memory_order_relaxed);
  g_table.store(&table, std::memory_order_release);
  // oneDNN accepts a cap only before its first primitive; later calls (another plugin
  // instance in the same process) keep the first cap, so the status is ignored.
  const dnnl::cpu_isa cap = isa == Isa::Avx512 ? dnnl::cpu_isa::all
                            : isa == Isa::Avx2 ? dnnl::cpu_isa::avx2
                                               : dnnl::cpu_isa::sse41;
  dnnl_set_max_cpu_isa(static_cast<dnnl_cpu_isa_t>(cap));
}

Isa active_isa() { return g_active.load(std::memory_order_relaxed); }

const VecKernels& vec() {
  const VecKernels* table = g_table.load(std::memory_order_acquire);
  return table ? *table : vec_kernels_scalar();
}

}  // namespace ember_cpu
