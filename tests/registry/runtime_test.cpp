// Tests of start-up as seen from inside a process that has started: the report, and that
// start-up happens once.
//
// Also the registry tests' global environment: before any test runs, the runtime is started from
// a fixed configuration with no plugins, so that results do not depend on which plugins are
// installed (or on the cpu plugin working); each test loads the plugins it needs itself.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/error.h"
#include "core/runtime_hook.h"
#include "registry/runtime.h"

namespace ember {
namespace {

const char* const kRegistryTestConfig = "plugins: []\nthreads: 3\ncollectives: {cpu: gloo}\npasses: [dce]\n";

class RegistryTestEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { init_from_string(kRegistryTestConfig); }
};

// Registered during static initialization, so it works with gtest_main.
const ::testing::Environment* const registry_test_environment =
    ::testing::AddGlobalTestEnvironment(new RegistryTestEnvironment());

TEST(Runtime, ReportsTheConfigurationItStartedFrom) {
  RuntimeReport r = runtime_report();
  EXPECT_EQ(r.state, RuntimeReport::State::Ready);
  EXPECT_EQ(r.config_source, "<string>");
  EXPECT_EQ(r.threads, 3);
  EXPECT_EQ(intra_op_threads(), 3);
  ASSERT_EQ(r.collectives.size(), 1u);
  EXPECT_EQ(r.collectives[0].second, "gloo");
  EXPECT_EQ(r.passes, std::vector<std::string>{"dce"});
  EXPECT_TRUE(r.error.empty());
  EXPECT_TRUE(is_initialized());
  EXPECT_EQ(runtime_config().source, "<string>");
}

TEST(Runtime, ExplicitInitializationHappensOnce) {
  try {
    init_from_string("plugins: []\n");
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("already initialized"), std::string::npos) << e.what();
  }
  EXPECT_THROW(init(), RuntimeError);
  EXPECT_THROW(init_from_file("/nonexistent.yaml"), RuntimeError);
}

TEST(Runtime, ImplicitInitializationIsANoOpOnceStarted) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([] { detail::ensure_runtime_initialized(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(runtime_report().config_source, "<string>");
}

TEST(Runtime, LoadPluginRejectsAnEmptyName) { EXPECT_THROW(load_plugin(""), ValueError); }

}  // namespace
}  // namespace ember
