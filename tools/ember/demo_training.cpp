// `ember demo`, part 4: train a small CNN on a synthetic data set drawn in the program.
//
// Four classes of 16x16 grayscale images: a hollow square, a filled disc, an X and a ring, each
// at a random position and size, under heavy pixel noise. A two-block CNN (conv-batchnorm-relu-maxpool x2,
// then a linear layer) trains with Adam and reaches high test accuracy in a few seconds on two
// cores, or on the first GPU when the CUDA plugin has one. Prints one line per epoch and the
// final accuracy, then saves the model and optimizer in libtorch's torch::save format and checks
// that a fresh model loaded from the file scores the same.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <random>

#include <ember/ember.h>

#include "ops/accelerator.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

namespace {

constexpr int kSide = 16;
constexpr int kClasses = 4;
const char* kClassNames[kClasses] = {"square", "disc", "cross", "ring"};

}  // namespace

std::pair<Tensor, Tensor> make_demo_shapes(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> size_dist(3, 6);
  std::normal_distribution<double> noise(0.0, 0.4);
  std::vector<double> pixels(static_cast<size_t>(n) * kSide * kSide, 0.0);
  std::vector<double> labels(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    int cls = i % kClasses;
    labels[static_cast<size_t>(i)] = cls;
    int r = size_dist(rng);  // half-size
    std::uniform_int_distribution<int> center_dist(r, kSide - 1 - r);
    int cy = center_dist(rng), cx = center_dist(rng);
    double* img = &pixels[static_cast<size_t>(i) * kSide * kSide];
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        int dy = y - cy, dx = x - cx;
        bool on = false;
        if (cls == 0) on = std::max(std::abs(dy), std::abs(dx)) == r;                 // hollow square
        if (cls == 1) on = dy * dy + dx * dx <= r * r;                                // filled disc
        if (cls == 2) on = (std::abs(dy) == std::abs(dx) && std::abs(dy) <= r);       // X
        if (cls == 3) on = std::abs(std::sqrt(double(dy * dy + dx * dx)) - r) < 0.6;  // ring
        img[y * kSide + x] = (on ? 1.0 : 0.0) + noise(rng);
      }
    }
  }
  Tensor images = tensor_from_doubles(pixels, {n, 1, kSide, kSide}, kFloat32);
  Tensor targets = tensor_from_doubles(labels, {n}, kInt64);
  return {images, targets};
}

namespace {

// A shuffled order of 0..n-1 for one epoch.
Tensor shuffled_indices(int64_t n, std::mt19937& rng) {
  std::vector<double> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = static_cast<double>(i);
  std::shuffle(order.begin(), order.end(), rng);
  return tensor_from_doubles(order, {n}, kInt64);
}

// Two conv-batchnorm-relu-maxpool blocks, then a linear layer.
nn::Sequential make_model() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1).bias(false)), nn::BatchNorm2d(8), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1).bias(false)),
                        nn::BatchNorm2d(16), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(16 * 4 * 4, kClasses));
}

double accuracy(nn::Sequential& model, const Tensor& images, const Tensor& targets) {
  NoGradGuard no_grad;
  model->eval();
  Tensor predicted = model->forward(images).argmax(1);
  double correct = (predicted == targets).sum().item<double>();
  model->train();
  return 100.0 * correct / static_cast<double>(targets.size(0));
}

}  // namespace

void show_training() {
  namespace F = nn::functional;
  std::cout << "5. Training a small CNN on procedurally drawn, noisy shapes (" << kClassNames[0] << ", "
            << kClassNames[1] << ", " << kClassNames[2] << ", " << kClassNames[3] << ")\n";
  manual_seed(7);
  // The first GPU when there is one (the data set is small: it moves there whole).
  const Device device = cuda::is_available() ? Device("cuda:0") : Device("cpu");
  auto [train_x, train_y] = make_demo_shapes(4000, 1);
  auto [test_x, test_y] = make_demo_shapes(800, 2);
  train_x = train_x.to(device);
  train_y = train_y.to(device);
  test_x = test_x.to(device);
  test_y = test_y.to(device);
  nn::Sequential model = make_model();
  model->to(device);
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(0.005));
  std::cout << "  model: " << model->parameters().size() << " parameter tensors, "
            << train_x.size(0) << " training and " << test_x.size(0) << " test images of " << kSide << "x" << kSide
            << ", on " << device.str() << "\n";

  const int epochs = 8, batch = 64;
  const int64_t n = train_x.size(0);
  std::mt19937 rng(3);
  auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Tensor order = shuffled_indices(n, rng).to(device);
    double total_loss = 0;
    int batches = 0;
    for (int64_t b = 0; b + batch <= n; b += batch) {
      Tensor idx = order.slice(0, b, b + batch);
      Tensor x = train_x.index_select(0, idx), y = train_y.index_select(0, idx);
      optimizer.zero_grad();
      Tensor loss = F::cross_entropy(model->forward(x), y);
      loss.backward();
      optimizer.step();
      total_loss += loss.item<double>();
      ++batches;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "  epoch " << epoch << "/" << epochs << "  loss " << std::fixed << std::setprecision(4)
              << total_loss / batches << "  train accuracy " << std::setprecision(1) << accuracy(model, train_x, train_y)
              << "%  test accuracy " << accuracy(model, test_x, test_y) << "%  (" << std::setprecision(1) << seconds
              << " s)\n";
  }
  const double final_accuracy = accuracy(model, test_x, test_y);
  std::cout << "  final test accuracy: " << std::fixed << std::setprecision(1) << final_accuracy << "%\n";

  // The checkpoint is libtorch's: torch::load(model, path) in a libtorch program reads it.
  const std::string dir = (std::filesystem::temp_directory_path() / "ember_demo").string();
  std::filesystem::create_directories(dir);
  const std::string model_path = dir + "/model.pt", optimizer_path = dir + "/optimizer.pt";
  ember::save(model, model_path);
  ember::save(optimizer, optimizer_path);
  nn::Sequential fresh = make_model();
  ember::load(fresh, model_path);
  fresh->to(device);
  optim::Adam resumed(fresh->parameters(), optim::AdamOptions(0.005));
  ember::load(resumed, optimizer_path);
  const double reloaded = accuracy(fresh, test_x, test_y);
  std::cout << "  saved " << model_path << " (" << std::filesystem::file_size(model_path)
            << " bytes, libtorch's torch::save format) and the optimizer's state (" << resumed.state().size()
            << " parameters); a fresh model loaded from it scores " << reloaded << "%\n\n";
  EMBER_CHECK(reloaded == final_accuracy, RuntimeError, "[demo] the reloaded model scores ", reloaded, "%, not ",
              final_accuracy, "%");
  std::filesystem::remove(model_path);
  std::filesystem::remove(optimizer_path);
  std::cout.unsetf(std::ios::fixed);
}

}  // namespace cli
}  // namespace ember
