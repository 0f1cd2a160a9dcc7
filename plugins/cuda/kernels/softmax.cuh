// softmax.cuh: softmax / log_softmax over one dim, forward and backward, on a dense tensor seen
// as [outer, D, inner] (D the softmax dim).
//
// Defines (kernel_families.cpp): T_IN / T_OUT (forward: input and output storage; T_OUT is
// float for half_to_float), C_T, and
//   SM_LOG    1 for log_softmax
//   SM_ELEMS  values each lane keeps in registers in sm_rows (a power of two, D <= lanes * SM_ELEMS)
//   SM_BACKWARD  1: the program holds the backward kernels, else the forward ones
// Arithmetic is in the compute type (float, double for double); the backward sums in double, as
// the CPU plugin does (y * (g - sum) cancels).
//
// Kernels:
//   sm_rows      inner == 1, D <= lanes * SM_ELEMS: a group of `lanes` threads per row (blockDim.x:
//                32, a warp, or 256, the block), the row read once into registers
//   sm_rows_long inner == 1, any D: a block per row, online max/sum, then a second read
//   sm_cols      inner > 1: a thread per (outer, inner) column, three passes along D
//   smb_rows / smb_cols  the backward of either, from the forward's output y and the grad g

typedef C_T sm_acc;

struct sm_params {
  const char* x;   // forward: input; backward: the forward's output y
  const char* g;   // backward: grad of the output
  char* y;         // forward: output; backward: grad_input
  i64 outer, dim, inner;
};

__device__ __forceinline__ sm_acc sm_max(sm_acc a, sm_acc b) { return a < b ? b : a; }  // NaN in b is skipped, as std::max

// Max / sum over a group of blockDim.x lanes (a warp or the whole block).
__device__ __forceinline__ sm_acc sm_group_max(sm_acc v, sm_acc* smem) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = sm_max(v, __shfl_xor_sync(0xffffffffu, v, o));
  if (blockDim.x <= 32) return v;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  __syncthreads();
  if (lane == 0) smem[warp] = v;
  __syncthreads();
  v = smem[0];
  for (int i = 1; i < warps; ++i) v = sm_max(v, smem[i]);
  return v;
}
template <typename A>
__device__ __forceinline__ A sm_group_sum(A v, A* smem) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  if (blockDim.x <= 32) return v;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, warps = blockDim.x >> 5;
  __syncthreads();
  if (lane == 0) smem[warp] = v;
  __syncthreads();
  v = smem[0];
  for (int i = 1; i < warps; ++i) v += smem[i];
  return v;
}

#if !SM_BACKWARD
// grid: rows / blockDim.y; block (lanes, rows per block).
extern "C" __global__ void __launch_bounds__(256) sm_rows(const sm_params p) {
  __shared__ sm_acc smem[8];
  const i64 row = (i64)blockIdx.x * blockDim.y + threadIdx.y;
  if (row >= p.outer) return;  // whole groups leave together (blockDim.y > 1 only with warp groups)
  const T_IN* x = (const T_IN*)p.x + row * p.dim;
  T_OUT* y = (T_OUT*)p.y + row * p.dim;
  const int lanes = blockDim.x, lane = threadIdx.x;
  sm_acc v[SM_ELEMS];
  sm_acc m = T_LOWEST;
#pragma unroll
  for (int j = 0; j < SM_ELEMS; ++j) {
    const i64 k = lane + (i64)j * lanes;
    v[j] = k < p.dim ? (sm_acc)e_to_c(x[k]) : (sm_acc)T_LOWEST;
    m = sm_max(m, v[j]);
  }
  m = sm_group_max(m, smem);
  sm_acc s = 0;
#pragma unroll
  for (int j = 0; j < SM_ELEMS; ++j) {
    const i64 k = lane + (i64)j * lanes;
    if (k < p.dim) {
#if SM_LOG
      s += e_exp(v[j] - m);  // v keeps x
#else
      v[j] = e_exp(v[j] - m);
      s += v[j];
#endif
    }
  }
  s = sm_group_sum(s, smem);
#if SM_LOG
  const sm_acc shift = m + e_log(s);
#pragma unroll
  for (int j = 0; j < SM_ELEMS; ++j) {
    const i64 k = lane + (i64)j * lanes;
    if (k < p.dim) y[k] = e_store_c<T_OUT>((e_ct<T_OUT>::type)(v[j] - shift));
  }
#else
  const sm_acc inv = sm_acc(1) / s;
#pragma unroll
  for (int j = 0; j < SM_ELEMS; ++j) {
    const i64 k = lane + (i64)j * lanes;
    if (k < p.dim) y[k] = e_store_c<T_OUT>((e_ct<T_OUT>::type)(v[j] * inv));
  }
#endif
}

