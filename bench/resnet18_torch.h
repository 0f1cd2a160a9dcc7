// ResNet-18 from torch::nn, the twin of resnet18_ember.h (same layers, same order).
#pragma once

#include <torch/torch.h>

namespace ember_bench {

namespace tn = torch::nn;

struct TorchBlockImpl : tn::Module {
  tn::Conv2d conv1{nullptr}, conv2{nullptr}, down{nullptr};
  tn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, down_bn{nullptr};
  TorchBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", tn::Conv2d(tn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", tn::BatchNorm2d(out));
    conv2 = register_module("conv2", tn::Conv2d(tn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", tn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      down = register_module("down", tn::Conv2d(tn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      down_bn = register_module("down_bn", tn::BatchNorm2d(out));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = bn1(conv1(x));
    h.relu_();
    h = bn2(conv2(h));
    h.add_(down ? down_bn(down(x)) : x);
    return h.relu_();
  }
};
TORCH_MODULE(TorchBlock);

struct TorchResNet18Impl : tn::Module {
  tn::Conv2d conv1{nullptr};
  tn::BatchNorm2d bn1{nullptr};
  tn::Sequential layers{nullptr};
  tn::Linear fc{nullptr};
  TorchResNet18Impl() {
    conv1 = register_module("conv1", tn::Conv2d(tn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", tn::BatchNorm2d(64));
    tn::Sequential seq;
    const int64_t widths[4] = {64, 128, 256, 512};
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
      seq->push_back(TorchBlock(in, widths[stage], stage == 0 ? 1 : 2));
      seq->push_back(TorchBlock(widths[stage], widths[stage], 1));
      in = widths[stage];
    }
    layers = register_module("layers", seq);
    fc = register_module("fc", tn::Linear(512, 1000));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = bn1(conv1(x));
    h.relu_();
    h = tn::functional::max_pool2d(h, tn::functional::MaxPool2dFuncOptions(3).stride(2).padding(1));
    h = layers->forward(h);
    h = tn::functional::adaptive_avg_pool2d(h, tn::functional::AdaptiveAvgPool2dFuncOptions(1));
    return fc(h.flatten(1));
  }
};
TORCH_MODULE(TorchResNet18);

}  // namespace ember_bench
