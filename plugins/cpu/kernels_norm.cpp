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
// Stateless kernels; thread-safe.
#include <cmath>
#include <vector>

#include "cpu_plugin.h"
#include "lane_reduce.h"
#include "tensor_utils.h"

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
  using Acc = norm_acc_t<T>;
  const Acc scale = static_cast<Acc>(scale_d), shift = static_cast<Acc>(shift_d);
  for (int64_t i = 0; i < len; ++i) y[i] = static_cast<T>(static_cast<Acc>(x[i]) * scale + shift);
}

// native_batch_norm.out (input 0, weight 1, bias 2, running_mean 3, running_var 4, training 5,
// momentum 6, eps 7, out 8, save_mean 9, save_invstd 10).
void batch_norm(KernelArgs& a) {
  TensorView input = a.tensor(0), out = a.tensor(8);
  std::optional<TensorView> weight = a.optional_tensor(1), bias = a.optional_tensor(2);
  std::optional<TensorView> running_mean = a.optional_tensor(3), running_var = a.optional_tensor(4);
  const bool training = a.bool_(5);
  const double eps = a.double_(7);
  EMBER_SDK_CHECK(input.ndim() >= 2, EMBER_ERROR_VALUE, "expected input with at least 2 dims, got ", input.ndim());
  const int64_t n = input.size(0), channels = input.size(1);
  const int64_t spatial = product(input.sizes().data(), 2, input.ndim());
  EMBER_SDK_CHECK(training || (running_mean && running_var), EMBER_ERROR_VALUE,
                  "running_mean and running_var must be defined in evaluation mode");
  std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  std::vector<double> b = bias ? to_double_vector(*bias) : std::vector<double>();
  std::vector<double> mean(static_cast<size_t>(channels)), invstd(static_cast<size_t>(channels));
  if (!training) {
    mean = to_double_vector(*running_mean);
    std::vector<double> var = to_double_vector(*running_var);
    for (int64_t c = 0; c < channels; ++c) invstd[c] = 1.0 / std::sqrt(var[c] + eps);
  }
  if (input.numel() == 0) return;
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
    store_double_vector(a.tensor(9), mean);
    store_double_vector(a.tensor(10), invstd);
  }
}

// native_layer_norm.out (input 0, normalized_shape 1, weight 2, bias 3, eps 4, out0 5, mean 6,
// rstd 7).
void layer_norm(KernelArgs& a) {
  TensorView input = a.tensor(0), out = a.tensor(5);
  IntList normalized = a.int_list(1);
  std::optional<TensorView> weight = a.optional_tensor(2), bias = a.optional_tensor(3);
  const double eps = a.double_(4);
  const int64_t axis = input.ndim() - normalized.size();
  EMBER_SDK_CHECK(axis >= 0, EMBER_ERROR_VALUE, "normalized_shape has more dims than the input");
  const int64_t rows = product(input.sizes().data(), 0, axis);
  const int64_t len = product(input.sizes().data(), axis, input.ndim());
  std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  std::vector<double> b = bias ? to_double_vector(*bias) : std::vector<double>();
  std::vector<double> mean(static_cast<size_t>(rows)), rstd(static_cast<size_t>(rows));
  if (rows == 0) return;
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
  store_double_vector(a.tensor(6), mean);
  store_double_vector(a.tensor(7), rstd);
}

}  // namespace

void register_norm_kernels(Registrar& reg) {
  reg.kernel("native_batch_norm.out", kDevice, kFloatingDTypes, batch_norm);
  reg.kernel("native_layer_norm.out", kDevice, kFloatingDTypes, layer_norm);
}

}  // namespace ember_cpu
