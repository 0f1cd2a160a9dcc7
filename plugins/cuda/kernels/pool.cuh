// pool.cuh: 2-d max / avg / adaptive-avg pooling over dense [planes, H, W], forward and backward,
// with the CPU plugin's semantics (PyTorch's CPU kernels): window clipping, NaN taken by max
// pooling, the flat h * W + w index within the plane, count_include_pad / divisor_override.
// The backward kernels gather (a thread per input element sums the windows that cover it, in
// output order), so they need no atomics and are deterministic.
//
// Defines: T_IN (storage), C_T; PL_ACC (the average's accumulator: float, double or i64),
// T_LOWEST.

struct pl_params {
  const char* in;        // forward: input; backward: grad_output
  char* out;             // forward: output; backward: grad_input
  char* indices;         // max: [planes, OH, OW] int64 (forward writes, backward reads)
  i64 planes, h, w, oh, ow;
  int kh, kw, sh, sw, ph, pw, dh, dw;
  int count_include_pad;
  int pad;
  i64 divisor_override;  // 0: none
};

extern "C" __global__ void __launch_bounds__(256) pl_max_forward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.oh * p.ow) return;
  const i64 ox = e % p.ow, oy = (e / p.ow) % p.oh, plane = e / (p.ow * p.oh);
  const T_IN* in = (const T_IN*)p.in + plane * p.h * p.w;
  C_T best = T_LOWEST;
  i64 index = -1;
  for (int ky = 0; ky < p.kh; ++ky) {
    const i64 iy = oy * p.sh - p.ph + (i64)ky * p.dh;
    if (iy < 0 || iy >= p.h) continue;
    for (int kx = 0; kx < p.kw; ++kx) {
      const i64 ix = ox * p.sw - p.pw + (i64)kx * p.dw;
      if (ix < 0 || ix >= p.w) continue;
      const C_T v = e_to_c(in[iy * p.w + ix]);
      if (v > best || v != v) {
        best = v;
        index = iy * p.w + ix;
      }
    }
  }
  if (index < 0) {  // nothing taken: the window's first element (as the CPU plugin)
    i64 y0 = oy * p.sh - p.ph, x0 = ox * p.sw - p.pw;
    while (y0 < 0) y0 += p.dh;
    while (x0 < 0) x0 += p.dw;
    index = y0 * p.w + x0;
  }
  ((T_IN*)p.out)[e] = e_store_c<T_IN>(best);
  ((i64*)p.indices)[e] = index;
}

// A thread per input element: sums grad_output over the windows whose argmax it is.
extern "C" __global__ void __launch_bounds__(256) pl_max_backward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.h * p.w) return;
  const i64 x = e % p.w, y = (e / p.w) % p.h, plane = e / (p.w * p.h);
  const i64 ext_h = (i64)(p.kh - 1) * p.dh + 1, ext_w = (i64)(p.kw - 1) * p.dw + 1;
  const i64 oy0 = (y + p.ph < ext_h) ? 0 : (y + p.ph - ext_h) / p.sh + 1;
  const i64 oy1 = min((y + p.ph) / p.sh + 1, p.oh);
  const i64 ox0 = (x + p.pw < ext_w) ? 0 : (x + p.pw - ext_w) / p.sw + 1;
  const i64 ox1 = min((x + p.pw) / p.sw + 1, p.ow);
  const T_IN* g = (const T_IN*)p.in + plane * p.oh * p.ow;
  const i64* idx = (const i64*)p.indices + plane * p.oh * p.ow;
  const i64 me = y * p.w + x;
  C_T sum = 0;
  for (i64 oy = oy0; oy < oy1; ++oy)
    for (i64 ox = ox0; ox < ox1; ++ox)
      if (idx[oy * p.ow + ox] == me) sum += e_to_c(g[oy * p.ow + ox]);
  ((T_IN*)p.out)[e] = e_store_c<T_IN>(sum);
}

// pl_max_backward gathers only over the windows that cover an element, which is exact for the
// indices max_pool2d_with_indices writes (each inside its window). Other indices are still the
// CPU plugin's scatter: a block per plane checks its indices; a plane with one outside its window
// is recomputed, each thread owning input elements and summing, in output order, the outputs that
// point at them (deterministic; slow, but only for such input). An index outside the plane is an
// IndexError (reported through `err`, the element skipped). Launched after pl_max_backward.
extern "C" __global__ void __launch_bounds__(256) pl_max_backward_fixup(const pl_params p, e_error_record* err, int site) {
  const i64 plane = blockIdx.x;
  const i64 n = p.oh * p.ow, hw = p.h * p.w;
  const i64* idx = (const i64*)p.indices + plane * n;
  const i64 ext_h = (i64)(p.kh - 1) * p.dh + 1, ext_w = (i64)(p.kw - 1) * p.dw + 1;
  int outside = 0;
  for (i64 o = threadIdx.x; o < n; o += blockDim.x) {
    const i64 j = idx[o];
    if (j < 0 || j >= hw) {
      e_report(err, site, E_ERR_INDEX_OUT_OF_RANGE, j, hw, 0);
      outside = 1;
      continue;
    }
    const i64 y = j / p.w, x = j % p.w, y0 = (o / p.ow) * p.sh - p.ph, x0 = (o % p.ow) * p.sw - p.pw;
    if (y < y0 || y >= y0 + ext_h || x < x0 || x >= x0 + ext_w) outside = 1;
  }
  if (!__syncthreads_or(outside)) return;
  const T_IN* g = (const T_IN*)p.in + plane * n;
  T_IN* gi = (T_IN*)p.out + plane * hw;
  for (i64 j = threadIdx.x; j < hw; j += blockDim.x) {
    C_T sum = 0;
    for (i64 o = 0; o < n; ++o)
      if (idx[o] == j) sum += e_to_c(g[o]);
    gi[j] = e_store_c<T_IN>(sum);
  }
}

