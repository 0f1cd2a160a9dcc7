// Differential test of the CPU plugin against libtorch (built only when CMake finds Torch):
// every kernel family runs on random inputs, including non-contiguous and broadcast views,
// NaNs and edge values, and must match PyTorch's CPU result (exactly for integer and
// index outputs, to a dtype-dependent tolerance for floating outputs).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

int32_t to_ember(at::ScalarType t) {
  switch (t) {
    case at::kBool: return EMBER_DTYPE_BOOL;
    case at::kByte: return EMBER_DTYPE_UINT8;
    case at::kChar: return EMBER_DTYPE_INT8;
    case at::kShort: return EMBER_DTYPE_INT16;
    case at::kInt: return EMBER_DTYPE_INT32;
    case at::kLong: return EMBER_DTYPE_INT64;
    case at::kHalf: return EMBER_DTYPE_FLOAT16;
    case at::kBFloat16: return EMBER_DTYPE_BFLOAT16;
    case at::kFloat: return EMBER_DTYPE_FLOAT32;
    default: return EMBER_DTYPE_FLOAT64;
  }
}

// A TestTensor with t's values, sizes and strides (its own storage, same layout as t).
TestTensor from_torch(const at::Tensor& t) {
  const int64_t span = t.numel() == 0 ? 0 : [&] {
    int64_t s = 1;
    for (int64_t d = 0; d < t.dim(); ++d) s += (t.size(d) - 1) * t.stride(d);
    return s;
  }();
  TestTensor base({std::max<int64_t>(span, 1)}, to_ember(t.scalar_type()));
  if (span > 0) {
    at::Tensor flat = t.as_strided({span}, {1});  // the storage region the view covers
    std::memcpy(base.data(), flat.contiguous().data_ptr(), span * t.element_size());
  }
  return base.as_strided(t.sizes().vec(), t.strides().vec(), 0);
}

// Empty out with the result's shape and dtype (the core would allocate it like this).
TestTensor out_like(const at::Tensor& r) { return TestTensor(r.sizes().vec(), to_ember(r.scalar_type())); }

at::Tensor to_torch(const TestTensor& t) {
  std::vector<double> v = t.to_doubles();
  return torch::tensor(v, torch::kDouble).reshape(t.sizes());
}

void expect_match(const TestTensor& got, const at::Tensor& want, const std::string& what, double rtol = -1) {
  ASSERT_EQ(got.sizes(), want.sizes().vec()) << what;
  at::Tensor g = to_torch(got), w = want.to(torch::kDouble).contiguous();
  if (rtol < 0) {
    switch (want.scalar_type()) {
      case at::kHalf: rtol = 2e-3; break;
      case at::kBFloat16: rtol = 1.6e-2; break;
      case at::kFloat: rtol = 2e-5; break;
      case at::kDouble: rtol = 1e-10; break;
      default: rtol = 0;
    }
  }
  const bool ok = torch::allclose(g, w, rtol, rtol, /*equal_nan=*/true);
  EXPECT_TRUE(ok) << what << "\nmax abs diff " << (g - w).abs().nan_to_num(0).max().item<double>() << "\ngot:\n"
                  << g.flatten().slice(0, 0, 12) << "\nwant:\n" << w.flatten().slice(0, 0, 12);
}

#define CALL(op, args)                                      \
  do {                                                      \
    CallResult r_ = cpu_plugin().call(op, args);            \
    ASSERT_TRUE(r_.ok()) << op << ": " << r_.message;       \
  } while (0)

at::Tensor rand_of(at::IntArrayRef shape, at::ScalarType dt, double lo = -3, double hi = 3) {
  at::Tensor x = torch::rand(shape, torch::kDouble) * (hi - lo) + lo;
  if (at::isIntegralType(dt, /*includeBool=*/false)) x = x.round();
  if (dt == at::kBool) return x > 0;
  return x.to(dt);
}

const at::ScalarType kNumeric[] = {at::kByte, at::kChar, at::kShort, at::kInt, at::kLong, at::kHalf, at::kBFloat16, at::kFloat, at::kDouble};

