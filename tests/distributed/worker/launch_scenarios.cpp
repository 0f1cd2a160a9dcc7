// Scenarios for the launcher's tests: what a rank sees in its environment, and ranks that fail.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "worker.h"

namespace dist_worker {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "<unset>";
}

Register print_env("env", [](const std::vector<std::string>&) {
  WORKER_SAY("RANK=" << env("RANK") << " WORLD_SIZE=" << env("WORLD_SIZE") << " LOCAL_RANK=" << env("LOCAL_RANK")
                     << " MASTER_ADDR=" << env("MASTER_ADDR") << " MASTER_PORT=" << env("MASTER_PORT")
                     << " EMBER_STORE_SERVER=" << env("EMBER_STORE_SERVER"));
  std::cerr << "a second line without newline";  // on stderr: the launcher ends it at end of file
});

// ARGS: RANK HOW: that rank fails ("exit3": exit status 3; "kill": SIGKILL itself) after a
// moment; the others sleep for a minute, so the launcher has to stop them.
Register fail_one("fail_one", [](const std::vector<std::string>& args) {
  const int victim = std::atoi(args.at(0).c_str());
  const int rank = std::atoi(std::getenv("RANK"));
  if (rank == victim) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::cerr << "rank " << rank << " fails now\n";
    if (args.at(1) == "kill") ::kill(::getpid(), SIGKILL);
    std::exit(3);
  }
  std::this_thread::sleep_for(std::chrono::seconds(60));
});

}  // namespace
}  // namespace dist_worker
