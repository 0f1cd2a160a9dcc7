// batch_norm.cuh: native_batch_norm forward and backward over a dense [N, C, S] view, as the CPU
// plugin computes them. Per-channel statistics and sums run in double over (channel, chunk)
// partials merged in a fixed order (the chunking depends only on the shape). Per-channel
// parameters and statistics are read in place when they are contiguous [C] arrays of the data's
// dtype or of float32 (autocast's float32 parameters of float16 / bfloat16 data), else from double
// arrays the host converted; per-channel results (save_mean, save_invstd, grad_weight,
// grad_bias) are written in place under the same condition, else to double arrays the host
// converts (bn_param, bn_put; raw_f32 says which raw arrays are float32).
//
// Defines: T_IN (data storage), C_T (its compute type: the normalization runs in it, as the CPU's
// norm_acc_t).
//
// Kernels:
//   bn_stats        grid (C, chunks): partial (count, sum, sum of squares) of x - x[0, c] per (channel, chunk)
//   bn_finish_stats grid C: merges the partials -> mean, invstd; scale / shift coefficients
//   bn_bwd_sums     grid (C, chunks): sum(g) and sum((x - mean) * g) partials
//   bn_finish_bwd   grid C: -> grad_weight, grad_bias, and the grad_input coefficients
//   bn_apply        out = a * k1[c] + b * k2[c] + k3[c] (b optional), a block per (plane, chunk)
//   bn_apply_flat   the same over the flat index (N * C * S < 2^31): 1,024 elements per block
//                   whatever S is (bn_apply leaves most of a block idle on 7x7 planes)
//
// The reductions read a channel's elements j = 0 .. N*S - 1 (plane j / S, position j % S) with a
// stride of the block size, stepping their offset incrementally (bn_walk): a 64-bit division per
// element cost more than the memory traffic. Four loads are issued before they are used.

struct bn_params {
  const char* a;        // x (forward) or g (backward)
  const char* b;        // x (backward) or null
  char* out;
  i64 n, c, s;
  i64 chunk_len, n_chunks;
  double* partial;      // 3 doubles per (channel, chunk)
  double* mean;         // [C] training forward: written; backward: the saved mean, or null (raw_mean)
  double* invstd;       // [C] likewise
  const double* var;    // [C] running variance (eval forward / backward), or null
  const double* weight; // [C] or null
  const double* bias;   // [C] or null
  double* k1;
  double* k2;
  double* k3;
  double* grad_weight;  // [C] or null
  double* grad_bias;    // [C] or null
  double eps;
  int training;
  int raw_f32;          // bit BN_* set: that raw array is float32, not T_IN
  // Per-channel arrays of T_IN or float32 used in place (contiguous [C]); null: the double arrays above.
  const char* raw_weight;
  const char* raw_bias;
  const char* raw_mean;   // eval: running mean; backward (train): save_mean
  const char* raw_var;    // eval: running variance
  const char* raw_invstd; // backward (train): save_invstd
  char* out_mean;         // training forward: save_mean written in place, or null
  char* out_invstd;       // training forward: save_invstd
  char* out_grad_weight;  // backward
  char* out_grad_bias;
  e_divider div_s;        // bn_apply_flat: plane = i / S, channel = plane % C
  e_divider div_c;
  u32 total32;            // N * C * S when below 2^31
  u32 pad2;
};

// raw_f32 bits (ops_norm.cpp's RawArray).
#define BN_WEIGHT 1
#define BN_BIAS 2
#define BN_MEAN 4
#define BN_VAR 8
#define BN_INVSTD 16
#define BN_OUT_MEAN 32
#define BN_OUT_INVSTD 64
#define BN_OUT_GRAD_WEIGHT 128
#define BN_OUT_GRAD_BIAS 256

__device__ __forceinline__ double bn_param(const bn_params& p, const double* converted, const char* raw, int bit, i64 ch,
                                           double absent) {
  if (raw) return (p.raw_f32 & bit) ? (double)((const float*)raw)[ch] : (double)e_to_c(((const T_IN*)raw)[ch]);
  return converted ? converted[ch] : absent;
}

// Writes a per-channel result in place (T_IN or float32) or into its double array.
__device__ __forceinline__ void bn_put(const bn_params& p, double* converted, char* raw, int bit, i64 ch, double v) {
  if (raw) {
    if (p.raw_f32 & bit) ((float*)raw)[ch] = (float)v;
    else ((T_IN*)raw)[ch] = e_store_c<T_IN>((C_T)v);
  } else if (converted) {
    converted[ch] = v;
  }
}

