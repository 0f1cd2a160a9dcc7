// Backward of 2-d pooling over [N, C, H, W] or [C, H, W]:
//   max_pool2d_with_indices_backward  grad_input[plane][indices[o]] += grad_output[o]
//   avg_pool2d_backward               each output's gradient / its divisor, spread over its
//                                     window (the forward's window clipping and divisor rules)
//   _adaptive_avg_pool2d_backward     each output's gradient / kh / kw over its window
// as PyTorch's CPU kernels compute them. Planes (n, c) run in parallel; each plane is written by
// one thread, so the sums are deterministic. 16-bit floats accumulate in a float plane buffer.
//
// oneDNN's pooling backward is not used: its max pooling wants its own workspace instead of
// PyTorch's flat indices, and the loops are memory-bound.
//
// Stateless kernels; thread-safe.
#include <algorithm>
#include <vector>

#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

void pair_of(IntList list, int64_t fallback_h, int64_t fallback_w, int64_t* h, int64_t* w) {
  if (list.empty()) {
    *h = fallback_h;
    *w = fallback_w;
  } else {
    *h = list[0];
    *w = list.size() == 1 ? list[0] : list[1];
  }
}

struct Planes {
  int64_t planes, h, w, oh, ow;
};

Planes planes_of(const TensorView& self, const TensorView& grad_output) {
  const int32_t nd = self.ndim();  // 3 or 4 (meta checked)
  Planes p;
  p.planes = product(self.sizes().data(), 0, nd - 2);
  p.h = self.size(nd - 2);
  p.w = self.size(nd - 1);
  p.oh = grad_output.size(nd - 2);
  p.ow = grad_output.size(nd - 1);
  return p;
}

// Runs body(plane, grad_output plane, grad_input plane in Acc) for every plane, in parallel, and
// stores the Acc planes into grad_input (zero where nothing was added).
template <typename T, typename Acc, typename Body>
void for_each_grad_plane(const Planes& p, const TensorView& grad_output, const TensorView& grad_input, const Body& body) {
  DenseInput<T> go(grad_output);
  DenseOutput<T> gi(grad_input);
  const int64_t plane = p.h * p.w, out_plane = p.oh * p.ow;
  const int64_t work = std::max<int64_t>(1, plane + out_plane);
  parallel_for(0, p.planes, std::max<int64_t>(1, kGrainSize / work), [&](int64_t b, int64_t e) {
    std::vector<Acc> buffer(std::is_same<T, Acc>::value ? 0 : static_cast<size_t>(plane));
    for (int64_t i = b; i < e; ++i) {
      T* out = gi.data() + i * plane;
      Acc* acc = std::is_same<T, Acc>::value ? reinterpret_cast<Acc*>(out) : buffer.data();
      std::fill(acc, acc + plane, Acc(0));
      body(i, go.data() + i * out_plane, acc);
      if (!std::is_same<T, Acc>::value)
        for (int64_t k = 0; k < plane; ++k) out[k] = static_cast<T>(acc[k]);
    }
  });
  gi.commit();
}

template <typename T>
using pool_acc_t = std::conditional_t<ember::sdk::is_floating_v<T>, ember::sdk::compute_t<T>, T>;

// max_pool2d_with_indices_backward.grad_input.
void max_pool2d_backward(KernelArgs& a) {
  using Op = ops::max_pool2d_with_indices_backward_grad_input;
  TensorView grad_output = a.tensor(Op::grad_output), self = a.tensor(Op::self), indices = a.tensor(Op::indices), grad_input = a.tensor(Op::grad_input);
  const Planes p = planes_of(self, grad_output);
  if (grad_input.numel() == 0) return;
  DenseInput<int64_t> idx(indices);
  ember::sdk::dispatch<kFloatingDTypes>(grad_input.dtype(), "max_pool2d_with_indices_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = pool_acc_t<T>;
    const int64_t plane = p.h * p.w, out_plane = p.oh * p.ow;
    for_each_grad_plane<T, Acc>(p, grad_output, grad_input, [&](int64_t i, const T* go, Acc* gi) {
      const int64_t* ix = idx.data() + i * out_plane;
      for (int64_t k = 0; k < out_plane; ++k) {
        const int64_t j = ix[k];
        EMBER_SDK_CHECK(j >= 0 && j < plane, EMBER_ERROR_INDEX, "index ", j, " in indices is out of range for an input plane of ",
                        plane, " elements");
        gi[j] += static_cast<Acc>(go[k]);
      }
    });
  });
}

