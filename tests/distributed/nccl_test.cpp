// The nccl comm plugin. Here (no GPU): it is built, loads, and registers "nccl" for cuda
// tensors. With a GPU and the cuda device type (the device machine,
// scripts/device/run_dist_checks.sh): collectives and DDP with world size 1 and 2; skipped
// otherwise, saying why.
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/device.h"
#include "core/runtime_hook.h"
#include "dist_test_support.h"
#include "distributed/backend_group.h"
#include "registry/backend_registry.h"

namespace {

using dist_test::count;

bool nccl_built() { return access((dist_test::plugin_dir() + "/libember_nccl.so").c_str(), R_OK) == 0; }

TEST(NcclPlugin, RegistersTheNcclBackendForCudaTensors) {
  if (!nccl_built()) GTEST_SKIP() << "the nccl comm plugin was not built (no CUDA toolkit with NCCL at configure)";
  ember::detail::ensure_runtime_initialized();
  std::string problem;  // comm plugins load on first use, as init_process_group loads them
  const ember::ProcessGroupBackendInfo* info = ember::distributed::detail::resolve_backend("nccl", &problem);
  ASSERT_NE(info, nullptr) << problem;
  ASSERT_EQ(info->device_types.size(), 1u);
  EXPECT_EQ(info->device_types[0], "cuda");
  EXPECT_EQ(info->plugin, "nccl");
}

class NcclOnGpus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nccl_built()) GTEST_SKIP() << "the nccl comm plugin was not built";
    ember::detail::ensure_runtime_initialized();
    if (ember::find_device_type("cuda") == ember::kInvalidDeviceType)
      GTEST_SKIP() << "no cuda device type (the CUDA plugin is not loaded, or there is no GPU)";
  }
  const std::string env = "EMBER_TEST_BACKEND=cpu:gloo,cuda:nccl EMBER_TEST_DEVICE=cuda EMBER_TEST_TIMEOUT_MS=60000";
};

TEST_F(NcclOnGpus, CollectivesWithOneRank) {
  auto r = dist_test::launch(1, "nccl_collectives", env);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "nccl collectives correct"), 1) << r.output;
}

TEST_F(NcclOnGpus, DistributedDataParallelWithOneRankMatchesOneProcess) {
  auto r = dist_test::launch(1, "ddp_equivalence 3", env);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "steps equal to one process within 1e-5"), 1) << r.output;
}

}  // namespace
