// 2-d convolution (convolution.out): input [N, C, H, W] (or unbatched [C, H, W]), weight
// [O, C / groups, kH, kW], optional bias [O], out [N, O, Ho, Wo]; stride / padding / dilation
// lists of 1 or 2 ints. The core rejects transposed convolution before calling.
//
// float32 runs through oneDNN (conv_onednn.h: blocked formats, cached primitives and weights,
// Winograd for cached 3x3 weights; PyTorch's dilation d is oneDNN's d - 1; the right padding is
// whatever makes oneDNN's output size equal PyTorch's floor formula). float64 / float16 /
// bfloat16 (and float32 with `onednn: false`) use a direct loop accumulating in double (float
// for 16-bit types).
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <algorithm>
#include <optional>
#include <vector>

#include "conv_onednn.h"
#include "conv_shape.h"
#include "cpu_plugin.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;


template <typename T>
void conv_direct(const ConvShape& s, const T* in, const T* weight, const T* bias, T* out) {
  using Acc = std::conditional_t<std::is_same<T, double>::value, double, float>;
  const int64_t cg = s.c / s.groups, og = s.o / s.groups;
  const int64_t plane_work = std::max<int64_t>(1, s.oh * s.ow * cg * s.kh * s.kw);
  parallel_for(0, s.n * s.o, std::max<int64_t>(1, kGrainSize / plane_work), [&](int64_t b, int64_t e) {
    for (int64_t no = b; no < e; ++no) {
      const int64_t ni = no / s.o, oc = no % s.o, g = oc / og;
      T* y = out + no * s.oh * s.ow;
      const T* wk = weight + oc * cg * s.kh * s.kw;
      for (int64_t oy = 0; oy < s.oh; ++oy) {
        for (int64_t ox = 0; ox < s.ow; ++ox) {
          Acc acc = bias ? static_cast<Acc>(bias[oc]) : Acc(0);
          for (int64_t ci = 0; ci < cg; ++ci) {
            const T* x = in + (ni * s.c + g * cg + ci) * s.h * s.w;
            const T* wc = wk + ci * s.kh * s.kw;
            for (int64_t ky = 0; ky < s.kh; ++ky) {
              const int64_t iy = oy * s.sh - s.ph + ky * s.dh;
              if (iy < 0 || iy >= s.h) continue;
              for (int64_t kx = 0; kx < s.kw; ++kx) {
                const int64_t ix = ox * s.sw - s.pw + kx * s.dw;
                if (ix < 0 || ix >= s.w) continue;
                acc += static_cast<Acc>(x[iy * s.w + ix]) * static_cast<Acc>(wc[ky * s.kw + kx]);
              }
            }
          }
          y[oy * s.ow + ox] = static_cast<T>(acc);
        }
      }
    }
  });
}

// convolution.out (input 0, weight 1, bias 2, stride 3, padding 4, dilation 5, transposed 6,
// output_padding 7, groups 8, out 9).
void convolution(KernelArgs& a) {
  TensorView input = a.tensor(0), weight = a.tensor(1), out = a.tensor(9);
  std::optional<TensorView> bias = a.optional_tensor(2);
  EMBER_SDK_CHECK(!a.bool_(6), EMBER_ERROR_NOT_IMPLEMENTED, "transposed convolution is not supported");
  EMBER_SDK_CHECK(weight.ndim() == 4 && (input.ndim() == 4 || input.ndim() == 3), EMBER_ERROR_NOT_IMPLEMENTED,
                  "only 2-d convolution is implemented on CPU, got input with ", input.ndim(), " dims");
  ConvShape s = conv_shape(input, weight, out, a.int_list(3), a.int_list(4), a.int_list(5), a.int_(8));
  if (s.n * s.o * s.oh * s.ow == 0) return;
  ember::sdk::dispatch<kFloatingDTypes>(out.dtype(), "convolution", [&](auto tag) {
    using T = typename decltype(tag)::type;
    DenseInput<T> x(input);
    DenseInput<T> w(weight);
    std::optional<DenseInput<T>> b;
    if (bias) b.emplace(*bias);
    DenseOutput<T> y(out);
    const T* bias_ptr = b ? b->data() : nullptr;
    if (s.c == 0) {
      // No input channels: the output is just the bias.
      for (int64_t i = 0; i < s.n * s.o * s.oh * s.ow; ++i)
        y.data()[i] = bias_ptr ? bias_ptr[(i / (s.oh * s.ow)) % s.o] : T(0);
    } else if constexpr (std::is_same<T, float>::value) {
      if (config().use_onednn) conv_forward_f32(s, x.data(), w.data(), bias_ptr, y.data());
      else conv_direct<T>(s, x.data(), w.data(), bias_ptr, y.data());
    } else {
      conv_direct<T>(s, x.data(), w.data(), bias_ptr, y.data());
    }
    y.commit();
  });
}

}  // namespace

void register_conv_kernels(Registrar& reg) {
  reg.kernel("convolution.out", kDevice, kFloatingDTypes, convolution);
}

}  // namespace ember_cpu
