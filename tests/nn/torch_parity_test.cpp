// Training a small CNN gives the same losses and weights as PyTorch.
//
// tests/nn/torch_reference/cnn_reference.py (run here with Debian's python3-torch 1.13) builds
// the same CNN from a fixed seed, a fixed batch, and trains a few steps with SGD (nesterov
// momentum, weight decay) and with AdamW, writing the initial state, the batch, each step's loss
// and the final state. This test loads PyTorch's initial state into ember's model, trains the
// same steps and compares: losses and every parameter and buffer within 1e-5 (float32).
// The first convolution has no bias: BatchNorm follows it, so a bias would receive only a
// rounding-noise gradient, which Adam normalizes into full-size steps of arbitrary sign.
// It is skipped, saying why, when python3-torch is not installed (`make test` installs it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <unistd.h>

#include <ember/ember.h>

namespace {

namespace nn = ember::nn;
namespace F = ember::nn::functional;
using ember::Tensor;

constexpr const char* kPython = "/usr/bin/python3";
constexpr int kSteps = 4;

struct Reference {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, double> scalars;
};

bool torch_available() {
  std::string cmd = std::string(kPython) + " -c 'import torch' > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// Parses the script's text format (see cnn_reference.py).
Reference load_reference(const std::string& path) {
  Reference ref;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind, name;
    ls >> kind >> name;
    if (kind == "scalar") {
      ls >> ref.scalars[name];
      continue;
    }
    int64_t dim;
    ls >> dim;
    std::vector<int64_t> sizes(static_cast<size_t>(dim));
    int64_t numel = 1;
    for (auto& s : sizes) {
      ls >> s;
      numel *= s;
    }
    std::vector<double> values(static_cast<size_t>(numel));
    for (auto& v : values) ls >> v;
    bool integral = name == "data.y" || name.find("num_batches_tracked") != std::string::npos;
    ref.tensors[name] = ember::tensor_from_doubles(values, sizes, integral ? ember::kInt64 : ember::kFloat32);
  }
  return ref;
}

nn::Sequential make_model() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1).bias(false)), nn::BatchNorm2d(4), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Conv2d(4, 8, 3), nn::ReLU(), nn::AdaptiveAvgPool2d(1), nn::Flatten(),
                        nn::Linear(8, 3));
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  return (a.to(ember::kFloat64) - b.to(ember::kFloat64)).abs().max().item<double>();
}

class TorchParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed; `make test` installs it";
    // One file per process: ctest runs this binary under several ISA settings at once, and a
    // shared path let one run read the file while another was rewriting it.
    path_ = std::string(EMBER_BINARY_DIR) + "/tests/torch_cnn_reference." + std::to_string(getpid()) + ".txt";
    std::string script = std::string(EMBER_SOURCE_DIR) + "/tests/nn/torch_reference/cnn_reference.py";
    std::string cmd = std::string(kPython) + " " + script + " " + path_;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "the reference script failed: " << cmd;
    ref_ = load_reference(path_);
    std::remove(path_.c_str());
    ASSERT_FALSE(ref_.tensors.empty());
  }

  void train_and_compare(const std::string& opt_name, ember::optim::Optimizer& optimizer, nn::Sequential& model) {
    const Tensor& x = ref_.tensors.at("data.x");
    const Tensor& y = ref_.tensors.at("data.y");
    model->train();
    for (int step = 0; step < kSteps; ++step) {
      optimizer.zero_grad();
      Tensor loss = F::cross_entropy(model->forward(x), y, F::CrossEntropyFuncOptions().label_smoothing(0.1));
      loss.backward();
      optimizer.step();
      double expected = ref_.scalars.at(opt_name + ".loss." + std::to_string(step));
      EXPECT_NEAR(loss.item<double>(), expected, 1e-5) << opt_name << " loss at step " << step;
    }
    for (const auto& item : model->state_dict()) {
      const std::string key = opt_name + ".final." + item.key();
      ASSERT_TRUE(ref_.tensors.count(key)) << "PyTorch has no " << key;
      EXPECT_LE(max_abs_diff(item.value(), ref_.tensors.at(key)), 1e-5) << key;
    }
  }

  nn::Sequential model_from_reference() {
    nn::Sequential model = make_model();
    ember::StateDict init;
    for (const auto& [name, t] : ref_.tensors)
      if (name.rfind("init.", 0) == 0) init.insert(name.substr(5), t);
    model->load_state_dict(init);
    return model;
  }

  std::string path_;
  Reference ref_;
};

TEST_F(TorchParity, SgdNesterovMatchesPyTorch) {
  nn::Sequential model = model_from_reference();
  ember::optim::SGD sgd(model->parameters(),
                        ember::optim::SGDOptions(0.1).momentum(0.9).weight_decay(1e-3).nesterov(true));
  train_and_compare("sgd", sgd, model);
}

TEST_F(TorchParity, AdamWMatchesPyTorch) {
  nn::Sequential model = model_from_reference();
  ember::optim::AdamW adamw(model->parameters(),
                            ember::optim::AdamWOptions(0.01).betas(std::make_tuple(0.9, 0.99)).weight_decay(0.05));
  train_and_compare("adamw", adamw, model);
}

}  // namespace
