// Kernels on cuda against the CPU plugin (the conformance suite checks every kernel on every dtype;
// these are the cases the issue names): the elementwise engine's paths (dense vectorized, 32- and
// 64-bit strided, broadcast scalars), reductions that do not depend on the launch, random numbers
// identical to the CPU's for a seed, matmul with TF32 off and on, convolution / batch norm /
// pooling / softmax / losses, and the errors: a device-side index out of range is an IndexError
// (not a hang), raised at the op with launch blocking; integer division by zero; a CUDA error
// names the op and the device.
#include <cmath>
#include <functional>

#include "cuda_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

::testing::AssertionResult same_as_cpu(const Tensor& on_gpu, const Tensor& on_cpu, Tol tol) {
  if (on_gpu.sizes() != on_cpu.sizes()) return ::testing::AssertionFailure() << "shapes differ";
  if (on_gpu.scalar_type() != on_cpu.scalar_type()) return ::testing::AssertionFailure() << "dtypes differ";
  return all_close(host_values(on_gpu), values(on_cpu.contiguous()), tol);
}

Tensor random_tensor(IntArrayRef sizes, ScalarType dtype, uint64_t seed, double lo = -3, double hi = 3) {
  return make(pseudo_random(numel_of(sizes), lo, hi, seed), sizes, kFloat64).to(dtype);
}

TEST_F(CudaTest, ElementwiseMatchesTheCpuOnEveryPath) {
  for (ScalarType dt : {kFloat32, kFloat16, kBFloat16, kFloat64, kInt32, kInt64, kUInt8}) {
    SCOPED_TRACE(dtype_str(dt));
    const bool fl = is_floating_point(dt);
    Tensor a = random_tensor({64, 130}, dt, 1, fl ? -3 : 0, fl ? 3 : 50);
    Tensor b = random_tensor({64, 130}, dt, 2, fl ? 0.5 : 1, fl ? 3 : 20);
    Tensor ga = a.to(gpu()), gb = b.to(gpu());
    Tol tol = tol_for(dt);
    EXPECT_TRUE(same_as_cpu(ga + gb * 2, a + b * 2, tol));                                 // dense, vectorized
    EXPECT_TRUE(same_as_cpu(ga.transpose(0, 1) * gb.transpose(0, 1), a.transpose(0, 1) * b.transpose(0, 1), tol));
    EXPECT_TRUE(same_as_cpu(ga.narrow(1, 1, 127) - gb.narrow(1, 3, 127), a.narrow(1, 1, 127) - b.narrow(1, 3, 127), tol));
    EXPECT_TRUE(same_as_cpu(ga + gb.select(0, 5), a + b.select(0, 5), tol));               // broadcast
    EXPECT_TRUE(same_as_cpu(ga * 3, a * 3, tol));                                           // scalar
    EXPECT_TRUE(same_as_cpu(maximum(ga, gb), maximum(a, b), tol));
    EXPECT_TRUE(same_as_cpu(ga.lt(gb), a.lt(b), tol));
    EXPECT_TRUE(same_as_cpu(ga.to(kFloat64), a.to(kFloat64), tol_for(kFloat64)));
    if (fl) {
      EXPECT_TRUE(same_as_cpu(ga.exp(), a.exp(), Tol{tol.rtol * 4, tol.atol}));
      EXPECT_TRUE(same_as_cpu(ga.tanh(), a.tanh(), Tol{tol.rtol * 4, tol.atol * 4}));
      EXPECT_TRUE(same_as_cpu(nn::functional::gelu(ga), nn::functional::gelu(a), Tol{tol.rtol * 4, tol.atol * 4}));
      EXPECT_TRUE(same_as_cpu(ga / gb, a / b, Tol{tol.rtol * 2, tol.atol}));
    } else {
      EXPECT_TRUE(same_as_cpu(ga.div(gb, "floor"), a.div(b, "floor"), tol));
    }
  }
}

