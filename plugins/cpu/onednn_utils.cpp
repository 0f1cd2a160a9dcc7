// oneDNN engine, per-thread streams and OpenMP thread count. See onednn_utils.h.
#include "onednn_utils.h"

#include <algorithm>

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
  const double wanted = std::min(flops / (1 << 20), static_cast<double>(intra_op_threads()));
  if (wanted >= 2) {
    claim_.emplace();
    if (claim_->owned()) threads_ = static_cast<int>(wanted);
  }
  apply_openmp_threads(threads_);
}

}  // namespace ember_cpu
