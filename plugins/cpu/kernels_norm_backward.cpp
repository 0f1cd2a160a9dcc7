// Backward of normalization, as PyTorch's CPU kernels compute it:
//
// native_batch_norm_backward, per channel c over its n = N * spatial elements (sums in float
// lanes flushed to double, lane_reduce.h), with mean and invstd the saved batch statistics
// (train) or the running ones (eval: invstd = 1 / sqrt(running_var + eps)) and w the weight (1
// without one):
//   sum = sum(grad), dot = sum((x - mean) * grad)
//   grad_input  = train: (grad - sum / n - (x - mean) * dot * invstd^2 / n) * invstd * w
//                 eval:  grad * invstd * w
//   grad_weight = dot * invstd,  grad_bias = sum
// Channels run in parallel; each channel's sums are taken in one fixed order.
//
// native_layer_norm_backward, per row r of the M x N view (N = the normalized elements), with
// mean, rstd the forward's statistics and g = grad * w (sums in double):
//   ds = sum(g * x), db = sum(g)
//   grad_input = rstd * g + b * x + c,  b = (db * mean - ds) * rstd^3 / N,  c = -b * mean - db * rstd / N
//   grad_weight[j] = sum_r grad * (x - mean) * rstd,  grad_bias[j] = sum_r grad
// Rows run in parallel for grad_input; column blocks in parallel for grad_weight / grad_bias.
//
// Outputs that output_mask switches off have shape [0] and are not touched.
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

template <typename T>
inline double as_double(T v) {
  return static_cast<double>(static_cast<ember::sdk::compute_t<T>>(v));
}

// The three masked outputs of a backward op: output i is wanted when the mask says so.
struct Masked {
  bool wanted[3];
};
Masked read_mask(KernelArgs& a, int index) {  // 3 elements (meta checked)
  IntList mask = a.int_list(index);
  return Masked{{mask[0] != 0, mask[1] != 0, mask[2] != 0}};
}

// sum(g) and sum((x - mean) * g) over `rows` runs of `len` elements `stride` apart.
template <typename T>
void channel_sums(const T* g, const T* x, int64_t rows, int64_t len, int64_t stride, double mean, bool want_dot,
                  double* sum_out, double* dot_out) {
  if (want_dot) {
    lane_sum_and_dot(g, x, rows, len, stride, mean, sum_out, dot_out);
  } else {
    *sum_out = lane_sum(g, rows, len, stride);
    *dot_out = 0;
  }
}

// native_batch_norm_backward.out.
void batch_norm_backward(KernelArgs& a) {
  using Op = ops::native_batch_norm_backward_out;
  TensorView grad = a.tensor(Op::grad_out), input = a.tensor(Op::input);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const bool train = a.bool_(Op::train);
  const double eps = a.double_(Op::eps);
  const Masked mask = read_mask(a, Op::output_mask);
  // Meta checked: input of 2 or more dims; save_mean/save_invstd (train) or the running
  // statistics (eval) defined.
  const int64_t n = input.size(0), channels = input.size(1);
  const int64_t spatial = product(input.sizes().data(), 2, input.ndim());
  const double count = static_cast<double>(n * spatial);
  std::vector<double> mean, invstd;
  if (train) {
    std::optional<TensorView> save_mean = a.optional_tensor(Op::save_mean), save_invstd = a.optional_tensor(Op::save_invstd);
    mean = to_double_vector(*save_mean);
    invstd = to_double_vector(*save_invstd);
  } else {
    std::optional<TensorView> running_mean = a.optional_tensor(Op::running_mean), running_var = a.optional_tensor(Op::running_var);
    mean = to_double_vector(*running_mean);
    invstd = to_double_vector(*running_var);
    for (double& v : invstd) v = 1.0 / std::sqrt(v + eps);
  }
  const std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  std::vector<double> grad_weight(mask.wanted[1] ? channels : 0), grad_bias(mask.wanted[2] ? channels : 0);
  const bool need_sums = mask.wanted[1] || mask.wanted[2] || (mask.wanted[0] && train);
  const bool need_dot = mask.wanted[1] || (mask.wanted[0] && train);
  if (channels > 0 && (need_sums || mask.wanted[0])) {
    ember::sdk::dispatch<kFloatingDTypes>(input.dtype(), "native_batch_norm_backward", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using Acc = norm_acc_t<T>;
      DenseInput<T> g(grad), x(input);
      std::optional<DenseOutput<T>> gi;
      if (mask.wanted[0]) gi.emplace(a.tensor(Op::out0));
      const int64_t work = std::max<int64_t>(1, n * spatial * (mask.wanted[0] ? 3 : 2));
      parallel_for(0, channels, std::max<int64_t>(1, kGrainSize / work), [&](int64_t cb, int64_t ce) {
        for (int64_t c = cb; c < ce; ++c) {
          const T* gc = g.data() + c * spatial;
          const T* xc = x.data() + c * spatial;
          const int64_t stride = channels * spatial;
          double sum = 0, dot = 0;
          if (need_sums) channel_sums(gc, xc, n, spatial, stride, mean[c], need_dot, &sum, &dot);
          if (mask.wanted[1]) grad_weight[c] = dot * invstd[c];
          if (mask.wanted[2]) grad_bias[c] = sum;
          if (!mask.wanted[0]) continue;
          const double scale = invstd[c] * (w.empty() ? 1.0 : w[c]);
          T* out = gi->data() + c * spatial;
          if (train) {
            // grad_input = grad * scale - (sum / n) * scale - (x - mean) * (dot * invstd^2 / n) * scale
            const double k = dot * invstd[c] * invstd[c] / count;
            const Acc a_x = static_cast<Acc>(-k * scale);
            const Acc a_g = static_cast<Acc>(scale);
            const Acc shift = static_cast<Acc>((mean[c] * k - sum / count) * scale);
            for (int64_t r = 0; r < n; ++r) {
              const T* gr = gc + r * stride;
              const T* xr = xc + r * stride;
              T* o = out + r * stride;
              for (int64_t i = 0; i < spatial; ++i)
                o[i] = static_cast<T>(static_cast<Acc>(gr[i]) * a_g + static_cast<Acc>(xr[i]) * a_x + shift);
            }
          } else {
            const Acc s = static_cast<Acc>(scale);
            for (int64_t r = 0; r < n; ++r) {
              const T* gr = gc + r * stride;
              T* o = out + r * stride;
              for (int64_t i = 0; i < spatial; ++i) o[i] = static_cast<T>(static_cast<Acc>(gr[i]) * s);
            }
          }
        }
      });
      if (gi) gi->commit();
    });
  }
  if (mask.wanted[1]) store_double_vector(a.tensor(Op::out1), grad_weight);
  if (mask.wanted[2]) store_double_vector(a.tensor(Op::out2), grad_bias);
}

