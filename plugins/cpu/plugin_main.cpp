// The CPU plugin's entry point: reads options, starts the intra-op pool, registers the "cpu"
// device and every kernel family.
//
// Options (the plugin's `options:` map in the configuration):
//   threads: N            intra-op threads; default: the host's intra_op_threads (<= 0: all cores)
//   onednn: bool          use oneDNN for float32 matmul, convolution, avg pooling, layer norm (default true)
//   onednn_batch_norm: bool  also batch norm through oneDNN (default false: the loops are faster)
//   thread_pool: openmp | native
//                         what runs parallel_for (parallel.h); default openmp when the plugin
//                         was built with OpenMP (oneDNN's own runtime), else native
//   weight_cache_mb: N    memory for convolution weights kept in oneDNN's formats between calls
//                         (conv_weight_cache.h); 0 turns the cache (and Winograd) off; default 128
//   block_cache_mb: N     memory kept in freed large blocks for the next allocation of that size
//                         (device.cpp); 0 turns the cache off; default 128
//   isa: auto | avx512 | avx2 | scalar
//                         vector instruction set of the kernels (vec/isa.h); default
//                         $EMBER_CPU_ISA when set, else auto (the best the CPU supports)
//
// init runs once on one thread; the shutdown hook joins the native pool's threads at exit.
#include <cstdlib>
#include <string>

#include "conv_weight_cache.h"
#include "cpu_plugin.h"
#include "onednn_utils.h"
#include "parallel.h"
#include "vec/isa.h"

namespace ember_cpu {

namespace {
Config g_config;
}

const Config& config() { return g_config; }
Config& mutable_config() { return g_config; }

void init_cpu_plugin(Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({"threads", "onednn", "onednn_batch_norm", "thread_pool", "isa", "weight_cache_mb", "block_cache_mb"});
  // EMBER_CPU_ISA in the environment sets the default, so that test suites can run every path
  // without a configuration file (as ATEN_CPU_CAPABILITY does for PyTorch).
  const char* isa_env = std::getenv("EMBER_CPU_ISA");
  const std::string isa = options.get<std::string>("isa", isa_env && *isa_env ? isa_env : "auto");
  EMBER_SDK_CHECK(isa == "auto" || parse_isa(isa), EMBER_ERROR_VALUE,
                  "option 'isa' (or EMBER_CPU_ISA): expected auto, avx512, avx2 or scalar, got '", isa, "'");
  select_isa(isa == "auto" ? best_isa() : *parse_isa(isa));
  ember::sdk::log(ember::sdk::LogLevel::Debug, std::string("vector kernels: ") + isa_name(active_isa()) +
                                                  " (best this CPU supports: " + isa_name(best_isa()) + ")");
  const int threads = options.get<int>("threads", ember::sdk::host().intra_op_threads);
  const std::string pool = options.get<std::string>("thread_pool", openmp_available() ? "openmp" : "native");
  EMBER_SDK_CHECK(pool == "openmp" || pool == "native", EMBER_ERROR_VALUE,
                  "option 'thread_pool': expected openmp or native, got '", pool, "'");
  EMBER_SDK_CHECK(pool == "native" || openmp_available(), EMBER_ERROR_VALUE,
                  "option 'thread_pool': this build of the plugin has no OpenMP");
  start_intra_op(threads, pool == "openmp" ? ParallelBackend::OpenMP : ParallelBackend::Native);
  g_config.threads = intra_op_threads();
  g_config.use_onednn = options.get<bool>("onednn", true);
  g_config.use_onednn_batch_norm = options.get<bool>("onednn_batch_norm", false);
  const int cache_mb = options.get<int>("weight_cache_mb", 128);
  EMBER_SDK_CHECK(cache_mb >= 0, EMBER_ERROR_VALUE, "option 'weight_cache_mb': expected >= 0, got ", cache_mb);
  conv_weight_cache().set_budget_bytes(static_cast<size_t>(cache_mb) << 20);
  const int block_cache_mb = options.get<int>("block_cache_mb", 128);
  EMBER_SDK_CHECK(block_cache_mb >= 0, EMBER_ERROR_VALUE, "option 'block_cache_mb': expected >= 0, got ", block_cache_mb);
  set_block_cache_bytes(static_cast<size_t>(block_cache_mb) << 20);
  reg.on_shutdown(&stop_intra_op);

  register_device(reg);
  register_binary_kernels(reg);
  register_compare_kernels(reg);
  register_unary_kernels(reg);
  register_reduce_kernels(reg);
  register_softmax_kernels(reg);
  register_linalg_kernels(reg);
  register_conv_kernels(reg);
  register_norm_kernels(reg);
  register_pool_kernels(reg);
  register_index_kernels(reg);
  register_fill_copy_kernels(reg);
  register_factory_kernels(reg);
  register_random_kernels(reg);
  register_conv_backward_kernels(reg);
  register_pool_backward_kernels(reg);
  register_norm_backward_kernels(reg);
  register_activation_backward_kernels(reg);
  register_loss_kernels(reg);
  register_math_kernels(reg);
  register_optim_kernels(reg);
}

}  // namespace ember_cpu

EMBER_PLUGIN("cpu", "0.1.0", "ember", ember_cpu::init_cpu_plugin)
