// reduce.cuh: reductions over any set of dims (sum, mean, prod, amax/amin, max/min with index,
// argmax/argmin, var, all/any), with results that depend only on the shapes, never on the GPU or
// its number of multiprocessors.
//
// The host (reduce.cpp) splits the input's index space into outputs (the kept dims) and the
// reduced elements r = 0 .. r_len-1 (the reduced dims, row-major, so r is also the flattened
// index argmax reports). Expected defines:
//   R_IN, R_OUT       storage types of the input and the (first) output
//   R_OP              one of the R_* codes below
//   R_INNER           1: the reduced elements of one output are adjacent in memory (the lanes of a
//                     block cooperate along r); 0: adjacent outputs are (each lane keeps to one
//                     output and walks r)
//   R_VEC             elements per vector load along r (1, or more when r is one dense dim)
//   R_RED_NDIM        reduced dims after merging (1..R_MAXD)
//
// Order of evaluation (fixed by the shapes): each (output, chunk) is one group of L lanes; lane
// l accumulates elements start + l*R_VEC + k*L*R_VEC (k = 0, 1, ...) into four accumulators by
// k mod 4, merged 0+1+2+3; the lanes merge in a shared-memory tree; chunks (several only for few
// outputs with long reductions) merge in the same way in r_finish.
#define R_SUM 0
#define R_MEAN 1
#define R_PROD 2
#define R_AMAX 3
#define R_AMIN 4
#define R_MAX_DIM 5
#define R_MIN_DIM 6
#define R_ARGMAX 7
#define R_ARGMIN 8
#define R_VAR 9
#define R_ALL 10
#define R_ANY 11
#define R_MAXD 16
#define R_THREADS 256

typedef e_ct<R_IN>::type RC;  // compute type of the input

#if R_OP == R_SUM || R_OP == R_MEAN || R_OP == R_PROD
// Floating inputs accumulate in double, integers and bool in int64 (as the CPU plugin).
#if defined(R_IN_FLOATING)
typedef double acc_t;
#else
typedef i64 acc_t;
#endif
__device__ __forceinline__ acc_t r_identity() { return R_OP == R_PROD ? acc_t(1) : acc_t(0); }
__device__ __forceinline__ acc_t r_merge(acc_t a, acc_t b) {
#if R_OP == R_PROD
#if defined(R_IN_FLOATING)
  return a * b;
#else
  return (acc_t)((u64)a * (u64)b);
#endif
#else
  return a + b;
#endif
}
__device__ __forceinline__ void r_step(acc_t& a, RC x, i64) { a = r_merge(a, (acc_t)x); }

#elif R_OP == R_AMAX || R_OP == R_AMIN
typedef RC acc_t;
#define R_IS_MAX (R_OP == R_AMAX)
__device__ __forceinline__ acc_t r_identity() {
#if defined(R_IN_FLOATING)
  return R_IS_MAX ? -e_inf<acc_t>() : e_inf<acc_t>();
#else
  return R_IS_MAX ? R_LOWEST : R_HIGHEST;
#endif
}
// Any NaN makes the result NaN.
__device__ __forceinline__ acc_t r_merge(acc_t a, acc_t b) {
#if defined(R_IN_FLOATING)
  if (a != a) return a;
  if (b != b) return b;
#endif
  return (R_IS_MAX ? b > a : b < a) ? b : a;
}
__device__ __forceinline__ void r_step(acc_t& a, RC x, i64) { a = r_merge(a, x); }

#elif R_OP == R_MAX_DIM || R_OP == R_MIN_DIM || R_OP == R_ARGMAX || R_OP == R_ARGMIN
struct acc_t {
  RC v;
  i64 i;  // -1: nothing seen
};
#define R_IS_MAX (R_OP == R_MAX_DIM || R_OP == R_ARGMAX)
__device__ __forceinline__ acc_t r_identity() {
  acc_t a;
  a.v = RC(0);
  a.i = -1;
  return a;
}
// The value that wins (the first NaN, else the largest / smallest); equal values: the lower index.
__device__ __forceinline__ acc_t r_merge(acc_t a, acc_t b) {
  if (b.i < 0) return a;
  if (a.i < 0) return b;
#if defined(R_IN_FLOATING)
  const bool a_nan = a.v != a.v, b_nan = b.v != b.v;
  if (a_nan || b_nan) return (a_nan && b_nan) ? (b.i < a.i ? b : a) : (a_nan ? a : b);
#endif
  if (R_IS_MAX ? b.v > a.v : b.v < a.v) return b;
  if (b.v == a.v && b.i < a.i) return b;
  return a;
}
__device__ __forceinline__ void r_step(acc_t& a, RC x, i64 r) {
  acc_t b;
  b.v = x;
  b.i = r;
  a = r_merge(a, b);
}