__device__ __forceinline__ i64 pl_avg_divisor(const pl_params& p, i64 oy, i64 ox, i64* y0, i64* y1, i64* x0, i64* x1) {
  *y0 = oy * p.sh - p.ph;
  *x0 = ox * p.sw - p.pw;
  *y1 = min(*y0 + p.kh, p.h + p.ph);
  *x1 = min(*x0 + p.kw, p.w + p.pw);
  const i64 pool_size = (*y1 - *y0) * (*x1 - *x0);
  *y0 = max(*y0, (i64)0);
  *x0 = max(*x0, (i64)0);
  *y1 = min(*y1, p.h);
  *x1 = min(*x1, p.w);
  if (p.divisor_override) return p.divisor_override;
  return p.count_include_pad ? pool_size : (*y1 - *y0) * (*x1 - *x0);
}

extern "C" __global__ void __launch_bounds__(256) pl_avg_forward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.oh * p.ow) return;
  const i64 ox = e % p.ow, oy = (e / p.ow) % p.oh, plane = e / (p.ow * p.oh);
  const T_IN* in = (const T_IN*)p.in + plane * p.h * p.w;
  i64 y0, y1, x0, x1;
  const i64 divisor = pl_avg_divisor(p, oy, ox, &y0, &y1, &x0, &x1);
  if (y0 >= y1 || x0 >= x1) {
    ((T_IN*)p.out)[e] = e_store_c<T_IN>(C_T(0));
    return;
  }
  PL_ACC sum = 0;
  for (i64 iy = y0; iy < y1; ++iy)
    for (i64 ix = x0; ix < x1; ++ix) sum += (PL_ACC)e_to_c(in[iy * p.w + ix]);
  ((T_IN*)p.out)[e] = e_store_c<T_IN>((C_T)(sum / (PL_ACC)divisor));
}

extern "C" __global__ void __launch_bounds__(256) pl_avg_backward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.h * p.w) return;
  const i64 x = e % p.w, y = (e / p.w) % p.h, plane = e / (p.w * p.h);
  const i64 oy0 = (y + p.ph < p.kh) ? 0 : (y + p.ph - p.kh) / p.sh + 1;
  const i64 oy1 = min((y + p.ph) / p.sh + 1, p.oh);
  const i64 ox0 = (x + p.pw < p.kw) ? 0 : (x + p.pw - p.kw) / p.sw + 1;
  const i64 ox1 = min((x + p.pw) / p.sw + 1, p.ow);
  const T_IN* g = (const T_IN*)p.in + plane * p.oh * p.ow;
  PL_ACC sum = 0;
  for (i64 oy = oy0; oy < oy1; ++oy)
    for (i64 ox = ox0; ox < ox1; ++ox) {
      i64 y0, y1, x0, x1;
      const i64 divisor = pl_avg_divisor(p, oy, ox, &y0, &y1, &x0, &x1);
      if (y < y0 || y >= y1 || x < x0 || x >= x1) continue;
      sum += (PL_ACC)e_to_c(g[oy * p.ow + ox]) / (PL_ACC)divisor;
    }
  ((T_IN*)p.out)[e] = e_store_c<T_IN>((C_T)sum);
}

// Adaptive: window i spans [floor(i * H / OH), ceil((i + 1) * H / OH)).
extern "C" __global__ void __launch_bounds__(256) pl_adaptive_forward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.oh * p.ow) return;
  const i64 ox = e % p.ow, oy = (e / p.ow) % p.oh, plane = e / (p.ow * p.oh);
  const T_IN* in = (const T_IN*)p.in + plane * p.h * p.w;
  const i64 y0 = oy * p.h / p.oh, y1 = ((oy + 1) * p.h + p.oh - 1) / p.oh;
  const i64 x0 = ox * p.w / p.ow, x1 = ((ox + 1) * p.w + p.ow - 1) / p.ow;
  PL_ACC sum = 0;
  for (i64 iy = y0; iy < y1; ++iy)
    for (i64 ix = x0; ix < x1; ++ix) sum += (PL_ACC)e_to_c(in[iy * p.w + ix]);
  ((T_IN*)p.out)[e] = e_store_c<T_IN>((C_T)(sum / (PL_ACC)((y1 - y0) * (x1 - x0))));
}

extern "C" __global__ void __launch_bounds__(256) pl_adaptive_backward(const pl_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.planes * p.h * p.w) return;
  const i64 x = e % p.w, y = (e / p.w) % p.h, plane = e / (p.w * p.h);
  const T_IN* g = (const T_IN*)p.in + plane * p.oh * p.ow;
  const i64 oy0 = y * p.oh / p.h, oy1 = min(((y + 1) * p.oh + p.h - 1) / p.h, p.oh);
  const i64 ox0 = x * p.ow / p.w, ox1 = min(((x + 1) * p.ow + p.w - 1) / p.w, p.ow);
  PL_ACC sum = 0;
  for (i64 oy = oy0; oy < oy1; ++oy) {
    const i64 y0 = oy * p.h / p.oh, y1 = ((oy + 1) * p.h + p.oh - 1) / p.oh;
    if (y < y0 || y >= y1) continue;
    for (i64 ox = ox0; ox < ox1; ++ox) {
      const i64 x0 = ox * p.w / p.ow, x1 = ((ox + 1) * p.w + p.ow - 1) / p.ow;
      if (x < x0 || x >= x1) continue;
      sum += (PL_ACC)e_to_c(g[oy * p.ow + ox]) / (PL_ACC)((y1 - y0) * (x1 - x0));
    }
  }
  ((T_IN*)p.out)[e] = e_store_c<T_IN>((C_T)sum);
}
