// DistributedDataParallel scenarios: N ranks on slices of a batch against one process on the
// whole batch (in the same program, as the reference), with small buckets so that several
// all-reduces overlap backward; no_sync accumulation; unused parameters with and without
// find_unused_parameters; replicas that differ; buffers taken from rank 0.
#include <cmath>
#include <iostream>

#include "worker.h"

namespace dist_worker {
namespace {

namespace nn = ember::nn;
using ember::Tensor;
using DDP = nn::parallel::DistributedDataParallel;

nn::Sequential make_cnn(uint64_t seed) {
  ember::manual_seed(seed);
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                        nn::Conv2d(nn::Conv2dOptions(4, 8, 3).padding(1)), nn::Tanh(), nn::MaxPool2d(2), nn::Flatten(),
                        nn::Linear(8 * 2 * 2, 16), nn::ReLU(), nn::Linear(16, 3));
}

// The global batch, the same on every rank.
std::pair<Tensor, Tensor> make_batch(int64_t n, uint64_t seed) {
  ember::manual_seed(seed);
  Tensor x = ember::randn({n, 1, 8, 8});
  std::vector<double> labels;
  for (int64_t i = 0; i < n; ++i) labels.push_back(double((i * 7 + static_cast<int64_t>(seed)) % 3));
  return {x, ember::tensor_from_doubles(labels, {n}, ember::kInt64)};
}

double max_param_difference(nn::Module& a, nn::Module& b) {
  auto pa = a.parameters(), pb = b.parameters();
  double m = 0;
  for (size_t i = 0; i < pa.size(); ++i)
    m = std::max(m, (pa[i] - pb[i].to(pa[i].device())).abs().max().item<double>());
  return m;
}

// ARGS: steps, and "accumulate" to do two micro-batches per step (the first under no_sync).
Register equivalence("ddp_equivalence", [](const std::vector<std::string>& args) {
  init();
  const int rank = ed::get_rank(), world = ed::get_world_size();
  const int steps = args.empty() ? 4 : std::atoi(args[0].c_str());
  const bool accumulate = args.size() > 1 && args[1] == "accumulate";
  const int64_t local = 4;

  nn::Sequential reference = make_cnn(100);
  nn::Sequential replica = make_cnn(100 + static_cast<uint64_t>(rank));  // rank 0's wins at construction
  const ember::Device device = test_device();
  replica->to(device);
  nn::parallel::DistributedDataParallelOptions o;
  o.first_bucket_mb = 0.0001;  // ~100 bytes, then ~1 KiB: four buckets on this small model
  o.bucket_cap_mb = 0.001;
  DDP ddp(replica, o);
  WORKER_CHECK(ddp->bucket_indices().size() >= 3, "expected several buckets, got " << ddp->bucket_indices().size());
  WORKER_CHECK(ddp->bucket_indices()[0][0] == replica->parameters().size() - 1, "buckets start at the last parameter");
  WORKER_CHECK(max_param_difference(*reference, *replica) == 0, "rank 0's parameters were not broadcast");

  ember::optim::SGD ref_opt(reference->parameters(), ember::optim::SGDOptions(0.1).momentum(0.9));
  ember::optim::SGD opt(ddp->parameters(), ember::optim::SGDOptions(0.1).momentum(0.9));
  namespace F = nn::functional;
  double worst = 0;
  for (int step = 0; step < steps; ++step) {
    const int micro = accumulate ? 2 : 1;
    ref_opt.zero_grad();
    opt.zero_grad();
    for (int m = 0; m < micro; ++m) {
      auto [x, y] = make_batch(local * world, 1000 + static_cast<uint64_t>(step * 10 + m));
      F::cross_entropy(reference->forward(x), y).backward();
      Tensor xl = x.slice(0, rank * local, (rank + 1) * local).to(device);
      Tensor yl = y.slice(0, rank * local, (rank + 1) * local).to(device);
      if (accumulate && m == 0) {
        auto guard = ddp->no_sync();
        F::cross_entropy(ddp->forward(xl), yl).backward();
      } else {
        F::cross_entropy(ddp->forward(xl), yl).backward();
      }
    }
    ref_opt.step();
    opt.step();
    double diff = max_param_difference(*reference, *replica);
    WORKER_CHECK(diff <= 1e-5, "step " << step << ": DDP differs from one process on the whole batch by " << diff);
    worst = std::max(worst, diff);
  }
  // Overlap: the first bucket's all-reduce started while backward still had gradients to produce.
  auto ready = ddp->gradients_ready_at_launch();
  WORKER_CHECK(ready.size() == ddp->bucket_indices().size() && ready[0] < replica->parameters().size(),
               "the first bucket started only after backward finished");
  std::ostringstream ready_list;
  for (size_t r : ready) ready_list << " " << r;
  WORKER_SAY("rank " << rank << ": " << steps << " steps equal to one process within 1e-5 (largest difference "
                     << worst << "); gradients ready when each bucket started:" << ready_list.str() << " of "
                     << replica->parameters().size());
});

struct TwoBranchesImpl : nn::Module {
  TwoBranchesImpl() : used(register_module("used", nn::Linear(4, 2))), unused(register_module("unused", nn::Linear(4, 2))) {}
  Tensor forward(const Tensor& x) { return used->forward(x); }
  nn::Linear used, unused;
};
EMBER_MODULE(TwoBranches);

// ARGS: "find" (find_unused_parameters on) or "plain".
Register unused_params("ddp_unused", [](const std::vector<std::string>& args) {
  init();
  const bool find = args.at(0) == "find";
  ember::manual_seed(5);
  TwoBranches model;
  nn::parallel::DistributedDataParallelOptions o;
  o.find_unused_parameters = find;
  DDP ddp(model, o);
  Tensor x = ember::ones({3, 4}) * double(ed::get_rank() + 1);
  for (int step = 0; step < 2; ++step) {
    try {
      ddp->forward(x).sum().backward();
    } catch (const ember::RuntimeError& e) {
      std::string m = e.what();
      WORKER_CHECK(!find && step == 1, "unexpected error: " << m);
      WORKER_CHECK(m.find("Expected to have finished reduction in the prior iteration") != std::string::npos &&
                       m.find("(unused.weight)") != std::string::npos,
                   "message: " << m);
      WORKER_SAY("rank " << ed::get_rank() << ": unused parameter reported");
      return;
    }
    if (find) {
      WORKER_CHECK(!model->unused->weight.grad().defined(), "an unused parameter got a gradient");
      // d(sum(W x + b))/dW = sum over the batch of x, averaged over ranks: 3 * mean(rank + 1).
      double expected = 3.0 * (ed::get_world_size() + 1) / 2.0 * (step + 1);
      expect_values(model->used->weight.grad().reshape({-1}), [&](int64_t) { return expected; }, 1e-6, "used grad");
    }
  }
  WORKER_CHECK(find, "plain DDP should have failed on the unused parameter");
  WORKER_SAY("rank " << ed::get_rank() << ": find_unused_parameters works");
});

Register replicas_differ("ddp_replicas_differ", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank();
  nn::Sequential model(nn::Linear(4, rank == 1 ? 3 : 2));
  try {
    DDP ddp(model);
  } catch (const ember::ValueError& e) {
    std::string m = e.what();
    WORKER_CHECK(m.find("the replicas differ") != std::string::npos && m.find("rank 1") != std::string::npos, m);
    if (rank == 1) WORKER_CHECK(m.find("'0.weight'") != std::string::npos, m);
    WORKER_SAY("rank " << rank << ": " << m);
    return;
  }
  throw std::runtime_error("different replicas were accepted");
});

// Buffers (batch-norm statistics) come from rank 0 at construction and before every forward.
Register buffers_from_rank0("ddp_buffers", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank();
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 2, 1)), nn::BatchNorm2d(2));
  Tensor running_mean = model->named_buffers()["1.running_mean"];
  running_mean.fill_(double(rank + 5));
  DDP ddp(model);
  expect_values(running_mean, [](int64_t) { return 5.0; }, 0, "running_mean after construction");
  running_mean.fill_(double(rank + 7));
  model->eval();
  {
    ember::NoGradGuard no_grad;
    ddp->forward(ember::ones({2, 1, 2, 2}));
  }
  expect_values(running_mean, [](int64_t) { return 7.0; }, 0, "running_mean after a forward");
  WORKER_SAY("rank " << rank << ": buffers follow rank 0");
});

}  // namespace
}  // namespace dist_worker
