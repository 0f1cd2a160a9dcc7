// optim.cuh: the multi-tensor optimizer steps (_fused_sgd_, _fused_adam_, _fused_adamw_), as the
// CPU plugin's kernels_optim.cpp computes them: each element's update in C_T, stored once.
//
// One launch covers up to OPT_MAX_TENSORS parameters, described in the kernel's parameter block
// (no metadata copy to the device). Each parameter is cut into OPT_CHUNK-element chunks; block b
// finds its parameter by a search of chunk_start (the first chunk of each parameter) and updates
// that chunk. The host (ops_optim.cpp) fills opt_params; its layout must match this struct.
//
// Defines: T_IN (storage), C_T (compute type).

#define OPT_MAX_TENSORS 48
#define OPT_CHUNK 65536

struct opt_tensor {
  char* p;          // parameter
  const char* g;    // gradient
  char* s1;         // momentum buffer / exp_avg (null without momentum)
  char* s2;         // exp_avg_sq
  char* s3;         // max_exp_avg_sq (amsgrad) or null
  i64 n;
  double step_size; // adam: -lr / (1 - beta1^step)
  double bc2_sqrt;  // adam: sqrt(1 - beta2^step)
};

struct opt_params {
  opt_tensor t[OPT_MAX_TENSORS];
  int chunk_start[OPT_MAX_TENSORS + 1];
  int count;
  int flags;  // OPT_* bits
  double lr, weight_decay, momentum, dampening, beta1, beta2, eps;
};

#define OPT_MAXIMIZE 1
#define OPT_NESTEROV 2
#define OPT_FIRST 4
#define OPT_AMSGRAD 8
#define OPT_DECOUPLED 16

__device__ __forceinline__ float opt_sqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double opt_sqrt(double x) { return sqrt(x); }

// The parameter of chunk c and the chunk's element range in it.
__device__ __forceinline__ int opt_tensor_of(const opt_params& p, int c) {
  int lo = 0, hi = p.count;
  while (hi - lo > 1) {
    const int mid = (lo + hi) >> 1;
    if (p.chunk_start[mid] <= c) lo = mid; else hi = mid;
  }
  return lo;
}

// This block's parameter and its chunk [*begin, *end).
__device__ __forceinline__ const opt_tensor& opt_chunk(const opt_params& p, i64* begin, i64* end) {
  const int c = blockIdx.x;
  const int k = opt_tensor_of(p, c);
  const opt_tensor& t = p.t[k];
  *begin = (i64)(c - p.chunk_start[k]) * OPT_CHUNK;
  *end = *begin + OPT_CHUNK < t.n ? *begin + OPT_CHUNK : t.n;
  return t;
}

extern "C" __global__ void __launch_bounds__(512) fused_sgd(const opt_params p) {
  i64 begin, end;
  const opt_tensor& t = opt_chunk(p, &begin, &end);
  T_IN* param = (T_IN*)t.p;
  const T_IN* grad = (const T_IN*)t.g;
  T_IN* buf = (T_IN*)t.s1;
  const C_T wd = (C_T)p.weight_decay, mom = (C_T)p.momentum, step = (C_T)(-p.lr), keep = (C_T)(1 - p.dampening);
  const bool maximize = p.flags & OPT_MAXIMIZE, nesterov = p.flags & OPT_NESTEROV, first = p.flags & OPT_FIRST;
  for (i64 i = begin + threadIdx.x; i < end; i += blockDim.x) {
    C_T d = e_to_c(grad[i]);
    if (maximize) d = -d;
    const C_T pv = e_to_c(param[i]);
    if (p.weight_decay != 0) d = d + wd * pv;
    if (buf) {
      const C_T b = first ? d : mom * e_to_c(buf[i]) + keep * d;  // keep = 1 without dampening
      buf[i] = e_store_c<T_IN>(b);
      d = nesterov ? d + mom * b : b;
    }
    param[i] = e_store_c<T_IN>(pv + step * d);
  }
}

extern "C" __global__ void __launch_bounds__(512) fused_adam(const opt_params p) {
  i64 begin, end;
  const opt_tensor& t = opt_chunk(p, &begin, &end);
  T_IN* param = (T_IN*)t.p;
  const T_IN* grad = (const T_IN*)t.g;
  T_IN* m1 = (T_IN*)t.s1;
  T_IN* m2 = (T_IN*)t.s2;
  T_IN* vmax = (T_IN*)t.s3;
  const C_T b1 = (C_T)p.beta1, b2 = (C_T)p.beta2, one_b1 = (C_T)(1 - p.beta1), one_b2 = (C_T)(1 - p.beta2);
  const C_T wd = (C_T)p.weight_decay, decay = (C_T)(1 - p.lr * p.weight_decay), eps = (C_T)p.eps;
  const C_T step_size = (C_T)t.step_size, bc2_sqrt = (C_T)t.bc2_sqrt;
  const bool maximize = p.flags & OPT_MAXIMIZE, decoupled = p.flags & OPT_DECOUPLED;
  for (i64 i = begin + threadIdx.x; i < end; i += blockDim.x) {
    C_T d = e_to_c(grad[i]);
    if (maximize) d = -d;
    C_T pv = e_to_c(param[i]);
    if (p.weight_decay != 0) {
      if (decoupled) pv = pv * decay;
      else d = d + wd * pv;
    }
    const C_T mv = e_to_c(m1[i]) * b1 + one_b1 * d;
    C_T vv = e_to_c(m2[i]) * b2 + one_b2 * (d * d);
    m1[i] = e_store_c<T_IN>(mv);
    m2[i] = e_store_c<T_IN>(vv);
    if (vmax) {
      const C_T old = e_to_c(vmax[i]);
      vv = (old > vv || old != old) ? old : vv;  // maximum, NaN-propagating as ember::maximum
      vmax[i] = e_store_c<T_IN>(vv);
    }
    const C_T denom = opt_sqrt(vv) / bc2_sqrt + eps;
    param[i] = e_store_c<T_IN>(pv + step_size * (mv / denom));
  }
}
