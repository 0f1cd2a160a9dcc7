// Tests of plugin kernels called through the dispatcher: arguments reach the plugin, dtype masks
// are enforced, a kernel that throws or returns an error status becomes an ember error (and the
// process survives), the registrar is dead after init, and the CPU fallback runs ops a device
// lacks on cpu.
#include <gtest/gtest.h>

#include <string>

#include "core/device_runtime.h"
#include "core/error.h"
#include "registry/runtime.h"
#include "ops/backend/status.h"
#include "tests/registry/test_plugins.h"

namespace ember {
namespace {

using test::call_op_boxed;
using test::host_tensor;
using test::values_of;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PluginKernels : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(test::misbehaving_kernels_plugin().status, PluginStatus::Loaded); }
};

TEST_F(PluginKernels, WorkingKernelWritesItsArgumentAndReturnsIt) {
  Tensor t = host_tensor({0, 0, 0}, "kernel_dev");
  Stack results = call_op_boxed("misbehave::fill_", {t, 1.5});
  // The plugin got its options: scale 2.
  EXPECT_EQ(values_of(t), (std::vector<float>{3, 3, 3}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].to_tensor().is_same(t));  // the result is the written argument itself
}

TEST_F(PluginKernels, DtypeOutsideTheMaskIsNotImplemented) {
  Tensor t = host_tensor({0, 0}, "kernel_dev", kInt64);
  try {
    call_op_boxed("misbehave::fill_", {t, 1.0});
    FAIL() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_EQ(std::string(e.what()),
              "[misbehave::fill_] the regtest_misbehaving_kernels kernel for kernel_dev does not support dtype Long");
  }
}

TEST_F(PluginKernels, ThrowingKernelBecomesAPluginErrorAndTheProcessSurvives) {
  Tensor t = host_tensor({1}, "kernel_dev");
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      call_op_boxed("misbehave::throws_", {t});
      FAIL() << "expected PluginError";
    } catch (const PluginError& e) {
      EXPECT_TRUE(contains(e.what(), "[misbehave::throws_] the regtest_misbehaving_kernels kernel for kernel_dev threw a C++ "
                                     "exception"))
          << e.what();
      EXPECT_TRUE(contains(e.what(), "boom from a plugin kernel")) << e.what();
    }
  }
  // Other kernels of the plugin still work afterwards.
  call_op_boxed("misbehave::fill_", {t, 1.0});
  EXPECT_EQ(values_of(t), std::vector<float>{2});
}

TEST_F(PluginKernels, ErrorStatusBecomesTheMatchingError) {
  Tensor t = host_tensor({1}, "kernel_dev");
  try {
    call_op_boxed("misbehave::fails_", {t});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "[misbehave::fails_] the regtest_misbehaving_kernels kernel for kernel_dev: fails_ rejects this tensor");
  }
}

TEST_F(PluginKernels, RegistrarIsDeadAfterInit) {
  Tensor t = host_tensor({1}, "kernel_dev");
  try {
    call_op_boxed("misbehave::late_register_", {t});
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_TRUE(contains(e.what(), "only valid during the plugin's init call")) << e.what();
  }
}

TEST(CpuFallback, RunsAMissingKernelOnCpuAndCopiesBack) {
  if (find_device_type("cpu") == kInvalidDeviceType) {
    ASSERT_EQ(load_plugin(test::test_plugin("fake_cpu")).status, PluginStatus::Loaded);
  }
  ASSERT_EQ(load_plugin(test::test_plugin("fallback_device")).status, PluginStatus::Loaded);
  Tensor t = host_tensor({1, 2, 3}, "fallback_dev");
  Stack results = call_op_boxed("fallback::scale_", {t, 10.0});
  EXPECT_EQ(values_of(t), (std::vector<float>{10, 20, 30}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].to_tensor().is_same(t));
  EXPECT_EQ(results[0].to_tensor().device().type(), find_device_type("fallback_dev"));

  bool reported = false;
  for (const auto& d : runtime_report().device_types) reported = reported || (d.name == "fallback_dev" && d.fallback == "cpu");
  EXPECT_TRUE(reported);
}

TEST(DeviceRuntime, ThrowIfErrorMapsCodesToErrorTypes) {
  EXPECT_NO_THROW(throw_if_error(nullptr, "ctx"));
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_VALUE, "v"), "ctx"), ValueError);
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_TYPE, "t"), "ctx"), TypeError);
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_INDEX, "i"), "ctx"), IndexError);
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_NOT_IMPLEMENTED, "n"), "ctx"), NotImplementedError);
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_RUNTIME, "r"), "ctx"), RuntimeError);
  EXPECT_THROW(throw_if_error(make_status(EMBER_ERROR_ABI, "a"), "ctx"), PluginError);
  try {
    throw_if_error(make_status(EMBER_ERROR_INDEX, "dim 3 out of range"), "[sum] the cpu kernel");
  } catch (const IndexError& e) {
    EXPECT_EQ(std::string(e.what()), "[sum] the cpu kernel: dim 3 out of range");
  }
  EXPECT_EQ(make_status(EMBER_OK, "fine"), nullptr);
  ember_status* s = make_status(EMBER_ERROR_VALUE, nullptr);
  EXPECT_EQ(status_code(s), EMBER_ERROR_VALUE);
  EXPECT_STREQ(status_message(s), "");
  free_status(s);
}

}  // namespace
}  // namespace ember