TEST(CpuTorchParity, BinaryArithmeticWithBroadcastAndViews) {
  torch::manual_seed(0);
  for (at::ScalarType dt : kNumeric) {
    const bool is_float = at::isFloatingType(dt);
    at::Tensor a = rand_of({5, 1, 6}, dt, is_float ? -3 : 0, is_float ? 3 : 9).expand({5, 4, 6});
    at::Tensor b = rand_of({6, 4}, dt, 1, 5).t();  // [4, 6], transposed
    at::Tensor r = torch::add(a, b, 3);
    TestTensor out = out_like(r);
    CALL("add.out", Args().tensor(from_torch(a)).tensor(from_torch(b.expand({5, 4, 6}))).i(3).tensor(out));
    expect_match(out, r, std::string("add ") + c10::toString(dt));
    r = torch::mul(a, b);
    CALL("mul.out", Args().tensor(from_torch(a)).tensor(from_torch(b.expand({5, 4, 6}))).tensor(out));
    expect_match(out, r, std::string("mul ") + c10::toString(dt));
    for (const char* mode : {"trunc", "floor"}) {
      at::Tensor s = is_float ? a : a - 4;  // negative integers too
      if (dt == at::kByte) s = a;
      r = torch::div(s, b, mode);
      CALL("div.out_mode", Args().tensor(from_torch(s)).tensor(from_torch(b.expand({5, 4, 6}))).str(mode).tensor(out));
      expect_match(out, r, std::string("div ") + mode + " " + c10::toString(dt));
    }
    at::Tensor m = torch::maximum(a, b), n = torch::minimum(a, b);
    CALL("maximum.out", Args().tensor(from_torch(a)).tensor(from_torch(b.expand({5, 4, 6}))).tensor(out));
    expect_match(out, m, "maximum");
    CALL("minimum.out", Args().tensor(from_torch(a)).tensor(from_torch(b.expand({5, 4, 6}))).tensor(out));
    expect_match(out, n, "minimum");
    if (is_float) {
      at::Tensor base = a.abs() + 0.5;
      r = torch::pow(base, b);
      CALL("pow.Tensor_Tensor_out", Args().tensor(from_torch(base)).tensor(from_torch(b.expand({5, 4, 6}))).tensor(out));
      expect_match(out, r, std::string("pow ") + c10::toString(dt));
      r = torch::div(a, b);
      CALL("div.out_mode", Args().tensor(from_torch(a)).tensor(from_torch(b.expand({5, 4, 6}))).none().tensor(out));
      expect_match(out, r, "true div");
    }
  }
}