// A thread's walk over one channel: offset of element j, then of j + step, j + 2 step, ...
struct bn_walk {
  i64 off, r, step_off, step_r, s, wrap;
};
__device__ __forceinline__ bn_walk bn_walk_begin(const bn_params& p, i64 ch, i64 j, i64 step) {
  bn_walk w;
  const i64 nn = j / p.s;
  w.r = j - nn * p.s;
  w.off = (nn * p.c + ch) * p.s + w.r;
  const i64 sn = step / p.s;
  w.step_r = step - sn * p.s;
  w.step_off = sn * p.c * p.s + w.step_r;
  w.s = p.s;
  w.wrap = (p.c - 1) * p.s;  // passing a plane's end: on to the channel's plane in the next sample
  return w;
}
__device__ __forceinline__ void bn_walk_next(bn_walk& w) {
  w.off += w.step_off;
  w.r += w.step_r;
  if (w.r >= w.s) {
    w.r -= w.s;
    w.off += w.wrap;
  }
}

#define BN_UNROLL 4


// Sums of (x - K) and (x - K)^2 in double, K the channel's first element: no division per
// element (Welford's update divides per element, and the double division made this pass
// compute-bound at four times the memory time), and no cancellation when the mean is large
// against the spread (K lies in the data, so the sums stay of the order of the spread). Every
// chunk of a channel shifts by the same K: the partials (count, sum, sum of squares) add up.
extern "C" __global__ void __launch_bounds__(256) bn_stats(const bn_params p) {
  __shared__ double s1[256], s2[256];
  const i64 ch = blockIdx.x, chunk = blockIdx.y;
  const i64 total = p.n * p.s;
  const i64 start = chunk * p.chunk_len, end = min(total, start + p.chunk_len);
  const i64 step = blockDim.x;
  const double k = total > 0 ? (double)e_to_c(((const T_IN*)p.a)[ch * p.s]) : 0.0;  // sample 0, position 0
  double sum = 0, sq = 0;
  i64 j = start + threadIdx.x;
  if (j < end) {
    bn_walk at = bn_walk_begin(p, ch, j, step);
    for (; j < end; j += BN_UNROLL * step) {
      double v[BN_UNROLL];
#pragma unroll
      for (int u = 0; u < BN_UNROLL; ++u) {
        v[u] = 0.0;
        if (j + u * step < end) {
          v[u] = (double)e_to_c(((const T_IN*)p.a)[at.off]) - k;
          bn_walk_next(at);
        }
      }
#pragma unroll
      for (int u = 0; u < BN_UNROLL; ++u) {
        sum += v[u];
        sq = fma(v[u], v[u], sq);
      }
    }
  }
  s1[threadIdx.x] = sum;
  s2[threadIdx.x] = sq;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h >>= 1) {
    if (threadIdx.x < h) {
      s1[threadIdx.x] += s1[threadIdx.x + h];
      s2[threadIdx.x] += s2[threadIdx.x + h];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double* out = p.partial + (ch * p.n_chunks + chunk) * 3;
    out[0] = end > start ? (double)(end - start) : 0.0;
    out[1] = s1[0];
    out[2] = s2[0];
  }
}

// A thread per channel. Training: merges the chunks in order; eval: the running statistics.
extern "C" __global__ void __launch_bounds__(256) bn_finish_stats(const bn_params p) {
  const i64 ch = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (ch >= p.c) return;
  double mean, invstd;
  if (p.training) {
    double n = 0, s1 = 0, s2 = 0;  // in chunk order: the same sums for every launch of a shape
    for (i64 k = 0; k < p.n_chunks; ++k) {
      const double* q = p.partial + (ch * p.n_chunks + k) * 3;
      n += q[0];
      s1 += q[1];
      s2 += q[2];
    }
    const double k = n > 0 ? (double)e_to_c(((const T_IN*)p.a)[ch * p.s]) : 0.0;  // bn_stats' shift
    mean = n > 0 ? k + s1 / n : 0.0;
    const double var = n > 0 ? fmax(s2 - s1 * s1 / n, 0.0) / n : 0.0;
    invstd = 1.0 / sqrt(var + p.eps);
    bn_put(p, p.mean, p.out_mean, BN_OUT_MEAN, ch, mean);
    bn_put(p, p.invstd, p.out_invstd, BN_OUT_INVSTD, ch, invstd);
  } else {
    mean = bn_param(p, p.mean, p.raw_mean, BN_MEAN, ch, 0.0);
    invstd = 1.0 / sqrt(bn_param(p, p.var, p.raw_var, BN_VAR, ch, 0.0) + p.eps);
  }
  const double scale = invstd * bn_param(p, p.weight, p.raw_weight, BN_WEIGHT, ch, 1.0);
  p.k1[ch] = scale;
  p.k2[ch] = 0.0;
  p.k3[ch] = bn_param(p, p.bias, p.raw_bias, BN_BIAS, ch, 0.0) - mean * scale;
}

