// ember::cuda's backend-flag setters (declared in core/accelerator.h). They call the plugin's
// cuda::_set_backend_flag operator, so they live in the ops layer: core may not reach the
// dispatcher's boxed-call API (scripts/check_layers.py).
#include "core/accelerator.h"
#include "core/device_runtime.h"
#include "core/error.h"
#include "core/ivalue.h"
#include "core/runtime_hook.h"
#include "dispatcher/library.h"

namespace ember {
namespace cuda {
namespace {

void set_flag(const char* name, bool value) {
  detail::ensure_runtime_initialized();
  const DeviceTypeId t = find_device_type("cuda");
  EMBER_CHECK(t != kInvalidDeviceType, RuntimeError,
              "cuda is not available: the CUDA plugin is not loaded (`ember info` says why)");
  const int count = device_type_info(t).device_count;
  EMBER_CHECK(count > 0, IndexError, "cuda device index 0 is out of range (", count, " device(s))");
  call_boxed("cuda::_set_backend_flag", {IValue(Device(t, 0)), IValue(std::string(name)), IValue(value)});
}

}  // namespace

void set_allow_tf32(bool allow) { set_flag("allow_tf32", allow); }
void set_cudnn_benchmark(bool enabled) { set_flag("cudnn_benchmark", enabled); }
void set_cudnn_deterministic(bool enabled) { set_flag("cudnn_deterministic", enabled); }
void set_launch_blocking(bool enabled) { set_flag("launch_blocking", enabled); }

}  // namespace cuda
}  // namespace ember
