// Device: parsing ("cpu", "cpu:0"), printing, equality, the device-type registry, the default
// device, and parse errors (unregistered type, bad syntax, index out of range). Also
// TensorOptions, which take a device by name.
#include <sstream>

#include "core/device_runtime.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(Device, ParsesAndPrints) {
  Device cpu("cpu");
  EXPECT_TRUE(cpu.is_cpu());
  EXPECT_EQ(cpu.type_name(), "cpu");
  EXPECT_EQ(cpu.index(), 0);
  EXPECT_EQ(cpu.str(), "cpu");
  EXPECT_EQ(Device("cpu:0"), cpu);
  EXPECT_EQ(Device(std::string("cpu")), cpu);
  EXPECT_EQ(Device(cpu.type(), 0), cpu);
  EXPECT_NE(Device(cpu.type(), 1), cpu);
  EXPECT_EQ(Device(cpu.type(), 1).str(), "cpu:1");  // a non-zero index is shown
  std::ostringstream os;
  os << cpu;
  EXPECT_EQ(os.str(), "cpu");
  EXPECT_EQ(find_device_type("cpu"), cpu.type());
  EXPECT_EQ(device_type_name(cpu.type()), "cpu");
  EXPECT_EQ(find_device_type("no-such-device"), kInvalidDeviceType);
  auto types = registered_device_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "cpu"), types.end());
  EXPECT_EQ(static_cast<int>(types.size()), device_type_count());
  EXPECT_EQ(default_device(), cpu);
  EXPECT_TRUE(ember::ones({1}).device() == cpu);
  EXPECT_TRUE(device_type_info(cpu.type()).host_accessible);
}

TEST(Device, ParseErrors) {
  // An unregistered type names itself and the registered ones.
  EXPECT_THROW_MSG(Device("cuda"), ValueError, "[Device] unknown device type 'cuda' (registered: ");
  EXPECT_THROW_MSG(Device("cuda:1"), ValueError, "unknown device type 'cuda'");
  try {
    Device d("cuda");
    FAIL() << "Device(\"cuda\") did not throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("cpu"), std::string::npos) << e.what();
  }
  EXPECT_THROW_MSG(Device(""), ValueError, "unknown device type ''");
  EXPECT_THROW_MSG(Device("CPU"), ValueError, "unknown device type 'CPU'");
  // Bad index syntax.
  EXPECT_THROW_MSG(Device("cpu:x"), ValueError, "[Device] expected a device string like 'cpu' or 'cuda:1', got 'cpu:x'");
  EXPECT_THROW_MSG(Device("cpu:"), ValueError, "got 'cpu:'");
  EXPECT_THROW_MSG(Device("cpu:-1"), ValueError, "got 'cpu:-1'");
  EXPECT_THROW_MSG(Device("cpu:1x"), ValueError, "got 'cpu:1x'");
  EXPECT_THROW_MSG(Device("cpu:99999"), ValueError, "got 'cpu:99999'");
  // An index past the type's device count.
  int count = device_type_info(find_device_type("cpu")).device_count;
  std::string spec = "cpu:" + std::to_string(count);
  EXPECT_THROW_MSG(Device(spec.c_str()), ValueError,
                   "[Device] device index " + std::to_string(count) + " is out of range for 'cpu', which has " +
                       std::to_string(count) + " device(s)");
  EXPECT_THROW_MSG(device_type_info(kMaxDeviceTypes - 1), ValueError, "[device] device type id 15 is not registered");
}

TEST(Device, TensorOptionsAndFactories) {
  EXPECT_EQ(ember::ones({2}, "cpu").device(), Device("cpu"));
  EXPECT_EQ(ember::ones({2}, TensorOptions(kInt32).device(Device("cpu"))).scalar_type(), kInt32);
  TensorOptions o = TensorOptions(kFloat64).requires_grad(false);
  EXPECT_EQ(o.dtype_or_default(), kFloat64);
  EXPECT_EQ(TensorOptions().dtype_or_default(), default_dtype());
  EXPECT_EQ(TensorOptions().dtype_or(kInt8), kInt8);
  EXPECT_EQ(TensorOptions().device_or_default(), Device("cpu"));
  EXPECT_FALSE(TensorOptions().device_opt().has_value());
  EXPECT_EQ(ember::dtype(kInt16).dtype_opt(), std::optional<ScalarType>(kInt16));
  EXPECT_EQ(ember::device(Device("cpu")).device_opt(), std::optional<Device>(Device("cpu")));
  EXPECT_TRUE(ember::requires_grad().requires_grad());
  EXPECT_THROW_MSG(ember::ones({2}, TensorOptions("cuda")), ValueError, "unknown device type 'cuda'");
  // A literal 0 is not a device name: arange(-3, 0) is arange(start, end).
  EXPECT_TRUE(matches(ember::arange(-3, 0), {3}, kInt64, {-3, -2, -1}));
  const char* name = "cpu";
  EXPECT_EQ(TensorOptions(name).device_opt(), std::optional<Device>(Device("cpu")));
}

TEST(Device, DeviceTypeConstantsCompareAndPrintByName) {
  EXPECT_TRUE(kCPU == DeviceType("cpu"));
  EXPECT_TRUE(kCPU != kCUDA);
  std::ostringstream os;
  os << kCUDA;
  EXPECT_EQ(os.str(), "cuda");
}

TEST(Device, ArrayRefAtChecksBounds) {
  std::vector<int64_t> v = {4, 5};
  IntArrayRef r(v);
  EXPECT_EQ(r.at(1), 5);
  EXPECT_THROW_MSG(r.at(2), ember::IndexError, "out of range for size 2");
}

}  // namespace
}  // namespace ember_test