TEST(CpuTorchParity, UnaryComparisonsAndClamp) {
  torch::manual_seed(1);
  for (at::ScalarType dt : {at::kFloat, at::kDouble, at::kBFloat16, at::kHalf}) {
    at::Tensor x = rand_of({7, 9}, dt).t();
    x.index_put_({0, 0}, std::nan(""));
    at::Tensor pos = x.abs() + 0.1;
    // libtorch 1.13 lacks most Half CPU kernels: the reference for 16-bit floats is computed in
    // float and rounded once, which is exactly what the plugin does.
    auto ref = [&](const at::Tensor& in, const std::function<at::Tensor(const at::Tensor&)>& f) {
      return (dt == at::kHalf || dt == at::kBFloat16) ? f(in.to(at::kFloat)).to(dt) : f(in);
    };
    struct Case { const char* op; at::Tensor in; at::Tensor want; };
    std::vector<Case> cases = {
        {"exp.out", x, ref(x, [](const at::Tensor& t) { return t.exp(); })},
        {"log.out", pos, ref(pos, [](const at::Tensor& t) { return t.log(); })},
        {"sqrt.out", pos, ref(pos, [](const at::Tensor& t) { return t.sqrt(); })},
        {"rsqrt.out", pos, ref(pos, [](const at::Tensor& t) { return t.rsqrt(); })},
        {"sin.out", x, ref(x, [](const at::Tensor& t) { return t.sin(); })},
        {"cos.out", x, ref(x, [](const at::Tensor& t) { return t.cos(); })},
        {"tanh.out", x, ref(x, [](const at::Tensor& t) { return t.tanh(); })},
        {"sigmoid.out", x, ref(x, [](const at::Tensor& t) { return t.sigmoid(); })},
        {"silu.out", x, ref(x, [](const at::Tensor& t) { return torch::silu(t); })},
        {"neg.out", x, ref(x, [](const at::Tensor& t) { return t.neg(); })},
        {"abs.out", x, ref(x, [](const at::Tensor& t) { return t.abs(); })},
        {"sign.out", x, ref(x, [](const at::Tensor& t) { return t.sign(); })},
        {"relu.out", x, ref(x, [](const at::Tensor& t) { return t.relu(); })}};
    for (Case& c : cases) {
      TestTensor out = out_like(c.want);
      CALL(c.op, Args().tensor(from_torch(c.in)).tensor(out));
      expect_match(out, c.want, std::string(c.op) + " " + c10::toString(dt), dt == at::kFloat ? 1e-5 : -1);
    }
    for (const char* approx : {"none", "tanh"}) {
      at::Tensor want = ref(x, [&](const at::Tensor& t) { return torch::gelu(t, approx); });
      TestTensor out = out_like(want);
      CALL("gelu.out", Args().tensor(from_torch(x)).str(approx).tensor(out));
      expect_match(out, want, std::string("gelu ") + approx, dt == at::kFloat ? 1e-5 : -1);
    }
    at::Tensor want = ref(x, [](const at::Tensor& t) { return torch::clamp(t, -1.0, 0.5); });
    TestTensor out = out_like(want);
    CALL("clamp.out", Args().tensor(from_torch(x)).d(-1.0).d(0.5).tensor(out));
    expect_match(out, want, "clamp");
  }
  for (at::ScalarType dt : kNumeric) {
    at::Tensor a = rand_of({4, 5}, dt, 0, 4), b = rand_of({4, 5}, dt, 0, 4);
    const std::pair<const char*, at::Tensor> cmps[] = {{"eq.Tensor_out", a.eq(b)}, {"ne.Tensor_out", a.ne(b)}, {"lt.Tensor_out", a.lt(b)},
                                                       {"le.Tensor_out", a.le(b)}, {"gt.Tensor_out", a.gt(b)}, {"ge.Tensor_out", a.ge(b)},
                                                       {"logical_and.out", torch::logical_and(a, b)},
                                                       {"logical_or.out", torch::logical_or(a, b)},
                                                       {"logical_xor.out", torch::logical_xor(a, b)}};
    for (const auto& c : cmps) {
      TestTensor out = out_like(c.second);
      CALL(c.first, Args().tensor(from_torch(a)).tensor(from_torch(b)).tensor(out));
      expect_match(out, c.second, c.first);
    }
    at::Tensor cond = rand_of({4, 1}, at::kBool).expand({4, 5});
    at::Tensor w = torch::where(cond, a, b);
    TestTensor out = out_like(w);
    CALL("where.self_out", Args().tensor(from_torch(cond)).tensor(from_torch(a)).tensor(from_torch(b)).tensor(out));
    expect_match(out, w, "where");
  }
}

TEST(CpuTorchParity, ConvertingCopyEveryDtypePair) {
  const double inf = std::numeric_limits<double>::infinity();
  at::Tensor values = torch::tensor(std::vector<double>{-1.7, 2.9, -1.0, 300.0, -129.0, 70000.5, 3e9, 1e20, std::nan(""),
                                                        inf, -inf, 0.0, -0.0, 255.0, 0.5}, torch::kDouble);
  for (at::ScalarType from : kNumeric) {
    at::Tensor src = values.to(from);
    for (at::ScalarType to : {at::kBool, at::kByte, at::kChar, at::kShort, at::kInt, at::kLong, at::kHalf, at::kBFloat16, at::kFloat, at::kDouble}) {
      if (at::isFloatingType(from) && !at::isFloatingType(to) && to != at::kBool) {
        // Out-of-range float -> int conversion is undefined in C++; compare the in-range part.
        at::Tensor in_range = src.slice(0, 0, 6);
        at::Tensor want = in_range.to(to);
        TestTensor out = out_like(want);
        CALL("_copy_same_device_", Args().tensor(out).tensor(from_torch(in_range)));
        expect_match(out, want, std::string("copy ") + c10::toString(from) + "->" + c10::toString(to));
        continue;
      }
      at::Tensor want = src.to(to);
      TestTensor out = out_like(want);
      CALL("_copy_same_device_", Args().tensor(out).tensor(from_torch(src)));
      expect_match(out, want, std::string("copy ") + c10::toString(from) + "->" + c10::toString(to), 0);
    }
  }
}

