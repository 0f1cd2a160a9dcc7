// index_ops.cuh: index_select, gather and scatter (src / value / add) over strided tensors. An
// index outside [0, size) is reported through the device error record (IndexError "index i is out
// of bounds for dimension d with size n") and its element is skipped, so no memory outside the
// tensors is touched.
//
// scatter runs a thread per column (every coordinate but `dim` fixed) walking the index along
// dim in order, so duplicate indices resolve as on the CPU (the last write wins, adds happen in
// index order) and without atomics.
//
// Defines: T_IN (element storage: for pure copies an integer type of the same size), C_T,
// T_IDX (i32 or i64), IX_MODE (scatter: 0 src, 1 value, 2 add).

#define IX_MAXD 16

struct ix_params {
  char* out;            // index_select / gather: the output; scatter: self
  const char* self;     // index_select / gather
  const char* index;
  const char* src;      // scatter src / add
  i64 n;                // work items
  int ndim;
  int dim;
  i64 sizes[IX_MAXD];          // the iteration space (row-major)
  i64 out_strides[IX_MAXD];
  i64 self_strides[IX_MAXD];
  i64 index_strides[IX_MAXD];
  i64 src_strides[IX_MAXD];
  i64 dim_size;                // bound for the index values
  i64 index_dim_stride;        // index_select: the 1-d index's stride
  double value_d;
  i64 value_i;
  e_error_record* err;
  int site;
  int pad;
};

__device__ __forceinline__ bool ix_check(const ix_params& p, i64 v) {
  if (v < 0 || v >= p.dim_size) {
    e_report(p.err, p.site, E_ERR_INDEX_OUT_OF_RANGE, v, p.dim_size, p.dim);
    return false;
  }
  return true;
}

// A thread per output element: out[..., i, ...] = self[..., index[i], ...] (dim `dim`).
extern "C" __global__ void __launch_bounds__(256) ix_index_select(const ix_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.n) return;
  i64 rem = e, out_off = 0, self_off = 0, pos = 0;
  for (int d = p.ndim - 1; d >= 0; --d) {
    const i64 q = rem / p.sizes[d];
    const i64 c = rem - q * p.sizes[d];
    rem = q;
    out_off += c * p.out_strides[d];
    if (d == p.dim) pos = c;
    else self_off += c * p.self_strides[d];
  }
  const i64 v = (i64)((const T_IDX*)p.index)[pos * p.index_dim_stride];
  if (!ix_check(p, v)) return;
  ((T_IN*)p.out)[out_off] = ((const T_IN*)p.self)[self_off + v * p.self_strides[p.dim]];
}

// A thread per index element: out[pos] = self[pos with index[pos] at dim].
extern "C" __global__ void __launch_bounds__(256) ix_gather(const ix_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.n) return;
  i64 rem = e, out_off = 0, self_off = 0, idx_off = 0;
  for (int d = p.ndim - 1; d >= 0; --d) {
    const i64 q = rem / p.sizes[d];
    const i64 c = rem - q * p.sizes[d];
    rem = q;
    out_off += c * p.out_strides[d];
    idx_off += c * p.index_strides[d];
    if (d != p.dim) self_off += c * p.self_strides[d];
  }
  const i64 v = (i64)((const T_IDX*)p.index)[idx_off];
  if (!ix_check(p, v)) return;
  ((T_IN*)p.out)[out_off] = ((const T_IN*)p.self)[self_off + v * p.self_strides[p.dim]];
}

// A thread per column (sizes[dim] is walked in order by the thread; p.n = columns).
extern "C" __global__ void __launch_bounds__(256) ix_scatter(const ix_params p) {
  const i64 e = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= p.n) return;
  i64 rem = e, self_off = 0, idx_off = 0, src_off = 0;
  for (int d = p.ndim - 1; d >= 0; --d) {
    if (d == p.dim) continue;
    const i64 q = rem / p.sizes[d];
    const i64 c = rem - q * p.sizes[d];
    rem = q;
    self_off += c * p.out_strides[d];
    idx_off += c * p.index_strides[d];
    src_off += c * p.src_strides[d];
  }
  T_IN* self = (T_IN*)p.out;
  const i64 len = p.sizes[p.dim];
  for (i64 k = 0; k < len; ++k) {
    const i64 v = (i64)((const T_IDX*)p.index)[idx_off + k * p.index_strides[p.dim]];
    if (!ix_check(p, v)) continue;
    T_IN* target = self + self_off + v * p.out_strides[p.dim];
#if IX_MODE == 0
    *target = ((const T_IN*)p.src)[src_off + k * p.src_strides[p.dim]];
#elif IX_MODE == 1
#if defined(T_IN_FLOATING)
    *target = e_store_c<T_IN>((C_T)p.value_d);
#else
    *target = (T_IN)p.value_i;
#endif
#else
    const T_IN s = ((const T_IN*)p.src)[src_off + k * p.src_strides[p.dim]];
#if defined(T_IN_BOOL)
    *target = *target || s;
#else
    *target = e_store_c<T_IN>((C_T)(e_to_c(*target) + e_to_c(s)));
#endif
#endif
  }
}