// avg_pool2d_backward.grad_input.
void avg_pool2d_backward(KernelArgs& a) {
  using Op = ops::avg_pool2d_backward_grad_input;
  TensorView grad_output = a.tensor(Op::grad_output), self = a.tensor(Op::self), grad_input = a.tensor(Op::grad_input);
  int64_t kh, kw, sh, sw, ph, pw;
  pair_of(a.int_list(Op::kernel_size), 1, 1, &kh, &kw);
  pair_of(a.int_list(Op::stride), kh, kw, &sh, &sw);
  pair_of(a.int_list(Op::padding), 0, 0, &ph, &pw);
  const bool count_include_pad = a.bool_(Op::count_include_pad);
  const std::optional<int64_t> divisor_override = a.optional_int(Op::divisor_override);
  // divisor_override is never 0 (meta checked).
  const Planes p = planes_of(self, grad_output);
  if (grad_input.numel() == 0) return;
  ember::sdk::dispatch<kFloatingDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_INT64)>(
      grad_input.dtype(), "avg_pool2d_backward", [&](auto tag) {
        using T = typename decltype(tag)::type;
        using Acc = pool_acc_t<T>;
        for_each_grad_plane<T, Acc>(p, grad_output, grad_input, [&](int64_t, const T* go, Acc* gi) {
          for (int64_t oy = 0; oy < p.oh; ++oy) {
            for (int64_t ox = 0; ox < p.ow; ++ox) {
              int64_t y0 = oy * sh - ph, x0 = ox * sw - pw;
              int64_t y1 = std::min(y0 + kh, p.h + ph), x1 = std::min(x0 + kw, p.w + pw);
              const int64_t pool_size = (y1 - y0) * (x1 - x0);
              y0 = std::max<int64_t>(y0, 0);
              x0 = std::max<int64_t>(x0, 0);
              y1 = std::min(y1, p.h);
              x1 = std::min(x1, p.w);
              if (y0 >= y1 || x0 >= x1) continue;
              const int64_t divisor = divisor_override ? *divisor_override
                                      : count_include_pad ? pool_size
                                                          : (y1 - y0) * (x1 - x0);
              const Acc delta = static_cast<Acc>(go[oy * p.ow + ox]) / static_cast<Acc>(divisor);
              for (int64_t iy = y0; iy < y1; ++iy)
                for (int64_t ix = x0; ix < x1; ++ix) gi[iy * p.w + ix] += delta;
            }
          }
        });
      });
}

// _adaptive_avg_pool2d_backward.out: window i spans [floor(i * H / Ho), ceil((i + 1) * H / Ho)).
void adaptive_avg_pool2d_backward(KernelArgs& a) {
  using Op = ops::_adaptive_avg_pool2d_backward_out;
  TensorView grad_output = a.tensor(Op::grad_output), self = a.tensor(Op::self), grad_input = a.tensor(Op::out);
  const Planes p = planes_of(self, grad_output);
  if (grad_input.numel() == 0) return;
  ember::sdk::dispatch<kFloatingDTypes>(grad_input.dtype(), "_adaptive_avg_pool2d_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = pool_acc_t<T>;
    for_each_grad_plane<T, Acc>(p, grad_output, grad_input, [&](int64_t, const T* go, Acc* gi) {
      for (int64_t oy = 0; oy < p.oh; ++oy) {
        const int64_t y0 = oy * p.h / p.oh, y1 = ((oy + 1) * p.h + p.oh - 1) / p.oh;
        for (int64_t ox = 0; ox < p.ow; ++ox) {
          const int64_t x0 = ox * p.w / p.ow, x1 = ((ox + 1) * p.w + p.ow - 1) / p.ow;
          const Acc delta = static_cast<Acc>(go[oy * p.ow + ox]) / static_cast<Acc>(y1 - y0) / static_cast<Acc>(x1 - x0);
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) gi[iy * p.w + ix] += delta;
        }
      }
    });
  });
}

}  // namespace

void register_pool_backward_kernels(Registrar& reg) {
  reg.kernel<ops::max_pool2d_with_indices_backward_grad_input>(kDevice, kFloatingDTypes, max_pool2d_backward);
  reg.kernel<ops::avg_pool2d_backward_grad_input>(kDevice, kFloatingDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_INT64),
             avg_pool2d_backward);
  reg.kernel<ops::_adaptive_avg_pool2d_backward_out>(kDevice, kFloatingDTypes, adaptive_avg_pool2d_backward);
}

}  // namespace ember_cpu
