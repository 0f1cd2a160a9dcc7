// Peak resident memory of ResNet-18 inference with ember alone in the process (no libtorch):
// `resnet18_rss_ember BATCH` builds the model, runs 5 forwards in eval mode without grad and
// prints baseline (after start-up) and peak memory for bench/resnet18_bench.cpp.
#include <cstdlib>

#include "../resnet18_ember.h"
#include "rss_report.h"

int main(int argc, char** argv) {
  const int64_t batch = argc > 1 ? std::atol(argv[1]) : 1;
  ember::Tensor warm = ember::ones({1});  // start-up: runtime and plugins loaded
  const long baseline = ember_bench::status_kb("VmRSS");
  ember::manual_seed(0);
  ember_bench::EmberResNet18 net;
  net->eval();
  ember::NoGradGuard no_grad;
  ember::Tensor x = ember::randn({batch, 3, 224, 224});
  for (int i = 0; i < 5; ++i) {
    ember::Tensor y = net(x);
    if (y.numel() != batch * 1000) return 1;
  }
  ember_bench::print_memory(baseline);
  return 0;
}
