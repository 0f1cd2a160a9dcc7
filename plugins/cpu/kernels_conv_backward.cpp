// Backward of 2-d convolution (convolution_backward.out): grad_input [N, C, H, W], grad_weight
// [O, C / groups, kH, kW] and grad_bias [O] from grad_output [N, O, Ho, Wo] (or unbatched
// [C, H, W] / [O, Ho, Wo]), each only when output_mask asks for it (a masked-off output has
// shape [0] and is not touched).
//
// float32 grad_input and grad_weight run through oneDNN's convolution_backward_data / _weights.
// Their memory formats are left to oneDNN (format_tag::any): on plain NCHW it only has its
// im2col + gemm implementation, 2-18x slower for these shapes than its blocked direct kernels,
// even counting the reorders in and out (measured on an AVX-512 host, 2 threads: [32, 3, 32, 32]
// x [16, 3, 3, 3] weights gradient 3.4 ms plain vs 0.19 ms blocked). Primitives and reorders are
// cached by shape; their buffers come from a per-thread workspace. grad_bias is a per-channel
// sum (float lanes flushed to double, lane_reduce.h). Other dtypes (and float32 with
// `onednn: false`) use direct loops that sum in double; each output element is written by one
// thread, so results never depend on the thread count.
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <algorithm>
#include <vector>

#include "conv_shape.h"
#include "cpu_plugin.h"
#include "lane_reduce.h"
#include "onednn_utils.h"
#include "tensor_utils.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kFloatingDTypes;


// ---- loops --------------------------------------------------------------------------------------

// grad_input: each (n, c) plane gathers from the output channels of its group.
template <typename T>
void input_grad_loop(const ConvShape& s, const T* go, const T* weight, T* gi) {
  const int64_t cg = s.cg(), og = s.og(), plane = s.h * s.w;
  const int64_t work = std::max<int64_t>(1, og * s.oh * s.ow * s.kh * s.kw);
  parallel_for(0, s.n * s.c, std::max<int64_t>(1, kGrainSize / work), [&](int64_t b, int64_t e) {
    std::vector<double> acc(static_cast<size_t>(plane));
    for (int64_t nc = b; nc < e; ++nc) {
      const int64_t ni = nc / s.c, ci = nc % s.c, g = ci / cg, cl = ci % cg;
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t oc = g * og; oc < (g + 1) * og; ++oc) {
        const T* gop = go + (ni * s.o + oc) * s.oh * s.ow;
        const T* wk = weight + (oc * cg + cl) * s.kh * s.kw;
        for (int64_t ky = 0; ky < s.kh; ++ky) {
          for (int64_t kx = 0; kx < s.kw; ++kx) {
            const double wv = static_cast<double>(static_cast<ember::sdk::compute_t<T>>(wk[ky * s.kw + kx]));
            for (int64_t oy = 0; oy < s.oh; ++oy) {
              const int64_t iy = oy * s.sh - s.ph + ky * s.dh;
              if (iy < 0 || iy >= s.h) continue;
              for (int64_t ox = 0; ox < s.ow; ++ox) {
                const int64_t ix = ox * s.sw - s.pw + kx * s.dw;
                if (ix < 0 || ix >= s.w) continue;
                acc[iy * s.w + ix] += static_cast<double>(static_cast<ember::sdk::compute_t<T>>(gop[oy * s.ow + ox])) * wv;
              }
            }
          }
        }
      }
      T* out = gi + nc * plane;
      for (int64_t i = 0; i < plane; ++i) out[i] = static_cast<T>(acc[i]);
    }
  });
}

