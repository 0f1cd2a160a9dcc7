// One training step of a small CNN, ember beside libtorch 1.13 in the same binary: 3 x [conv 3x3
// with bias -> batch_norm (training, running statistics) -> relu -> max_pool 2x2], linear
// 1024 -> 10, cross entropy, backward, SGD. Batch 32 or 64 of 3x32x32 floats; both libraries on
// the same number of intra-op threads (ember's configured count). See docs/NN_BACKWARD.md.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include <ember/ember.h>

#ifdef EMBER_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

struct EmberCnn {
  std::vector<ember::Tensor> params, stats;
  ember::Tensor x, y;

  explicit EmberCnn(int64_t batch) {
    ember::manual_seed(0);
    const int64_t channels[4] = {3, 16, 32, 64};
    for (int l = 0; l < 3; ++l) {
      params.push_back(ember::randn({channels[l + 1], channels[l], 3, 3}) * (1.0 / (3 * channels[l])));
      params.push_back(ember::zeros({channels[l + 1]}));
      params.push_back(ember::ones({channels[l + 1]}));   // batch-norm weight
      params.push_back(ember::zeros({channels[l + 1]}));  // batch-norm bias
      stats.push_back(ember::zeros({channels[l + 1]}));
      stats.push_back(ember::ones({channels[l + 1]}));
    }
    params.push_back(ember::randn({10, 1024}) * (1.0 / 32));
    params.push_back(ember::zeros({10}));
    for (ember::Tensor& p : params) p.requires_grad_();
    x = ember::randn({batch, 3, 32, 32});
    y = ember::randint(0, 10, {batch}, ember::TensorOptions().dtype(ember::kInt64));
  }

  double step() {
    ember::Tensor h = x;
    for (int l = 0; l < 3; ++l) {
      const ember::Tensor* p = &params[static_cast<size_t>(4 * l)];
      h = ember::conv2d(h, p[0], p[1], {1, 1}, {1, 1});
      h = ember::batch_norm(h, p[2], p[3], stats[static_cast<size_t>(2 * l)], stats[static_cast<size_t>(2 * l + 1)], true,
                            0.1, 1e-5, false);
      h = ember::max_pool2d(ember::relu(h), {2, 2});
    }
    ember::Tensor loss = ember::cross_entropy_loss(ember::linear(h.flatten(1), params[12], params[13]), y);
    loss.backward();
    ember::NoGradGuard no_grad;
    for (ember::Tensor& p : params) {
      p.sub_(p.grad() * 0.01);
      p.grad().zero_();
    }
    return loss.item<double>();
  }
};

void BM_ember_cnn_training_step(benchmark::State& state) {
  EmberCnn net(state.range(0));
  for (int i = 0; i < 3; ++i) net.step();
  for (auto _ : state) benchmark::DoNotOptimize(net.step());
}
BENCHMARK(BM_ember_cnn_training_step)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);

#ifdef EMBER_BENCH_WITH_LIBTORCH
struct TorchCnn : torch::nn::Module {
  torch::nn::Conv2d c1{torch::nn::Conv2dOptions(3, 16, 3).padding(1)}, c2{torch::nn::Conv2dOptions(16, 32, 3).padding(1)},
      c3{torch::nn::Conv2dOptions(32, 64, 3).padding(1)};
  torch::nn::BatchNorm2d b1{16}, b2{32}, b3{64};
  torch::nn::Linear fc{1024, 10};
  TorchCnn() {
    register_module("c1", c1);
    register_module("c2", c2);
    register_module("c3", c3);
    register_module("b1", b1);
    register_module("b2", b2);
    register_module("b3", b3);
    register_module("fc", fc);
  }
  torch::Tensor forward(torch::Tensor h) {
    h = torch::max_pool2d(torch::relu(b1(c1(h))), 2);
    h = torch::max_pool2d(torch::relu(b2(c2(h))), 2);
    h = torch::max_pool2d(torch::relu(b3(c3(h))), 2);
    return fc(h.flatten(1));
  }
};

void BM_libtorch_cnn_training_step(benchmark::State& state) {
  torch::set_num_threads(std::max(1, ember::intra_op_threads()));
  torch::manual_seed(0);
  TorchCnn net;
  torch::optim::SGD opt(net.parameters(), 0.01);
  torch::Tensor x = torch::randn({state.range(0), 3, 32, 32});
  torch::Tensor y = torch::randint(0, 10, {state.range(0)}, torch::kLong);
  auto step = [&] {
    opt.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item<double>();
  };
  for (int i = 0; i < 3; ++i) step();
  for (auto _ : state) benchmark::DoNotOptimize(step());
}
BENCHMARK(BM_libtorch_cnn_training_step)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
