// Differential test of the CPU plugin's backward kernels (and nll_loss) against libtorch 1.13:
// the same random inputs through the plugin's kernel and through at::*_backward, float32 and
// float64 (16-bit floats for the pointwise ones), non-contiguous inputs included. Part of
// ember_cpu_torch_parity (built only when CMake finds Torch).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <string>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

int32_t ember_dtype(at::ScalarType t) {
  switch (t) {
    case at::kLong: return EMBER_DTYPE_INT64;
    case at::kHalf: return EMBER_DTYPE_FLOAT16;
    case at::kBFloat16: return EMBER_DTYPE_BFLOAT16;
    case at::kFloat: return EMBER_DTYPE_FLOAT32;
    default: return EMBER_DTYPE_FLOAT64;
  }
}

// A TestTensor with t's values and layout (its own storage).
TestTensor from_torch(const at::Tensor& t) {
  int64_t span = t.numel() == 0 ? 0 : 1;
  for (int64_t d = 0; d < t.dim() && span > 0; ++d) span += (t.size(d) - 1) * t.stride(d);
  TestTensor base({std::max<int64_t>(span, 1)}, ember_dtype(t.scalar_type()));
  if (span > 0) std::memcpy(base.data(), t.as_strided({span}, {1}).contiguous().data_ptr(), span * t.element_size());
  return base.as_strided(t.sizes().vec(), t.strides().vec(), 0);
}

TestTensor out_like(const at::Tensor& r) { return TestTensor(r.sizes().vec(), ember_dtype(r.scalar_type())); }

void expect_match(const TestTensor& got, const at::Tensor& want, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes().vec()) << what;
  const at::Tensor g = torch::tensor(got.to_doubles(), torch::kDouble).reshape(want.sizes());
  const at::Tensor w = want.to(torch::kDouble);
  double rtol = 1e-10;
  switch (want.scalar_type()) {
    case at::kHalf: rtol = 4e-3; break;
    case at::kBFloat16: rtol = 3e-2; break;
    case at::kFloat: rtol = 1e-4; break;
    default: break;
  }
  const double scale = std::max(1.0, w.abs().max().item<double>());
  EXPECT_TRUE(torch::allclose(g, w, rtol, rtol * scale, /*equal_nan=*/true))
      << what << ": max abs diff " << (g - w).abs().max().item<double>() << " (scale " << scale << ")";
}

#define CALL(op, args)                                \
  do {                                                \
    CallResult r_ = cpu_plugin().call(op, args);      \
    ASSERT_TRUE(r_.ok()) << op << ": " << r_.message; \
  } while (0)

std::string dtype_name(at::ScalarType t) { return c10::toString(t); }

