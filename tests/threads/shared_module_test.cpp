// N threads running inference on one shared module give results identical (bit for bit) to one
// thread: a small CNN (conv, batch norm in eval mode, pooling, linear, softmax) and an MLP, with
// inputs big enough that the CPU plugin's own parallel loops run too. Under NoGradGuard and
// InferenceMode, and with grad mode on (each thread records its own graph over the shared
// parameters, whose autograd metadata is then read concurrently). `make check-tsan` runs these
// under ThreadSanitizer.
#include <atomic>
#include <thread>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

constexpr int kThreads = 4;
constexpr int kRounds = 3;

struct NetImpl : nn::Module {
  NetImpl() : Module("Net") {
    conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(3, 8, 3).padding(1)));
    bn = register_module("bn", nn::BatchNorm2d(8));
    pool = register_module("pool", nn::MaxPool2d(nn::MaxPool2dOptions(2)));
    fc1 = register_module("fc1", nn::Linear(8 * 8 * 8, 64));
    fc2 = register_module("fc2", nn::Linear(64, 10));
  }
  Tensor forward(const Tensor& x) {
    Tensor h = pool(ember::relu(bn(conv(x))));
    h = ember::relu(fc1(h.flatten(1)));
    return ember::softmax(fc2(h), 1);
  }
  nn::Conv2d conv{nullptr};
  nn::BatchNorm2d bn{nullptr};
  nn::MaxPool2d pool{nullptr};
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(Net);

std::vector<Tensor> make_inputs(int n) {
  Generator g(1234);
  std::vector<Tensor> inputs;
  for (int i = 0; i < n; ++i) inputs.push_back(ember::randn({4, 3, 16, 16}, g));
  return inputs;
}

// Runs every input on kThreads threads, kRounds times each in a different order, and counts the
// outputs that are not bit-identical to the one-thread reference.
template <typename Forward>
int mismatches_across_threads(const std::vector<Tensor>& inputs, const std::vector<std::vector<double>>& reference,
                              const Forward& forward) {
  std::atomic<int> mismatches{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      for (int round = 0; round < kRounds; ++round) {
        for (size_t k = 0; k < inputs.size(); ++k) {
          size_t i = (k + static_cast<size_t>(t) * 3 + static_cast<size_t>(round)) % inputs.size();
          if (values(forward(inputs[i])) != reference[i]) mismatches.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  return mismatches.load();
}

TEST(SharedModuleThreads, CnnInferenceMatchesOneThread) {
  manual_seed(7);
  Net net;
  net->eval();
  const std::vector<Tensor> inputs = make_inputs(6);
  std::vector<std::vector<double>> reference;
  {
    NoGradGuard no_grad;
    for (const Tensor& x : inputs) reference.push_back(values(net->forward(x)));
  }
  for (const auto& r : reference) ASSERT_EQ(r.size(), 40u);
  EXPECT_EQ(mismatches_across_threads(inputs, reference, [&](const Tensor& x) {
              NoGradGuard no_grad;
              return net->forward(x);
            }),
            0);
  EXPECT_EQ(mismatches_across_threads(inputs, reference, [&](const Tensor& x) {
              InferenceMode inference;
              return net->forward(x);
            }),
            0);
}

TEST(SharedModuleThreads, ForwardWithGradModeOnRecordsOneGraphPerThread) {
  manual_seed(8);
  nn::Sequential mlp(nn::Linear(32, 64), nn::Tanh(), nn::Linear(64, 16));
  Generator g(99);
  std::vector<Tensor> inputs;
  for (int i = 0; i < 5; ++i) inputs.push_back(ember::randn({8, 32}, g));
  std::vector<std::vector<double>> reference;
  for (const Tensor& x : inputs) reference.push_back(values(mlp->forward(x)));
  std::atomic<int> without_graph{0};
  EXPECT_EQ(mismatches_across_threads(inputs, reference, [&](const Tensor& x) {
              Tensor y = mlp->forward(x);
              if (!y.requires_grad() || !y.grad_fn()) without_graph.fetch_add(1);
              return y;
            }),
            0);
  EXPECT_EQ(without_graph.load(), 0);
  // The shared parameters were only read: no thread left a gradient behind.
  for (const Tensor& p : mlp->parameters()) EXPECT_FALSE(p.grad().defined());
}

}  // namespace
}  // namespace ember_test