// A number (`x * 3`, wrapped on the host as PyTorch wraps it) and a user's 0-d cpu tensor reach
// the elementwise kernel as a value in its parameters (ember_device_type_desc.reads_host_scalars):
// the dense, one-element and strided paths, in-place, every input position, promotion as on the
// CPU, and no device memory for the scalar (before: a fill and a cast kernel, two allocations).
TEST_F(CudaTest, NumbersAndZeroDimCpuTensorsReachKernelsAsValues) {
  for (ScalarType dt : {kFloat32, kFloat16, kBFloat16, kFloat64, kInt32, kInt64, kUInt8}) {
    SCOPED_TRACE(dtype_str(dt));
    const bool fl = is_floating_point(dt);
    Tensor a = random_tensor({37, 5}, dt, 4, fl ? -3 : 0, fl ? 3 : 40);
    Tensor ga = a.to(gpu());
    Tol tol = tol_for(dt);
    const Tensor c = ember::tensor(1.5);            // float64, 0-d, on the cpu
    const Tensor i = ember::tensor(int64_t{2});     // int64, 0-d, on the cpu
    EXPECT_TRUE(same_as_cpu(ga * 3, a * 3, tol));
    EXPECT_TRUE(same_as_cpu(ga + 2.5, a + 2.5, tol_for((a + 2.5).scalar_type())));
    EXPECT_TRUE(same_as_cpu(ga * c, a * c, tol_for((a * c).scalar_type())));
    EXPECT_TRUE(same_as_cpu(i - ga, i - a, tol));                                          // scalar first
    EXPECT_TRUE(same_as_cpu(ga.transpose(0, 1) * i, a.transpose(0, 1) * i, tol));          // strided
    EXPECT_TRUE(same_as_cpu(where(ga.gt(1), ga, 7), where(a.gt(1), a, 7), tol));           // third input
    EXPECT_TRUE(same_as_cpu(ga.select(0, 3).select(0, 2) * i, a.select(0, 3).select(0, 2) * i, tol));  // 0-d out
    Tensor g2 = ga.clone(), c2 = a.clone();
    g2.mul_(i).add_(i, 3);
    c2.mul_(i).add_(i, 3);
    EXPECT_TRUE(same_as_cpu(g2, c2, tol));
    if (fl) EXPECT_TRUE(same_as_cpu(ga.pow(2), a.pow(2), Tol{tol.rtol * 2, tol.atol}));
  }
  Tensor x = ones({1000}, TensorOptions(gpu()));
  cuda::synchronize();
  const MemoryStats before = cuda::memory_stats();
  Tensor y = x * 3;
  Tensor z = x * ember::tensor(0.25);
  const MemoryStats after = cuda::memory_stats();
  EXPECT_EQ(after.num_allocations - before.num_allocations, 2u);  // y and z only
  EXPECT_EQ(host_values(y), std::vector<double>(1000, 3.0));
  EXPECT_EQ(host_values(z), std::vector<double>(1000, 0.25));
}

TEST_F(CudaTest, LargeAndStridedTensorsUseTheOtherKernelKinds) {
  // More than 2^31 elements takes the 64-bit kernels: 2^31 + 64 bytes of uint8.
  const int64_t n = (int64_t(1) << 31) + 64;
  Tensor big = ones({n}, TensorOptions(kUInt8).device(gpu()));
  big.add_(2);
  Tensor tail = big.narrow(0, n - 8, 8).to(host());
  EXPECT_TRUE(all_equal(tail, std::vector<double>(8, 3)));
  EXPECT_EQ(big.narrow(0, 0, 4).sum().item<int64_t>(), 12);
}