TEST(CpuTorchParityBackward, ConvolutionBackward) {
  torch::manual_seed(1);
  struct Case {
    std::vector<int64_t> input, weight, stride, padding, dilation;
    int64_t groups;
  };
  const Case cases[] = {
      {{2, 3, 9, 9}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
      {{1, 4, 10, 7}, {6, 2, 3, 2}, {2, 3}, {0, 1}, {1, 1}, 2},
      {{2, 4, 12, 12}, {4, 1, 3, 3}, {2, 2}, {2, 2}, {2, 3}, 4},
      {{4, 16, 8, 8}, {8, 16, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1},
  };
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    for (const Case& c : cases) {
      at::Tensor x = torch::randn(c.input, dt), w = torch::randn(c.weight, dt);
      at::Tensor y = at::convolution(x, w, {}, c.stride, c.padding, c.dilation, false, {0, 0}, c.groups);
      at::Tensor go = torch::randn(y.sizes(), dt).transpose(2, 3).contiguous().transpose(2, 3);  // non-contiguous
      auto [gi, gw, gb] = at::convolution_backward(go, x, w, at::IntArrayRef{c.weight[0]}, c.stride, c.padding, c.dilation,
                                                   false, {0, 0}, c.groups, {true, true, true});
      TestTensor o0 = out_like(gi), o1 = out_like(gw), o2 = out_like(gb);
      Args args;
      args.tensor(from_torch(go)).tensor(from_torch(x)).tensor(from_torch(w)).ints({c.weight[0]}).ints(c.stride);
      args.ints(c.padding).ints(c.dilation).b(false).ints({0, 0}).i(c.groups).ints({1, 1, 1});
      args.tensor(o0).tensor(o1).tensor(o2);
      CALL("convolution_backward.out", args);
      const std::string what = "convolution_backward " + dtype_name(dt) + " " + c10::str(c.input) + "*" + c10::str(c.weight);
      expect_match(o0, gi, what + " grad_input");
      expect_match(o1, gw, what + " grad_weight");
      expect_match(o2, gb, what + " grad_bias");
    }
  }
}

TEST(CpuTorchParityBackward, PoolingBackward) {
  torch::manual_seed(2);
  struct Case {
    std::vector<int64_t> input, kernel, stride, padding, dilation;
    bool ceil_mode;
  };
  const Case cases[] = {
      {{2, 3, 8, 8}, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false},
      {{1, 2, 9, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, true},
      {{2, 2, 7, 7}, {3, 2}, {1, 2}, {1, 1}, {2, 1}, false},
      {{3, 6, 6}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, false},
  };
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    for (const Case& c : cases) {
      const std::string what = dtype_name(dt) + " " + c10::str(c.input) + " k" + c10::str(c.kernel);
      at::Tensor x = torch::randn(c.input, dt);
      auto [y, idx] = at::max_pool2d_with_indices(x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode);
      // The forward indices match PyTorch's, and so does the backward that uses them.
      TestTensor fy = out_like(y), fidx = out_like(idx);
      CALL("max_pool2d_with_indices.out", Args()
                                              .tensor(from_torch(x))
                                              .ints(c.kernel)
                                              .ints(c.stride)
                                              .ints(c.padding)
                                              .ints(c.dilation)
                                              .b(c.ceil_mode)
                                              .tensor(fy)
                                              .tensor(fidx));
      expect_match(fy, y, "max_pool2d " + what);
      expect_match(fidx, idx, "max_pool2d indices " + what);
      at::Tensor go = torch::randn(y.sizes(), dt);
      at::Tensor gi = at::max_pool2d_with_indices_backward(go, x, c.kernel, c.stride, c.padding, c.dilation, c.ceil_mode, idx);
      TestTensor out = out_like(gi);
      CALL("max_pool2d_with_indices_backward.grad_input", Args()
                                                              .tensor(from_torch(go))
                                                              .tensor(from_torch(x))
                                                              .ints(c.kernel)
                                                              .ints(c.stride)
                                                              .ints(c.padding)
                                                              .ints(c.dilation)
                                                              .b(c.ceil_mode)
                                                              .tensor(from_torch(idx))
                                                              .tensor(out));
      expect_match(out, gi, "max_pool2d_with_indices_backward " + what);
      for (bool include_pad : {true, false}) {
        for (int64_t divisor : {int64_t(0), int64_t(5)}) {
          c10::optional<int64_t> d = divisor ? c10::optional<int64_t>(divisor) : c10::nullopt;
          at::Tensor ya = at::avg_pool2d(x, c.kernel, c.stride, c.padding, c.ceil_mode, include_pad, d);
          at::Tensor goa = torch::randn(ya.sizes(), dt);
          at::Tensor gia = at::avg_pool2d_backward(goa, x, c.kernel, c.stride, c.padding, c.ceil_mode, include_pad, d);
          TestTensor outa = out_like(gia);
          Args args;
          args.tensor(from_torch(goa)).tensor(from_torch(x)).ints(c.kernel).ints(c.stride).ints(c.padding).b(c.ceil_mode);
          args.b(include_pad);
          if (d) args.i(*d); else args.none();
          args.tensor(outa);
          CALL("avg_pool2d_backward.grad_input", args);
          expect_match(outa, gia, "avg_pool2d_backward " + what);
        }
      }
    }
    for (std::vector<int64_t> os : {std::vector<int64_t>{3, 3}, {1, 1}, {5, 4}}) {
      at::Tensor x = torch::randn({2, 3, 7, 6}, dt);
      at::Tensor go = torch::randn({2, 3, os[0], os[1]}, dt);
      at::Tensor gi = at::_adaptive_avg_pool2d_backward(go, x);
      TestTensor out = out_like(gi);
      CALL("_adaptive_avg_pool2d_backward.out", Args().tensor(from_torch(go)).tensor(from_torch(x)).tensor(out));
      expect_match(out, gi, "_adaptive_avg_pool2d_backward " + dtype_name(dt) + " to " + c10::str(os));
    }
  }
}

TEST(CpuTorchParityBackward, NormalizationBackward) {
  torch::manual_seed(3);
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    for (bool train : {true, false}) {
      at::Tensor x = torch::randn({6, 4, 5, 3}, dt), w = torch::randn({4}, dt), b = torch::randn({4}, dt);
      at::Tensor rm = torch::randn({4}, dt), rv = torch::rand({4}, dt) + 0.5;
      auto [y, sm, si] = at::native_batch_norm(x, w, b, rm.clone(), rv.clone(), train, 0.1, 1e-5);
      at::Tensor go = torch::randn(x.sizes(), dt);
      auto [gi, gw, gb] = at::native_batch_norm_backward(go, x, w, rm, rv, sm, si, train, 1e-5, {true, true, true});
      TestTensor o0 = out_like(gi), o1 = out_like(gw), o2 = out_like(gb);
      Args args;
      args.tensor(from_torch(go)).tensor(from_torch(x)).tensor(from_torch(w)).tensor(from_torch(rm)).tensor(from_torch(rv));
      args.tensor(from_torch(sm)).tensor(from_torch(si)).b(train).d(1e-5).ints({1, 1, 1}).tensor(o0).tensor(o1).tensor(o2);
      CALL("native_batch_norm_backward.out", args);
      const std::string what = "native_batch_norm_backward " + dtype_name(dt) + (train ? " train" : " eval");
      expect_match(o0, gi, what + " grad_input");
      expect_match(o1, gw, what + " grad_weight");
      expect_match(o2, gb, what + " grad_bias");
    }
    at::Tensor x = torch::randn({4, 3, 10}, dt).transpose(0, 1);  // non-contiguous [3, 4, 10]
    at::Tensor w = torch::randn({4, 10}, dt), b = torch::randn({4, 10}, dt);
    auto [y, mean, rstd] = at::native_layer_norm(x, {4, 10}, w, b, 1e-5);
    at::Tensor go = torch::randn(x.sizes(), dt);
    auto [gi, gw, gb] = at::native_layer_norm_backward(go, x, {4, 10}, mean, rstd, w, b, {true, true, true});
    TestTensor o0 = out_like(gi), o1 = out_like(gw), o2 = out_like(gb);
    Args args;
    args.tensor(from_torch(go)).tensor(from_torch(x)).ints({4, 10}).tensor(from_torch(mean)).tensor(from_torch(rstd));
    args.tensor(from_torch(w)).tensor(from_torch(b)).ints({1, 1, 1}).tensor(o0).tensor(o1).tensor(o2);
    CALL("native_layer_norm_backward.out", args);
    expect_match(o0, gi, "native_layer_norm_backward grad_input " + dtype_name(dt));
    expect_match(o1, gw, "native_layer_norm_backward grad_weight " + dtype_name(dt));
    expect_match(o2, gb, "native_layer_norm_backward grad_bias " + dtype_name(dt));
  }
}