// grad_weight: each (o, c_in_group) pair sums over the batch and the output positions.
template <typename T>
void weight_grad_loop(const ConvShape& s, const T* go, const T* x, T* gw) {
  const int64_t cg = s.cg(), og = s.og(), taps = s.kh * s.kw;
  const int64_t work = std::max<int64_t>(1, s.n * s.oh * s.ow * taps);
  parallel_for(0, s.o * cg, std::max<int64_t>(1, kGrainSize / work), [&](int64_t b, int64_t e) {
    std::vector<double> acc(static_cast<size_t>(taps));
    for (int64_t oc_c = b; oc_c < e; ++oc_c) {
      const int64_t oc = oc_c / cg, cl = oc_c % cg, g = oc / og;
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t ni = 0; ni < s.n; ++ni) {
        const T* gop = go + (ni * s.o + oc) * s.oh * s.ow;
        const T* xp = x + (ni * s.c + g * cg + cl) * s.h * s.w;
        for (int64_t ky = 0; ky < s.kh; ++ky) {
          for (int64_t kx = 0; kx < s.kw; ++kx) {
            double sum = 0;
            for (int64_t oy = 0; oy < s.oh; ++oy) {
              const int64_t iy = oy * s.sh - s.ph + ky * s.dh;
              if (iy < 0 || iy >= s.h) continue;
              for (int64_t ox = 0; ox < s.ow; ++ox) {
                const int64_t ix = ox * s.sw - s.pw + kx * s.dw;
                if (ix < 0 || ix >= s.w) continue;
                sum += static_cast<double>(static_cast<ember::sdk::compute_t<T>>(gop[oy * s.ow + ox])) *
                       static_cast<double>(static_cast<ember::sdk::compute_t<T>>(xp[iy * s.w + ix]));
              }
            }
            acc[ky * s.kw + kx] += sum;
          }
        }
      }
      T* out = gw + oc_c * taps;
      for (int64_t t = 0; t < taps; ++t) out[t] = static_cast<T>(acc[t]);
    }
  });
}

// grad_bias[o] = sum of grad_output over the batch and the output positions.
template <typename T>
void bias_grad_loop(const ConvShape& s, const T* go, T* gb) {
  const int64_t plane = s.oh * s.ow;
  parallel_for(0, s.o, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, s.n * plane)), [&](int64_t b, int64_t e) {
    for (int64_t oc = b; oc < e; ++oc) {
      gb[oc] = static_cast<T>(lane_sum(go + oc * plane, s.n, plane, s.o * plane));
    }
  });
}

// ---- oneDNN (float32) -----------------------------------------------------------------------------

using dnnl::memory;

// A primitive whose user-facing tensors are plain (NCHW / OIHW) and whose own formats may differ:
// up to two inputs reordered in, one output reordered out.
struct OnednnConvBackward {
  dnnl::primitive primitive;
  int in_args[2] = {0, 0};         // DNNL_ARG_... of the two inputs
  memory::desc plain_in[2], own_in[2];
  std::optional<dnnl::reorder> reorder_in[2];
  int out_arg = 0;
  memory::desc plain_out, own_out;
  std::optional<dnnl::reorder> reorder_out;
  bool with_bias = false;  // weights primitive: also computes grad_bias (DNNL_ARG_DIFF_BIAS)
  memory::desc bias_md;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnConvBackward>& conv_backward_cache() {
  static auto* cache = new PrimitiveCache<OnednnConvBackward>();  // never destroyed (plugin never unloads)
  return *cache;
}

enum class ConvGrad : int64_t { Input = 0, Weight = 1, WeightAndBias = 2 };

OnednnConvBackward make_conv_backward(const ConvShape& s, ConvGrad which) {
  const auto f32 = memory::data_type::f32;
  const memory::dims src_dims = {s.n, s.c, s.h, s.w}, dst_dims = {s.n, s.o, s.oh, s.ow};
  const memory::dims wei_dims = s.groups == 1 ? memory::dims{s.o, s.c, s.kh, s.kw}
                                              : memory::dims{s.groups, s.og(), s.cg(), s.kh, s.kw};
  const auto wei_tag = s.groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw;
  const memory::desc src_plain(src_dims, f32, memory::format_tag::nchw), dst_plain(dst_dims, f32, memory::format_tag::nchw),
      wei_plain(wei_dims, f32, wei_tag);
  const memory::desc src_any(src_dims, f32, memory::format_tag::any), dst_any(dst_dims, f32, memory::format_tag::any),
      wei_any(wei_dims, f32, memory::format_tag::any);
  const memory::desc bias_md({s.o}, f32, memory::format_tag::x);
  // oneDNN wants padding on both sides; the right side is what yields PyTorch's output size.
  const int64_t pr_h = (s.oh - 1) * s.sh + (s.kh - 1) * s.dh + 1 - s.h - s.ph;
  const int64_t pr_w = (s.ow - 1) * s.sw + (s.kw - 1) * s.dw + 1 - s.w - s.pw;
  const memory::dims strides = {s.sh, s.sw}, dilates = {s.dh - 1, s.dw - 1}, pad_l = {s.ph, s.pw}, pad_r = {pr_h, pr_w};
  const bool with_bias = which == ConvGrad::WeightAndBias;
  dnnl::engine& engine = onednn_engine();
  dnnl::convolution_forward::desc forward(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src_any,
                                          wei_any, with_bias ? bias_md : memory::desc(), dst_any, strides, dilates, pad_l, pad_r);
  dnnl::convolution_forward::primitive_desc forward_pd(forward, engine);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);