TEST_F(CudaTest, ReductionsMatchAFloat64ReferenceAndRepeatBitForBit) {
  Tensor x = random_tensor({3, 1 << 20}, kFloat32, 3);
  Tensor gx = x.to(gpu());
  const double ref = x.to(kFloat64).sum().item<double>();
  Tensor s1 = gx.sum(), s2 = gx.sum();
  EXPECT_NEAR(s1.item<double>(), ref, 1e-6 * std::fabs(ref) + 1e-3);
  EXPECT_EQ(s1.item<float>(), s2.item<float>());
  EXPECT_TRUE(same_as_cpu(gx.sum({1}), x.sum({1}), Tol{1e-6, 1e-3}));
  EXPECT_TRUE(same_as_cpu(gx.sum({0}), x.sum({0}), Tol{1e-6, 1e-5}));
  EXPECT_TRUE(same_as_cpu(gx.amax({1}), x.amax({1}), Tol{0, 0}));
  EXPECT_TRUE(same_as_cpu(std::get<1>(gx.max(1)), std::get<1>(x.max(1)), Tol{0, 0}));
  EXPECT_TRUE(same_as_cpu(gx.argmin(), x.argmin(), Tol{0, 0}));
  EXPECT_TRUE(same_as_cpu(gx.var({1}), x.var({1}), Tol{1e-5, 1e-6}));
  EXPECT_TRUE(same_as_cpu(gx.transpose(0, 1).mean({0}), x.transpose(0, 1).mean({0}), Tol{1e-6, 1e-6}));
  Tensor i = random_tensor({1000, 7}, kInt32, 4, -1000, 1000);
  EXPECT_TRUE(same_as_cpu(i.to(gpu()).sum({0}), i.sum({0}), Tol{0, 0}));
}

TEST_F(CudaTest, RandomNumbersAreTheCpusForTheSameSeed) {
  auto both = [](const std::function<Tensor(Device)>& make_on) {
    manual_seed(1234);
    Tensor c = make_on(Device("cpu"));
    manual_seed(1234);
    Tensor g = make_on(Device(find_device_type("cuda"), 0));
    return std::make_pair(c, g.to(Device("cpu")));
  };
  auto [uc, ug] = both([](Device d) { return rand({1000, 33}, TensorOptions(d)); });
  EXPECT_TRUE(all_close(values(ug), values(uc), Tol{0, 0}));  // bit-identical
  auto [hc, hg] = both([](Device d) { return rand({777}, TensorOptions(kFloat16).device(d)); });
  EXPECT_TRUE(all_close(values(hg), values(hc), Tol{0, 0}));
  auto [ic, ig] = both([](Device d) { return randint(-5, 1000, {4096}, TensorOptions(kInt64).device(d)); });
  EXPECT_TRUE(all_close(values(ig), values(ic), Tol{0, 0}));
  auto [bc, bg] = both([](Device d) { return empty({5000}, TensorOptions(d)).bernoulli_(0.3); });
  EXPECT_TRUE(all_close(values(bg), values(bc), Tol{0, 0}));
  auto [nc, ng] = both([](Device d) { return randn({2048}, TensorOptions(kFloat64).device(d)); });
  EXPECT_TRUE(all_close(values(ng), values(nc), Tol{1e-15, 1e-15}));  // log / cos may differ in the last bit
  auto [fc, fg] = both([](Device d) { return randn({2048}, TensorOptions(d)); });
  EXPECT_TRUE(all_close(values(fg), values(fc), Tol{0, 0}));
}

