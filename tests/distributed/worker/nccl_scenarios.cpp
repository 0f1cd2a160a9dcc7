// NCCL scenarios for the device machine (scripts/device/run_dist_checks.sh, run_multi_gpu.sh):
// collectives on CUDA tensors checked against values computed on the host, and DDP on CUDA
// against one process on the whole batch. Each rank uses cuda:LOCAL_RANK, or cuda:0 for every
// rank with EMBER_TEST_SHARE_GPU=1 (two processes on one GPU, where NCCL permits it).
#include <iostream>

#include "worker.h"

namespace dist_worker {
namespace {

using ember::Tensor;

ember::Device my_gpu() {
  ember::Device d = test_device();
  WORKER_CHECK(d.type_name() == "cuda", "set EMBER_TEST_DEVICE=cuda");
  return d;
}

Register nccl_collectives("nccl_collectives", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank(), world = ed::get_world_size();
  const ember::Device gpu = my_gpu();
  auto& pg = ed::default_group();
  WORKER_CHECK(pg.backend_name("cuda") == "nccl", "cuda tensors are not served by nccl");
  const double sum_ranks = world * (world - 1) / 2.0;
  for (auto dtype : {ember::kFloat32, ember::kFloat64, ember::kFloat16, ember::kBFloat16, ember::kInt64, ember::kInt32}) {
    Tensor t = filled(1000, dtype, [&](int64_t i) { return double(rank + (i % 7)); }).to(gpu);
    pg.all_reduce(t)->wait();
    expect_values(t, [&](int64_t i) { return sum_ranks + world * double(i % 7); }, 1e-2, "all_reduce sum");
    Tensor m = filled(10, dtype, [&](int64_t) { return double(rank); }).to(gpu);
    pg.all_reduce(m, {ed::ReduceOp::MAX})->wait();
    expect_values(m, [&](int64_t) { return double(world - 1); }, 0, "all_reduce max");
  }
  Tensor avg = filled(64, ember::kFloat32, [&](int64_t) { return double(rank); }).to(gpu);
  pg.all_reduce(avg, {ed::ReduceOp::AVG})->wait();
  expect_values(avg, [&](int64_t) { return sum_ranks / world; }, 1e-6, "all_reduce avg");
  Tensor b = filled(33, ember::kFloat32, [&](int64_t i) { return rank == 0 ? double(i) : -1.0; }).to(gpu);
  pg.broadcast(b)->wait();
  expect_values(b, [](int64_t i) { return double(i); }, 0, "broadcast");
  std::vector<Tensor> gathered;
  for (int r = 0; r < world; ++r) gathered.push_back(ember::zeros({5}).to(gpu));
  Tensor mine = filled(5, ember::kFloat32, [&](int64_t i) { return double(rank * 10 + i); }).to(gpu);
  pg.all_gather(gathered, mine)->wait();
  for (int r = 0; r < world; ++r)
    expect_values(gathered[size_t(r)], [&](int64_t i) { return double(r * 10 + i); }, 0, "all_gather");
  std::vector<Tensor> pieces;
  for (int r = 0; r < world; ++r) pieces.push_back(filled(4, ember::kFloat32, [&](int64_t i) { return double(r + i + rank); }).to(gpu));
  Tensor piece = ember::zeros({4}).to(gpu);
  pg.reduce_scatter(piece, pieces)->wait();
  expect_values(piece, [&](int64_t i) { return world * double(rank + i) + sum_ranks; }, 0, "reduce_scatter");
  std::vector<Tensor> out, in;
  for (int r = 0; r < world; ++r) {
    in.push_back(filled(3, ember::kFloat32, [&](int64_t i) { return double(rank * 100 + r * 10 + i); }).to(gpu));
    out.push_back(ember::zeros({3}).to(gpu));
  }
  pg.all_to_all(out, in)->wait();
  for (int r = 0; r < world; ++r)
    expect_values(out[size_t(r)], [&](int64_t i) { return double(r * 100 + rank * 10 + i); }, 0, "all_to_all");
  pg.barrier()->wait();
  if (world > 1) {
    Tensor p = filled(8, ember::kFloat32, [&](int64_t i) { return double(i + 1); }).to(gpu);
    if (rank == 0) pg.send(p, 1)->wait();
    if (rank == 1) {
      Tensor q = ember::zeros({8}).to(gpu);
      pg.recv(q, 0)->wait();
      expect_values(q, [](int64_t i) { return double(i + 1); }, 0, "send/recv");
    }
  }
  WORKER_SAY("rank " << rank << ": nccl collectives correct on " << gpu.str());
});

}  // namespace
}  // namespace dist_worker
