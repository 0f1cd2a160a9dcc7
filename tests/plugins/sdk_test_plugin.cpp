// A tiny plugin built only against the SDK, for testing the SDK itself: its kernels throw every
// kind of exception, read every kind of argument, and its init rejects unknown options.
//
// Options: `fail_init: true` makes init throw; `device: name` names the device type.
#include <stdexcept>
#include <string>

#include <ember/sdk/plugin.h>

namespace {

using ember::sdk::KernelArgs;

// A descriptor of the shape <ember/sdk/ops.h> generates, for the typed registration form.
struct test_typed_op {
  static constexpr const char* name = "test::typed";
  [[maybe_unused]] static constexpr const char* schema = "test::typed(Tensor self, int n) -> Tensor";
  static constexpr int num_args = 2;
  enum : int { self = 0, n = 1 };
};

std::string g_device;

void init_sdk_test_plugin(ember::sdk::Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({"fail_init", "device"});
  if (options.get<bool>("fail_init", false)) throw std::runtime_error("init failed on purpose");
  g_device = options.get<std::string>("device", "sdktest");

  ember_device_type_desc desc{};
  desc.struct_size = sizeof desc;
  desc.name = g_device.c_str();
  desc.device_count = 1;
  desc.host_accessible = 1;
  reg.device_type(desc);
  reg.define_op("test::throw_kind(int kind) -> ()");
  reg.request_cpu_fallback(g_device.c_str());

  const char* dev = g_device.c_str();
  reg.kernel("test::throw_kind", dev, ember::sdk::kAllDTypes, [](KernelArgs& a) {
    switch (a.int_(0)) {
      case 0: return;
      case 1: throw ember::sdk::ValueError("bad value");
      case 2: throw ember::sdk::IndexError("[custom] already prefixed");
      case 3: throw std::runtime_error("plain std exception");
      case 4: throw 42;
      case 5: EMBER_SDK_CHECK(false, EMBER_ERROR_NOT_IMPLEMENTED, "check failed with ", 7, " parts");
      default: throw std::bad_alloc();
    }
  });
  // Echoes every accessor into a double output so the test can verify decoding.
  reg.kernel("test::echo_", dev, ember::sdk::kAllDTypes, [](KernelArgs& a) {
    ember::sdk::TensorView out = a.tensor(0);
    double* o = out.data<double>();
    o[0] = static_cast<double>(a.int_(1));
    o[1] = a.double_(2);  // given as INT in the test
    o[2] = a.scalar(3).to_double();
    o[3] = a.optional_scalar(4) ? 1.0 : 0.0;
    o[4] = a.bool_(5) ? 1.0 : 0.0;
    o[5] = a.str(6) == "floor" ? 1.0 : 0.0;
    o[6] = a.optional_str(7) ? 1.0 : 0.0;
    o[7] = static_cast<double>(a.int_list(8).size() * 100 + a.int_list(8)[1]);
    o[8] = a.optional_int_list(9) ? 1.0 : 0.0;
    o[9] = static_cast<double>(a.generator(10).seed + a.generator(10).offset);
    o[10] = static_cast<double>(a.tensor_list(11).size());
    o[11] = a.optional_tensor(12) ? 1.0 : 0.0;
    o[12] = a.optional_int(13).value_or(-1);
  });
  reg.kernel<test_typed_op>(dev, ember::sdk::kFloatingDTypes, [](KernelArgs& a) {
    ember::sdk::TensorView self = a.tensor(test_typed_op::self);
    ember::sdk::dispatch_floating(self.dtype(), "typed", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = typename decltype(tag)::compute;
      T* p = self.data<T>();
      for (int64_t i = 0; i < self.numel(); ++i) p[i] = static_cast<T>(C(p[i]) * C(a.int_(test_typed_op::n)));
    });
  });
}

}  // namespace

EMBER_PLUGIN("sdktest", "1.2.3", "ember tests", init_sdk_test_plugin)
