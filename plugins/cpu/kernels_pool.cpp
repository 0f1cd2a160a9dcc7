// 2-d pooling over [N, C, H, W] or [C, H, W]: max_pool2d_with_indices, avg_pool2d and
// _adaptive_avg_pool2d, written as loops that follow PyTorch's CPU kernels exactly (window
// clipping, NaN handling, count_include_pad / divisor_override rules, the flat h * W + w index
// within the input plane). Output sizes come from the out views (the core computed them with
// ceil_mode). Planes (n, c) run in parallel.
//
// avg_pool2d on float32 with the `onednn` option on runs through oneDNN pooling_forward
// (pooling_avg_include_padding / pooling_avg_exclude_padding, nchw, cached by shape) when its
// divisors are PyTorch's: no divisor_override, padding at most half the kernel (no window lies
// wholly in padding), and for count_include_pad no window reaching past the right padding (with
// ceil_mode PyTorch clips the last window's divisor to H + padding, oneDNN's include_padding
// always divides by kH * kW). The right padding given to oneDNN is what makes its output size
// the one the core computed (out's shape). Other cases use the loop.
//
// Max pooling stays a loop: oneDNN's max pooling produces no PyTorch-style flat indices.
//
// Stateless kernels (apart from the primitive cache); thread-safe.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu_plugin.h"
#include "onednn_utils.h"
#include "tensor_utils.h"
#include "vec/vec_kernels.h"

namespace ember_cpu {
namespace {

using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kFloatingDTypes;

struct Window {
  int64_t kh, kw, sh, sw, ph, pw, dh = 1, dw = 1;
};

// A list of 1 or 2 ints: 1 means both dims; empty means `fallback` (stride = kernel size).
void pair_of(IntList list, int64_t fallback_h, int64_t fallback_w, int64_t* h, int64_t* w) {
  if (list.empty()) {
    *h = fallback_h;
    *w = fallback_w;
  } else {
    *h = list[0];
    *w = list.size() == 1 ? list[0] : list[1];
  }
}

struct PoolGeometry {
  int64_t planes, h, w, oh, ow;
};

PoolGeometry geometry(const TensorView& self, const TensorView& out) {
  const int32_t nd = self.ndim();  // 3 or 4 (meta checked)
  PoolGeometry g;
  g.planes = product(self.sizes().data(), 0, nd - 2);
  g.h = self.size(nd - 2);
  g.w = self.size(nd - 1);
  g.oh = out.size(nd - 2);
  g.ow = out.size(nd - 1);
  return g;
}

template <typename F>
void for_each_plane(const PoolGeometry& g, const F& f) {
  const int64_t work = std::max<int64_t>(1, g.oh * g.ow * 4);
  parallel_for(0, g.planes, std::max<int64_t>(1, kGrainSize / work), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) f(p);
  });
}

// One window tap (a fixed ky, kx) applied to the outputs lo <= ox < hi of a row: the running
// maximum and the tap it came from (float32 rows of stride 1 or 2 take vec_kernels.h's max_tap
// instead, the same comparisons on the widest vectors). The comparisons are those of a
// window-by-window loop in the same order, so results and indices do not depend on the form.
template <typename C, typename T>
void max_tap(const T* row, int64_t shift, int64_t stride, int64_t lo, int64_t hi, int32_t t, C* best, int32_t* tap) {
  for (int64_t ox = lo; ox < hi; ++ox) {
    const C v = static_cast<C>(row[ox * stride + shift]);
    const bool take = (v > best[ox]) | (v != v);  // NaN is taken, as in PyTorch's CPU kernel
    best[ox] = take ? v : best[ox];
    tap[ox] = take ? t : tap[ox];
  }
}

