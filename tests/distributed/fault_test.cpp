// Faults never hang (gloo, 2-3 ranks, 3 s timeout): a rank killed during an all-reduce, a rank
// that never joins, and ranks that disagree, with and without the detail debug level. The
// scenarios check the messages and that each error came within the timeout + 2 s. The 20-trial
// run of the kill test is scripts/dist_fault_trials.sh (not timed in CI).
#include <gtest/gtest.h>

#include "dist_test_support.h"

namespace {

using dist_test::count;
using dist_test::launch;

const std::string kEnv = "EMBER_TEST_BACKEND=gloo EMBER_TEST_TIMEOUT_MS=3000";

TEST(Faults, ARankKilledDuringAllReduceIsNamedByTheOthers) {
  auto r = launch(3, "kill_in_all_reduce 1", kEnv, 60, "--grace 30");
  EXPECT_EQ(r.status, 128 + 9) << r.output;  // the launcher reports the killed rank's status
  EXPECT_EQ(count(r.output, "scenario kill_in_all_reduce passed"), 2) << r.output;
  EXPECT_NE(r.output.find("rank 1 (pid"), std::string::npos) << r.output;
}

TEST(Faults, ARankThatNeverJoinsTimesOutNamingIt) {
  auto r = launch(2, "absent_rank", kEnv, 60, "--grace 30");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario absent_rank passed"), 2) << r.output;
}

TEST(Faults, DifferentSizesAreReportedWithEachRanksCall) {
  auto r = launch(2, "mismatch size", kEnv, 60, "--grace 30");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario mismatch passed"), 2) << r.output;
}

TEST(Faults, DifferentCollectivesAreReportedWithEachRanksCall) {
  auto r = launch(2, "mismatch kind", kEnv, 60, "--grace 30");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario mismatch passed"), 2) << r.output;
}

TEST(Faults, DetailDebugLevelCatchesAMismatchBeforeItRuns) {
  for (const char* kind : {"size", "kind"}) {
    auto r = launch(2, std::string("mismatch ") + kind, kEnv + " EMBER_DISTRIBUTED_DEBUG=DETAIL", 60, "--grace 30");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count(r.output, "(distributed debug level detail)"), 2) << r.output;
  }
}

}  // namespace