// Backward sums: a = g, b = x; partial[0] = sum(g), [1] = sum((x - mean) * g).
extern "C" __global__ void __launch_bounds__(256) bn_bwd_sums(const bn_params p) {
  __shared__ double s0[256], s1[256];
  const i64 ch = blockIdx.x, chunk = blockIdx.y;
  const i64 total = p.n * p.s;
  const i64 start = chunk * p.chunk_len, end = min(total, start + p.chunk_len);
  const i64 step = blockDim.x;
  const double mean = bn_param(p, p.mean, p.raw_mean, BN_MEAN, ch, 0.0);
  double sum = 0, dot = 0;
  i64 j = start + threadIdx.x;
  if (j < end) {
    bn_walk at = bn_walk_begin(p, ch, j, step);
    for (; j < end; j += BN_UNROLL * step) {
      double g[BN_UNROLL], x[BN_UNROLL];
#pragma unroll
      for (int u = 0; u < BN_UNROLL; ++u) {
        if (j + u * step < end) {
          g[u] = (double)e_to_c(((const T_IN*)p.a)[at.off]);
          x[u] = (double)e_to_c(((const T_IN*)p.b)[at.off]);
          bn_walk_next(at);
        }
      }
#pragma unroll
      for (int u = 0; u < BN_UNROLL; ++u) {
        if (j + u * step < end) {
          sum += g[u];
          dot += (x[u] - mean) * g[u];
        }
      }
    }
  }
  s0[threadIdx.x] = sum;
  s1[threadIdx.x] = dot;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      s0[threadIdx.x] += s0[threadIdx.x + s];
      s1[threadIdx.x] += s1[threadIdx.x + s];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double* out = p.partial + (ch * p.n_chunks + chunk) * 3;
    out[0] = s0[0];
    out[1] = s1[0];
    out[2] = 0;
  }
}

// A thread per channel: grad_weight = dot * invstd, grad_bias = sum, and gi's coefficients
// (train: gi = g * scale - x * k * scale + (mean * k - sum / count) * scale, k = dot * invstd^2 / count;
// eval: gi = g * scale). invstd is the saved one (train) or from the running variance (eval).
extern "C" __global__ void __launch_bounds__(256) bn_finish_bwd(const bn_params p) {
  const i64 ch = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (ch >= p.c) return;
  double sum = 0, dot = 0;
  for (i64 k = 0; k < p.n_chunks; ++k) {
    const double* q = p.partial + (ch * p.n_chunks + k) * 3;
    sum += q[0];
    dot += q[1];
  }
  const double invstd = p.training ? bn_param(p, p.invstd, p.raw_invstd, BN_INVSTD, ch, 0.0)
                                   : 1.0 / sqrt(bn_param(p, p.var, p.raw_var, BN_VAR, ch, 0.0) + p.eps);
  bn_put(p, p.grad_weight, p.out_grad_weight, BN_OUT_GRAD_WEIGHT, ch, dot * invstd);
  bn_put(p, p.grad_bias, p.out_grad_bias, BN_OUT_GRAD_BIAS, ch, sum);
  const double scale = invstd * bn_param(p, p.weight, p.raw_weight, BN_WEIGHT, ch, 1.0);
  const double count = (double)(p.n * p.s);
  if (p.training) {
    const double k = dot * invstd * invstd / count;
    p.k1[ch] = scale;
    p.k2[ch] = -k * scale;
    p.k3[ch] = (bn_param(p, p.mean, p.raw_mean, BN_MEAN, ch, 0.0) * k - sum / count) * scale;
  } else {
    p.k1[ch] = scale;
    p.k2[ch] = 0;
    p.k3[ch] = 0;
  }
}

__device__ __forceinline__ void bn_apply_at(const bn_params& p, i64 i, i64 ch) {
  C_T v = e_to_c(((const T_IN*)p.a)[i]) * (C_T)p.k1[ch] + (C_T)p.k3[ch];
  if (p.b) v += e_to_c(((const T_IN*)p.b)[i]) * (C_T)p.k2[ch];
  ((T_IN*)p.out)[i] = e_store_c<T_IN>(v);
}

// out = a * k1[c] + (b ? b * k2[c] : 0) + k3[c], in C_T. grid (N * C planes, ceil(S / 1024)): the
// channel is found once per block. For tensors of 2^31 elements or more.
extern "C" __global__ void __launch_bounds__(256) bn_apply(const bn_params p) {
  const i64 plane = blockIdx.x;
  const i64 ch = plane % p.c;
  const i64 base = plane * p.s;
#pragma unroll
  for (int u = 0; u < 4; ++u) {
    const i64 j = (i64)blockIdx.y * (blockDim.x * 4) + u * blockDim.x + threadIdx.x;
    if (j >= p.s) return;
    bn_apply_at(p, base + j, ch);
  }
}

// The same over the flat index: grid ceil(total / 1024).
extern "C" __global__ void __launch_bounds__(256) bn_apply_flat(const bn_params p) {
  const u32 first = blockIdx.x * (blockDim.x * 4u) + threadIdx.x;
#pragma unroll
  for (int u = 0; u < 4; ++u) {
    const u32 i = first + u * blockDim.x;
    if (i >= p.total32) return;
    const u32 plane = e_div(p.div_s, i);
    const u32 ch = plane - e_div(p.div_c, plane) * p.div_c.divisor;
    bn_apply_at(p, i, ch);
  }
}
