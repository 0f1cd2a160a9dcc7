// The mpi comm plugin under `mpirun -np N` (OpenMPI): every collective on 2 and 3 ranks, DDP
// against one process on the whole batch, and a mismatch that times out instead of hanging.
// Skipped (with the reason) where the plugin or mpirun was not built or installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "dist_test_support.h"

namespace {

using dist_test::count;

bool mpi_available(std::string* why) {
  if (access((dist_test::plugin_dir() + "/libember_mpi.so").c_str(), R_OK) != 0) {
    *why = "the mpi comm plugin was not built (libopenmpi-dev missing at configure)";
    return false;
  }
  if (dist_test::run_command("mpirun --version", 20).status != 0) {
    *why = "mpirun is not installed (openmpi-bin)";
    return false;
  }
  return true;
}

dist_test::Run mpirun(int n, const std::string& scenario, const std::string& env = "") {
  // --oversubscribe: more ranks than cores; root is allowed for containers that run tests as root.
  return dist_test::run_command("env EMBER_TEST_BACKEND=mpi " + env + " mpirun --oversubscribe --allow-run-as-root -np " +
                                    std::to_string(n) + " " + dist_test::worker() + " " + scenario,
                                120);
}

#define REQUIRE_MPI()                        \
  do {                                       \
    std::string why_;                        \
    if (!mpi_available(&why_)) GTEST_SKIP() << why_; \
  } while (0)

TEST(MpiCollectives, TwoRanks) {
  REQUIRE_MPI();
  auto r = mpirun(2, "collectives");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario collectives passed"), 2) << r.output;
}

TEST(MpiCollectives, ThreeRanks) {
  REQUIRE_MPI();
  auto r = mpirun(3, "collectives");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario collectives passed"), 3) << r.output;
}

TEST(MpiDistributedDataParallel, TwoAndThreeRanksMatchOneProcess) {
  REQUIRE_MPI();
  for (int n : {2, 3}) {
    auto r = mpirun(n, "ddp_equivalence 3");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count(r.output, "steps equal to one process within 1e-5"), n) << r.output;
  }
}

TEST(MpiFaults, AMismatchTimesOutWithinTheDeadline) {
  REQUIRE_MPI();
  auto r = mpirun(2, "mpi_mismatch", "EMBER_TEST_TIMEOUT_MS=2000");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "scenario mpi_mismatch passed"), 2) << r.output;
}

}  // namespace