TEST_F(CudaTest, MatmulIsFloat32ExactByDefaultAndTf32WhenAllowed) {
  Tensor a = random_tensor({256, 512}, kFloat32, 5), b = random_tensor({512, 128}, kFloat32, 6);
  Tensor ref = a.to(kFloat64).matmul(b.to(kFloat64));
  auto rel_error = [&](const Tensor& got) {
    return ((got.to(host()).to(kFloat64) - ref).abs().max() / ref.abs().max()).item<double>();
  };
  Tensor ga = a.to(gpu()), gb = b.to(gpu());
  const double fp32 = rel_error(ga.matmul(gb));
  EXPECT_LT(fp32, 1e-5);
  cuda::set_allow_tf32(true);
  const double tf32 = rel_error(ga.matmul(gb));
  cuda::set_allow_tf32(false);
  EXPECT_GT(tf32, 1e-5) << "TF32 should lose precision";
  EXPECT_LT(tf32, 5e-3);
  EXPECT_LT(rel_error(ga.matmul(gb)), 1e-5);
  // bfloat16 and transposed operands without copies, bmm and addmm.
  EXPECT_LT(rel_error(ga.to(kBFloat16).matmul(gb.to(kBFloat16)).to(kFloat32)), 2e-2);
  EXPECT_LT(rel_error(ga.t().contiguous().t().matmul(gb)), 1e-5);
  Tensor x = random_tensor({4, 16, 32}, kFloat64, 7), y = random_tensor({4, 32, 8}, kFloat64, 8);
  EXPECT_TRUE(close_scaled(host_values(x.to(gpu()).bmm(y.to(gpu()))), values(x.bmm(y)), 1e-13));
  Tensor bias = random_tensor({128}, kFloat32, 9);
  Tensor addmm_ref = (bias.to(kFloat64) * 0.5 + ref * 2.0);
  const double addmm_err = ((addmm(bias.to(gpu()), ga, gb, 0.5, 2.0).to(host()).to(kFloat64) - addmm_ref).abs().max() /
                            addmm_ref.abs().max()).item<double>();
  EXPECT_LT(addmm_err, 1e-5);
}

TEST_F(CudaTest, NnKernelsMatchTheCpu) {
  namespace F = nn::functional;
  Tensor x = random_tensor({4, 3, 17, 19}, kFloat32, 10), w = random_tensor({6, 3, 3, 3}, kFloat32, 11);
  Tensor gx = x.to(gpu()), gw = w.to(gpu());
  EXPECT_TRUE(close_scaled(host_values(F::conv2d(gx, gw, F::Conv2dFuncOptions().stride(2).padding(1))),
                           values(F::conv2d(x, w, F::Conv2dFuncOptions().stride(2).padding(1))), 1e-5));
  EXPECT_TRUE(same_as_cpu(F::max_pool2d(gx, F::MaxPool2dFuncOptions(3).stride(2).padding(1)),
                          F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2).padding(1)), Tol{0, 0}));
  EXPECT_TRUE(same_as_cpu(F::avg_pool2d(gx, F::AvgPool2dFuncOptions(2)), F::avg_pool2d(x, F::AvgPool2dFuncOptions(2)),
                          Tol{1e-6, 1e-6}));
  EXPECT_TRUE(same_as_cpu(F::adaptive_avg_pool2d(gx, F::AdaptiveAvgPool2dFuncOptions({1, 1})),
                          F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({1, 1})), Tol{1e-6, 1e-6}));
  EXPECT_TRUE(same_as_cpu(F::batch_norm(gx, Tensor(), Tensor(), F::BatchNormFuncOptions().training(true)),
                          F::batch_norm(x, Tensor(), Tensor(), F::BatchNormFuncOptions().training(true)), Tol{1e-5, 1e-5}));
  Tensor logits = random_tensor({64, 1000}, kFloat32, 12);
  EXPECT_TRUE(same_as_cpu(logits.to(gpu()).softmax(1), logits.softmax(1), Tol{1e-5, 1e-7}));
  EXPECT_TRUE(same_as_cpu(logits.to(gpu()).log_softmax(0), logits.log_softmax(0), Tol{1e-5, 1e-5}));
  std::vector<double> t(64);
  for (int i = 0; i < 64; ++i) t[static_cast<size_t>(i)] = (i * 37) % 1000;
  Tensor target = make1d(t, kInt64);
  EXPECT_TRUE(same_as_cpu(F::cross_entropy(logits.to(gpu()), target.to(gpu())), F::cross_entropy(logits, target),
                          Tol{1e-5, 1e-5}));
  EXPECT_TRUE(same_as_cpu(F::layer_norm(logits.to(gpu()), F::LayerNormFuncOptions({1000})),
                          F::layer_norm(logits, F::LayerNormFuncOptions({1000})), Tol{1e-5, 1e-5}));
}

