// `ember launch`: the environment each rank gets, output prefixed with the rank, and a failing
// rank stopping the others with its status and a message naming it.
#include <gtest/gtest.h>

#include "dist_test_support.h"

namespace {

using dist_test::count;
using dist_test::launch;

TEST(Launch, EachRankGetsItsEnvironmentAndItsOutputIsPrefixed) {
  auto r = launch(3, "env");
  ASSERT_EQ(r.status, 0) << r.output;
  for (int rank = 0; rank < 3; ++rank) {
    std::string line = "[rank " + std::to_string(rank) + "] RANK=" + std::to_string(rank) + " WORLD_SIZE=3 LOCAL_RANK=" +
                       std::to_string(rank) + " MASTER_ADDR=127.0.0.1 MASTER_PORT=";
    EXPECT_NE(r.output.find(line), std::string::npos) << r.output;
    // A last line without a newline is still printed, prefixed.
    EXPECT_NE(r.output.find("[rank " + std::to_string(rank) + "] a second line without newline\n"), std::string::npos)
        << r.output;
  }
  EXPECT_EQ(count(r.output, "EMBER_STORE_SERVER=launcher"), 3);
}

TEST(Launch, AFailingRankStopsTheOthersAndItsStatusIsTheLaunchers) {
  auto r = launch(3, "fail_one 1 exit3", "", 60, "--grace 1");
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("ember launch: rank 1 (pid "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("failed: exited with status 3; stopped 2 other ranks"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[rank 1] rank 1 fails now"), std::string::npos) << r.output;
  EXPECT_LT(r.seconds, 15) << "the sleeping ranks were not stopped";
}

TEST(Launch, ARankKilledBySignalIsNamedWithTheSignal) {
  auto r = launch(2, "fail_one 0 kill", "", 60, "--grace 0");
  EXPECT_EQ(r.status, 128 + 9) << r.output;
  EXPECT_NE(r.output.find("rank 0 (pid "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("killed by signal 9 (SIGKILL)"), std::string::npos) << r.output;
  EXPECT_LT(r.seconds, 15);
}

TEST(Launch, UsageErrorsAndMissingPrograms) {
  auto none = dist_test::run_command(dist_test::launcher() + " launch --nproc 2");
  EXPECT_EQ(none.status, 2) << none.output;
  EXPECT_NE(none.output.find("no program given"), std::string::npos) << none.output;
  auto bad = dist_test::run_command(dist_test::launcher() + " launch --nproc zero prog");
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_NE(bad.output.find("--nproc expects an integer >= 1, got 'zero'"), std::string::npos) << bad.output;
  auto missing = dist_test::run_command(dist_test::launcher() + " launch --nproc 2 /nonexistent/program");
  EXPECT_EQ(missing.status, 127) << missing.output;
  EXPECT_NE(missing.output.find("cannot run /nonexistent/program"), std::string::npos) << missing.output;
}

}  // namespace

namespace {

// `ember demo`'s distributed part: two ranks train with DDP over gloo and end with rank 0's
// parameters exactly.
TEST(Launch, TheDemosTwoRankTrainingEndsWithRanksThatAgree) {
  auto r = dist_test::run_command("env EMBER_DEMO_EPOCHS=1 " + dist_test::launcher() + " launch --nproc 2 " +
                                  dist_test::launcher() + " demo-ddp-rank", 180);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(dist_test::count(r.output, "(the ranks agree)"), 2) << r.output;
}

}  // namespace