TEST(CpuTorchParity, Reductions) {
  torch::manual_seed(2);
  for (at::ScalarType dt : {at::kFloat, at::kDouble, at::kLong, at::kInt}) {
    at::Tensor x = rand_of({4, 6, 5, 3}, dt).permute({0, 2, 1, 3});  // non-contiguous [4, 5, 6, 3]
    const std::vector<std::vector<int64_t>> dim_sets = {{1}, {0, 2}, {-1}, {1, 3}, {}, {0, 1, 2, 3}};
    for (const auto& dims : dim_sets) {
      for (bool keepdim : {false, true}) {
        const std::string what = std::string(c10::toString(dt)) + " dims " + c10::str(dims) + (keepdim ? " keep" : "");
        const std::vector<int64_t> torch_dims = dims.empty() ? std::vector<int64_t>{0, 1, 2, 3} : dims;
        at::Tensor s = x.sum(torch_dims, keepdim);
        TestTensor out = out_like(s);
        Args sum_args;
        sum_args.tensor(from_torch(x.to(s.scalar_type())));
        if (dims.empty()) sum_args.none(); else sum_args.ints(dims);
        sum_args.b(keepdim).none().tensor(out);
        CALL("sum.IntList_out", sum_args);
        expect_match(out, s, "sum " + what, dt == at::kFloat ? 1e-5 : -1);
        at::Tensor mx = x.amax(torch_dims, keepdim);
        TestTensor mo = out_like(mx);
        CALL("amax.out", Args().tensor(from_torch(x)).ints(dims).b(keepdim).tensor(mo));
        expect_match(mo, mx, "amax " + what);
        if (at::isFloatingType(dt)) {
          at::Tensor m = x.mean(torch_dims, keepdim);
          CALL("mean.out", Args().tensor(from_torch(x)).ints(dims).b(keepdim).none().tensor(out));
          expect_match(out, m, "mean " + what, 1e-5);
          at::Tensor v = torch::var(x, at::OptionalIntArrayRef(torch_dims), 0, keepdim);
          TestTensor vo = out_like(v);
          Args var_args;
          var_args.tensor(from_torch(x));
          if (dims.empty()) var_args.none(); else var_args.ints(dims);
          var_args.i(0).b(keepdim).tensor(vo);
          CALL("var.correction_out", var_args);
          expect_match(vo, v, "var " + what, 1e-5);
        }
      }
    }
    for (int64_t dim : {0, 1, -1}) {
      auto [values, indices] = x.max(dim, false);
      TestTensor vo = out_like(values), io = out_like(indices);
      CALL("max.dim_max", Args().tensor(from_torch(x)).i(dim).b(false).tensor(vo).tensor(io));
      expect_match(vo, values, "max.dim values");
      expect_match(io, indices, "max.dim indices");
      at::Tensor am = x.argmin(dim, true);
      TestTensor ao = out_like(am);
      CALL("argmin.out", Args().tensor(from_torch(x)).i(dim).b(true).tensor(ao));
      expect_match(ao, am, "argmin");
      at::Tensor p = x.prod(dim, false);
      TestTensor po = out_like(p);
      CALL("prod.int_out", Args().tensor(from_torch(x.to(p.scalar_type()))).i(dim).b(false).none().tensor(po));
      expect_match(po, p, "prod", 1e-5);
      at::Tensor any = x.gt(1).any(dim);
      TestTensor yo = out_like(any);
      CALL("any.dims_out", Args().tensor(from_torch(x.gt(1))).ints({dim}).b(false).tensor(yo));
      expect_match(yo, any, "any");
    }
  }
}

