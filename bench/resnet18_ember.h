// ResNet-18 built from ember::nn exactly as torchvision builds it from torch::nn (conv 7x7/2,
// max pool 3x3/2, four stages of two BasicBlocks with 1x1/2 downsampling, global average pool,
// linear 512 -> 1000; in-place ReLU and residual add), for the benchmarks: resnet18_bench.cpp
// and the peak-memory program rss/resnet18_rss_ember.cpp. resnet18_torch.h is its twin.
#pragma once

#include <ember/ember.h>

namespace ember_bench {

namespace en = ember::nn;

struct EmberBlockImpl : en::Module {
  en::Conv2d conv1{nullptr}, conv2{nullptr}, down{nullptr};
  en::BatchNorm2d bn1{nullptr}, bn2{nullptr}, down_bn{nullptr};
  EmberBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", en::Conv2d(en::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", en::BatchNorm2d(out));
    conv2 = register_module("conv2", en::Conv2d(en::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", en::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      down = register_module("down", en::Conv2d(en::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      down_bn = register_module("down_bn", en::BatchNorm2d(out));
    }
  }
  ember::Tensor forward(const ember::Tensor& x) {
    ember::Tensor h = ember::relu_(bn1(conv1(x)));
    h = bn2(conv2(h));
    h.add_(down ? down_bn(down(x)) : x);
    return ember::relu_(h);
  }
};
EMBER_MODULE(EmberBlock);

struct EmberResNet18Impl : en::Module {
  en::Conv2d conv1{nullptr};
  en::BatchNorm2d bn1{nullptr};
  en::Sequential layers{nullptr};
  en::Linear fc{nullptr};
  EmberResNet18Impl() {
    conv1 = register_module("conv1", en::Conv2d(en::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", en::BatchNorm2d(64));
    en::Sequential seq;
    const int64_t widths[4] = {64, 128, 256, 512};
    int64_t in = 64;
    for (int stage = 0; stage < 4; ++stage) {
      seq->push_back(EmberBlock(in, widths[stage], stage == 0 ? 1 : 2));
      seq->push_back(EmberBlock(widths[stage], widths[stage], 1));
      in = widths[stage];
    }
    layers = register_module("layers", seq);
    fc = register_module("fc", en::Linear(512, 1000));
  }
  ember::Tensor forward(const ember::Tensor& x) {
    ember::Tensor h = ember::relu_(bn1(conv1(x)));
    h = en::functional::max_pool2d(h, en::MaxPool2dOptions(3).stride(2).padding(1));
    h = layers(h);
    h = en::functional::adaptive_avg_pool2d(h, en::AdaptiveAvgPool2dOptions(1));
    return fc(h.flatten(1));
  }
};
EMBER_MODULE(EmberResNet18);

}  // namespace ember_bench