// Batch norm's kernels (kernels/batch_norm.cuh) against the CPU: planes of 49 and 1 element
// (the flat apply kernel and the reductions' wrapping walk), a plane larger than a block, and
// chunked channels; float32 and float64 data with parameters of their dtype, float16 / bfloat16
// data with float32 parameters (autocast's mix: read and written in place), and parameters
// that must be converted (a strided weight, float64 statistics of float32 data); training
// forward, backward with every output, evaluation.
TEST_F(CudaTest, BatchNormMatchesTheCpuOnEveryPath) {
  struct Shape {
    std::vector<int64_t> sizes;
  };
  const std::vector<Shape> shapes = {{{8, 64, 7, 7}}, {{33, 5}}, {{2, 3, 37, 41}}, {{4, 2, 4096}}};
  struct Types {
    ScalarType data, params;
    Tol tol;
  };
  const std::vector<Types> types = {{kFloat32, kFloat32, Tol{1e-4, 1e-4}},
                                    {kFloat64, kFloat64, Tol{1e-10, 1e-10}},
                                    {kFloat16, kFloat32, Tol{4e-3, 4e-3}},
                                    {kBFloat16, kFloat32, Tol{3e-2, 3e-2}},
                                    {kFloat32, kFloat64, Tol{1e-4, 1e-4}}};
  uint64_t seed = 40;
  for (const Shape& sh : shapes) {
    const int64_t c = sh.sizes[1];
    for (const Types& ty : types) {
      SCOPED_TRACE(::testing::Message() << dtype_str(ty.data) << " data, " << dtype_str(ty.params) << " parameters, "
                                        << c << " channels, " << sh.sizes.size() << "-d");
      Tensor x = random_tensor(sh.sizes, ty.data, ++seed), g = random_tensor(sh.sizes, ty.data, ++seed);
      // The weight is a strided view (converted, not read in place) for the float64-parameter case.
      Tensor w = ty.params == kFloat64 ? random_tensor({2 * c}, ty.params, ++seed, 0.5, 2).slice(0, 0, 2 * c, 2)
                                       : random_tensor({c}, ty.params, ++seed, 0.5, 2);
      Tensor b = random_tensor({c}, ty.params, ++seed), rm = random_tensor({c}, ty.params, ++seed);
      Tensor rv = random_tensor({c}, ty.params, ++seed, 0.5, 2);
      Tensor gx = x.to(gpu()), gg = g.to(gpu()), gw = w.to(gpu()), gb = b.to(gpu()), grm = rm.to(gpu()), grv = rv.to(gpu());
      auto [out, mean, invstd] = native_batch_norm(x, w, b, std::nullopt, std::nullopt, true, 0.1, 1e-5);
      auto [gout, gmean, ginvstd] = native_batch_norm(gx, gw, gb, std::nullopt, std::nullopt, true, 0.1, 1e-5);
      EXPECT_TRUE(same_as_cpu(gout, out, ty.tol));
      EXPECT_TRUE(same_as_cpu(gmean, mean, Tol{1e-5, 1e-5}));
      EXPECT_TRUE(same_as_cpu(ginvstd, invstd, Tol{1e-4, 1e-5}));
      auto [gi, gwg, gbg] = native_batch_norm_backward(g, x, w, std::nullopt, std::nullopt, mean, invstd, true, 1e-5,
                                                       {true, true, true});
      auto [ggi, ggwg, ggbg] = native_batch_norm_backward(gg, gx, gw, std::nullopt, std::nullopt, gmean, ginvstd, true,
                                                          1e-5, {true, true, true});
      EXPECT_TRUE(same_as_cpu(ggi, gi, ty.tol));
      EXPECT_TRUE(same_as_cpu(ggwg, gwg, Tol{ty.tol.rtol, ty.tol.atol * 10}));
      EXPECT_TRUE(same_as_cpu(ggbg, gbg, Tol{ty.tol.rtol, ty.tol.atol * 10}));
      auto [eout, em, ei] = native_batch_norm(x, w, b, rm, rv, false, 0.1, 1e-5);
      auto [geout, gem, gei] = native_batch_norm(gx, gw, gb, grm, grv, false, 0.1, 1e-5);
      EXPECT_TRUE(same_as_cpu(geout, eout, ty.tol));
      auto [egi, egw, egb] = native_batch_norm_backward(g, x, w, rm, rv, em, ei, false, 1e-5, {true, true, false});
      auto [gegi, gegw, gegb] = native_batch_norm_backward(gg, gx, gw, grm, grv, gem, gei, false, 1e-5, {true, true, false});
      EXPECT_TRUE(same_as_cpu(gegi, egi, ty.tol));
      EXPECT_TRUE(same_as_cpu(gegw, egw, Tol{ty.tol.rtol, ty.tol.atol * 10}));
    }
  }
}