TEST(CpuTorchParity, SoftmaxMatmulConvNorm) {
  torch::manual_seed(3);
  at::Tensor x = rand_of({3, 8, 5}, at::kFloat) * 10;
  for (int64_t dim : {0, 1, 2}) {
    at::Tensor s = torch::_softmax(x, dim, false), l = torch::_log_softmax(x, dim, false);
    TestTensor so = out_like(s), lo = out_like(l);
    CALL("_softmax.out", Args().tensor(from_torch(x)).i(dim).b(false).tensor(so));
    CALL("_log_softmax.out", Args().tensor(from_torch(x)).i(dim).b(false).tensor(lo));
    expect_match(so, s, "softmax", 1e-5);
    expect_match(lo, l, "log_softmax", 1e-5);
  }
  for (at::ScalarType dt : {at::kFloat, at::kDouble, at::kLong}) {
    at::Tensor a = rand_of({33, 20}, dt), b = rand_of({17, 20}, dt).t(), bias = rand_of({17}, dt);
    at::Tensor r = torch::addmm(bias, a, b, 2, 3);
    TestTensor out = out_like(r);
    CALL("addmm.out", Args().tensor(from_torch(bias.expand({33, 17}))).tensor(from_torch(a)).tensor(from_torch(b)).i(2).i(3).tensor(out));
    expect_match(out, r, std::string("addmm ") + c10::toString(dt), dt == at::kFloat ? 1e-4 : -1);
  }
  struct Conv { std::vector<int64_t> in, w, stride, pad, dil; int64_t groups; };
  const std::vector<Conv> convs = {{{2, 4, 11, 9}, {6, 2, 3, 3}, {2, 1}, {1, 2}, {1, 2}, 2},
                                   {{1, 3, 8, 8}, {5, 3, 1, 1}, {1}, {0}, {1}, 1},
                                   {{2, 3, 7, 10}, {4, 3, 5, 2}, {3}, {2, 0}, {1}, 1}};
  for (at::ScalarType dt : {at::kFloat, at::kDouble}) {
    for (const Conv& c : convs) {
      at::Tensor in = rand_of(c.in, dt), w = rand_of(c.w, dt), bias = rand_of({c.w[0]}, dt);
      at::Tensor r = torch::conv2d(in, w, bias, c.stride, c.pad, c.dil, c.groups);
      TestTensor out = out_like(r);
      CALL("convolution.out", Args().tensor(from_torch(in)).tensor(from_torch(w)).tensor(from_torch(bias)).ints(c.stride)
                                  .ints(c.pad).ints(c.dil).b(false).ints({0}).i(c.groups).tensor(out));
      expect_match(out, r, "conv2d", dt == at::kFloat ? 1e-4 : -1);
    }
  }
  at::Tensor in = rand_of({4, 3, 5, 2}, at::kFloat), w = rand_of({3}, at::kFloat), b = rand_of({3}, at::kFloat);
  at::Tensor rm = rand_of({3}, at::kFloat), rv = rand_of({3}, at::kFloat, 0.5, 2);
  for (bool training : {true, false}) {
    auto [o, sm, si] = torch::native_batch_norm(in, w, b, rm.clone(), rv.clone(), training, 0.1, 1e-5);
    TestTensor oo = out_like(o), smo = out_like(sm), sio = out_like(si);
    CALL("native_batch_norm.out", Args().tensor(from_torch(in)).tensor(from_torch(w)).tensor(from_torch(b)).tensor(from_torch(rm))
                                      .tensor(from_torch(rv)).b(training).d(0.1).d(1e-5).tensor(oo).tensor(smo).tensor(sio));
    expect_match(oo, o, "batch_norm out", 1e-5);
    if (training) {
      expect_match(smo, sm, "batch_norm mean", 1e-5);
      expect_match(sio, si, "batch_norm invstd", 1e-5);
    }
  }
  at::Tensor lw = rand_of({5, 2}, at::kFloat);
  auto [lo, lm, lr] = torch::native_layer_norm(in, {5, 2}, lw, c10::nullopt, 1e-5);
  TestTensor loo = out_like(lo), lmo = out_like(lm), lro = out_like(lr);
  CALL("native_layer_norm.out", Args().tensor(from_torch(in)).ints({5, 2}).tensor(from_torch(lw)).none().d(1e-5).tensor(loo)
                                    .tensor(lmo).tensor(lro));
  expect_match(loo, lo, "layer_norm out", 1e-5);
  expect_match(lmo, lm, "layer_norm mean", 1e-5);
  expect_match(lro, lr, "layer_norm rstd", 1e-5);
}