// native_layer_norm_backward.out.
void layer_norm_backward(KernelArgs& a) {
  using Op = ops::native_layer_norm_backward_out;
  TensorView grad = a.tensor(Op::grad_out), input = a.tensor(Op::input);
  IntList normalized = a.int_list(Op::normalized_shape);
  std::optional<TensorView> weight = a.optional_tensor(Op::weight);
  const Masked mask = read_mask(a, Op::output_mask);
  const int64_t axis = input.ndim() - normalized.size();  // >= 0: meta matched the trailing dims
  const int64_t rows = product(input.sizes().data(), 0, axis);
  const int64_t len = product(input.sizes().data(), axis, input.ndim());
  const std::vector<double> mean = to_double_vector(a.tensor(Op::mean)), rstd = to_double_vector(a.tensor(Op::rstd));
  const std::vector<double> w = weight ? to_double_vector(*weight) : std::vector<double>();
  ember::sdk::dispatch<kFloatingDTypes>(input.dtype(), "native_layer_norm_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = norm_acc_t<T>;
    DenseInput<T> g(grad), x(input);
    if (mask.wanted[0] && rows * len > 0) {
      DenseOutput<T> gi(a.tensor(Op::out0));
      std::vector<Acc> w_acc(w.begin(), w.end());
      parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, len)), [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; ++r) {
          const T* gr = g.data() + r * len;
          const T* xr = x.data() + r * len;
          double ds = 0, db = 0;
          for (int64_t j = 0; j < len; ++j) {
            const double gw = as_double(gr[j]) * (w.empty() ? 1.0 : w[j]);
            ds += gw * as_double(xr[j]);
            db += gw;
          }
          const double s = rstd[r];
          const double b = (db * mean[r] - ds) * s * s * s / static_cast<double>(len);
          const double c = -b * mean[r] - db * s / static_cast<double>(len);
          const Acc s_acc = static_cast<Acc>(s), b_acc = static_cast<Acc>(b), c_acc = static_cast<Acc>(c);
          T* o = gi.data() + r * len;
          if (w_acc.empty()) {
            for (int64_t j = 0; j < len; ++j)
              o[j] = static_cast<T>(s_acc * static_cast<Acc>(gr[j]) + b_acc * static_cast<Acc>(xr[j]) + c_acc);
          } else {
            for (int64_t j = 0; j < len; ++j)
              o[j] = static_cast<T>(s_acc * static_cast<Acc>(gr[j]) * w_acc[j] + b_acc * static_cast<Acc>(xr[j]) + c_acc);
          }
        }
      });
      gi.commit();
    }
    if (!mask.wanted[1] && !mask.wanted[2]) return;
    // Column blocks in parallel; every column sums its rows in order.
    std::vector<double> gw(mask.wanted[1] ? len : 0), gb(mask.wanted[2] ? len : 0);
    constexpr int64_t kColumns = 256;
    const int64_t blocks = (len + kColumns - 1) / kColumns;
    parallel_for(0, blocks, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, rows * kColumns)), [&](int64_t bb, int64_t be) {
      for (int64_t blk = bb; blk < be; ++blk) {
        const int64_t j0 = blk * kColumns, j1 = std::min(len, j0 + kColumns);
        for (int64_t r = 0; r < rows; ++r) {
          const T* gr = g.data() + r * len;
          const T* xr = x.data() + r * len;
          const double m = mean[r], s = rstd[r];
          for (int64_t j = j0; j < j1; ++j) {
            const double gv = as_double(gr[j]);
            if (mask.wanted[1]) gw[j] += gv * (as_double(xr[j]) - m) * s;
            if (mask.wanted[2]) gb[j] += gv;
          }
        }
      }
    });
    if (mask.wanted[1]) store_double_vector(a.tensor(Op::out1), gw);
    if (mask.wanted[2]) store_double_vector(a.tensor(Op::out2), gb);
  });
}

}  // namespace

void register_norm_backward_kernels(Registrar& reg) {
  reg.kernel<ops::native_batch_norm_backward_out>(kDevice, kFloatingDTypes, batch_norm_backward);
  reg.kernel<ops::native_layer_norm_backward_out>(kDevice, kFloatingDTypes, layer_norm_backward);
}

}  // namespace ember_cpu