// grid: rows; block 256. Online max and sum (the sum rescaled when the max grows), then the output.
extern "C" __global__ void __launch_bounds__(256) sm_rows_long(const sm_params p) {
  __shared__ sm_acc smem[8];
  const i64 row = blockIdx.x;
  const T_IN* x = (const T_IN*)p.x + row * p.dim;
  T_OUT* y = (T_OUT*)p.y + row * p.dim;
  sm_acc m = T_LOWEST, s = 0;
  for (i64 k = threadIdx.x; k < p.dim; k += blockDim.x) {
    const sm_acc v = e_to_c(x[k]);
    if (v > m) {
      s = s * e_exp(m - v);
      m = v;
    }
    s += e_exp(v - m);
  }
  const sm_acc row_max = sm_group_max(m, smem);
  s = s * e_exp(m - row_max);
  s = sm_group_sum(s, smem);
#if SM_LOG
  const sm_acc shift = row_max + e_log(s);
  for (i64 k = threadIdx.x; k < p.dim; k += blockDim.x) y[k] = e_store_c<T_OUT>((e_ct<T_OUT>::type)((sm_acc)e_to_c(x[k]) - shift));
#else
  const sm_acc inv = sm_acc(1) / s;
  for (i64 k = threadIdx.x; k < p.dim; k += blockDim.x)
    y[k] = e_store_c<T_OUT>((e_ct<T_OUT>::type)(e_exp((sm_acc)e_to_c(x[k]) - row_max) * inv));
#endif
}

// grid: columns / 256; a thread per (outer, inner) column.
extern "C" __global__ void __launch_bounds__(256) sm_cols(const sm_params p) {
  const i64 col = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (col >= p.outer * p.inner) return;
  const i64 o = col / p.inner, i = col - o * p.inner;
  const T_IN* x = (const T_IN*)p.x + o * p.dim * p.inner + i;
  T_OUT* y = (T_OUT*)p.y + o * p.dim * p.inner + i;
  sm_acc m = T_LOWEST;
  for (i64 k = 0; k < p.dim; ++k) m = sm_max(m, (sm_acc)e_to_c(x[k * p.inner]));
  sm_acc s = 0;
  for (i64 k = 0; k < p.dim; ++k) s += e_exp((sm_acc)e_to_c(x[k * p.inner]) - m);
#if SM_LOG
  const sm_acc shift = m + e_log(s);
  for (i64 k = 0; k < p.dim; ++k) y[k * p.inner] = e_store_c<T_OUT>((e_ct<T_OUT>::type)((sm_acc)e_to_c(x[k * p.inner]) - shift));
#else
  const sm_acc inv = sm_acc(1) / s;
  for (i64 k = 0; k < p.dim; ++k)
    y[k * p.inner] = e_store_c<T_OUT>((e_ct<T_OUT>::type)(e_exp((sm_acc)e_to_c(x[k * p.inner]) - m) * inv));
#endif
}

#else  // SM_BACKWARD
// ---- backward: T_IN is the type of y, g and grad_input ----
// softmax: gi = y * (g - sum(g * y)); log_softmax: gi = g - exp(y) * sum(g).
__device__ __forceinline__ double smb_term(sm_acc g, sm_acc y) { return SM_LOG ? (double)g : (double)g * (double)y; }
__device__ __forceinline__ sm_acc smb_out(sm_acc g, sm_acc y, sm_acc sum) { return SM_LOG ? g - e_exp(y) * sum : y * (g - sum); }

// grid: rows / blockDim.y; block (lanes, rows per block): two passes over the row.
extern "C" __global__ void __launch_bounds__(256) smb_rows(const sm_params p) {
  __shared__ double smem[8];
  const i64 row = (i64)blockIdx.x * blockDim.y + threadIdx.y;
  if (row >= p.outer) return;
  const T_IN* y = (const T_IN*)p.x + row * p.dim;
  const T_IN* g = (const T_IN*)p.g + row * p.dim;
  T_IN* gi = (T_IN*)p.y + row * p.dim;
  double t = 0;
  for (i64 k = threadIdx.x; k < p.dim; k += blockDim.x) t += smb_term(e_to_c(g[k]), e_to_c(y[k]));
  const sm_acc sum = (sm_acc)sm_group_sum(t, smem);
  for (i64 k = threadIdx.x; k < p.dim; k += blockDim.x) gi[k] = e_store_c<T_IN>(smb_out(e_to_c(g[k]), e_to_c(y[k]), sum));
}

extern "C" __global__ void __launch_bounds__(256) smb_cols(const sm_params p) {
  const i64 col = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (col >= p.outer * p.inner) return;
  const i64 o = col / p.inner, i = col - o * p.inner;
  const i64 base = o * p.dim * p.inner + i;
  const T_IN* y = (const T_IN*)p.x + base;
  const T_IN* g = (const T_IN*)p.g + base;
  T_IN* gi = (T_IN*)p.y + base;
  double t = 0;
  for (i64 k = 0; k < p.dim; ++k) t += smb_term(e_to_c(g[k * p.inner]), e_to_c(y[k * p.inner]));
  const sm_acc sum = (sm_acc)t;
  for (i64 k = 0; k < p.dim; ++k)
    gi[k * p.inner] = e_store_c<T_IN>(smb_out(e_to_c(g[k * p.inner]), e_to_c(y[k * p.inner]), sum));
}
#endif  // SM_BACKWARD
