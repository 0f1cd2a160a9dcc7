// DistributedDataParallel on 2 and 3 ranks: the "ddp_*" scenarios compare DDP with one process
// on the whole batch (parameters within 1e-5 after every step) and check no_sync, unused
// parameters, replicas that differ and buffers; each rank checks its own values.
#include <gtest/gtest.h>

#include "dist_test_support.h"

namespace {

using dist_test::count;
using dist_test::launch;

void expect_passed(const dist_test::Run& r, const std::string& scenario, int ranks) {
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario " + scenario + " passed"), ranks) << r.output;
}

TEST(DistributedDataParallel, TwoRanksMatchOneProcessOnTheWholeBatch) {
  auto r = launch(2, "ddp_equivalence 4", "EMBER_TEST_BACKEND=gloo");
  expect_passed(r, "ddp_equivalence", 2);
  EXPECT_EQ(count(r.output, "steps equal to one process within 1e-5"), 2) << r.output;
}

TEST(DistributedDataParallel, ThreeRanksMatchOneProcessOnTheWholeBatch) {
  expect_passed(launch(3, "ddp_equivalence 4", "EMBER_TEST_BACKEND=gloo"), "ddp_equivalence", 3);
}

TEST(DistributedDataParallel, NoSyncAccumulatesLocallyThenSynchronizes) {
  expect_passed(launch(2, "ddp_equivalence 3 accumulate", "EMBER_TEST_BACKEND=gloo"), "ddp_equivalence", 2);
}

TEST(DistributedDataParallel, FindUnusedParametersGivesThemNoGradient) {
  expect_passed(launch(2, "ddp_unused find", "EMBER_TEST_BACKEND=gloo"), "ddp_unused", 2);
}

TEST(DistributedDataParallel, AnUnusedParameterWithoutFindUnusedIsNamed) {
  auto r = launch(2, "ddp_unused plain", "EMBER_TEST_BACKEND=gloo");
  expect_passed(r, "ddp_unused", 2);
  EXPECT_EQ(count(r.output, "unused parameter reported"), 2) << r.output;
}

TEST(DistributedDataParallel, ReplicasThatDifferAreRefused) {
  expect_passed(launch(2, "ddp_replicas_differ", "EMBER_TEST_BACKEND=gloo"), "ddp_replicas_differ", 2);
}

TEST(DistributedDataParallel, BuffersComeFromRankZero) {
  expect_passed(launch(2, "ddp_buffers", "EMBER_TEST_BACKEND=gloo"), "ddp_buffers", 2);
}

}  // namespace
