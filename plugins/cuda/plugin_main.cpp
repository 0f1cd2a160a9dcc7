// The CUDA plugin's entry point: reads options, finds the GPUs, registers the "cuda" device
// type and every kernel family.
//
// Options (the plugin's `options:` map in the configuration):
//   allow_tf32: bool           float32 matmul and convolution may use TF32 tensor cores (default
//                              false, as PyTorch); switchable at run time (ember::cuda::set_allow_tf32)
//   cudnn_benchmark: bool      time cuDNN's convolution algorithms once per shape and keep the
//                              fastest (default false: cuDNN's heuristics)
//   cudnn_deterministic: bool  only deterministic convolution algorithms (default false)
//   launch_blocking: bool      synchronize after every kernel, so that an asynchronous error is
//                              raised by the op that caused it (default: EMBER_CUDA_LAUNCH_BLOCKING=1)
//
// Without a usable GPU (no driver, no device, a driver too old for this CUDA) init fails with
// CUDA's reason, which `ember info` shows under the plugin and which stops start-up when the
// configuration requires the plugin.
//
// init runs once on one thread.
#include <cstdlib>
#include <string>

#include "cuda_plugin.h"
#include "jit_compiler.h"

namespace ember_cuda {
namespace {

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

int find_devices() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  int runtime = 0, driver = 0;
  (void)cudaRuntimeGetVersion(&runtime);
  (void)cudaDriverGetVersion(&driver);
  if (e != cudaSuccess || count <= 0) {
    (void)cudaGetLastError();
    std::string why = e != cudaSuccess ? concat(cudaGetErrorString(e), " (", cudaGetErrorName(e), ")")
                                       : std::string("the driver reports no CUDA device");
    std::string driver_text = driver > 0 ? concat("driver supports CUDA ", driver / 1000, ".", (driver % 1000) / 10)
                                         : std::string("no NVIDIA driver found");
    throw ember::sdk::Error(EMBER_ERROR_DEVICE,
                            concat("cuda has no devices: ", why, "; ", driver_text, ", plugin built for CUDA ",
                                   runtime / 1000, ".", (runtime % 1000) / 10));
  }
  return count;
}

void init_cuda_plugin(Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({"allow_tf32", "cudnn_benchmark", "cudnn_deterministic", "launch_blocking"});
  Config& c = config();
  c.allow_tf32 = options.get<bool>("allow_tf32", false);
  c.cudnn_benchmark = options.get<bool>("cudnn_benchmark", false);
  c.cudnn_deterministic = options.get<bool>("cudnn_deterministic", false);
  c.launch_blocking = options.get<bool>("launch_blocking", env_flag("EMBER_CUDA_LAUNCH_BLOCKING"));

  const int count = find_devices();
  register_device(reg, count);
  register_pointwise_kernels(reg);
  register_copy_factory_kernels(reg);
  register_random_kernels(reg);
  register_reduce_kernels(reg);
  register_softmax_loss_kernels(reg);
  register_norm_kernels(reg);
  register_index_kernels(reg);
  register_pool_kernels(reg);
  register_blas_kernels(reg);
  register_conv_kernels(reg);
  register_optim_kernels(reg);
  register_backend_flag_ops(reg);
  ember::sdk::log(ember::sdk::LogLevel::Info,
                  concat(count, " CUDA device(s); kernels compiled by NVRTC ", nvrtc_version(), ", cache ",
                         kernel_cache_dir().empty() ? std::string("off") : kernel_cache_dir()));
}

}  // namespace
}  // namespace ember_cuda

EMBER_PLUGIN("cuda", "0.1.0", "ember", ember_cuda::init_cuda_plugin)