// max_pool2d_with_indices.out.
void max_pool2d(KernelArgs& a) {
  using Op = ops::max_pool2d_with_indices_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out), indices = a.tensor(Op::indices);
  Window win;
  pair_of(a.int_list(Op::kernel_size), 1, 1, &win.kh, &win.kw);
  pair_of(a.int_list(Op::stride), win.kh, win.kw, &win.sh, &win.sw);
  pair_of(a.int_list(Op::padding), 0, 0, &win.ph, &win.pw);
  pair_of(a.int_list(Op::dilation), 1, 1, &win.dh, &win.dw);
  const PoolGeometry g = geometry(self, out);
  if (g.planes * g.oh * g.ow == 0) return;
  ember::sdk::dispatch<kAllButBool>(self.dtype(), "max_pool2d", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ember::sdk::compute_t<T>;
    DenseInput<T> x(self);
    DenseOutput<T> y(out);
    DenseOutput<int64_t> idx(indices);
    const C kLowest = std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity()
                                                           : std::numeric_limits<C>::lowest();
    // The outputs whose tap kx lands inside a row: lo <= ox < hi where 0 <= ox * sw - pw + kx * dw < w.
    const int64_t kh = win.kh, kw = win.kw, sh = win.sh, sw = win.sw, ph = win.ph, pw = win.pw, dh = win.dh, dw = win.dw;
    const int64_t h = g.h, w = g.w, oh = g.oh, ow = g.ow;
    std::vector<int64_t> tap_lo(static_cast<size_t>(kw)), tap_hi(static_cast<size_t>(kw));
    for (int64_t kx = 0; kx < kw; ++kx) {
      const int64_t shift = kx * dw - pw;
      tap_lo[kx] = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
      tap_hi[kx] = std::min<int64_t>(ow, w - 1 - shift < 0 ? 0 : (w - 1 - shift) / sw + 1);
    }
    // A taken tap is recorded as its offset in the plane from the window's origin
    // (oy * sh - ph) * w + ox * sw - pw when every offset fits int32 (short of rows of 2^31 / kh
    // elements, always), so that the indices come out of one plain pass; else as its number
    // t = ky * kw + kx, mapped through tap_offset.
    const bool by_offset = (kh - 1) * dh * w + (kw - 1) * dw <= std::numeric_limits<int32_t>::max();
    std::vector<int64_t> tap_offset(static_cast<size_t>(kh * kw));
    for (int64_t t = 0; t < kh * kw; ++t) tap_offset[t] = (t / kw) * dh * w + (t % kw) * dw;
    // float32 rows with stride 1 or 2 go through the CPU's widest vectors (vec_kernels.h).
    constexpr bool kVecFloat = std::is_same<T, float>::value;
    for_each_plane(g, [&](int64_t p) {
      // Per-thread rows of running maxima and of the window tap (ky * kw + kx) they came from;
      // -1: none taken, the window's first element (the lambda runs on the pool's threads).
      thread_local std::vector<C> row_best;
      thread_local std::vector<int32_t> row_tap;
      if (static_cast<int64_t>(row_best.size()) < ow) {
        row_best.resize(static_cast<size_t>(ow));
        row_tap.resize(static_cast<size_t>(ow));
      }
      const T* in = x.data() + p * h * w;
      // What may be read past a row: the rest of the input (vector loads run ahead of the taps).
      const float* input_end = reinterpret_cast<const float*>(x.data() + g.planes * h * w);
      T* o = y.data() + p * oh * ow;
      int64_t* oi = idx.data() + p * oh * ow;
      // A row of outputs at a time, each window tap (ky, kx) applied to every output of the row:
      // the outputs of a row are independent, so the loop vectorizes instead of waiting on one
      // window's compare chain (2x2 pooling of [32, 16, 32, 32] floats, one thread: 2.3 ms
      // window by window).
      for (int64_t oy = 0; oy < oh; ++oy) {
        C* best = row_best.data();
        int32_t* tap = row_tap.data();
        for (int64_t ox = 0; ox < ow; ++ox) {
          best[ox] = kLowest;
          tap[ox] = -1;
        }
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= h) continue;
          const T* row = in + iy * w;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t shift = kx * dw - pw, lo = tap_lo[kx], hi = tap_hi[kx];
            const int32_t t = static_cast<int32_t>(by_offset ? ky * dh * w + kx * dw : ky * kw + kx);
            if (lo >= hi) continue;
            if (kVecFloat && (sw == 1 || sw == 2)) {
              const float* first = reinterpret_cast<const float*>(row) + lo * sw + shift;
              vec().max_tap(reinterpret_cast<float*>(best) + lo, tap + lo, first, sw, input_end - first, t, hi - lo);
            } else {
              max_tap(row, shift, sw, lo, hi, t, best, tap);
            }
          }
        }
        // A window with no tap taken (all -inf or empty rows) reports its first element inside
        // the input, as PyTorch's kernel does.
        int64_t y0 = oy * sh - ph;
        while (y0 < 0) y0 += dh;
        const int64_t origin = (oy * sh - ph) * w - pw;
        // (Locals, not the lambda's captures: the stores through out_index could alias those.)
        T* const __restrict out_row = o + oy * ow;
        int64_t* const __restrict out_index = oi + oy * ow;
        const int64_t n = ow, step = sw;
        for (int64_t ox = 0; ox < n; ++ox) out_row[ox] = static_cast<T>(best[ox]);
        if (by_offset) {
          for (int64_t ox = 0; ox < n; ++ox) out_index[ox] = tap[ox] >= 0 ? origin + ox * step + tap[ox] : -1;
        } else {
          const int64_t* offsets = tap_offset.data();
          for (int64_t ox = 0; ox < n; ++ox) out_index[ox] = tap[ox] >= 0 ? origin + ox * step + offsets[tap[ox]] : -1;
        }
        for (int64_t ox = 0; ox < ow; ++ox) {
          if (tap[ox] >= 0) continue;
          int64_t x0 = ox * sw - pw;
          while (x0 < 0) x0 += dw;
          oi[oy * ow + ox] = y0 * w + x0;
        }
      }
    });
    y.commit();
    idx.commit();
  });
}