  OnednnConvBackward p;
  auto plan_in = [&](int k, int arg, const memory::desc& plain, const memory::desc& own) {
    p.in_args[k] = arg;
    p.plain_in[k] = plain;
    p.own_in[k] = own;
    if (own != plain) p.reorder_in[k].emplace(dnnl::reorder::primitive_desc(engine, plain, engine, own));
  };
  auto plan_out = [&](int arg, const memory::desc& plain, const memory::desc& own) {
    p.out_arg = arg;
    p.plain_out = plain;
    p.own_out = own;
    if (own != plain) p.reorder_out.emplace(dnnl::reorder::primitive_desc(engine, own, engine, plain));
  };
  if (which == ConvGrad::Input) {
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, src_any, wei_any, dst_any, strides, dilates,
                                               pad_l, pad_r);
    dnnl::convolution_backward_data::primitive_desc pd(desc, attr, engine, forward_pd);
    plan_in(0, DNNL_ARG_DIFF_DST, dst_plain, pd.diff_dst_desc());
    plan_in(1, DNNL_ARG_WEIGHTS, wei_plain, pd.weights_desc());
    plan_out(DNNL_ARG_DIFF_SRC, src_plain, pd.diff_src_desc());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::convolution_backward_data(pd);
  } else {
    dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, src_any, wei_any,
                                                  with_bias ? bias_md : memory::desc(), dst_any, strides, dilates, pad_l, pad_r);
    dnnl::convolution_backward_weights::primitive_desc pd(desc, attr, engine, forward_pd);
    plan_in(0, DNNL_ARG_SRC, src_plain, pd.src_desc());
    plan_in(1, DNNL_ARG_DIFF_DST, dst_plain, pd.diff_dst_desc());
    plan_out(DNNL_ARG_DIFF_WEIGHTS, wei_plain, pd.diff_weights_desc());
    p.with_bias = with_bias;
    p.bias_md = bias_md;
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::convolution_backward_weights(pd);
  }
  return p;
}

// Per-thread buffers of at least `bytes`, 64-byte aligned; slot k is reused by every call.
char* workspace(int slot, size_t bytes) {
  thread_local std::vector<char> buffers[4];
  std::vector<char>& b = buffers[slot];
  if (b.size() < bytes + 64) b.resize(bytes + 64);
  const auto address = reinterpret_cast<uintptr_t>(b.data());
  return b.data() + ((64 - address % 64) % 64);
}

// Runs the cached primitive for (s, which) on plain float32 buffers: in0, in1 as the primitive's
// two inputs, out its output, bias (WeightAndBias only) the grad_bias.
void run_conv_backward(const ConvShape& s, ConvGrad which, const float* in0, const float* in1, float* out, float* bias) {
  const double flops = 2.0 * s.n * s.o * s.oh * s.ow * s.cg() * s.kh * s.kw;
  const OnednnThreads team(flops);
  const PrimitiveKey key = {team.threads(), s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.oh, s.ow, s.sh, s.sw,
                            s.ph, s.pw, s.dh, s.dw, s.groups, static_cast<int64_t>(which)};
  auto prim = conv_backward_cache().get_or_create(key, [&] { return make_conv_backward(s, which); });
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();
  const float* plain_in[2] = {in0, in1};
  memory own_in[2];
  for (int k = 0; k < 2; ++k) {
    memory user(prim->plain_in[k], engine, const_cast<float*>(plain_in[k]));
    if (prim->reorder_in[k]) {
      own_in[k] = memory(prim->own_in[k], engine, workspace(k, prim->own_in[k].get_size()));
      prim->reorder_in[k]->execute(stream, user, own_in[k]);
    } else {
      own_in[k] = user;
    }
  }
  memory user_out(prim->plain_out, engine, out);
  memory own_out = prim->reorder_out ? memory(prim->own_out, engine, workspace(2, prim->own_out.get_size())) : user_out;
  memory::desc scratch_md({static_cast<int64_t>(prim->scratchpad_bytes)}, memory::data_type::u8, {1});
  std::unordered_map<int, memory> args = {{prim->in_args[0], own_in[0]},
                                          {prim->in_args[1], own_in[1]},
                                          {prim->out_arg, own_out},
                                          {DNNL_ARG_SCRATCHPAD, memory(scratch_md, engine, workspace(3, prim->scratchpad_bytes))}};
  if (prim->with_bias) args.emplace(DNNL_ARG_DIFF_BIAS, memory(prim->bias_md, engine, bias));
  prim->primitive.execute(stream, args);
  if (prim->reorder_out) prim->reorder_out->execute(stream, own_out, user_out);
  stream.wait();
}

