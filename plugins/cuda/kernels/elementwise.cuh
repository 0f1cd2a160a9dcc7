// elementwise.cuh: the generic elementwise kernels (one output, up to three inputs).
//
// kernel_source_gen.cpp puts before this text (after prelude.cuh and pointwise_math.cuh):
//   E_NIN           number of inputs (1..3)
//   E_TO, E_T0..E_T2  storage types of the output and inputs (unused inputs: E_TO)
//   E_VEC           elements per vector access (16 bytes of the widest operand, >= 1)
//   E_OP_BODY       statements computing the result from x0..x2 (types C0..C2) and the params
//                   p (p.d[] doubles, p.i[] integers: the op's scalars), ending in `return`
//   E_KIND          which kernel the program holds (one per program, so that a program compiles
//                   fast and only the kinds a process meets get compiled):
//     0  e_contig, 32-bit indices: every operand dense in the same order (or a single broadcast
//        element); E_VEC-wide loads and stores when the host found every address aligned (p.vec_ok)
//     1  e_contig with 64-bit indices (2^31 elements or more)
//     2  e_strided, any strides, 32-bit offsets (divisions by multiplication: e_divider)
//     3  e_strided, 64-bit offsets
//   E_NDIM          strided kinds: an upper bound of the dims after merging (3, 6 or 16; p.ndim has
//                   the real count): the loop over dims unrolls up to the bound
// Launch: E_THREADS threads per block; e_contig covers E_THREADS * E_VEC * E_UNROLL elements per
// block, e_strided E_THREADS * 4.

#define E_THREADS 256
#define E_UNROLL 2
#define E_MAXD 16

typedef e_ct<E_TO>::type CO;
typedef e_ct<E_T0>::type C0;
typedef e_ct<E_T1>::type C1;
typedef e_ct<E_T2>::type C2;

struct e_params {
  char* out;
  const char* in[3];
  i64 n;
  double d[4];
  i64 i[4];
  e_error_record* err;
  int site;
  int scalar_mask;  // bit k: input k is one element, broadcast everywhere (e_contig only)
  int vec_ok;       // every non-scalar operand is aligned for E_VEC-wide access
  int ndim;         // strided kernels: dims, innermost first
  double imm_d[3];  // input k's value when imm_mask bit k is set (a 0-d host tensor): floating
  i64 imm_i[3];     //   storage types read imm_d, the others imm_i
  int imm_mask;
  int pad_;
};

struct e_strided_params {
  e_params h;
  i64 sizes[E_MAXD];            // innermost first
  i64 strides[4][E_MAXD];       // element strides; operand 0 is the output
  e_divider div[E_MAXD];
  u32 strides32[4][E_MAXD];
};

// li: the element's position in the output's logical row-major order (random ops, factories).
__device__ __forceinline__ CO e_op(const e_params& p, C0 x0, C1 x1, C2 x2, i64 li) { E_OP_BODY }

// Input k's element at offset o, or its value from the parameters (imm_mask).
template <typename T>
__device__ __forceinline__ typename e_ct<T>::type e_in(const e_params& p, int k, i64 o) {
  typedef typename e_ct<T>::type C;
  if ((p.imm_mask >> k) & 1) return e_is_float<T>::value ? (C)p.imm_d[k] : (C)p.imm_i[k];
  return e_to_c(((const T*)p.in[k])[o]);
}

template <typename T, typename C>
__device__ __forceinline__ void e_load(const char* base, i64 idx, bool scalar, C value, C (&dst)[E_VEC]) {
  const T* ptr = (const T*)base;
  if (scalar) {
#pragma unroll
    for (int k = 0; k < E_VEC; ++k) dst[k] = value;
  } else {
    e_vec<T, E_VEC> v = *(const e_vec<T, E_VEC>*)(ptr + idx);
#pragma unroll
    for (int k = 0; k < E_VEC; ++k) dst[k] = e_to_c(v.v[k]);
  }
}

