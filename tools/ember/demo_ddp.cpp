// `ember demo`, part 5: the CNN of part 4 trained by two processes with DistributedDataParallel
// over the gloo comm plugin. The demo starts `ember launch --nproc 2 ember demo-ddp-rank`; each
// rank trains on its half of every batch, gradients are averaged while backward runs, and at the
// end each rank compares its parameters with rank 0's (they must be equal: same start, same
// averaged gradients, same optimizer steps).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <random>

#include <ember/ember.h>

#include "distributed/backend_group.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

namespace {

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("ember");
}

nn::Sequential demo_cnn() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1).bias(false)), nn::BatchNorm2d(8), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1).bias(false)),
                        nn::BatchNorm2d(16), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(16 * 4 * 4, 4));
}

}  // namespace

void show_ddp_training() {
  std::cout << "7. The same CNN trained by 2 processes with DistributedDataParallel over gloo\n";
  std::string problem;
  if (!distributed::detail::resolve_backend("gloo", &problem)) {
    std::cout << "  skipped: " << problem << " (install libgloo-dev and rebuild)\n\n";
    return;
  }
  const std::string self = self_path();
  std::cout.flush();
  const int status = std::system(("\"" + self + "\" launch --nproc 2 \"" + self + "\" demo-ddp-rank").c_str());
  std::cout << (status == 0 ? "" : "  the distributed demo failed (see above)\n") << "\n";
}

int run_ddp_demo_rank() {
  namespace ed = distributed;
  namespace F = nn::functional;
  std::cout.setf(std::ios::unitbuf);
  try {
    ed::InitOptions init;
    init.backend = "cpu:gloo";
    ed::init_process_group(init);
    const int rank = ed::get_rank(), world = ed::get_world_size();
    manual_seed(7 + static_cast<uint64_t>(rank));  // different starts: DDP takes rank 0's
    auto [train_x, train_y] = make_demo_shapes(4000, 1);
    auto [test_x, test_y] = make_demo_shapes(800, 2);
    nn::Sequential model = demo_cnn();
    nn::parallel::DistributedDataParallel ddp(model);
    optim::Adam optimizer(ddp->parameters(), optim::AdamOptions(0.005));
    const char* epochs_env = std::getenv("EMBER_DEMO_EPOCHS");  // the tests train one epoch
    const int epochs = epochs_env ? std::max(1, std::atoi(epochs_env)) : 3, batch = 64, local = batch / world;
    const int64_t n = train_x.size(0);
    std::mt19937 rng(3);  // the same shuffle on every rank
    for (int epoch = 1; epoch <= epochs; ++epoch) {
      std::vector<double> order(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = static_cast<double>(i);
      std::shuffle(order.begin(), order.end(), rng);
      Tensor idx_all = tensor_from_doubles(order, {n}, kInt64);
      double total = 0;
      int batches = 0;
      for (int64_t b = 0; b + batch <= n; b += batch) {
        Tensor idx = idx_all.slice(0, b + rank * local, b + (rank + 1) * local);
        optimizer.zero_grad();
        Tensor loss = F::cross_entropy(ddp->forward(train_x.index_select(0, idx)), train_y.index_select(0, idx));
        loss.backward();
        optimizer.step();
        total += loss.item<double>();
        ++batches;
      }
      Tensor mean_loss = tensor_from_doubles({total / batches}, {1}, kFloat64);
      ed::default_group().all_reduce(mean_loss, {ed::ReduceOp::AVG})->wait();
      if (rank == 0)
        std::cout << "epoch " << epoch << "/" << epochs << "  loss (mean over ranks) " << std::fixed << std::setprecision(4)
                  << mean_loss.item<double>() << "\n";
    }
    // Agreement: rank 0's parameters against this rank's.
    double difference = 0;
    {
      NoGradGuard no_grad;
      for (const auto& p : model->parameters()) {
        Tensor theirs = p.detach().clone();
        ed::default_group().broadcast(theirs)->wait();
        difference = std::max(difference, (theirs - p).abs().max().item<double>());
      }
      model->eval();
      double correct = (model->forward(test_x).argmax(1) == test_y).sum().item<double>();
      std::cout << "test accuracy " << std::fixed << std::setprecision(1) << 100.0 * correct / test_y.size(0)
                << "%, largest parameter difference from rank 0: " << std::setprecision(1) << std::scientific
                << difference << (difference == 0 ? " (the ranks agree)" : " (THE RANKS DISAGREE)") << "\n";
    }
    ed::destroy_process_group();
    return difference == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cli
}  // namespace ember
