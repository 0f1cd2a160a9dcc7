// Peak resident memory of ResNet-18 inference with libtorch alone in the process: the twin of
// resnet18_rss_ember.cpp (same model, batch, forwards and thread count).
#include <cstdlib>

#include "../resnet18_torch.h"
#include "rss_report.h"

int main(int argc, char** argv) {
  const int64_t batch = argc > 1 ? std::atol(argv[1]) : 1;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  if (threads > 0) torch::set_num_threads(threads);
  torch::Tensor warm = torch::ones({1});
  const long baseline = ember_bench::status_kb("VmRSS");
  torch::manual_seed(0);
  ember_bench::TorchResNet18 net;
  net->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({batch, 3, 224, 224});
  for (int i = 0; i < 5; ++i) {
    torch::Tensor y = net(x);
    if (y.numel() != batch * 1000) return 1;
  }
  ember_bench::print_memory(baseline);
  return 0;
}
