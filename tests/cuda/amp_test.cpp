// Mixed precision on cuda: autocast with cuda's op lists (float16 and bfloat16 matmuls, float32
// for exp/softmax/sum/losses, promotion, the banned op list) against the same ops on casted
// inputs, and a GradScaler training step that skips on inf and follows the CPU's scaler.
#include "cuda_test_support.h"
#include "nn/optim/grad_scaler.h"
#include "ops/autocast.h"

namespace ember_test {
namespace {

using namespace ember;

TEST_F(CudaTest, AutocastRunsMatmulsInLowerPrecisionAndSensitiveOpsInFloat32) {
  manual_seed(3);
  Tensor a = randn({64, 32}).to(gpu()), b = randn({32, 16}).to(gpu());
  for (ScalarType low : {kFloat16, kBFloat16}) {
    SCOPED_TRACE(dtype_str(low));
    Tensor want = mm(a.to(low), b.to(low));
    AutocastGuard autocast("cuda", low);
    Tensor y = mm(a, b);
    EXPECT_EQ(y.scalar_type(), low);
    EXPECT_EQ(y.device(), gpu());
    EXPECT_TRUE(close_scaled(host_values(y), host_values(want), 1e-3));
    Tensor l = linear(a, b.t());
    EXPECT_EQ(l.scalar_type(), low);
    Tensor h = a.to(low);
    EXPECT_EQ(exp(h).scalar_type(), kFloat32);  // cuda's float32 list
    EXPECT_EQ(softmax(h, 1).scalar_type(), kFloat32);
    EXPECT_EQ(sum(h).scalar_type(), kFloat32);
    EXPECT_TRUE(all_close(host_values(sum(h)), values(sum(h.to(kFloat32).to(Device("cpu")))), {1e-4, 1e-4}));
    EXPECT_EQ(add(h, h).scalar_type(), low);  // not listed
    EXPECT_EQ(cat({h, a}).scalar_type(), kFloat32);
  }
  EXPECT_FALSE(is_autocast_enabled("cuda"));
}

TEST_F(CudaTest, AutocastOnCudaLeavesCpuTensorsAlone) {
  AutocastGuard autocast("cuda");
  Tensor a = make({1, 2, 3, 4}, {2, 2});
  EXPECT_EQ(mm(a, a).scalar_type(), kFloat32);
}

TEST_F(CudaTest, GradScalerTrainingStepMatchesTheCpuAndSkipsOnInf) {
  auto run = [](Device device, double poison) {
    Tensor w = make1d({1, 2, -3}).to(device).requires_grad_();
    optim::SGD opt({w}, optim::SGDOptions(0.5));
    optim::GradScaler scaler(optim::GradScalerOptions().init_scale(1024).growth_interval(1));
    std::vector<double> scales;
    for (double xv : {1.0, poison, 2.0}) {
      opt.zero_grad();
      Tensor x = make1d({xv, 1, 1}).to(device);
      {
        AutocastGuard autocast(device_type_name(device.type()));
        scaler.scale(sum(mul(w, x))).backward();
      }
      scaler.step(opt);
      scaler.update();
      scales.push_back(scaler.get_scale());
    }
    std::vector<double> out = host_values(w.detach());
    out.insert(out.end(), scales.begin(), scales.end());
    return out;
  };
  std::vector<double> cpu = run(Device("cpu"), INFINITY), gpu_run = run(gpu(), INFINITY);
  EXPECT_EQ(gpu_run, cpu);
  // w -= 0.5 * x on the two finite steps; scale 1024 -> 2048 (growth) -> 1024 (inf) -> 2048.
  EXPECT_EQ(gpu_run, (std::vector<double>{1 - 0.5 * 3, 2 - 1, -3 - 1, 2048, 1024, 2048}));
}

}  // namespace
}  // namespace ember_test
