// The gloo comm plugin through ProcessGroup: every collective on 2 and 3 ranks (the
// "collectives" scenario checks values itself), with the store hosted by the launcher or, without
// the launcher, by rank 0.
#include <gtest/gtest.h>

#include "dist_test_support.h"
#include "distributed/socket.h"

namespace {

using dist_test::count;
using dist_test::launch;

TEST(GlooCollectives, TwoRanks) {
  auto r = launch(2, "collectives", "EMBER_TEST_BACKEND=gloo");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario collectives passed"), 2) << r.output;
}

TEST(GlooCollectives, ThreeRanks) {
  auto r = launch(3, "collectives", "EMBER_TEST_BACKEND=gloo");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario collectives passed"), 3) << r.output;
}

TEST(GlooCollectives, WithoutTheLauncherRankZeroHostsTheStore) {
  int port;
  { ember::distributed::Socket s = ember::distributed::listen_on(0, &port); }
  std::string env = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " WORLD_SIZE=2 EMBER_TEST_BACKEND=gloo";
  std::string w = dist_test::worker();
  auto r = dist_test::run_command("sh -c 'env " + env + " RANK=0 " + w + " collectives & env " + env + " RANK=1 " + w +
                                  " collectives; s1=$?; wait $!; s0=$?; exit $((s0 + s1))'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario collectives passed"), 2) << r.output;
}

}  // namespace
