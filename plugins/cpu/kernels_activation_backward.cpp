// Backward of the activations and of softmax:
//   threshold_backward  grad where self > threshold, else 0 (relu's backward, threshold 0); every
//                       dtype but bool
//   gelu_backward       grad * (Phi(x) + x * phi(x)), or the derivative of the tanh approximation
//   silu_backward       grad * s * (1 + x * (1 - s)), s = sigmoid(x)
//   sigmoid_backward    grad * (1 - y) * y, from sigmoid's output y
//   tanh_backward       grad * (1 - y * y), from tanh's output y
//   _softmax_backward_data      y * (grad - sum(grad * y))   over dim
//   _log_softmax_backward_data  grad - exp(y) * sum(grad)    over dim
// The formulas are PyTorch's CPU kernels'. The core broadcast and cast the pointwise operands;
// 16-bit floats are computed in float. Softmax sums accumulate with the
// forward kernel's [outer, D, inner] blocking, in double (y * (g - sum) cancels). float32,
// float16 and bfloat16 run the vector kernels (vec/) for gelu, silu, sigmoid and tanh, and for
// float32 softmax rows.
//
// Stateless kernels; thread-safe.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "cpu_plugin.h"
#include "vector_math.h"
#include "tensor_utils.h"
#include "vec/vec_loops.h"

namespace ember_cpu {
namespace {

using ember::sdk::kAllButBool;
using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

// grad_input = f(grad_output, x) over two same-shape operands; x (argument `x_index`) is the
// forward's input or output.
template <typename Op, uint32_t Mask, typename MakeF>
void binary_backward(KernelArgs& a, int x_index, const char* name, const MakeF& make_f) {
  TensorView out = a.tensor(Op::grad_input);
  ember::sdk::dispatch<Mask>(out.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = typename decltype(tag)::compute;
    auto f = make_f(tag);
    pointwise<T, T, T>(out, {a.tensor(Op::grad_output), a.tensor(x_index)},
                       [f](T g, T x) { return static_cast<T>(f(C(g), C(x))); });
  });
}

void threshold_backward(KernelArgs& a) {
  using Op = ops::threshold_backward_grad_input;
  const ember::sdk::Scalar threshold = a.scalar(Op::threshold);
  binary_backward<Op, kAllButBool>(a, Op::self, "threshold_backward", [&](auto tag) {
    using C = typename decltype(tag)::compute;
    const C th = threshold.to<C>();
    return [th](C g, C x) -> C { return x <= th ? C(0) : g; };
  });
}

// approximate is "none" or "tanh" (meta checked it).
void gelu_backward(KernelArgs& a) {
  using Op = ops::gelu_backward_grad_input;
  const bool use_tanh = a.str(Op::approximate) == "tanh";
  if (vec_binary(a.tensor(Op::grad_input), a.tensor(Op::grad_output), a.tensor(Op::self),
                 use_tanh ? vec().gelu_tanh_backward : vec().gelu_backward, kVecMathGrain))
    return;
  binary_backward<Op, kFloatingDTypes>(a, Op::self, "gelu_backward", [use_tanh](auto tag) {
    using C = typename decltype(tag)::compute;
    return [use_tanh](C g, C x) -> C {
      if (use_tanh) {
        const C kBeta = C(M_SQRT2 * M_2_SQRTPI * 0.5);
        const C kKappa = C(0.044715);
        const C x_sq = x * x;
        const C inner = kBeta * (x + kKappa * x_sq * x);
        const C t = std::tanh(inner);
        const C left_derivative = C(0.5) * (C(1) + t);
        const C right_derivative = C(0.5) * x * (C(1) - t * t) * kBeta * (C(1) + C(3) * kKappa * x_sq);
        return g * (left_derivative + right_derivative);
      }
      const C kAlpha = C(M_SQRT1_2);
      const C kBeta = C(M_2_SQRTPI * M_SQRT1_2 * 0.5);  // 1 / sqrt(2 pi)
      const C cdf = C(0.5) * (C(1) + std::erf(x * kAlpha));
      const C pdf = kBeta * std::exp(C(-0.5) * x * x);
      return g * (cdf + x * pdf);
    };
  });
}

void silu_backward(KernelArgs& a) {
  using Op = ops::silu_backward_grad_input;
  if (vec_binary(a.tensor(Op::grad_input), a.tensor(Op::grad_output), a.tensor(Op::self), vec().silu_backward,
                 kVecMathGrain))
    return;
  binary_backward<Op, kFloatingDTypes>(a, Op::self, "silu_backward", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C g, C x) -> C {
      const C s = C(1) / (C(1) + std::exp(-x));
      return g * s * (C(1) + x * (C(1) - s));
    };
  });
}

void sigmoid_backward(KernelArgs& a) {
  using Op = ops::sigmoid_backward_grad_input;
  if (vec_binary(a.tensor(Op::grad_input), a.tensor(Op::grad_output), a.tensor(Op::output), vec().sigmoid_backward,
                 kGrainSize))
    return;
  binary_backward<Op, kFloatingDTypes>(a, Op::output, "sigmoid_backward", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C g, C y) -> C { return g * (C(1) - y) * y; };
  });
}

void tanh_backward(KernelArgs& a) {
  using Op = ops::tanh_backward_grad_input;
  if (vec_binary(a.tensor(Op::grad_input), a.tensor(Op::grad_output), a.tensor(Op::output), vec().tanh_backward,
                 kGrainSize))
    return;
  binary_backward<Op, kFloatingDTypes>(a, Op::output, "tanh_backward", [](auto tag) {
    using C = typename decltype(tag)::compute;
    return [](C g, C y) -> C { return g * (C(1) - y * y); };
  });
}