template <typename IDX>
__device__ __forceinline__ void e_contig_body(const e_params& p) {
  const IDX per_block = (IDX)E_THREADS * E_VEC * E_UNROLL;
  const IDX base = (IDX)blockIdx.x * per_block;
  const IDX n = (IDX)p.n;
  const bool s0 = (p.scalar_mask & 1) != 0, s1 = (p.scalar_mask & 2) != 0, s2 = (p.scalar_mask & 4) != 0;
  // Broadcast inputs' values, read once.
  const C0 v0 = s0 ? e_in<E_T0>(p, 0, 0) : C0(0);
  const C1 v1 = E_NIN > 1 && s1 ? e_in<E_T1>(p, 1, 0) : C1(0);
  const C2 v2 = E_NIN > 2 && s2 ? e_in<E_T2>(p, 2, 0) : C2(0);
  if (p.vec_ok && base + per_block <= n) {
    C0 a0[E_UNROLL][E_VEC];
    C1 a1[E_UNROLL][E_VEC];
    C2 a2[E_UNROLL][E_VEC];
#pragma unroll
    for (int u = 0; u < E_UNROLL; ++u) {
      const IDX idx = base + ((IDX)u * E_THREADS + threadIdx.x) * E_VEC;
      e_load<E_T0>(p.in[0], idx, s0, v0, a0[u]);
      if (E_NIN > 1) e_load<E_T1>(p.in[1], idx, s1, v1, a1[u]);
      if (E_NIN > 2) e_load<E_T2>(p.in[2], idx, s2, v2, a2[u]);
    }
#pragma unroll
    for (int u = 0; u < E_UNROLL; ++u) {
      const IDX idx = base + ((IDX)u * E_THREADS + threadIdx.x) * E_VEC;
      e_vec<E_TO, E_VEC> r;
#pragma unroll
      for (int k = 0; k < E_VEC; ++k) {
        r.v[k] = e_store_c<E_TO>(e_op(p, a0[u][k], E_NIN > 1 ? a1[u][k] : C1(0), E_NIN > 2 ? a2[u][k] : C2(0), (i64)idx + k));
      }
      *(e_vec<E_TO, E_VEC>*)((E_TO*)p.out + idx) = r;
    }
    return;
  }
  const E_T0* in0 = (const E_T0*)p.in[0];
  const E_T1* in1 = (const E_T1*)p.in[1];
  const E_T2* in2 = (const E_T2*)p.in[2];
  E_TO* out = (E_TO*)p.out;
#pragma unroll
  for (int k = 0; k < E_VEC * E_UNROLL; ++k) {
    const IDX idx = base + (IDX)k * E_THREADS + threadIdx.x;
    if (idx < n) {
      C0 x0 = s0 ? v0 : e_to_c(in0[idx]);
      C1 x1 = E_NIN > 1 ? (s1 ? v1 : e_to_c(in1[idx])) : C1(0);
      C2 x2 = E_NIN > 2 ? (s2 ? v2 : e_to_c(in2[idx])) : C2(0);
      out[idx] = e_store_c<E_TO>(e_op(p, x0, x1, x2, (i64)idx));
    }
  }
}

#if E_KIND == 0
extern "C" __global__ void __launch_bounds__(E_THREADS) e_kernel(const e_params p) { e_contig_body<u32>(p); }
#elif E_KIND == 1
extern "C" __global__ void __launch_bounds__(E_THREADS) e_kernel(const e_params p) { e_contig_body<i64>(p); }
#endif

__device__ __forceinline__ void e_apply_at(const e_params& p, i64 li, i64 o_out, i64 o0, i64 o1, i64 o2) {
  C0 x0 = e_in<E_T0>(p, 0, o0);
  C1 x1 = E_NIN > 1 ? e_in<E_T1>(p, 1, o1) : C1(0);
  C2 x2 = E_NIN > 2 ? e_in<E_T2>(p, 2, o2) : C2(0);
  ((E_TO*)p.out)[o_out] = e_store_c<E_TO>(e_op(p, x0, x1, x2, li));
}

#if E_KIND == 2
extern "C" __global__ void __launch_bounds__(E_THREADS) e_kernel(const e_strided_params sp) {
  const e_params& p = sp.h;
  const u32 n = (u32)p.n;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const u32 idx = blockIdx.x * (E_THREADS * 4) + k * E_THREADS + threadIdx.x;
    if (idx >= n) return;
    u32 off[4] = {0, 0, 0, 0};
    u32 rem = idx;
#pragma unroll
    for (int d = 0; d < E_NDIM; ++d) {
      if (d == p.ndim) break;
      const u32 q = e_div(sp.div[d], rem);
      const u32 r = rem - q * sp.div[d].divisor;
#pragma unroll
      for (int j = 0; j <= E_NIN; ++j) off[j] += r * sp.strides32[j][d];
      rem = q;
    }
    e_apply_at(p, (i64)idx, off[0], off[1], off[2], off[3]);
  }
}
#elif E_KIND == 3
extern "C" __global__ void __launch_bounds__(E_THREADS) e_kernel(const e_strided_params sp) {
  const e_params& p = sp.h;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const i64 idx = ((i64)blockIdx.x * 4 + k) * E_THREADS + threadIdx.x;
    if (idx >= p.n) return;
    i64 off[4] = {0, 0, 0, 0};
    i64 rem = idx;
#pragma unroll
    for (int d = 0; d < E_NDIM; ++d) {
      if (d == p.ndim) break;
      const i64 q = rem / sp.sizes[d];
      const i64 r = rem - q * sp.sizes[d];
#pragma unroll
      for (int j = 0; j <= E_NIN; ++j) off[j] += r * sp.strides[j][d];
      rem = q;
    }
    e_apply_at(p, (i64)idx, off[0], off[1], off[2], off[3]);
  }
}
#endif
