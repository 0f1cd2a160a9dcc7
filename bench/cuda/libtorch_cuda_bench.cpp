// libtorch's side of the host-cost benchmark (bench/cuda/cuda_bench.cpp, BM_SmallOpHostCost):
// wall time per `a + b` on one-element CUDA tensors through PyTorch's C++ API, launches only,
// in batches of 200 each started on an idle GPU; median of batches. Built and run on the device
// machine against its PyTorch (scripts/device/run_cuda_checks.sh, phase libtorch). Writes one
// JSON line.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  const auto opts = torch::TensorOptions().device(torch::kCUDA);
  torch::Tensor a = torch::ones({1}, opts), b = torch::ones({1}, opts);
  for (int i = 0; i < 2000; ++i) (void)(a + b);
  torch::cuda::synchronize();
  // Batches of 200 launches, each started on an idle GPU (the queue never fills: host time).
  std::vector<double> per_op_us;
  for (int batch = 0; batch < 400; ++batch) {
    const int n = 200;
    torch::cuda::synchronize();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) (void)(a + b);
    auto t1 = std::chrono::steady_clock::now();
    per_op_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / n);
  }
  torch::cuda::synchronize();
  std::sort(per_op_us.begin(), per_op_us.end());
  const double median = per_op_us[per_op_us.size() / 2];
  FILE* f = argc > 1 ? std::fopen(argv[1], "w") : stdout;
  std::fprintf(f, "{\"name\": \"host_small_op\", \"ms\": %.6f, \"us\": %.4f}\n", median / 1e3, median);
  if (f != stdout) std::fclose(f);
  std::printf("host_small_op %.4f us\n", median);
  return 0;
}
