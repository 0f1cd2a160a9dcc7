// oneDNN engine, per-thread streams and OpenMP thread count. See onednn_utils.h.
#include "onednn_utils.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "parallel.h"

#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
// oneDNN's OpenMP runtime (libgomp) is loaded with libdnnl; a weak reference lets the plugin
// set the team size without a compile-time OpenMP dependency.
extern "C" void omp_set_num_threads(int) __attribute__((weak));
#endif

namespace ember_cpu {

dnnl::engine& onednn_engine() {
  static dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);  // never destroyed
  return *engine;
}

dnnl::stream& onednn_stream() {
  thread_local dnnl::stream stream(onednn_engine());
  return stream;
}

char* onednn_buffer(int slot, size_t bytes) {
  thread_local std::vector<char> buffers[8];
  std::vector<char>& b = buffers[slot];
  if (b.size() < bytes + 64) b.resize(bytes + 64);
  const auto address = reinterpret_cast<uintptr_t>(b.data());
  return b.data() + ((64 - address % 64) % 64);
}

dnnl::memory onednn_scratchpad(int slot, size_t bytes) {
  dnnl::memory::desc md({static_cast<int64_t>(bytes)}, dnnl::memory::data_type::u8, {1});
  return dnnl::memory(md, onednn_engine(), onednn_buffer(slot, bytes));
}

namespace {
void apply_openmp_threads(int threads) {
  thread_local int current = -1;
  if (threads == current) return;
#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
  if (omp_set_num_threads) omp_set_num_threads(threads);
#endif
  current = threads;
}
}  // namespace

OnednnThreads::OnednnThreads(double flops) {
  const double wanted = std::min(flops / (1 << 20), static_cast<double>(team_threads()));
  if (wanted >= 2) {
    claim_.emplace();
    if (claim_->owned()) threads_ = static_cast<int>(wanted);
  }
  apply_openmp_threads(threads_);
}

}  // namespace ember_cpu
