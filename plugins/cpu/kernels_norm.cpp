// Normalization: native_batch_norm (statistics per channel of [N, C, *]) and native_layer_norm
// (statistics per row over the trailing normalized_shape). Statistics are two-pass, summed in
// float lanes flushed to double (double lanes for float64 inputs); the normalization itself runs
// as y = x * scale + shift with per-channel/per-row scale and shift, in float (double for
// float64 inputs).
//
// batch_norm training computes the batch mean and biased variance and saves them (invstd =
// 1 / sqrt(var + eps)); the core, not the kernel, updates running statistics. In eval mode the
// running statistics are used and save_mean / save_invstd (shape [0]) are left alone.
//
// float32 with the `onednn` option on (the default) runs through oneDNN
// batch_normalization_forward ([N, C, S, 1] nchw; training: forward_training with the batch
// mean / biased variance as outputs; eval: use_global_stats with the running statistics) and
// layer_normalization_forward ([rows, len]; mean / biased variance as outputs), weight and bias as
// use_scale / use_shift; save_invstd / rstd = 1 / sqrt(var + eps) computed here in double.
// Primitives are cached by shape, flags, eps and team size; non-contiguous inputs and outputs go
// through dense copies (DenseInput / DenseOutput).
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cpu_plugin.h"
#include "lane_reduce.h"
#include "onednn_utils.h"
#include "tensor_utils.h"
#include "vec/vec_kernels.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

template <typename T>
using norm_acc_t = std::conditional_t<std::is_same<T, double>::value, double, float>;

// Mean and biased variance of `rows` runs of `len` elements spaced `row_stride` apart: two
// passes, summed in float lanes flushed to double (lane_reduce.h).
template <typename T>
void mean_var(const T* x, int64_t rows, int64_t len, int64_t row_stride, double* mean, double* var) {
  const double n = static_cast<double>(rows * len);
  const double m = n > 0 ? lane_sum(x, rows, len, row_stride) / n : 0.0;
  const double sq = lane_sum_squares(x, rows, len, row_stride, m);
  *mean = m;
  *var = n > 0 ? sq / n : 0.0;
}

template <typename T>
void scale_shift(const T* x, T* y, int64_t len, double scale_d, double shift_d) {
  if constexpr (std::is_same<T, float>::value) {
    // float32 in float lanes, as PyTorch's x * alpha + beta (its alpha and beta are floats too;
    // here they are rounded once from double): a memory-bound pass on the widest vectors.
    vec().affine(x, static_cast<float>(scale_d), static_cast<float>(shift_d), y, len);
    return;
  }
  using Acc = norm_acc_t<T>;
  const Acc scale = static_cast<Acc>(scale_d), shift = static_cast<Acc>(shift_d);
  for (int64_t i = 0; i < len; ++i) y[i] = static_cast<T>(static_cast<Acc>(x[i]) * scale + shift);
}

