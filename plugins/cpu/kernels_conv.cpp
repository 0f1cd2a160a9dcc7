// 2-d convolution (convolution.out): input [N, C, H, W] (or unbatched [C, H, W]), weight
// [O, C / groups, kH, kW], optional bias [O], out [N, O, Ho, Wo]; stride / padding / dilation
// lists of 1 or 2 ints. The core rejects transposed convolution before calling.
//
// float32 runs through oneDNN convolution_forward in the memory formats it prefers, with
// reorders from and to plain NCHW (primitives cached by shape; PyTorch's dilation d is oneDNN's
// d - 1; the right padding is whatever makes oneDNN's output size equal PyTorch's floor
// formula). float64 / float16 / bfloat16 (and float32 with `onednn: false`) use a direct loop
// accumulating in double (float for 16-bit types).
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <algorithm>
#include <optional>
#include <vector>

#include "conv_shape.h"
#include "cpu_plugin.h"
#include "onednn_utils.h"
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

// The primitive works in the memory formats oneDNN picks (format_tag::any: blocked, e.g.
// nChw16c), with the plain NCHW / OIHW tensors reordered in and the output reordered out. On
// plain formats oneDNN only has im2col + gemm, about 2x slower for 3x3 convolutions even counting
// the reorders (measured on an AVX-512 host: [32, 16, 16, 16] * [32, 16, 3, 3], 1.3 ms plain,
// 0.7 ms blocked, one thread).
struct OnednnConv {
  dnnl::memory::desc src_md, wei_md, bias_md, dst_md;                  // plain
  dnnl::memory::desc own_src_md, own_wei_md, own_dst_md;               // the primitive's
  std::optional<dnnl::reorder> src_in, wei_in, dst_out;               // when they differ
  dnnl::convolution_forward primitive;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnConv>& conv_cache() {
  static auto* cache = new PrimitiveCache<OnednnConv>();  // never destroyed (plugin never unloads)
  return *cache;
}

// Per-thread buffers of at least `bytes`, 64-byte aligned; slot k is reused by every call.
char* conv_workspace(int slot, size_t bytes) {
  thread_local std::vector<char> buffers[4];
  std::vector<char>& b = buffers[slot];
  if (b.size() < bytes + 64) b.resize(bytes + 64);
  const auto address = reinterpret_cast<uintptr_t>(b.data());
  return b.data() + ((64 - address % 64) % 64);
}

void conv_onednn(const ConvShape& s, const float* in, const float* weight, const float* bias, float* out) {
  using dnnl::memory;
  const OnednnThreads team(2.0 * s.n * s.o * s.oh * s.ow * (s.c / s.groups) * s.kh * s.kw);
  const PrimitiveKey key = {team.threads(), s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.oh, s.ow, s.sh, s.sw,
                            s.ph, s.pw, s.dh, s.dw, s.groups, bias != nullptr};
  dnnl::engine& engine = onednn_engine();
  auto prim = conv_cache().get_or_create(key, [&] {
    OnednnConv p;
    const auto f32 = memory::data_type::f32;
    const memory::dims src_dims = {s.n, s.c, s.h, s.w}, dst_dims = {s.n, s.o, s.oh, s.ow};
    const memory::dims wei_dims = s.groups == 1 ? memory::dims{s.o, s.c, s.kh, s.kw}
                                                : memory::dims{s.groups, s.o / s.groups, s.c / s.groups, s.kh, s.kw};
    p.src_md = memory::desc(src_dims, f32, memory::format_tag::nchw);
    p.dst_md = memory::desc(dst_dims, f32, memory::format_tag::nchw);
    p.wei_md = memory::desc(wei_dims, f32, s.groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
    if (bias) p.bias_md = memory::desc({s.o}, f32, memory::format_tag::x);
    // oneDNN wants padding on both sides; the right side is what yields PyTorch's output size.
    const int64_t pr_h = (s.oh - 1) * s.sh + (s.kh - 1) * s.dh + 1 - s.h - s.ph;
    const int64_t pr_w = (s.ow - 1) * s.sw + (s.kw - 1) * s.dw + 1 - s.w - s.pw;
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, memory::desc(src_dims, f32, memory::format_tag::any),
        memory::desc(wei_dims, f32, memory::format_tag::any), bias ? p.bias_md : memory::desc(),
        memory::desc(dst_dims, f32, memory::format_tag::any), {s.sh, s.sw}, {s.dh - 1, s.dw - 1}, {s.ph, s.pw}, {pr_h, pr_w});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
    p.own_src_md = pd.src_desc();
    p.own_wei_md = pd.weights_desc();
    p.own_dst_md = pd.dst_desc();
    if (p.own_src_md != p.src_md) p.src_in.emplace(dnnl::reorder::primitive_desc(engine, p.src_md, engine, p.own_src_md));
    if (p.own_wei_md != p.wei_md) p.wei_in.emplace(dnnl::reorder::primitive_desc(engine, p.wei_md, engine, p.own_wei_md));
    if (p.own_dst_md != p.dst_md) p.dst_out.emplace(dnnl::reorder::primitive_desc(engine, p.own_dst_md, engine, p.dst_md));
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::convolution_forward(pd);
    return p;
  });
  dnnl::stream& stream = onednn_stream();
  memory user_src(prim->src_md, engine, const_cast<float*>(in)), user_wei(prim->wei_md, engine, const_cast<float*>(weight));
  memory user_dst(prim->dst_md, engine, out);
  memory src = user_src, wei = user_wei, dst = user_dst;
  if (prim->src_in) {
    src = memory(prim->own_src_md, engine, conv_workspace(0, prim->own_src_md.get_size()));
    prim->src_in->execute(stream, user_src, src);
  }
  if (prim->wei_in) {
    wei = memory(prim->own_wei_md, engine, conv_workspace(1, prim->own_wei_md.get_size()));
    prim->wei_in->execute(stream, user_wei, wei);
  }
  if (prim->dst_out) dst = memory(prim->own_dst_md, engine, conv_workspace(2, prim->own_dst_md.get_size()));
  memory::desc scratch_md({static_cast<int64_t>(prim->scratchpad_bytes)}, memory::data_type::u8, {1});
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, src},
                                          {DNNL_ARG_WEIGHTS, wei},
                                          {DNNL_ARG_DST, dst},
                                          {DNNL_ARG_SCRATCHPAD, memory(scratch_md, engine, conv_workspace(3, prim->scratchpad_bytes))}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(prim->bias_md, engine, const_cast<float*>(bias)));
  prim->primitive.execute(stream, args);
  if (prim->dst_out) prim->dst_out->execute(stream, dst, user_dst);
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
