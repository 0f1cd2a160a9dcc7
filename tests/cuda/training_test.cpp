// Autograd and nn on cuda: module->to(device), a small CNN trained on cuda following the losses
// of the same CNN trained on the CPU, optimizers on GPU parameters, and the gradients of the
// common layers against the CPU's. (The gradcheck of every differentiable op in float64 on cuda
// is tests/autograd/gradcheck_all_ops_test.cpp run with EMBER_TEST_DEVICE=cuda.)
#include <functional>

#include "cuda_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace F = ember::nn::functional;

nn::Sequential make_cnn() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, 8, 3).padding(1).bias(false)), nn::BatchNorm2d(8), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Conv2d(8, 16, 3), nn::ReLU(), nn::AdaptiveAvgPool2d(1), nn::Flatten(),
                        nn::Linear(16, 5));
}

TEST_F(CudaTest, ModuleToMovesParametersAndBuffers) {
  nn::Sequential model = make_cnn();
  model->to(gpu());
  for (const auto& p : model->parameters()) EXPECT_EQ(p.device(), gpu());
  for (const auto& b : model->buffers()) EXPECT_EQ(b.device(), gpu());
  model->to(host());
  for (const auto& p : model->parameters()) EXPECT_EQ(p.device(), host());
}

// Trains the same CNN from the same initial state on both devices.
std::vector<double> train(Device device, bool adam, int steps) {
  manual_seed(42);
  nn::Sequential model = make_cnn();
  manual_seed(7);
  Tensor x = randn({8, 3, 12, 12});
  Tensor y = make1d({0, 1, 2, 3, 4, 0, 1, 2}, kInt64);
  model->to(device);
  x = x.to(device);
  y = y.to(device);
  std::unique_ptr<optim::Optimizer> opt;
  if (adam) opt = std::make_unique<optim::AdamW>(model->parameters(), optim::AdamWOptions(0.01).weight_decay(0.05));
  else opt = std::make_unique<optim::SGD>(model->parameters(), optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) {
    opt->zero_grad();
    Tensor loss = F::cross_entropy(model->forward(x), y);
    loss.backward();
    opt->step();
    losses.push_back(loss.item<double>());
  }
  return losses;
}

TEST_F(CudaTest, ACnnTrainedOnCudaFollowsTheCpuLosses) {
  for (bool adam : {false, true}) {
    SCOPED_TRACE(adam ? "AdamW" : "SGD nesterov");
    std::vector<double> cpu = train(host(), adam, 10), gpu_losses = train(gpu(), adam, 10);
    EXPECT_TRUE(all_close(gpu_losses, cpu, Tol{1e-4, 1e-5}));
    EXPECT_LT(gpu_losses.back(), gpu_losses.front());
  }
}

// Multi-tensor optimizer steps (foreach is on by default): 60 parameters (two
// launches of at most 48), one of 150,000 elements (three 65,536-element chunks), an empty one,
// a float32 and a bfloat16 bucket; three steps each of SGD (momentum, nesterov) and Adam
// (amsgrad) / AdamW against the CPU's per-parameter path.
TEST_F(CudaTest, ForeachOptimizersMatchTheCpu) {
  auto make_params = [](Device device) {
    manual_seed(3);
    std::vector<Tensor> ps;
    for (int i = 0; i < 57; ++i) ps.push_back(randn({i % 7 + 1, 3}));
    ps.push_back(randn({300, 500}));
    ps.push_back(randn({0, 4}));
    ps.push_back(randn({64}).to(kBFloat16));
    for (Tensor& p : ps) p = p.to(device).detach().requires_grad_();
    return ps;
  };
  auto set_grads = [](std::vector<Tensor>& ps, int step) {
    manual_seed(100 + static_cast<uint64_t>(step));
    for (Tensor& p : ps) p.mutable_grad() = randn(p.sizes()).to(p.scalar_type()).to(p.device());
  };
  using Make = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>&, bool)>;
  std::vector<std::pair<const char*, Make>> cases = {
      {"sgd", [](std::vector<Tensor>& ps, bool f) {
         return std::make_unique<optim::SGD>(ps, optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01).foreach(f));
       }},
      {"adam amsgrad", [](std::vector<Tensor>& ps, bool f) {
         return std::make_unique<optim::Adam>(ps, optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.1).foreach(f));
       }},
      {"adamw", [](std::vector<Tensor>& ps, bool f) {
         return std::make_unique<optim::AdamW>(ps, optim::AdamWOptions(0.01).foreach(f));
       }}};
  for (auto& [name, make] : cases) {
    SCOPED_TRACE(name);
    std::vector<Tensor> on_gpu = make_params(gpu()), on_cpu = make_params(host());
    auto fused = make(on_gpu, true), plain = make(on_cpu, false);
    for (int step = 0; step < 3; ++step) {
      set_grads(on_gpu, step);
      set_grads(on_cpu, step);
      fused->step();
      plain->step();
    }
    for (size_t i = 0; i < on_gpu.size(); ++i) {
      const double tol = on_gpu[i].scalar_type() == kBFloat16 ? 3e-2 : 1e-5;
      EXPECT_TRUE(all_close(host_values(on_gpu[i]), host_values(on_cpu[i]), Tol{tol, tol})) << "parameter " << i;
    }
  }
}

TEST_F(CudaTest, LayerGradientsMatchTheCpu) {
  manual_seed(3);
  Tensor x = randn({4, 3, 9, 9}, TensorOptions(kFloat64));
  Tensor w = randn({5, 3, 3, 3}, TensorOptions(kFloat64));
  auto grads = [&](Device d) {
    // Fresh leaves on each device (on the cpu, x.to(cpu) would be x itself).
    Tensor xd = x.to(d).detach().requires_grad_(), wd = w.to(d).detach().requires_grad_();
    Tensor h = F::conv2d(xd, wd, F::Conv2dFuncOptions().padding(1));
    h = F::batch_norm(h, Tensor(), Tensor(), F::BatchNormFuncOptions().training(true));
    h = F::max_pool2d(F::relu(h), F::MaxPool2dFuncOptions(2));
    Tensor loss = h.log_softmax(1).sum() + F::layer_norm(h, F::LayerNormFuncOptions({4, 4})).pow(2).mean();
    loss.backward();
    return std::make_pair(xd.grad().to(host()), wd.grad().to(host()));
  };
  auto [cx, cw] = grads(host());
  auto [gx, gw] = grads(gpu());
  EXPECT_TRUE(close_scaled(values(gx), values(cx), 1e-10));
  EXPECT_TRUE(close_scaled(values(gw), values(cw), 1e-10));
}

}  // namespace
}  // namespace ember_test