#elif R_OP == R_VAR
// Welford in double; Chan's formula merges.
struct acc_t {
  i64 n;
  double mean, m2;
};
__device__ __forceinline__ acc_t r_identity() {
  acc_t a;
  a.n = 0;
  a.mean = 0;
  a.m2 = 0;
  return a;
}
__device__ __forceinline__ acc_t r_merge(acc_t a, acc_t b) {
  if (b.n == 0) return a;
  if (a.n == 0) return b;
  const double n = (double)(a.n + b.n);
  const double delta = b.mean - a.mean;
  acc_t c;
  c.mean = a.mean + delta * (double)b.n / n;
  c.m2 = a.m2 + b.m2 + delta * delta * (double)a.n * (double)b.n / n;
  c.n = a.n + b.n;
  return c;
}
__device__ __forceinline__ void r_step(acc_t& a, RC x, i64) {
  const double v = (double)x;
  a.n += 1;
  const double delta = v - a.mean;
  a.mean += delta / (double)a.n;
  a.m2 += delta * (v - a.mean);
}

#elif R_OP == R_ALL || R_OP == R_ANY
typedef bool acc_t;
__device__ __forceinline__ acc_t r_identity() { return R_OP == R_ALL; }
__device__ __forceinline__ acc_t r_merge(acc_t a, acc_t b) { return R_OP == R_ALL ? (a && b) : (a || b); }
__device__ __forceinline__ void r_step(acc_t& a, RC x, i64) { a = r_merge(a, x != 0); }
#endif

struct r_params {
  const char* in;
  char* out;
  char* out2;       // indices of max.dim / min.dim
  char* partial;    // acc_t[n_out][n_chunks] when n_chunks > 1
  i64 n_out;
  i64 r_len;
  i64 chunk_len;    // multiple of R_VEC * lanes
  i64 n_chunks;
  double correction;  // var
  int out_ndim;
  int pad;
  i64 out_sizes[R_MAXD];        // kept dims, innermost first
  i64 in_strides_out[R_MAXD];   // input strides of the kept dims
  i64 out_strides[R_MAXD];
  i64 out2_strides[R_MAXD];
  i64 red_sizes[R_MAXD];        // reduced dims, innermost first
  i64 red_strides[R_MAXD];
};

__device__ __forceinline__ void r_write(const r_params& p, acc_t a, i64 o) {
  i64 off_out = 0, off_out2 = 0, rem = o;
  for (int d = 0; d < p.out_ndim; ++d) {
    const i64 q = rem / p.out_sizes[d];
    const i64 i = rem - q * p.out_sizes[d];
    off_out += i * p.out_strides[d];
    off_out2 += i * p.out2_strides[d];
    rem = q;
  }
#if R_OP == R_SUM || R_OP == R_PROD
#if defined(R_OUT_BOOL)
  ((R_OUT*)p.out)[off_out] = a != 0;
#elif defined(R_IN_FLOATING)
  ((R_OUT*)p.out)[off_out] = e_store_c<R_OUT>((e_ct<R_OUT>::type)a);
#else
  ((R_OUT*)p.out)[off_out] = (R_OUT)a;
#endif
#elif R_OP == R_MEAN
  ((R_OUT*)p.out)[off_out] = e_store_c<R_OUT>((e_ct<R_OUT>::type)(a / (double)p.r_len));
#elif R_OP == R_AMAX || R_OP == R_AMIN
  ((R_OUT*)p.out)[off_out] = e_store_c<R_OUT>(a);
#elif R_OP == R_MAX_DIM || R_OP == R_MIN_DIM
  ((R_OUT*)p.out)[off_out] = e_store_c<R_OUT>(a.v);
  ((i64*)p.out2)[off_out2] = a.i;
#elif R_OP == R_ARGMAX || R_OP == R_ARGMIN
  ((i64*)p.out)[off_out] = a.i;
#elif R_OP == R_VAR
  const double divisor = fmax(0.0, (double)a.n - p.correction);
  ((R_OUT*)p.out)[off_out] = e_store_c<R_OUT>((e_ct<R_OUT>::type)(a.m2 / divisor));
#elif R_OP == R_ALL || R_OP == R_ANY
  ((bool*)p.out)[off_out] = a;
#endif
}

__device__ __forceinline__ i64 r_in_base(const r_params& p, i64 o) {
  i64 off = 0, rem = o;
  for (int d = 0; d < p.out_ndim; ++d) {
    const i64 q = rem / p.out_sizes[d];
    off += (rem - q * p.out_sizes[d]) * p.in_strides_out[d];
    rem = q;
  }
  return off;
}

