// ember_dist_bench: one rank of the distributed benchmarks, started by `ember launch` (collective
// timings need every rank, which Google Benchmark's single process cannot give). Rank 0 prints
// one line per measurement, in the format of torch_dist_bench.py, so that the two compare line
// by line (scripts/device/run_multi_gpu.sh, docs/PERFORMANCE.md).
//
//   ember launch --nproc 2 ember_dist_bench allreduce MIN_BYTES MAX_BYTES   (float32, x4 steps)
//   ember launch --nproc 2 ember_dist_bench ddp cnn|resnet50 BATCH_PER_RANK STEPS
//
// EMBER_TEST_BACKEND picks the backends ("gloo", "cpu:gloo,cuda:nccl"); EMBER_TEST_DEVICE=cuda puts
// tensors on cuda:LOCAL_RANK. Bus bandwidth is NCCL's: bytes * 2 (n - 1) / n / time.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <ember/ember.h>

#if __has_include("bench/cuda/resnet50.h")
#include "bench/cuda/resnet50.h"
#define EMBER_DIST_BENCH_RESNET50 1
#endif

namespace {

namespace ed = ember::distributed;
namespace nn = ember::nn;
using Clock = std::chrono::steady_clock;

ember::Device bench_device() {
  const char* t = std::getenv("EMBER_TEST_DEVICE");
  if (!t || std::string(t) != "cuda") return ember::Device("cpu");
  const char* local = std::getenv("LOCAL_RANK");
  return ember::Device("cuda:" + std::string(local ? local : "0"));
}

void synchronize(const ember::Tensor& t) {
  if (t.device().type_name() != "cpu") (void)t.sum().item<double>();  // waits for the device's queue
}

void allreduce(int64_t min_bytes, int64_t max_bytes) {
  auto& pg = ed::default_group();
  const int world = pg.size();
  const ember::Device device = bench_device();
  for (int64_t bytes = min_bytes; bytes <= max_bytes; bytes *= 4) {
    ember::Tensor t = ember::ones({bytes / 4}).to(device);
    const int iterations = bytes <= (1 << 20) ? 50 : bytes <= (16 << 20) ? 10 : 4;
    for (int i = 0; i < 3; ++i) pg.all_reduce(t)->wait();
    synchronize(t);
    pg.barrier()->wait();
    auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) pg.all_reduce(t)->wait();
    synchronize(t);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count() / iterations;
    const double busbw = double(bytes) * 2.0 * (world - 1) / world / seconds / 1e9;
    if (pg.rank() == 0)
      std::printf("allreduce bytes=%lld time_us=%.1f busbw_GBps=%.3f\n", static_cast<long long>(bytes), seconds * 1e6, busbw);
  }
}

nn::Sequential demo_cnn() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 32, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                        nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                        nn::Linear(64 * 7 * 7, 128), nn::ReLU(), nn::Linear(128, 10));
}

void ddp(const std::string& model_name, int64_t batch, int steps) {
  const ember::Device device = bench_device();
  nn::AnyModule model;
  int64_t channels = 1, side = 28;
  if (model_name == "cnn") {
    model = nn::AnyModule(demo_cnn());
#ifdef EMBER_DIST_BENCH_RESNET50
  } else if (model_name == "resnet50") {
    model = nn::AnyModule(ember_bench::ResNet50());
    channels = 3, side = 224;
#endif
  } else {
    std::fprintf(stderr, "unknown model '%s' (cnn%s)\n", model_name.c_str(),
#ifdef EMBER_DIST_BENCH_RESNET50
                 ", resnet50"
#else
                 "; resnet50 needs bench/cuda/resnet50.h from the CUDA plugin's branch"
#endif
    );
    std::exit(2);
  }
  model.ptr()->to(device);
  for (bool overlap : {true, false}) {
    nn::parallel::DistributedDataParallelOptions o;
    o.overlap = overlap;
    nn::parallel::DistributedDataParallel net(model, o);
    ember::optim::SGD opt(net->parameters(), ember::optim::SGDOptions(0.01).momentum(0.9));
    ember::Tensor x = ember::randn({batch, channels, side, side}).to(device);
    ember::Tensor y = ember::zeros({batch}, ember::kInt64).to(device);
    auto step = [&] {
      opt.zero_grad();
      nn::functional::cross_entropy(net->forward(x), y).backward();
      opt.step();
    };
    for (int i = 0; i < 3; ++i) step();
    synchronize(net->parameters()[0]);
    auto start = Clock::now();
    for (int i = 0; i < steps; ++i) step();
    synchronize(net->parameters()[0]);
    const double ms = std::chrono::duration<double>(Clock::now() - start).count() * 1e3 / steps;
    if (ed::get_rank() == 0)
      std::printf("ddp model=%s batch_per_rank=%lld ranks=%d overlap=%d step_ms=%.3f\n", model_name.c_str(),
                  static_cast<long long>(batch), ed::get_world_size(), overlap ? 1 : 0, ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ember_dist_bench allreduce MIN MAX | ddp MODEL BATCH STEPS\n");
    return 2;
  }
  try {
    ed::InitOptions o;
    if (const char* b = std::getenv("EMBER_TEST_BACKEND")) o.backend = b;
    ed::init_process_group(o);
    const std::string what = argv[1];
    if (what == "allreduce") allreduce(argc > 2 ? std::atoll(argv[2]) : 1024, argc > 3 ? std::atoll(argv[3]) : (256 << 20));
    else if (what == "ddp") ddp(argc > 2 ? argv[2] : "cnn", argc > 3 ? std::atoll(argv[3]) : 32, argc > 4 ? std::atoi(argv[4]) : 20);
    else throw std::runtime_error("unknown benchmark '" + what + "'");
    ed::destroy_process_group();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
