// ember_dist_worker: one rank of a distributed test scenario, started N times by the tests
// (through `ember launch` or mpirun). Each scenario checks values itself and throws on a
// mismatch; main prints the error and exits 1, so the test sees which rank failed and why.
#pragma once

#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <ember/ember.h>

#include "distributed/distributed.h"

namespace dist_worker {

namespace ed = ember::distributed;

using Scenario = std::function<void(const std::vector<std::string>& args)>;
std::map<std::string, Scenario>& scenarios();
struct Register {
  Register(const std::string& name, Scenario s) { scenarios()[name] = std::move(s); }
};

// Prints one line to stdout with a single write(2): ranks share the test's pipe, and a line
// written in pieces interleaves with another rank's (the tests count whole lines).
void say_line(const std::string& line);
#define WORKER_SAY(...)                             \
  do {                                              \
    std::ostringstream say_;                        \
    say_ << __VA_ARGS__;                            \
    ::dist_worker::say_line(say_.str());            \
  } while (0)

// Throws with the rank and what differed.
#define WORKER_CHECK(cond, ...)                                                                   \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::ostringstream os_;                                                                     \
      os_ << "rank " << ::dist_worker::my_rank() << ": check failed: " #cond " " << __VA_ARGS__; \
      throw std::runtime_error(os_.str());                                                        \
    }                                                                                             \
  } while (0)

int my_rank();
// init_process_group with the backend named by $EMBER_TEST_BACKEND (default: the configuration).
void init();
// The device of this rank's tensors: cpu, or with EMBER_TEST_DEVICE=cuda the GPU cuda:LOCAL_RANK
// (cuda:0 for every rank with EMBER_TEST_SHARE_GPU=1).
ember::Device test_device();
// Values of t as float64 on the cpu.
std::vector<double> values(const ember::Tensor& t);
// A 1-d tensor of n elements, element i = f(i), of dtype.
ember::Tensor filled(int64_t n, ember::ScalarType dtype, const std::function<double(int64_t)>& f);
void expect_values(const ember::Tensor& t, const std::function<double(int64_t)>& f, double tol, const std::string& what);

}  // namespace dist_worker