// Max pooling over rows wide enough for the float32 vector loop (stride 1 and 2, vec_kernels.h
// max_tap) and its overlapping last vector, beside the plain loop (stride 3): values and flat
// indices as libtorch's, with ties (the first maximum stays), NaNs (a later NaN wins) and -inf.
TEST(CpuTorchParity, MaxPoolingOnWideRows) {
  torch::manual_seed(5);
  for (int64_t width : {53, 54, 112}) {
    at::Tensor x = (rand_of({2, 3, 7, width}, at::kFloat) * 4).round();  // ties everywhere
    x.index_put_({0, 1, 2, 17}, std::nan(""));
    x.index_put_({0, 1, 2, 18}, std::nan(""));
    x.index_put_({1, 2, 6, width - 1}, std::nan(""));  // the input's last element
    x.index_put_({1, 0, 4}, -std::numeric_limits<float>::infinity());  // a whole row of -inf
    struct Window {
      int64_t k, s, p, d;
      bool ceil;
    };
    for (const Window& w : {Window{3, 1, 1, 1, false}, Window{3, 2, 1, 1, false}, Window{2, 2, 0, 1, false},
                            Window{3, 2, 1, 1, true}, Window{3, 3, 1, 1, false}, Window{3, 1, 1, 2, false},
                            Window{1, 2, 0, 1, true}}) {
      auto [o, i] = torch::max_pool2d_with_indices(x, {w.k, w.k}, {w.s, w.s}, {w.p, w.p}, {w.d, w.d}, w.ceil);
      TestTensor oo = out_like(o), io = out_like(i);
      CALL("max_pool2d_with_indices.out",
           Args().tensor(from_torch(x)).ints({w.k}).ints({w.s}).ints({w.p}).ints({w.d}).b(w.ceil).tensor(oo).tensor(io));
      const std::string what = "width " + std::to_string(width) + ", kernel " + std::to_string(w.k) + ", stride " +
                               std::to_string(w.s) + ", padding " + std::to_string(w.p) + ", dilation " + std::to_string(w.d);
      expect_match(oo, o, "max_pool2d " + what);
      expect_match(io, i, "max_pool2d indices " + what);
    }
  }
}

TEST(CpuTorchParity, PoolingIndexingFactories) {
  torch::manual_seed(4);
  at::Tensor x = rand_of({2, 3, 9, 8}, at::kFloat);
  x.index_put_({0, 0, 3, 3}, std::nan(""));  // row 3: sampled by the dilated windows below
  for (bool ceil : {false, true}) {
    auto [o, i] = torch::max_pool2d_with_indices(x, {3, 2}, {2, 2}, {1, 1}, {2, 1}, ceil);
    TestTensor oo = out_like(o), io = out_like(i);
    CALL("max_pool2d_with_indices.out", Args().tensor(from_torch(x)).ints({3, 2}).ints({2, 2}).ints({1}).ints({2, 1}).b(ceil).tensor(oo).tensor(io));
    expect_match(oo, o, "max_pool2d");
    expect_match(io, i, "max_pool2d indices");
    for (bool include_pad : {false, true}) {
      for (int divisor : {0, 7}) {
        at::Tensor a = torch::avg_pool2d(x.nan_to_num(), {3, 3}, {2, 3}, {1, 1}, ceil, include_pad,
                                         divisor ? c10::optional<int64_t>(divisor) : c10::nullopt);
        TestTensor ao = out_like(a);
        Args args;
        args.tensor(from_torch(x.nan_to_num())).ints({3}).ints({2, 3}).ints({1, 1}).b(ceil).b(include_pad);
        if (divisor) args.i(divisor); else args.none();
        CALL("avg_pool2d.out", args.tensor(ao));
        expect_match(ao, a, "avg_pool2d", 1e-5);
      }
    }
  }
  at::Tensor ad = torch::_adaptive_avg_pool2d(x.nan_to_num(), {4, 3});
  TestTensor ado = out_like(ad);
  CALL("_adaptive_avg_pool2d.out", Args().tensor(from_torch(x.nan_to_num())).ints({4, 3}).tensor(ado));
  expect_match(ado, ad, "adaptive_avg_pool2d", 1e-5);

  at::Tensor src = rand_of({4, 5}, at::kLong, 0, 100), idx = torch::randint(0, 4, {3, 5}, torch::kLong);
  at::Tensor g = torch::gather(src, 0, idx);
  TestTensor go = out_like(g);
  CALL("gather.out", Args().tensor(from_torch(src)).i(0).tensor(from_torch(idx)).b(false).tensor(go));
  expect_match(go, g, "gather");
  at::Tensor self = rand_of({4, 5}, at::kLong, 0, 100);
  at::Tensor sa = self.clone().scatter_add_(0, idx, src.slice(0, 0, 3));
  TestTensor st = from_torch(self.clone());
  CALL("scatter_add_", Args().tensor(st).i(0).tensor(from_torch(idx)).tensor(from_torch(src.slice(0, 0, 3))));
  expect_match(st, sa, "scatter_add_");
  at::Tensor sel = torch::index_select(src, 1, torch::tensor({4, 0, 4}, torch::kInt));
  TestTensor so = out_like(sel);
  CALL("index_select.out", Args().tensor(from_torch(src)).i(1).tensor(from_torch(torch::tensor({4, 0, 4}, torch::kInt))).tensor(so));
  expect_match(so, sel, "index_select");
  at::Tensor c = torch::cat({src, src.t().slice(0, 0, 2).t()}, 1);
  TestTensor co = out_like(c);
  CALL("cat.out", Args().tensors({from_torch(src), from_torch(src.t().slice(0, 0, 2).t())}).i(-1).tensor(co));
  expect_match(co, c, "cat");
  // Integer linspace is left out: libtorch's vectorized path truncates differently for int32 and
  // int64 (e.g. element 6 of linspace(-3, 7, 13) is 1 for int32, though the formula gives 2.0).
  for (at::ScalarType dt : {at::kFloat, at::kDouble, at::kHalf}) {
    at::Tensor l = torch::linspace(-3, 7.5, 13, dt);
    TestTensor lo = out_like(l);
    CALL("linspace.out", Args().d(-3).d(7.5).i(13).tensor(lo));
    expect_match(lo, l, std::string("linspace ") + c10::toString(dt), at::isFloatingType(dt) ? 1e-6 : 0);
    at::Tensor ar = torch::arange(-2.5, 4, 0.7, dt);
    TestTensor aro = out_like(ar);
    CALL("arange.start_out", Args().d(-2.5).d(4).d(0.7).tensor(aro));
    expect_match(aro, ar, "arange", 1e-6);  // PyTorch's vectorized arange rounds a little differently
  }
}

