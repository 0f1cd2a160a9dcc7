// oneDNN engine, per-thread streams and OpenMP thread count. See onednn_utils.h.
#include "onednn_utils.h"

#include <atomic>

#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
// oneDNN's OpenMP runtime (libgomp) is loaded with libdnnl; a weak reference lets the plugin
// set the team size without a compile-time OpenMP dependency.
extern "C" void omp_set_num_threads(int) __attribute__((weak));
#endif

namespace ember_cpu {

namespace {
std::atomic<int> g_onednn_threads{0};
}

void configure_onednn(int threads) { g_onednn_threads.store(threads, std::memory_order_relaxed); }

dnnl::engine& onednn_engine() {
  static dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);  // never destroyed
  return *engine;
}

dnnl::stream& onednn_stream() {
  thread_local int applied_threads = -1;
  int wanted = g_onednn_threads.load(std::memory_order_relaxed);
  if (applied_threads != wanted) {
    // OpenMP's thread count is per calling thread, so each application thread sets its own.
#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
    if (wanted > 0 && omp_set_num_threads) omp_set_num_threads(wanted);
#endif
    applied_threads = wanted;
  }
  thread_local dnnl::stream stream(onednn_engine());
  return stream;
}

}  // namespace ember_cpu