// A cached normalization primitive (batch or layer) with its memory descriptors.
struct OnednnNorm {
  dnnl::memory::desc data_md, stat_md, param_md;
  dnnl::primitive primitive;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnNorm>& norm_cache() {
  static auto* cache = new PrimitiveCache<OnednnNorm>();  // never destroyed (plugin never unloads)
  return *cache;
}

int64_t float_bits(double v) {
  const float f = static_cast<float>(v);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

std::vector<float> to_float_vector(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// Runs a cached normalization primitive: x, y dense; mean / var are outputs when `stats_out`,
// else inputs (use_global_stats); scale / shift optional (nullptr).
void run_norm(const OnednnNorm& p, const float* x, float* y, float* mean, float* var, const float* scale,
              const float* shift) {
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, dnnl::memory(p.data_md, engine, const_cast<float*>(x))},
      {DNNL_ARG_DST, dnnl::memory(p.data_md, engine, y)},
      {DNNL_ARG_MEAN, dnnl::memory(p.stat_md, engine, mean)},
      {DNNL_ARG_VARIANCE, dnnl::memory(p.stat_md, engine, var)},
      {DNNL_ARG_SCRATCHPAD, onednn_scratchpad(0, p.scratchpad_bytes)}};
  if (scale) args.emplace(DNNL_ARG_SCALE, dnnl::memory(p.param_md, engine, const_cast<float*>(scale)));
  if (shift) args.emplace(DNNL_ARG_SHIFT, dnnl::memory(p.param_md, engine, const_cast<float*>(shift)));
  p.primitive.execute(stream, args);
  stream.wait();
}

dnnl::normalization_flags norm_flags(bool global_stats, bool scale, bool shift) {
  using F = dnnl::normalization_flags;
  F f = F::none;
  if (global_stats) f = f | F::use_global_stats;
  if (scale) f = f | F::use_scale;
  if (shift) f = f | F::use_shift;
  return f;
}

// Batch norm of dense [n, c, spatial] float32: training writes the batch mean / biased variance
// to mean / var; eval reads the running statistics from them.
void batch_norm_onednn(const float* x, float* y, int64_t n, int64_t c, int64_t spatial, const float* scale,
                       const float* shift, bool training, double eps, float* mean, float* var) {
  using dnnl::memory;
  const OnednnThreads team(5.0 * n * c * spatial);
  const PrimitiveKey key = {0, team.threads(), n, c, spatial, training, scale != nullptr, shift != nullptr, float_bits(eps)};
  auto prim = norm_cache().get_or_create(key, [&] {
    OnednnNorm p;
    const auto f32 = memory::data_type::f32;
    p.data_md = memory::desc({n, c, spatial, 1}, f32, memory::format_tag::nchw);
    p.stat_md = memory::desc({c}, f32, memory::format_tag::x);
    p.param_md = p.stat_md;
    dnnl::batch_normalization_forward::desc desc(
        training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference, p.data_md,
        static_cast<float>(eps), norm_flags(!training, scale != nullptr, shift != nullptr));
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::batch_normalization_forward::primitive_desc pd(desc, attr, onednn_engine());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::batch_normalization_forward(pd);
    return p;
  });
  run_norm(*prim, x, y, mean, var, scale, shift);
}

// Layer norm of dense [rows, len] float32: the row means / biased variances go to mean / var.
void layer_norm_onednn(const float* x, float* y, int64_t rows, int64_t len, const float* scale, const float* shift,
                       double eps, float* mean, float* var) {
  using dnnl::memory;
  const OnednnThreads team(5.0 * rows * len);
  const PrimitiveKey key = {1, team.threads(), rows, len, scale != nullptr, shift != nullptr, float_bits(eps)};
  auto prim = norm_cache().get_or_create(key, [&] {
    OnednnNorm p;
    const auto f32 = memory::data_type::f32;
    p.data_md = memory::desc({rows, len}, f32, memory::format_tag::ab);
    p.stat_md = memory::desc({rows}, f32, memory::format_tag::a);
    p.param_md = memory::desc({len}, f32, memory::format_tag::a);
    dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_training, p.data_md, p.stat_md,
                                                 static_cast<float>(eps), norm_flags(false, scale != nullptr, shift != nullptr));
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::layer_normalization_forward::primitive_desc pd(desc, attr, onednn_engine());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::layer_normalization_forward(pd);
    return p;
  });
  run_norm(*prim, x, y, mean, var, scale, shift);
}

// native_batch_norm.out.
void batch_norm(KernelArgs& a) {
  using Op = ops::native_batch_norm_out;
  TensorView input = a.tensor(Op::input), out = a.tensor(Op::out);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight), bias = a.optional_tensor(Op::bias);
  std::optional<TensorView> running_mean = a.optional_tensor(Op::running_mean), running_var = a.optional_tensor(Op::running_var);
  const bool training = a.bool_(Op::training);
  const double eps = a.double_(Op::eps);
  // Meta checked: input of 2 or more dims; running statistics defined in evaluation mode.
  const int64_t n = input.size(0), channels = input.size(1);
  const int64_t spatial = product(input.sizes().data(), 2, input.ndim());
  std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  std::vector<double> b = bias ? to_double_vector(*bias) : std::vector<double>();
  std::vector<double> mean(static_cast<size_t>(channels)), invstd(static_cast<size_t>(channels));
  if (!training) {
    mean = to_double_vector(*running_mean);
    std::vector<double> var = to_double_vector(*running_var);
    for (int64_t c = 0; c < channels; ++c) invstd[c] = 1.0 / std::sqrt(var[c] + eps);
  }
  if (input.numel() == 0) return;
  if (input.dtype() == EMBER_DTYPE_FLOAT32 && config().use_onednn && config().use_onednn_batch_norm) {
    DenseInput<float> x(input);
    DenseOutput<float> y(out);
    const std::vector<float> wf = to_float_vector(w), bf = to_float_vector(b);
    std::vector<float> mf(static_cast<size_t>(channels)), vf(static_cast<size_t>(channels));
    if (!training) {
      mf = to_float_vector(mean);
      vf = to_float_vector(to_double_vector(*running_var));
    }
    batch_norm_onednn(x.data(), y.data(), n, channels, spatial, wf.empty() ? nullptr : wf.data(),
                      bf.empty() ? nullptr : bf.data(), training, eps, mf.data(), vf.data());
    y.commit();
    if (training) {
      for (int64_t c = 0; c < channels; ++c) {
        mean[c] = mf[c];
        invstd[c] = 1.0 / std::sqrt(static_cast<double>(vf[c]) + eps);
      }
      store_double_vector(a.tensor(Op::save_mean), mean);
      store_double_vector(a.tensor(Op::save_invstd), invstd);
    }
    return;
  }
  ember::sdk::dispatch<kFloatingDTypes>(input.dtype(), "native_batch_norm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    DenseInput<T> x(input);
    DenseOutput<T> y(out);
    const int64_t work = std::max<int64_t>(1, n * spatial);
    parallel_for(0, channels, std::max<int64_t>(1, kGrainSize / work), [&](int64_t cb, int64_t ce) {
      for (int64_t c = cb; c < ce; ++c) {
        if (training) {
          double var;
          mean_var(x.data() + c * spatial, n, spatial, channels * spatial, &mean[c], &var);
          invstd[c] = 1.0 / std::sqrt(var + eps);
        }
        const double scale = invstd[c] * (w.empty() ? 1.0 : w[c]);
        const double shift = (b.empty() ? 0.0 : b[c]) - mean[c] * scale;
        for (int64_t i = 0; i < n; ++i) {
          const int64_t offset = (i * channels + c) * spatial;
          scale_shift(x.data() + offset, y.data() + offset, spatial, scale, shift);
        }
      }
    });
    y.commit();
  });
  if (training) {
    store_double_vector(a.tensor(Op::save_mean), mean);
    store_double_vector(a.tensor(Op::save_invstd), invstd);
  }
}

