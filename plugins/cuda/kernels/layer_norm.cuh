// layer_norm.cuh: native_layer_norm forward and the row part of its backward, over a dense
// [M, N] view (N = the normalized elements), a block of 256 threads per row.
//
// Forward: mean and biased variance in two passes (sums in double, fixed tree), then
//   y = (x - mean) * rstd * w + b, with mean / rstd written per row (as double to a scratch
//   array; the host converts them to the outputs' dtype).
// Backward (grad_input only; grad_weight / grad_bias are column sums the host takes with the
// reduction engine): with g = grad * w, ds = sum(g * x), db = sum(g) (double),
//   gi = rstd * g + b * x + c,  b = (db * mean - ds) * rstd^3 / N,  c = -b * mean - db * rstd / N.
// Defines: T_IN (x, y, weights), C_T.

struct ln_params {
  const char* x;
  const char* grad;     // backward
  const char* weight;   // [N] or null
  const char* bias;     // [N] or null (forward)
  char* y;              // forward: y; backward: grad_input
  double* mean;         // [M]: forward writes, backward reads
  double* rstd;
  i64 m, n;
  double eps;
};

__device__ __forceinline__ double ln_block_sum(double v, double* smem) {
  smem[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) smem[threadIdx.x] += smem[threadIdx.x + s];
    __syncthreads();
  }
  const double r = smem[0];
  __syncthreads();
  return r;
}

extern "C" __global__ void __launch_bounds__(256) ln_forward(const ln_params p) {
  __shared__ double smem[256];
  const i64 row = blockIdx.x;
  const T_IN* x = (const T_IN*)p.x + row * p.n;
  T_IN* y = (T_IN*)p.y + row * p.n;
  double s = 0;
  for (i64 k = threadIdx.x; k < p.n; k += blockDim.x) s += (double)e_to_c(x[k]);
  const double mean = p.n > 0 ? ln_block_sum(s, smem) / (double)p.n : 0.0;
  double q = 0;
  for (i64 k = threadIdx.x; k < p.n; k += blockDim.x) {
    const double d = (double)e_to_c(x[k]) - mean;
    q += d * d;
  }
  const double var = p.n > 0 ? ln_block_sum(q, smem) / (double)p.n : 0.0;
  const double rstd = 1.0 / sqrt(var + p.eps);
  if (threadIdx.x == 0) {
    p.mean[row] = mean;
    p.rstd[row] = rstd;
  }
  const C_T m = (C_T)mean, r = (C_T)rstd;
  for (i64 k = threadIdx.x; k < p.n; k += blockDim.x) {
    C_T v = (e_to_c(x[k]) - m) * r;
    if (p.weight) v *= e_to_c(((const T_IN*)p.weight)[k]);
    if (p.bias) v += e_to_c(((const T_IN*)p.bias)[k]);
    y[k] = e_store_c<T_IN>(v);
  }
}

extern "C" __global__ void __launch_bounds__(256) ln_backward_input(const ln_params p) {
  __shared__ double smem[256];
  const i64 row = blockIdx.x;
  const T_IN* x = (const T_IN*)p.x + row * p.n;
  const T_IN* gr = (const T_IN*)p.grad + row * p.n;
  T_IN* gi = (T_IN*)p.y + row * p.n;
  double ds = 0, db = 0;
  for (i64 k = threadIdx.x; k < p.n; k += blockDim.x) {
    double g = (double)e_to_c(gr[k]);
    if (p.weight) g *= (double)e_to_c(((const T_IN*)p.weight)[k]);
    ds += g * (double)e_to_c(x[k]);
    db += g;
  }
  ds = ln_block_sum(ds, smem);
  db = ln_block_sum(db, smem);
  const double mean = p.mean[row], rstd = p.rstd[row];
  const double nn = (double)p.n;
  const double b = (db * mean - ds) * rstd * rstd * rstd / nn;
  const double c = -b * mean - db * rstd / nn;
  const C_T rs = (C_T)rstd, bb = (C_T)b, cc = (C_T)c;
  for (i64 k = threadIdx.x; k < p.n; k += blockDim.x) {
    C_T g = e_to_c(gr[k]);
    if (p.weight) g *= e_to_c(((const T_IN*)p.weight)[k]);
    gi[k] = e_store_c<T_IN>(rs * g + bb * e_to_c(x[k]) + cc);
  }
}

// grad * xhat, xhat = (x - mean) * rstd, in the compute type C_T (float for float16 / bfloat16:
// rounding each product to the storage type first loses the small column sums of large terms),
// for grad_weight = column sums of it.
extern "C" __global__ void __launch_bounds__(256) ln_xhat_grad(const ln_params p) {
  const i64 idx = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= p.m * p.n) return;
  const i64 row = idx / p.n;
  const C_T v = (e_to_c(((const T_IN*)p.x)[idx]) - (C_T)p.mean[row]) * (C_T)p.rstd[row];
  ((C_T*)p.y)[idx] = v * e_to_c(((const T_IN*)p.grad)[idx]);
}