// Convolutions run through cached cuDNN execution plans (plugins/cuda/cudnn_conv_plans.h): every
// kind (1-d grouped and dilated, 2-d strided, 3-d, transposed, an input 4 bytes off alignment,
// float16) in each mode (heuristics, benchmark, deterministic), twice (the second call takes the
// cached plan), forward and both gradients against the CPU.
TEST_F(CudaTest, ConvolutionPlansMatchTheCpuInEveryMode) {
  namespace F = nn::functional;
  struct Case {
    const char* name;
    std::vector<int64_t> x, w;
    std::function<Tensor(const Tensor&, const Tensor&)> conv;
  };
  const std::vector<Case> cases = {
      {"conv1d grouped dilated", {2, 4, 21}, {6, 2, 5},
       [](const Tensor& x, const Tensor& w) { return F::conv1d(x, w, F::Conv1dFuncOptions().padding(2).dilation(2).groups(2)); }},
      {"conv2d strided", {3, 8, 15, 13}, {16, 8, 3, 3},
       [](const Tensor& x, const Tensor& w) { return F::conv2d(x, w, F::Conv2dFuncOptions().stride(2).padding(1)); }},
      {"conv2d misaligned input", {2, 3, 9, 9}, {4, 3, 3, 3},
       [](const Tensor& x, const Tensor& w) {
         // The same values one element into a larger buffer: a contiguous view 4 bytes off.
         Tensor shifted = zeros({x.numel() + 1}, x.options());
         shifted.narrow(0, 1, x.numel()).copy_(x.reshape({-1}));
         return F::conv2d(shifted.narrow(0, 1, x.numel()).view(x.sizes()), w, F::Conv2dFuncOptions().padding(1));
       }},
      {"conv3d", {2, 3, 6, 7, 5}, {4, 3, 3, 3, 3},
       [](const Tensor& x, const Tensor& w) { return F::conv3d(x, w, F::Conv3dFuncOptions().padding(1)); }},
      {"conv_transpose2d", {2, 6, 7, 7}, {6, 4, 3, 3},
       [](const Tensor& x, const Tensor& w) {
         return F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2).padding(1).output_padding(1));
       }},
  };
  auto run = [](const Case& c, const Tensor& x, const Tensor& w, Device d) {
    Tensor xd = x.to(d).detach().requires_grad_(), wd = w.to(d).detach().requires_grad_();
    Tensor y = c.conv(xd, wd);
    (y * y).sum().backward();
    return std::vector<Tensor>{y.detach().to(host()), xd.grad().to(host()), wd.grad().to(host())};
  };
  for (int mode = 0; mode < 3; ++mode) {
    cuda::set_cudnn_benchmark(mode == 1);
    cuda::set_cudnn_deterministic(mode == 2);
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(c.name) + (mode == 1 ? " (benchmark)" : mode == 2 ? " (deterministic)" : ""));
      Tensor x = random_tensor(c.x, kFloat32, 20), w = random_tensor(c.w, kFloat32, 21, -0.5, 0.5);
      const std::vector<Tensor> want = run(c, x, w, host());
      for (int call = 0; call < 2; ++call) {
        const std::vector<Tensor> got = run(c, x, w, gpu());
        for (size_t k = 0; k < 3; ++k) EXPECT_TRUE(close_scaled(values(got[k]), values(want[k]), 1e-5)) << "output " << k;
      }
      if (mode == 0) {
        const std::vector<Tensor> half = run(c, x.to(kFloat16), w.to(kFloat16), gpu());
        EXPECT_TRUE(close_scaled(values(half[0].to(kFloat32)), values(want[0]), 1e-2));
      }
    }
  }
  cuda::set_cudnn_benchmark(false);
  cuda::set_cudnn_deterministic(false);
}

