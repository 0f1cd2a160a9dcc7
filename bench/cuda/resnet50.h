// ResNet-50 in ember::nn, torchvision's architecture (resnet50(): Bottleneck blocks [3, 4, 6, 3],
// stride on the 3x3 convolution, a 1x1 convolution + BatchNorm downsample where the shape
// changes, ReLU in place), for the GPU benchmarks. Parameters are initialized by ember's defaults;
// the benchmarks time steps, not accuracy.
#pragma once

#include <ember/ember.h>

namespace ember_bench {

namespace nn = ember::nn;

struct BottleneckImpl : nn::Module {
  BottleneckImpl(int64_t in, int64_t width, int64_t stride, bool downsample);
  ember::Tensor forward(const ember::Tensor& x);
  nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  nn::Sequential down{nullptr};
};
EMBER_MODULE(Bottleneck);

struct ResNet50Impl : nn::Module {
  explicit ResNet50Impl(int64_t classes = 1000);
  ember::Tensor forward(const ember::Tensor& x);
  nn::Conv2d conv1{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  nn::Linear fc{nullptr};
};
EMBER_MODULE(ResNet50);

}  // namespace ember_bench
