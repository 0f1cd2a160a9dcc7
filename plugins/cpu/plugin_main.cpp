// The CPU plugin's entry point: reads options, starts the intra-op pool, registers the "cpu"
// device and every kernel family.
//
// Options (the plugin's `options:` map in the configuration):
//   threads: N      intra-op threads; default: the host's intra_op_threads (<= 0: all cores)
//   onednn: bool    use oneDNN for float32 matmul and convolution (default true)
//
// init runs once on one thread; the shutdown hook joins the pool threads at process exit.
#include "cpu_plugin.h"
#include "onednn_utils.h"
#include "thread_pool.h"

namespace ember_cpu {

namespace {
Config g_config;
}

const Config& config() { return g_config; }
Config& mutable_config() { return g_config; }

void init_cpu_plugin(Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({"threads", "onednn"});
  int threads = options.get<int>("threads", ember::sdk::host().intra_op_threads);
  create_global_pool(threads);
  g_config.threads = intra_op_threads();
  g_config.use_onednn = options.get<bool>("onednn", true);
  configure_onednn(g_config.threads);
  reg.on_shutdown(&stop_global_pool);

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
}

}  // namespace ember_cpu

EMBER_PLUGIN("cpu", "0.1.0", "ember", ember_cpu::init_cpu_plugin)