// convolution_backward.out.
void convolution_backward(KernelArgs& a) {
  using Op = ops::convolution_backward_out;
  TensorView grad_output = a.tensor(Op::grad_output), input = a.tensor(Op::input), weight = a.tensor(Op::weight);
  // Meta admitted only 2-d, non-transposed convolutions with valid groups and a 3-element mask.
  IntList mask = a.int_list(Op::output_mask);
  const bool want_input = mask[0] != 0, want_weight = mask[1] != 0, want_bias = mask[2] != 0;
  ConvShape s = conv_shape(input, weight, grad_output, a.int_list(Op::stride), a.int_list(Op::padding),
                           a.int_list(Op::dilation), a.int_(Op::groups));
  const bool empty = s.n * s.oh * s.ow == 0 || s.c == 0;  // no products: every gradient is zero
  ember::sdk::dispatch<kFloatingDTypes>(input.dtype(), "convolution_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    // Dense copies only of what the asked-for gradients read (none for contiguous tensors).
    DenseInput<T> go(grad_output);
    std::optional<DenseInput<T>> x_dense, w_dense;
    if (want_weight) x_dense.emplace(input);
    if (want_input) w_dense.emplace(weight);
    const T* x = x_dense ? x_dense->data() : nullptr;
    const T* w = w_dense ? w_dense->data() : nullptr;
    constexpr bool kFloat = std::is_same<T, float>::value;
    const bool onednn = kFloat && config().use_onednn && !empty;
    if (want_input) {
      DenseOutput<T> gi(a.tensor(Op::out0));
      if (empty) {
        std::fill(gi.data(), gi.data() + s.n * s.c * s.h * s.w, T(0));
      } else if constexpr (kFloat) {
        if (onednn) run_conv_backward(s, ConvGrad::Input, go.data(), w, gi.data(), nullptr);
        else input_grad_loop<T>(s, go.data(), w, gi.data());
      } else {
        input_grad_loop<T>(s, go.data(), w, gi.data());
      }
      gi.commit();
    }
    bool bias_done = false;
    if (want_weight) {
      DenseOutput<T> gw(a.tensor(Op::out1));
      if (empty) {
        std::fill(gw.data(), gw.data() + s.o * s.cg() * s.kh * s.kw, T(0));
      } else if constexpr (kFloat) {
        if (onednn) {
          // oneDNN computes grad_bias in the same pass when asked for both.
          std::optional<DenseOutput<T>> gb;
          if (want_bias) gb.emplace(a.tensor(Op::out2));
          run_conv_backward(s, want_bias ? ConvGrad::WeightAndBias : ConvGrad::Weight, x, go.data(), gw.data(),
                            gb ? gb->data() : nullptr);
          if (gb) gb->commit();
          bias_done = want_bias;
        } else {
          weight_grad_loop<T>(s, go.data(), x, gw.data());
        }
      } else {
        weight_grad_loop<T>(s, go.data(), x, gw.data());
      }
      gw.commit();
    }
    if (want_bias && !bias_done) {
      DenseOutput<T> gb(a.tensor(Op::out2));
      if (s.n * s.oh * s.ow == 0) std::fill(gb.data(), gb.data() + s.o, T(0));
      else bias_grad_loop<T>(s, go.data(), gb.data());
      gb.commit();
    }
  });
}

}  // namespace

void register_conv_backward_kernels(Registrar& reg) {
  reg.kernel<ops::convolution_backward_out>(kDevice, kFloatingDTypes, convolution_backward);
}

}  // namespace ember_cpu