__device__ __forceinline__ i64 r_red_offset(const r_params& p, i64 r) {
#if R_RED_NDIM == 1
  return r * p.red_strides[0];
#else
  i64 off = 0, rem = r;
#pragma unroll
  for (int d = 0; d < R_RED_NDIM; ++d) {
    const i64 q = rem / p.red_sizes[d];
    off += (rem - q * p.red_sizes[d]) * p.red_strides[d];
    rem = q;
  }
  return off;
#endif
}

// Merges the accumulators of a group's lanes (shared memory tree); lane 0 returns the result.
__device__ __forceinline__ acc_t r_tree(acc_t a, acc_t* smem, int slot, int lane, int lanes) {
  smem[slot * lanes + lane] = a;
  __syncthreads();
  for (int s = lanes / 2; s > 0; s >>= 1) {
    if (lane < s) smem[slot * lanes + lane] = r_merge(smem[slot * lanes + lane], smem[slot * lanes + lane + s]);
    __syncthreads();
  }
  return smem[slot * lanes];
}

// grid (output groups, n_chunks); block: R_INNER ? (lanes, outputs) : (outputs, lanes).
extern "C" __global__ void __launch_bounds__(R_THREADS) r_main(const r_params p) {
  __shared__ acc_t smem[R_THREADS];
#if R_INNER
  const int lane = threadIdx.x, lanes = blockDim.x, slot = threadIdx.y, slots = blockDim.y;
#else
  const int lane = threadIdx.y, lanes = blockDim.y, slot = threadIdx.x, slots = blockDim.x;
#endif
  const i64 o = (i64)blockIdx.x * slots + slot;
  const i64 chunk = blockIdx.y;
  acc_t acc[4];
#pragma unroll
  for (int u = 0; u < 4; ++u) acc[u] = r_identity();
  if (o < p.n_out) {
    const R_IN* base = (const R_IN*)p.in + r_in_base(p, o);
    const i64 start = chunk * p.chunk_len;
    const i64 end = min(p.r_len, start + p.chunk_len);
    const i64 step = (i64)lanes * R_VEC;
    i64 r = start + (i64)lane * R_VEC;
#if R_VEC > 1
    // The reduced elements are one dense dim: vector loads.
    for (; r + 3 * step < end; r += 4 * step) {
      e_vec<R_IN, R_VEC> v[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) v[u] = *(const e_vec<R_IN, R_VEC>*)(base + r + u * step);
#pragma unroll
      for (int u = 0; u < 4; ++u)
#pragma unroll
        for (int j = 0; j < R_VEC; ++j) r_step(acc[u], e_to_c(v[u].v[j]), r + u * step + j);
    }
    for (int u = 0; r < end; r += step, ++u) {
      const e_vec<R_IN, R_VEC> v = *(const e_vec<R_IN, R_VEC>*)(base + r);
#pragma unroll
      for (int j = 0; j < R_VEC; ++j) r_step(acc[u & 3], e_to_c(v.v[j]), r + j);
    }
#else
    for (; r + 3 * step < end; r += 4 * step) {
      RC x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) x[u] = e_to_c(base[r_red_offset(p, r + u * step)]);
#pragma unroll
      for (int u = 0; u < 4; ++u) r_step(acc[u], x[u], r + u * step);
    }
    for (int u = 0; r < end; r += step, ++u) r_step(acc[u & 3], e_to_c(base[r_red_offset(p, r)]), r);
#endif
  }
  const acc_t a = r_merge(r_merge(acc[0], acc[1]), r_merge(acc[2], acc[3]));
  const acc_t total = r_tree(a, smem, slot, lane, lanes);
  if (lane == 0 && o < p.n_out) {
    if (p.n_chunks == 1) r_write(p, total, o);
    else ((acc_t*)p.partial)[o * p.n_chunks + chunk] = total;
  }
}

// One block per output: merges its n_chunks partials (lanes stride over chunks, then the tree).
extern "C" __global__ void __launch_bounds__(R_THREADS) r_finish(const r_params p) {
  __shared__ acc_t smem[R_THREADS];
  const i64 o = blockIdx.x;
  acc_t a = r_identity();
  for (i64 c = threadIdx.x; c < p.n_chunks; c += blockDim.x) a = r_merge(a, ((const acc_t*)p.partial)[o * p.n_chunks + c]);
  const acc_t total = r_tree(a, smem, 0, threadIdx.x, blockDim.x);
  if (threadIdx.x == 0) r_write(p, total, o);
}