TEST_F(CudaTest, AnIndexOutOfRangeIsAnIndexErrorNotAHang) {
  Tensor x = ones({5, 3}, TensorOptions(gpu()));
  Tensor bad = make1d({0, 7, 1}, kInt64).to(gpu());
  try {
    Tensor y = index_select(x, 0, bad);
    cuda::synchronize();
    FAIL() << "no error";
  } catch (const IndexError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("index_select"), std::string::npos) << m;
    EXPECT_NE(m.find("index 7 is out of bounds for dimension 0 with size 5"), std::string::npos) << m;
    EXPECT_NE(m.find("cuda:0"), std::string::npos) << m;
  }
  // The device keeps working afterwards.
  EXPECT_EQ(x.sum().item<float>(), 15.0f);
  // With launch blocking the op itself raises.
  cuda::set_launch_blocking(true);
  EXPECT_THROW(gather(x, 0, make({9, 0, 0}, {1, 3}, kInt64).to(gpu())), IndexError);
  cuda::set_launch_blocking(false);
  EXPECT_EQ(x.sum().item<float>(), 15.0f);
}

TEST_F(CudaTest, MaxPoolBackwardTakesAnyIndexOfThePlaneAsTheCpu) {
  // Indices from the forward (inside their windows), then arbitrary ones of the plane (the CPU
  // plugin scatters to them; the GPU's gather alone would miss them), then one outside the plane.
  Tensor x = random_tensor({2, 3, 6, 6}, kFloat32, 30), g = random_tensor({2, 3, 3, 3}, kFloat32, 31);
  auto [out, idx] = max_pool2d_with_indices(x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false);
  auto backward = [&](const Tensor& go, const Tensor& in, const Tensor& ix) {
    return max_pool2d_with_indices_backward(go, in, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, ix);
  };
  EXPECT_TRUE(same_as_cpu(backward(g.to(gpu()), x.to(gpu()), idx.to(gpu())), backward(g, x, idx), Tol{0, 0}));
  Tensor any = randint(0, 36, {2, 3, 3, 3}, TensorOptions(kInt64));
  EXPECT_TRUE(same_as_cpu(backward(g.to(gpu()), x.to(gpu()), any.to(gpu())), backward(g, x, any), Tol{1e-6, 1e-6}));
  std::vector<double> bad_values = values(any);
  bad_values[5] = 36;
  Tensor bad = make(bad_values, {2, 3, 3, 3}, kInt64);
  EXPECT_THROW(backward(g.to(gpu()), x.to(gpu()), bad.to(gpu())).to(host()), IndexError);
  EXPECT_EQ(x.to(gpu()).sum().to(host()).numel(), 1);  // the device keeps working
}

TEST_F(CudaTest, IntegerDivisionByZeroIsAnError) {
  Tensor a = make1d({4, 5}, kInt64).to(gpu()), b = make1d({2, 0}, kInt64).to(gpu());
  EXPECT_THROW(a.div(b, "floor").to(host()), ValueError);
  EXPECT_TRUE(all_equal(a.div(make1d({2, 5}, kInt64).to(gpu()), "floor").to(host()), {2, 1}));
}

TEST_F(CudaTest, AnUnknownBackendFlagIsAValueError) {
  EXPECT_THROW(call_boxed("cuda::_set_backend_flag", {IValue(gpu()), IValue(std::string("no_such")), IValue(true)}),
               ValueError);
}

}  // namespace
}  // namespace ember_test