struct OnednnPool {
  dnnl::memory::desc src_md, dst_md;
  dnnl::pooling_forward primitive;
  size_t scratchpad_bytes = 0;
};

PrimitiveCache<OnednnPool>& pool_cache() {
  static auto* cache = new PrimitiveCache<OnednnPool>();  // never destroyed (plugin never unloads)
  return *cache;
}

// The right padding that gives `out` outputs along a dim of `in` (window k, stride s, left
// padding p) in oneDNN's floor formula, or -1 when none does or PyTorch's divisors would differ.
int64_t avg_right_padding(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, bool count_include_pad) {
  if (2 * p > k) return -1;
  int64_t pr = (out - 1) * s + k - in - p;
  if (pr < 0) pr = 0;  // the last input rows are not covered; no padding needed
  if ((in + p + pr - k) / s + 1 != out) return -1;
  if (count_include_pad && pr > p) return -1;  // PyTorch's divisor stops at in + p
  return pr;
}

// avg_pool2d of dense float32 [n, c, h, w] through oneDNN, with right paddings prh / prw from
// avg_right_padding.
void avg_pool_onednn(const float* in, float* out, int64_t n, int64_t c, const PoolGeometry& g, const Window& win,
                     int64_t prh, int64_t prw, bool count_include_pad) {
  using dnnl::memory;
  const OnednnThreads team(static_cast<double>(n) * c * g.oh * g.ow * win.kh * win.kw);
  const PrimitiveKey key = {team.threads(), n, c, g.h, g.w, g.oh, g.ow, win.kh, win.kw, win.sh, win.sw,
                            win.ph, win.pw, prh, prw, count_include_pad};
  auto prim = pool_cache().get_or_create(key, [&] {
    OnednnPool p;
    const auto f32 = memory::data_type::f32;
    p.src_md = memory::desc({n, c, g.h, g.w}, f32, memory::format_tag::nchw);
    p.dst_md = memory::desc({n, c, g.oh, g.ow}, f32, memory::format_tag::nchw);
    dnnl::pooling_forward::desc desc(
        dnnl::prop_kind::forward_inference,
        count_include_pad ? dnnl::algorithm::pooling_avg_include_padding : dnnl::algorithm::pooling_avg_exclude_padding,
        p.src_md, p.dst_md, {win.sh, win.sw}, {win.kh, win.kw}, {win.ph, win.pw}, {prh, prw});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::pooling_forward::primitive_desc pd(desc, attr, onednn_engine());
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::pooling_forward(pd);
    return p;
  });
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();
  prim->primitive.execute(stream, {{DNNL_ARG_SRC, memory(prim->src_md, engine, const_cast<float*>(in))},
                                   {DNNL_ARG_DST, memory(prim->dst_md, engine, out)},
                                   {DNNL_ARG_SCRATCHPAD, onednn_scratchpad(0, prim->scratchpad_bytes)}});
  stream.wait();
}

