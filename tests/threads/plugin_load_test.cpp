// Loading plugins while other threads dispatch: caller threads run builtin ops (pointwise,
// reductions, matmul; large enough for the CPU plugin's parallel loops) and a custom op in a
// loop while the main thread loads plugins that add device types, operators, kernels and a CPU
// fallback, and plugins the loader must refuse (a kernel another plugin owns, an init that fails,
// a second "cpu" device type, a name already loaded). Every call stays correct, every load
// succeeds or fails with a clear PluginError, and new operators work from the other threads at
// once. `make check-tsan` runs this under ThreadSanitizer.
#include <atomic>
#include <thread>

#include "core/device_runtime.h"
#include "registry/runtime.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

std::string test_plugin(const std::string& name) {
  return std::string(EMBER_TEST_PLUGIN_DIR) + "/libember_regtest_" + name + ".so";
}

// The PluginError message of a required load that must fail.
std::string load_failure(const std::string& path) {
  try {
    load_plugin(path, /*required=*/true);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(PluginLoadThreads, LoadsWhileOtherThreadsDispatch) {
  Device("cpu");  // start-up before the threads
  Library lib("loadthreads");
  lib.def("twice(Tensor x) -> Tensor");
  lib.impl("twice", "cpu", [](const Tensor& x) { return x + x; });

  constexpr int kCallers = 3;
  std::atomic<bool> stop{false};
  std::atomic<bool> fallback_ready{false};
  std::atomic<int64_t> calls{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      const Tensor small = make1d({1, 2, 3});
      const Tensor big = ember::full({256, 256}, 0.5);
      while (!stop.load(std::memory_order_acquire)) {
        if (values(small * 2.0 + small) != std::vector<double>{3, 6, 9}) failures.fetch_add(1);
        if (big.sum().item<double>() != 32768.0) failures.fetch_add(1);
        if (ember::matmul(big, big).select(0, t).select(0, 0).item<double>() != 64.0) failures.fetch_add(1);
        Stack s = ember::call_boxed("loadthreads::twice", {small});
        if (values(s[0].to_tensor()) != std::vector<double>{2, 4, 6}) failures.fetch_add(1);
        if (fallback_ready.load(std::memory_order_acquire)) {
          // An operator and a device type that another thread's plugin load just added.
          Tensor on_dev = small.to(Device(find_device_type("fallback_dev"), 0));
          Stack r = ember::call_boxed("fallback::scale_", {on_dev, 10.0});
          if (values(r[0].to_tensor().to(Device("cpu"))) != std::vector<double>{10, 20, 30}) failures.fetch_add(1);
        }
        calls.fetch_add(1);
      }
    });
  }
  auto wait_for_calls = [&](int64_t n) {
    int64_t target = calls.load() + n;
    while (calls.load() < target) std::this_thread::yield();
  };
  wait_for_calls(kCallers);

  // Loads that succeed: new device types, operators, kernels and a CPU fallback.
  EXPECT_EQ(load_plugin(test_plugin("fallback_device")).status, PluginStatus::Loaded);
  fallback_ready.store(true, std::memory_order_release);
  wait_for_calls(kCallers);
  EXPECT_EQ(load_plugin(test_plugin("claims_first")).status, PluginStatus::Loaded);
  wait_for_calls(kCallers);

  // Loads that are refused, each with a clear error, and leave the running calls alone.
  std::string message = load_failure(test_plugin("claims_second"));
  EXPECT_NE(message.find("already registered"), std::string::npos) << message;
  message = load_failure(test_plugin("init_fails"));
  EXPECT_NE(message.find("init failed"), std::string::npos) << message;
  message = load_failure(test_plugin("fake_cpu"));
  EXPECT_NE(message.find("cpu"), std::string::npos) << message;
  message = load_failure(test_plugin("fallback_device"));
  EXPECT_NE(message.find("is already loaded"), std::string::npos) << message;
  wait_for_calls(kCallers);

  stop.store(true, std::memory_order_release);
  for (auto& c : callers) c.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(calls.load(), 5 * kCallers);
}

}  // namespace
}  // namespace ember_test