// native_layer_norm.out.
void layer_norm(KernelArgs& a) {
  using Op = ops::native_layer_norm_out;
  TensorView input = a.tensor(Op::input), out = a.tensor(Op::out0);
  IntList normalized = a.int_list(Op::normalized_shape);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight), bias = a.optional_tensor(Op::bias);
  const double eps = a.double_(Op::eps);
  const int64_t axis = input.ndim() - normalized.size();  // >= 0: meta matched the trailing dims
  const int64_t rows = product(input.sizes().data(), 0, axis);
  const int64_t len = product(input.sizes().data(), axis, input.ndim());
  std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  std::vector<double> b = bias ? to_double_vector(*bias) : std::vector<double>();
  std::vector<double> mean(static_cast<size_t>(rows)), rstd(static_cast<size_t>(rows));
  if (rows == 0) return;
  if (input.dtype() == EMBER_DTYPE_FLOAT32 && config().use_onednn && len > 0) {
    DenseInput<float> x(input);
    DenseOutput<float> y(out);
    const std::vector<float> wf = to_float_vector(w), bf = to_float_vector(b);
    std::vector<float> mf(static_cast<size_t>(rows)), vf(static_cast<size_t>(rows));
    layer_norm_onednn(x.data(), y.data(), rows, len, wf.empty() ? nullptr : wf.data(), bf.empty() ? nullptr : bf.data(),
                      eps, mf.data(), vf.data());
    y.commit();
    for (int64_t r = 0; r < rows; ++r) {
      mean[r] = mf[r];
      rstd[r] = 1.0 / std::sqrt(static_cast<double>(vf[r]) + eps);
    }
    store_double_vector(a.tensor(Op::out1), mean);
    store_double_vector(a.tensor(Op::out2), rstd);
    return;
  }
  ember::sdk::dispatch<kFloatingDTypes>(input.dtype(), "native_layer_norm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = norm_acc_t<T>;
    DenseInput<T> x(input);
    DenseOutput<T> y(out);
    std::vector<Acc> w_acc(w.begin(), w.end()), b_acc(b.begin(), b.end());
    parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, len)), [&](int64_t rb, int64_t re) {
      for (int64_t r = rb; r < re; ++r) {
        double var;
        mean_var(x.data() + r * len, 1, len, len, &mean[r], &var);
        rstd[r] = 1.0 / std::sqrt(var + eps);
        const T* xr = x.data() + r * len;
        T* yr = y.data() + r * len;
        const Acc m = static_cast<Acc>(mean[r]), s = static_cast<Acc>(rstd[r]);
        for (int64_t i = 0; i < len; ++i) {
          Acc v = (static_cast<Acc>(xr[i]) - m) * s;
          if (!w_acc.empty()) v *= w_acc[i];
          if (!b_acc.empty()) v += b_acc[i];
          yr[i] = static_cast<T>(v);
        }
      }
    });
    y.commit();
  });
  store_double_vector(a.tensor(Op::out1), mean);
  store_double_vector(a.tensor(Op::out2), rstd);
}

}  // namespace

void register_norm_kernels(Registrar& reg) {
  reg.kernel<ops::native_batch_norm_out>(kDevice, kFloatingDTypes, batch_norm);
  reg.kernel<ops::native_layer_norm_out>(kDevice, kFloatingDTypes, layer_norm);
}

}  // namespace ember_cpu
