// 2-d convolution (convolution.out): input [N, C, H, W] (or unbatched [C, H, W]), weight
// [O, C / groups, kH, kW], optional bias [O], out [N, O, Ho, Wo]; stride / padding / dilation
// lists of 1 or 2 ints. The core rejects transposed convolution before calling.
//
// float32 runs through oneDNN convolution_forward on plain NCHW memory (primitives cached by
// shape; PyTorch's dilation d is oneDNN's d - 1; the right padding is whatever makes oneDNN's
// output size equal PyTorch's floor formula). float64 / float16 / bfloat16 (and float32 with
// `onednn: false`) use a direct loop accumulating in double (float for 16-bit types).
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <algorithm>
#include <vector>

#include "cpu_plugin.h"
#include "onednn_utils.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;

struct ConvShape {
  int64_t n, c, h, w;       // input
  int64_t o, kh, kw;        // weight (per group input channels = c / groups)
  int64_t oh, ow;           // output
  int64_t sh, sw, ph, pw, dh, dw, groups;
};

int64_t pick(IntList list, int i, int64_t fallback) {
  if (list.empty()) return fallback;
  return list.size() == 1 ? list[0] : list[i];
}

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

struct OnednnConv {
  dnnl::memory::desc src_md, wei_md, bias_md, dst_md;
  dnnl::convolution_forward primitive;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnConv>& conv_cache() {
  static auto* cache = new PrimitiveCache<OnednnConv>();  // never destroyed (plugin never unloads)
  return *cache;
}

void conv_onednn(const ConvShape& s, const float* in, const float* weight, const float* bias, float* out) {
  using dnnl::memory;
  const OnednnThreads team(2.0 * s.n * s.o * s.oh * s.ow * (s.c / s.groups) * s.kh * s.kw);
  const PrimitiveKey key = {team.threads(), s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.oh, s.ow, s.sh, s.sw,
                            s.ph, s.pw, s.dh, s.dw, s.groups, bias != nullptr};
  auto prim = conv_cache().get_or_create(key, [&] {
    OnednnConv p;
    const auto f32 = memory::data_type::f32;
    p.src_md = memory::desc({s.n, s.c, s.h, s.w}, f32, memory::format_tag::nchw);
    p.dst_md = memory::desc({s.n, s.o, s.oh, s.ow}, f32, memory::format_tag::nchw);
    if (s.groups == 1) {
      p.wei_md = memory::desc({s.o, s.c, s.kh, s.kw}, f32, memory::format_tag::oihw);
    } else {
      p.wei_md = memory::desc({s.groups, s.o / s.groups, s.c / s.groups, s.kh, s.kw}, f32, memory::format_tag::goihw);
    }
    if (bias) p.bias_md = memory::desc({s.o}, f32, memory::format_tag::x);
    // oneDNN wants padding on both sides; the right side is what yields PyTorch's output size.
    const int64_t pr_h = (s.oh - 1) * s.sh + (s.kh - 1) * s.dh + 1 - s.h - s.ph;
    const int64_t pr_w = (s.ow - 1) * s.sw + (s.kw - 1) * s.dw + 1 - s.w - s.pw;
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, p.src_md, p.wei_md,
        bias ? p.bias_md : memory::desc(), p.dst_md, {s.sh, s.sw}, {s.dh - 1, s.dw - 1}, {s.ph, s.pw}, {pr_h, pr_w});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::convolution_forward::primitive_desc pd(desc, attr, onednn_engine());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::convolution_forward(pd);
    return p;
  });
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();
  thread_local std::vector<char> scratchpad;
  if (scratchpad.size() < prim->scratchpad_bytes) scratchpad.resize(prim->scratchpad_bytes);
  memory::desc scratch_md({static_cast<int64_t>(prim->scratchpad_bytes)}, memory::data_type::u8, {1});
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, memory(prim->src_md, engine, const_cast<float*>(in))},
      {DNNL_ARG_WEIGHTS, memory(prim->wei_md, engine, const_cast<float*>(weight))},
      {DNNL_ARG_DST, memory(prim->dst_md, engine, out)},
      {DNNL_ARG_SCRATCHPAD, memory(scratch_md, engine, scratchpad.data())}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(prim->bias_md, engine, const_cast<float*>(bias)));
  prim->primitive.execute(stream, args);
  stream.wait();
}

// convolution.out (input 0, weight 1, bias 2, stride 3, padding 4, dilation 5, transposed 6,
// output_padding 7, groups 8, out 9).
void convolution(KernelArgs& a) {
  TensorView input = a.tensor(0), weight = a.tensor(1), out = a.tensor(9);
  std::optional<TensorView> bias = a.optional_tensor(2);
  EMBER_SDK_CHECK(!a.bool_(6), EMBER_ERROR_NOT_IMPLEMENTED, "transposed convolution is not supported");
  EMBER_SDK_CHECK(weight.ndim() == 4 && (input.ndim() == 4 || input.ndim() == 3), EMBER_ERROR_NOT_IMPLEMENTED,
                  "only 2-d convolution is implemented on CPU, got input with ", input.ndim(), " dims");
  const bool batched = input.ndim() == 4;
  const int off = batched ? 1 : 0;
  ConvShape s;
  s.n = batched ? input.size(0) : 1;
  s.c = input.size(off);
  s.h = input.size(off + 1);
  s.w = input.size(off + 2);
  s.o = weight.size(0);
  s.kh = weight.size(2);
  s.kw = weight.size(3);
  s.oh = out.size(off + 1);
  s.ow = out.size(off + 2);
  IntList stride = a.int_list(3), padding = a.int_list(4), dilation = a.int_list(5);
  s.sh = pick(stride, 0, 1);
  s.sw = pick(stride, 1, 1);
  s.ph = pick(padding, 0, 0);
  s.pw = pick(padding, 1, 0);
  s.dh = pick(dilation, 0, 1);
  s.dw = pick(dilation, 1, 1);
  s.groups = a.int_(8);
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
      if (config().use_onednn) conv_onednn(s, x.data(), w.data(), bias_ptr, y.data());
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