TEST(CpuTorchParityBackward, SoftmaxAndActivationBackward) {
  torch::manual_seed(4);
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    at::Tensor x = torch::randn({3, 5, 70}, dt);
    for (int64_t dim : {0, 1, 2}) {
      for (bool log : {false, true}) {
        at::Tensor y = log ? at::_log_softmax(x, dim, false) : at::_softmax(x, dim, false);
        at::Tensor go = torch::randn(x.sizes(), dt);
        at::Tensor gi = log ? at::_log_softmax_backward_data(go, y, dim, dt) : at::_softmax_backward_data(go, y, dim, dt);
        TestTensor out = out_like(gi);
        const char* op = log ? "_log_softmax_backward_data.out" : "_softmax_backward_data.out";
        CALL(op, Args().tensor(from_torch(go)).tensor(from_torch(y)).i(dim).i(ember_dtype(dt)).tensor(out));
        expect_match(out, gi, std::string(op) + " " + dtype_name(dt) + " dim " + std::to_string(dim));
      }
    }
  }
  for (at::ScalarType dt : {at::kBFloat16, at::kFloat, at::kDouble}) {
    at::Tensor x = torch::randn({7, 33}, torch::kDouble).mul(3).to(dt).t();  // transposed
    at::Tensor go = torch::randn({33, 7}, dt);
    const std::string d = dtype_name(dt);
    auto check = [&](const char* op, const at::Tensor& want, Args args) {
      TestTensor out = out_like(want);
      args.tensor(out);
      CALL(op, args);
      expect_match(out, want, std::string(op) + " " + d);
    };
    check("threshold_backward.grad_input", at::threshold_backward(go, x, 0.5),
          Args().tensor(from_torch(go)).tensor(from_torch(x)).d(0.5));
    for (const char* approx : {"none", "tanh"})
      check("gelu_backward.grad_input", at::gelu_backward(go, x, approx),
            Args().tensor(from_torch(go)).tensor(from_torch(x)).str(approx));
    check("silu_backward.grad_input", at::silu_backward(go, x), Args().tensor(from_torch(go)).tensor(from_torch(x)));
    at::Tensor s = x.sigmoid(), t = x.tanh();
    check("sigmoid_backward.grad_input", at::sigmoid_backward(go, s), Args().tensor(from_torch(go)).tensor(from_torch(s)));
    check("tanh_backward.grad_input", at::tanh_backward(go, t), Args().tensor(from_torch(go)).tensor(from_torch(t)));
  }
}

