// loss.cuh: nll_loss forward and backward over log-probabilities x [N, C] (dense) and targets
// [N] (T_TGT: i64 or u8), as the CPU plugin computes them (ops_softmax_loss.cpp has the formulas).
// A target outside [0, C) that is not ignore_index is reported through the device error record
// (IndexError "Target t is out of bounds") and contributes nothing. Sums run in double in one
// block with a fixed tree, so they do not depend on the launch.
//
// Defines: T_IN (x, weight and outputs' storage), C_T, T_TGT.

struct nl_params {
  const char* x;
  const char* target;
  const char* weight;   // [C] or null
  const char* grad_out; // backward: [N] (reduction none) or [] (sum / mean)
  const char* total_weight;  // backward (mean)
  char* out;            // forward: [N] or []; backward: grad_input [N, C] (zeroed by the host)
  char* total_out;      // forward: total_weight []
  i64 n, c;
  i64 ignore_index;
  int reduction;        // 0 none, 1 mean, 2 sum
  int per_sample;       // reduction none with 2-d input
  e_error_record* err;
  int site;
};

__device__ __forceinline__ bool nl_target(const nl_params& p, i64 i, i64* t) {
  *t = (i64)((const T_TGT*)p.target)[i];
  if (*t == p.ignore_index) return false;
  if (*t < 0 || *t >= p.c) {
    e_report(p.err, p.site, E_ERR_TARGET_OUT_OF_RANGE, *t, p.c, 0);
    return false;
  }
  return true;
}
__device__ __forceinline__ double nl_weight(const nl_params& p, i64 t) {
  return p.weight ? (double)e_to_c(((const T_IN*)p.weight)[t]) : 1.0;
}

// Reduction none, 2-d input: a thread per sample.
extern "C" __global__ void __launch_bounds__(256) nl_forward_none(const nl_params p) {
  const i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= p.n) return;
  i64 t;
  double v = 0;
  if (nl_target(p, i, &t)) v = -nl_weight(p, t) * (double)e_to_c(((const T_IN*)p.x)[i * p.c + t]);
  ((T_IN*)p.out)[i] = e_store_c<T_IN>((C_T)v);
}

// Sum / mean: one block of 256 threads.
extern "C" __global__ void __launch_bounds__(256) nl_forward_reduce(const nl_params p) {
  __shared__ double s_loss[256];
  __shared__ double s_weight[256];
  double loss = 0, wsum = 0;
  for (i64 i = threadIdx.x; i < p.n; i += blockDim.x) {
    i64 t;
    if (!nl_target(p, i, &t)) continue;
    const double w = nl_weight(p, t);
    wsum += w;
    loss -= w * (double)e_to_c(((const T_IN*)p.x)[i * p.c + t]);
  }
  s_loss[threadIdx.x] = loss;
  s_weight[threadIdx.x] = wsum;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      s_loss[threadIdx.x] += s_loss[threadIdx.x + s];
      s_weight[threadIdx.x] += s_weight[threadIdx.x + s];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double l = s_loss[0];
    const double w = s_weight[0];
    if (p.n == 0) l = p.reduction == 1 ? __longlong_as_double(0x7ff8000000000000LL) : 0.0;
    else if (p.reduction == 1) l /= w;
    *(T_IN*)p.out = e_store_c<T_IN>((C_T)l);
    *(T_IN*)p.total_out = e_store_c<T_IN>((C_T)w);
  }
}

// A thread per sample writes its one nonzero gradient (grad_input was zeroed).
extern "C" __global__ void __launch_bounds__(256) nl_backward(const nl_params p) {
  const i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= p.n) return;
  i64 t;
  if (!nl_target(p, i, &t)) return;
  C_T grad;
  if (p.per_sample) {
    grad = -e_to_c(((const T_IN*)p.grad_out)[i]);
  } else {
    grad = -e_to_c(((const T_IN*)p.grad_out)[0]);
    if (p.reduction == 1) grad /= e_to_c(((const T_IN*)p.total_weight)[0]);
  }
  const C_T w = p.weight ? e_to_c(((const T_IN*)p.weight)[t]) : C_T(1);
  ((T_IN*)p.out)[i * p.c + t] = e_store_c<T_IN>(p.weight ? w * grad : grad);
}