// grad_input over [outer, D, inner] from grad g and softmax output y (log-softmax output for kLog).
template <typename T, bool kLog>
void softmax_backward_dense(const T* g, const T* y, T* gi, int64_t outer, int64_t dim_size, int64_t inner) {
  using C = ember::sdk::compute_t<T>;
  using S = double;  // the sums: y * (g - sum) cancels, and float sums lose digits over long rows
  if constexpr (std::is_same<T, float>::value) {
    if (inner == 1) {  // rows: the vector kernels' sums (float lanes flushed to double) and maps
      const VecKernels& v = vec();
      parallel_for(0, outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, dim_size)), [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          const float* go = g + o * dim_size;
          const float* yo = y + o * dim_size;
          float* out = gi + o * dim_size;
          if (kLog) v.log_softmax_backward(go, yo, static_cast<float>(v.sum(go, dim_size)), out, dim_size);
          else v.softmax_backward(go, yo, static_cast<float>(v.dot(go, yo, dim_size)), out, dim_size);
        }
      });
      return;
    }
  }
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, dim_size)), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const T* go = g + o * dim_size;
        const T* yo = y + o * dim_size;
        T* out = gi + o * dim_size;
        S total = 0;
        if (kLog) {
          for (int64_t k = 0; k < dim_size; ++k) total += S(C(go[k]));
          const C sum = static_cast<C>(total);
          for (int64_t k = 0; k < dim_size; ++k) out[k] = static_cast<T>(C(go[k]) - std::exp(C(yo[k])) * sum);
        } else {
          for (int64_t k = 0; k < dim_size; ++k) total += S(C(go[k])) * S(C(yo[k]));
          const C sum = static_cast<C>(total);
          for (int64_t k = 0; k < dim_size; ++k) out[k] = static_cast<T>(C(yo[k]) * (C(go[k]) - sum));
        }
      }
    });
    return;
  }
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  parallel_for(0, outer * blocks, std::max<int64_t>(1, kGrainSize / (dim_size * kBlock)), [&](int64_t b, int64_t e) {
    S total[kBlock];
    C sum[kBlock];
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / blocks;
      const int64_t i0 = (u % blocks) * kBlock;
      const int64_t w = std::min(kBlock, inner - i0);
      const int64_t base = o * dim_size * inner + i0;
      const T* go = g + base;
      const T* yo = y + base;
      T* out = gi + base;
      for (int64_t i = 0; i < w; ++i) total[i] = 0;
      for (int64_t k = 0; k < dim_size; ++k)
        for (int64_t i = 0; i < w; ++i)
          total[i] += kLog ? S(C(go[k * inner + i])) : S(C(go[k * inner + i])) * S(C(yo[k * inner + i]));
      for (int64_t i = 0; i < w; ++i) sum[i] = static_cast<C>(total[i]);
      for (int64_t k = 0; k < dim_size; ++k)
        for (int64_t i = 0; i < w; ++i) {
          const int64_t j = k * inner + i;
          out[j] = kLog ? static_cast<T>(C(go[j]) - std::exp(C(yo[j])) * sum[i]) : static_cast<T>(C(yo[j]) * (C(go[j]) - sum[i]));
        }
    }
  });
}

// _softmax_backward_data.out and _log_softmax_backward_data.out.
template <typename Op, bool kLog>
void softmax_backward(KernelArgs& a) {
  TensorView grad = a.tensor(Op::grad_output), output = a.tensor(Op::output), grad_input = a.tensor(Op::grad_input);
  const int64_t ndim = output.ndim();
  const int64_t dim = a.int_(Op::dim);
  const int64_t dim_size = ndim ? output.size(dim) : 1;
  const int64_t outer = ndim ? product(output.sizes().data(), 0, dim) : 1;
  const int64_t inner = ndim ? product(output.sizes().data(), dim + 1, ndim) : 1;
  if (outer * dim_size * inner == 0) return;
  ember::sdk::dispatch<kFloatingDTypes>(grad_input.dtype(), kLog ? "_log_softmax_backward_data" : "_softmax_backward_data",
                                        [&](auto tag) {
                                          using T = typename decltype(tag)::type;
                                          DenseInput<T> g(grad), y(output);
                                          DenseOutput<T> gi(grad_input);
                                          softmax_backward_dense<T, kLog>(g.data(), y.data(), gi.data(), outer, dim_size, inner);
                                          gi.commit();
                                        });
}

}  // namespace

void register_activation_backward_kernels(Registrar& reg) {
  reg.kernel<ops::threshold_backward_grad_input>(kDevice, kAllButBool, threshold_backward);
  reg.kernel<ops::gelu_backward_grad_input>(kDevice, kFloatingDTypes, gelu_backward);
  reg.kernel<ops::silu_backward_grad_input>(kDevice, kFloatingDTypes, silu_backward);
  reg.kernel<ops::sigmoid_backward_grad_input>(kDevice, kFloatingDTypes, sigmoid_backward);
  reg.kernel<ops::tanh_backward_grad_input>(kDevice, kFloatingDTypes, tanh_backward);
  reg.kernel<ops::_softmax_backward_data_out>(kDevice, kFloatingDTypes, softmax_backward<ops::_softmax_backward_data_out, false>);
  reg.kernel<ops::_log_softmax_backward_data_out>(kDevice, kFloatingDTypes, softmax_backward<ops::_log_softmax_backward_data_out, true>);
}

}  // namespace ember_cpu
