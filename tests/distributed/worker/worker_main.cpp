// ember_dist_worker main: ember_dist_worker SCENARIO [ARGS...] (see worker.h).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "worker.h"

namespace dist_worker {

std::map<std::string, Scenario>& scenarios() {
  static std::map<std::string, Scenario> s;
  return s;
}

void say_line(const std::string& line) {
  const std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    ssize_t w = ::write(1, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    done += static_cast<size_t>(w);
  }
}

int my_rank() { return ed::is_initialized() ? ed::get_rank() : -1; }

void init() {
  ed::InitOptions o;
  if (const char* b = std::getenv("EMBER_TEST_BACKEND")) o.backend = b;
  if (const char* t = std::getenv("EMBER_TEST_TIMEOUT_MS")) o.timeout = ed::Milliseconds(std::atoll(t));
  ed::init_process_group(o);
}

ember::Device test_device() {
  const char* type = std::getenv("EMBER_TEST_DEVICE");
  if (!type || std::string(type) != "cuda") return ember::Device("cpu");
  const char* share = std::getenv("EMBER_TEST_SHARE_GPU");
  const char* local = std::getenv("LOCAL_RANK");
  const int index = share && std::string(share) == "1" ? 0 : (local ? std::atoi(local) : 0);
  return ember::Device("cuda:" + std::to_string(index));
}

std::vector<double> values(const ember::Tensor& t) {
  ember::Tensor c = t.to(ember::Device("cpu")).to(ember::kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

ember::Tensor filled(int64_t n, ember::ScalarType dtype, const std::function<double(int64_t)>& f) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = f(i);
  return ember::tensor_from_doubles(v, {n}, dtype);
}

void expect_values(const ember::Tensor& t, const std::function<double(int64_t)>& f, double tol, const std::string& what) {
  std::vector<double> v = values(t);
  for (size_t i = 0; i < v.size(); ++i) {
    double e = f(static_cast<int64_t>(i));
    WORKER_CHECK(std::fabs(v[i] - e) <= tol * std::max(1.0, std::fabs(e)),
                 what << ": element " << i << " is " << v[i] << ", expected " << e);
  }
}

}  // namespace dist_worker

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ember_dist_worker SCENARIO [ARGS...]\n";
    return 2;
  }
  // Unbuffered: a rank stopped by the launcher still shows everything it printed.
  std::cout.setf(std::ios::unitbuf);
  auto& all = dist_worker::scenarios();
  auto it = all.find(argv[1]);
  if (it == all.end()) {
    std::cerr << "unknown scenario '" << argv[1] << "'\n";
    return 2;
  }
  try {
    it->second(std::vector<std::string>(argv + 2, argv + argc));
    WORKER_SAY("scenario " << argv[1] << " done; leaving the group");
    if (ember::distributed::is_initialized()) ember::distributed::destroy_process_group();
    WORKER_SAY("scenario " << argv[1] << " passed");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << ("error: " + std::string(e.what()) + "\n");  // one write: ranks share stderr
    return 1;
  }
}