// avg_pool2d.out.
void avg_pool2d(KernelArgs& a) {
  using Op = ops::avg_pool2d_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out);
  Window win;
  pair_of(a.int_list(Op::kernel_size), 1, 1, &win.kh, &win.kw);
  pair_of(a.int_list(Op::stride), win.kh, win.kw, &win.sh, &win.sw);
  pair_of(a.int_list(Op::padding), 0, 0, &win.ph, &win.pw);
  const bool count_include_pad = a.bool_(Op::count_include_pad);
  const std::optional<int64_t> divisor_override = a.optional_int(Op::divisor_override);
  // divisor_override is never 0 (meta checked).
  const PoolGeometry g = geometry(self, out);
  if (g.planes * g.oh * g.ow == 0) return;
  if (self.dtype() == EMBER_DTYPE_FLOAT32 && config().use_onednn && !divisor_override && g.h > 0 && g.w > 0) {
    const int64_t prh = avg_right_padding(g.h, g.oh, win.kh, win.sh, win.ph, count_include_pad);
    const int64_t prw = avg_right_padding(g.w, g.ow, win.kw, win.sw, win.pw, count_include_pad);
    if (prh >= 0 && prw >= 0) {
      const int64_t n = self.ndim() == 4 ? self.size(0) : 1, c = self.size(self.ndim() - 3);
      DenseInput<float> x(self);
      DenseOutput<float> y(out);
      avg_pool_onednn(x.data(), y.data(), n, c, g, win, prh, prw, count_include_pad);
      y.commit();
      return;
    }
  }
  ember::sdk::dispatch<kFloatingDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_INT64)>(self.dtype(), "avg_pool2d", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<ember::sdk::is_floating_v<T>, std::conditional_t<std::is_same<T, double>::value, double, float>, int64_t>;
    DenseInput<T> x(self);
    DenseOutput<T> y(out);
    for_each_plane(g, [&](int64_t p) {
      const T* in = x.data() + p * g.h * g.w;
      T* o = y.data() + p * g.oh * g.ow;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          int64_t y0 = oy * win.sh - win.ph, x0 = ox * win.sw - win.pw;
          int64_t y1 = std::min(y0 + win.kh, g.h + win.ph), x1 = std::min(x0 + win.kw, g.w + win.pw);
          const int64_t pool_size = (y1 - y0) * (x1 - x0);
          y0 = std::max<int64_t>(y0, 0);
          x0 = std::max<int64_t>(x0, 0);
          y1 = std::min(y1, g.h);
          x1 = std::min(x1, g.w);
          if (y0 >= y1 || x0 >= x1) {
            o[oy * g.ow + ox] = T(0);
            continue;
          }
          Acc sum = 0;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) sum += static_cast<Acc>(in[iy * g.w + ix]);
          const int64_t divisor = divisor_override ? *divisor_override
                                  : count_include_pad ? pool_size
                                                      : (y1 - y0) * (x1 - x0);
          o[oy * g.ow + ox] = static_cast<T>(sum / static_cast<Acc>(divisor));
        }
      }
    });
    y.commit();
  });
}

// _adaptive_avg_pool2d.out: window i spans [floor(i * H / Ho), ceil((i + 1) * H / Ho)).
void adaptive_avg_pool2d(KernelArgs& a) {
  using Op = ops::_adaptive_avg_pool2d_out;
  TensorView self = a.tensor(Op::self), out = a.tensor(Op::out);
  const PoolGeometry g = geometry(self, out);
  if (g.planes * g.oh * g.ow == 0) return;
  ember::sdk::dispatch<kFloatingDTypes>(self.dtype(), "adaptive_avg_pool2d", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<std::is_same<T, double>::value, double, float>;
    DenseInput<T> x(self);
    DenseOutput<T> y(out);
    for_each_plane(g, [&](int64_t p) {
      const T* in = x.data() + p * g.h * g.w;
      T* o = y.data() + p * g.oh * g.ow;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const int64_t y0 = oy * g.h / g.oh, y1 = ((oy + 1) * g.h + g.oh - 1) / g.oh;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const int64_t x0 = ox * g.w / g.ow, x1 = ((ox + 1) * g.w + g.ow - 1) / g.ow;
          Acc sum = 0;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) sum += static_cast<Acc>(in[iy * g.w + ix]);
          o[oy * g.ow + ox] = static_cast<T>(sum / static_cast<Acc>((y1 - y0) * (x1 - x0)));
        }
      }
    });
    y.commit();
  });
}

}  // namespace

void register_pool_kernels(Registrar& reg) {
  reg.kernel<ops::max_pool2d_with_indices_out>(kDevice, kAllButBool, max_pool2d);
  reg.kernel<ops::avg_pool2d_out>(kDevice, kFloatingDTypes | ember::sdk::dtype_bit(EMBER_DTYPE_INT64), avg_pool2d);
  reg.kernel<ops::_adaptive_avg_pool2d_out>(kDevice, kFloatingDTypes, adaptive_avg_pool2d);
}

}  // namespace ember_cpu
