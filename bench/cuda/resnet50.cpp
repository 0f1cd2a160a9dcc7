// ResNet-50 (resnet50.h).
#include "resnet50.h"

namespace ember_bench {

namespace F = ember::nn::functional;
using ember::Tensor;

BottleneckImpl::BottleneckImpl(int64_t in, int64_t width, int64_t stride, bool downsample) : nn::Module("Bottleneck") {
  const int64_t out = width * 4;
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, width, 1).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(width));
  conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(width, width, 3).stride(stride).padding(1).bias(false)));
  bn2 = register_module("bn2", nn::BatchNorm2d(width));
  conv3 = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(width, out, 1).bias(false)));
  bn3 = register_module("bn3", nn::BatchNorm2d(out));
  if (downsample)
    down = register_module("downsample", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                                                        nn::BatchNorm2d(out)));
}

Tensor BottleneckImpl::forward(const Tensor& x) {
  Tensor h = F::relu(bn1(conv1(x)), true);
  h = F::relu(bn2(conv2(h)), true);
  h = bn3(conv3(h));
  Tensor identity = down ? down->forward(x) : x;
  h.add_(identity);
  return F::relu(h, true);
}

namespace {
nn::Sequential make_layer(int64_t& in, int64_t width, int64_t blocks, int64_t stride) {
  nn::Sequential layer;
  for (int64_t b = 0; b < blocks; ++b) {
    const bool first = b == 0;
    layer->push_back(Bottleneck(in, width, first ? stride : 1, first && (stride != 1 || in != width * 4)));
    in = width * 4;
  }
  return layer;
}
}  // namespace

ResNet50Impl::ResNet50Impl(int64_t classes) : nn::Module("ResNet50") {
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(64));
  int64_t in = 64;
  layer1 = register_module("layer1", make_layer(in, 64, 3, 1));
  layer2 = register_module("layer2", make_layer(in, 128, 4, 2));
  layer3 = register_module("layer3", make_layer(in, 256, 6, 2));
  layer4 = register_module("layer4", make_layer(in, 512, 3, 2));
  fc = register_module("fc", nn::Linear(2048, classes));
}

Tensor ResNet50Impl::forward(const Tensor& x) {
  Tensor h = F::relu(bn1(conv1(x)), true);
  h = F::max_pool2d(h, F::MaxPool2dFuncOptions(3).stride(2).padding(1));
  h = layer4->forward(layer3->forward(layer2->forward(layer1->forward(h))));
  h = F::adaptive_avg_pool2d(h, F::AdaptiveAvgPool2dFuncOptions({1, 1})).flatten(1);
  return fc(h);
}

}  // namespace ember_bench
