// cuda::_set_backend_flag(Device device, str name, bool value) -> (): switches the plugin's
// run-time flags from the API (ember::cuda::set_allow_tf32 and friends call it by name):
//   allow_tf32           float32 matmul / convolution may use TF32
//   cudnn_benchmark      pick convolution algorithms by timing them, once per shape
//   cudnn_deterministic  only deterministic convolution algorithms
//   launch_blocking      synchronize after every kernel
// An unknown name is a ValueError listing the valid ones.
//
// Thread-safety: the flags are atomics; kernels read them at their next call.
#include <string>

#include "cuda_plugin.h"

namespace ember_cuda {

void register_backend_flag_ops(Registrar& reg) {
  reg.define_op("cuda::_set_backend_flag(Device device, str name, bool value) -> ()");
  reg.kernel("cuda::_set_backend_flag", kDevice, ember::sdk::kAllDTypes, [](KernelArgs& a) {
    const std::string name(a.str(1));
    const bool value = a.bool_(2);
    Config& c = config();
    if (name == "allow_tf32") c.allow_tf32 = value;
    else if (name == "cudnn_benchmark") c.cudnn_benchmark = value;
    else if (name == "cudnn_deterministic") c.cudnn_deterministic = value;
    else if (name == "launch_blocking") c.launch_blocking = value;
    else
      throw ember::sdk::ValueError(concat("unknown flag '", name,
                                          "'; expected allow_tf32, cudnn_benchmark, cudnn_deterministic or launch_blocking"));
  });
}

}  // namespace ember_cuda