TEST(CpuTorchParityBackward, NllLossForwardAndBackward) {
  torch::manual_seed(5);
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    at::Tensor lsm = at::log_softmax(torch::randn({50, 7}, dt), 1);
    at::Tensor target = torch::randint(0, 7, {50}, torch::kLong);
    at::Tensor weight = torch::rand({7}, dt) + 0.1;
    for (int64_t reduction : {0, 1, 2}) {
      for (bool weighted : {false, true}) {
        for (int64_t ignore : {int64_t(-100), int64_t(3)}) {
          const at::Tensor w = weighted ? weight : at::Tensor();
          auto [out, total] = at::nll_loss_forward(lsm, target, w, reduction, ignore);
          TestTensor o = out_like(out), t = out_like(total);
          Args args;
          args.tensor(from_torch(lsm)).tensor(from_torch(target));
          if (weighted) args.tensor(from_torch(weight)); else args.none();
          args.i(reduction).i(ignore).tensor(o).tensor(t);
          CALL("nll_loss_forward.output", args);
          const std::string what = "nll_loss " + dtype_name(dt) + " reduction " + std::to_string(reduction) +
                                   (weighted ? " weighted" : "") + " ignore " + std::to_string(ignore);
          expect_match(o, out, what);
          if (reduction != 0) expect_match(t, total, what + " total_weight");
          at::Tensor go = torch::randn(out.sizes(), dt);
          at::Tensor gi = at::nll_loss_backward(go, lsm, target, w, reduction, ignore, total);
          TestTensor g = out_like(gi);
          Args bargs;
          bargs.tensor(from_torch(go)).tensor(from_torch(lsm)).tensor(from_torch(target));
          if (weighted) bargs.tensor(from_torch(weight)); else bargs.none();
          bargs.i(reduction).i(ignore).tensor(from_torch(total)).tensor(g);
          CALL("nll_loss_backward.grad_input", bargs);
          expect_match(g, gi, what + " backward");
        }
      }
    }
  }
}

}  // namespace
}  // namespace ember_test