// Float32 accuracy at least as good as libtorch's: 16M values of mixed magnitude (s m 10^e,
// e in [-6, 6]), the error of sum / mean / var against long double, ember's vs libtorch's.
TEST(CpuTorchParity, ReductionAccuracyAtLeastLibtorchs) {
  const int64_t n = int64_t(16) << 20;
  torch::manual_seed(20261206);
  at::Tensor sign = torch::randint(0, 2, {n}, torch::kFloat) * 2 - 1;
  at::Tensor x = (sign * (torch::rand({n}) * 9 + 1) * torch::pow(10.0, torch::randint(-6, 7, {n}, torch::kFloat))).contiguous();
  TestTensor ex({n}, EMBER_DTYPE_FLOAT32);
  std::memcpy(ex.data(), x.data_ptr<float>(), static_cast<size_t>(n) * sizeof(float));
  const float* p = x.data_ptr<float>();
  long double exact = 0;
  for (int64_t i = 0; i < n; ++i) exact += p[i];
  const long double mean = exact / n;
  long double m2 = 0;
  for (int64_t i = 0; i < n; ++i) m2 += (p[i] - mean) * (p[i] - mean);
  struct Case {
    const char* op;
    long double want;
    at::Tensor torch_result;
  };
  const Case cases[] = {{"sum", exact, torch::sum(x)}, {"mean", mean, torch::mean(x)}, {"var", m2 / (n - 1), torch::var(x)}};
  for (const Case& c : cases) {
    TestTensor out({}, EMBER_DTYPE_FLOAT32);
    const std::string name = c.op;
    const std::string op = name == "var" ? "var.correction_out" : name == "sum" ? "sum.IntList_out" : "mean.out";
    if (name == "var") CALL(op, Args().tensor(ex).none().none().b(false).tensor(out));
    else CALL(op, Args().tensor(ex).none().b(false).none().tensor(out));
    const double ember_error = std::fabs(static_cast<double>(out.get_linear<float>(0) - c.want));
    const double torch_error = std::fabs(static_cast<double>(c.torch_result.item<float>() - c.want));
    // The float32 result's own rounding is the floor neither library can go below.
    const double rounding = 0.5 * std::fabs(static_cast<double>(c.want)) * std::numeric_limits<float>::epsilon();
    EXPECT_LE(ember_error, std::max(torch_error, rounding))
        << c.op << ": ember " << out.get_linear<float>(0) << ", libtorch " << c.torch_result.item<float>() << ", exact "
        << static_cast<double>(c.want);
    ::testing::Test::RecordProperty(std::string(c.op) + "_errors", std::to_string(ember_error) + " vs libtorch " + std::to_string(torch_error));
  }
}

}  // namespace
}  // namespace ember_test
