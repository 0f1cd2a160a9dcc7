// prelude.cuh: the first part of every program the CUDA plugin compiles with NVRTC.
//
// Standalone on purpose (no CUDA headers): integer types, 16-bit float storage types with
// PyTorch's conversions, the compute type of each storage type, PyTorch's dtype conversion
// (ember::sdk::convert) on the device, small vectors for 16-byte loads, and the device error
// record that kernels use to report bad input (an index out of range) without trapping.
//
// The host fills in, before this text, nothing; after it, the typedefs and the op body of the
// kernel being generated (kernel_source_gen.cpp).

typedef signed char i8;
typedef unsigned char u8;
typedef short i16;
typedef int i32;
typedef long long i64;
typedef unsigned int u32;
typedef unsigned long long u64;

struct __align__(2) e_half { unsigned short x; };
struct __align__(2) e_bf16 { unsigned short x; };

__device__ __forceinline__ float e_h2f(unsigned short h) {
  float f;
  asm("{cvt.f32.f16 %0, %1;}" : "=f"(f) : "h"(h));
  return f;
}
__device__ __forceinline__ unsigned short e_f2h(float f) {
  unsigned short h;
  asm("{cvt.rn.f16.f32 %0, %1;}" : "=h"(h) : "f"(f));
  return h;
}
__device__ __forceinline__ float e_b2f(unsigned short b) { return __uint_as_float(((u32)b) << 16); }
// Round to nearest even, NaN to 0x7FC0 (as ember::BFloat16 on the host).
__device__ __forceinline__ unsigned short e_f2b(float f) {
  u32 x = __float_as_uint(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (unsigned short)0x7FC0u;
  return (unsigned short)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

// Compute type (what arithmetic on a storage type is done in) and the two conversions.
template <typename T> struct e_ct { typedef T type; };
template <> struct e_ct<e_half> { typedef float type; };
template <> struct e_ct<e_bf16> { typedef float type; };

template <typename T> __device__ __forceinline__ typename e_ct<T>::type e_to_c(T v) { return v; }
template <> __device__ __forceinline__ float e_to_c<e_half>(e_half v) { return e_h2f(v.x); }
template <> __device__ __forceinline__ float e_to_c<e_bf16>(e_bf16 v) { return e_b2f(v.x); }

template <typename T> struct e_from_c {
  static __device__ __forceinline__ T run(typename e_ct<T>::type v) { return v; }
};
template <> struct e_from_c<e_half> {
  static __device__ __forceinline__ e_half run(float v) { e_half h; h.x = e_f2h(v); return h; }
};
template <> struct e_from_c<e_bf16> {
  static __device__ __forceinline__ e_bf16 run(float v) { e_bf16 h; h.x = e_f2b(v); return h; }
};
template <typename T> __device__ __forceinline__ T e_store_c(typename e_ct<T>::type v) { return e_from_c<T>::run(v); }

template <typename T> struct e_is_float { static const bool value = false; };
template <> struct e_is_float<float> { static const bool value = true; };
template <> struct e_is_float<double> { static const bool value = true; };
template <> struct e_is_float<e_half> { static const bool value = true; };
template <> struct e_is_float<e_bf16> { static const bool value = true; };
template <typename A, typename B> struct e_same { static const bool value = false; };
template <typename A> struct e_same<A, A> { static const bool value = true; };

__device__ __forceinline__ float e_inf_f() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ double e_inf_d() { return __longlong_as_double(0x7ff0000000000000LL); }
template <typename C> __device__ __forceinline__ C e_inf();
template <> __device__ __forceinline__ float e_inf<float>() { return e_inf_f(); }
template <> __device__ __forceinline__ double e_inf<double>() { return e_inf_d(); }

// Float to integer as PyTorch on x86 (ember::sdk::truncate_to): truncation; NaN and values out
// of range give the intermediate type's minimum.
__device__ __forceinline__ i64 e_trunc64(double v) {
  if (!(v > -9223372036854775808.0 - 1.0 && v < 9223372036854775807.0 + 1.0)) return (i64)0x8000000000000000ULL;
  return (i64)v;
}
__device__ __forceinline__ i32 e_trunc32(double v) {
  if (!(v > -2147483648.0 - 1.0 && v < 2147483647.0 + 1.0)) return (i32)0x80000000u;
  return (i32)v;
}

// ember::sdk::convert: one element between dtypes with PyTorch's semantics.
template <typename To, typename From>
__device__ __forceinline__ To e_convert(From v) {
  if constexpr (e_same<To, From>::value) {
    return v;
  } else if constexpr (e_same<To, bool>::value) {
    return e_to_c(v) != 0;
  } else if constexpr (e_is_float<To>::value) {
    typedef typename e_ct<To>::type CT;
    typedef typename e_ct<From>::type CF;
    return e_store_c<To>((CT)(CF)e_to_c(v));
  } else if constexpr (e_is_float<From>::value) {
    const double d = (double)e_to_c(v);
    if constexpr (sizeof(To) == 8) return (To)e_trunc64(d);
    else return (To)e_trunc32(d);
  } else {
    return (To)v;
  }
}

// N elements of T, aligned for one wide load or store.
template <typename T, int N> struct __align__(sizeof(T) * N) e_vec { T v[N]; };

// The device's error record (mapped pinned host memory, one per device): the first kernel to
// find bad input claims it (flag 0 -> 1), fills it, and publishes it (flag 2). The host reads it
// at the next synchronization point (or right after the launch with EMBER_CUDA_LAUNCH_BLOCKING=1)
// and raises the error there, naming the op (site) that reported it.
struct e_error_record {
  int flag;
  int site;
  int code;
  int pad;
  i64 a, b, c;
};
// Codes (device_errors.h on the host has the same numbers).
#define E_ERR_INDEX_OUT_OF_RANGE 1  // a: index, b: size of the dimension, c: dimension
#define E_ERR_ZERO_DIVISION 2
#define E_ERR_TARGET_OUT_OF_RANGE 3 // a: target, b: number of classes
#define E_ERR_BAD_VALUE 4           // a, b: op-specific

__device__ __noinline__ void e_report(e_error_record* rec, int site, int code, i64 a, i64 b, i64 c) {
  if (rec == 0) return;
  if (atomicCAS(&rec->flag, 0, 1) == 0) {
    rec->site = site;
    rec->code = code;
    rec->a = a;
    rec->b = b;
    rec->c = c;
    __threadfence_system();
    atomicExch(&rec->flag, 2);
  }
}

// Fast unsigned division by a fixed divisor (n < 2^31, d >= 1): q = (umulhi(n, m) + n) >> s.
struct e_divider {
  u32 divisor;
  u32 magic;
  u32 shift;
};
__device__ __forceinline__ u32 e_div(const e_divider& d, u32 n) { return (__umulhi(n, d.magic) + n) >> d.shift; }

__device__ __forceinline__ float e_max_f(float a, float b) { return a != a ? a : (b != b ? b : (a < b ? b : a)); }
