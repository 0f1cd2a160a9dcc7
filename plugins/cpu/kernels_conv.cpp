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

// convolution.out.
void convolution(KernelArgs& a) {
  using Op = ops::convolution_out;
  TensorView input = a.tensor(Op::input), weight = a.tensor(Op::weight), out = a.tensor(Op::out);
  std::optional<TensorView> bias = a.optional_tensor(Op::bias);
  // Meta admitted only 2-d, non-transposed convolutions (4-d weight, 3-d or 4-d input).
  ConvShape s = conv_shape(input, weight, out, a.int_list(Op::stride), a.int_list(Op::padding),
                           a.int_list(Op::dilation), a.int_(Op::groups));
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
      if (config().use_onednn) {
        // The host's content version describes the weight argument's bytes, not a dense copy.
        std::optional<ConvWeightCache::SourceVersion> version;
        if (static_cast<const void*>(w.data()) == weight.data_ptr()) version = a.content_version(Op::weight);
        conv_forward_f32(s, x.data(), w.data(), bias_ptr, y.data(), version ? &*version : nullptr);
      }
      else conv_direct<T>(s, x.data(), w.data(), bias_ptr, y.data());
    } else {
      conv_direct<T>(s, x.data(), w.data(), bias_ptr, y.data());
    }
    y.commit();
  });
}

}  // namespace

void register_conv_kernels(Registrar& reg) {
  reg.kernel<ops::convolution_out>(kDevice, kFloatingDTypes, convolution);
}

}  // namespace ember_cpu
