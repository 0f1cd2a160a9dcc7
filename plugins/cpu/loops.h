// The elementwise loop engine behind every pointwise kernel.
//
// pointwise<Out, In...>(out, {in...}, f) sets out[i] = f(in[i]...) for every element, where all
// operands have out's shape (the core already broadcast inputs, so strides may be 0). Order of
// work, fastest first:
//   1 element        one call of f, nothing else (a 1-element add costs a few ns);
//   all contiguous   one flat loop over raw pointers, which the compiler vectorizes;
//   otherwise        size-1 dims dropped, adjacent dims merged where every operand allows it,
//                    then a 1-D inner loop (specialized for contiguous and scalar-broadcast
//                    operands) driven by an N-d counter over the outer dims.
// Work above kGrainSize elements is split over the thread pool by element ranges.
//
// Stateless; thread-safe as long as f is (f is called concurrently from pool threads).
#pragma once

#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

#include <ember/sdk/tensor_view.h>

#include "parallel.h"

namespace ember_cpu {

using ember::sdk::TensorView;

constexpr int kMaxDims = 64;

// N operands over one shape, in bytes, innermost dim first, with mergeable dims merged.
template <int N>
struct LoopGeometry {
  int ndim = 0;
  int64_t sizes[kMaxDims];
  int64_t strides[N][kMaxDims];  // bytes

  LoopGeometry(int32_t src_ndim, const int64_t* src_sizes, const int64_t* const* elem_strides,
               const int64_t* elem_sizes) {
    EMBER_SDK_CHECK(src_ndim <= kMaxDims, EMBER_ERROR_VALUE, "tensors with more than ", kMaxDims,
                    " dims are not supported");
    // An empty shape has nothing to walk; its strides may be anything (an empty view's bounds are
    // never checked), so their byte sizes are not computed (they may not fit in int64).
    for (int32_t d = 0; d < src_ndim; ++d) {
      if (src_sizes[d] != 0) continue;
      ndim = 1;
      sizes[0] = 0;
      for (int k = 0; k < N; ++k) strides[k][0] = 0;
      return;
    }
    for (int32_t d = src_ndim - 1; d >= 0; --d) {
      int64_t size = src_sizes[d];
      if (size == 1) continue;
      if (ndim > 0) {
        bool mergeable = true;
        for (int k = 0; k < N; ++k)
          mergeable &= elem_strides[k][d] * elem_sizes[k] == strides[k][ndim - 1] * sizes[ndim - 1];
        if (mergeable) {
          sizes[ndim - 1] *= size;
          continue;
        }
      }
      sizes[ndim] = size;
      for (int k = 0; k < N; ++k) strides[k][ndim] = elem_strides[k][d] * elem_sizes[k];
      ++ndim;
    }
    if (ndim == 0) {
      ndim = 1;
      sizes[0] = 1;
      for (int k = 0; k < N; ++k) strides[k][0] = 0;
    }
  }
};

// Calls inner(ptrs, inner_strides_in_bytes, n) for the 1-D runs that cover linear elements
// [begin, end) of the geometry, in row-major order.
template <int N, typename Inner>
void for_each_run(const LoopGeometry<N>& g, char* const* base, int64_t begin, int64_t end,
                  const Inner& inner) {
  int64_t index[kMaxDims];
  char* ptrs[N];
  for (int k = 0; k < N; ++k) ptrs[k] = base[k];
  int64_t rest = begin;
  for (int d = 0; d < g.ndim; ++d) {
    index[d] = rest % g.sizes[d];
    rest /= g.sizes[d];
    for (int k = 0; k < N; ++k) ptrs[k] += index[d] * g.strides[k][d];
  }
  int64_t inner_strides[N];
  for (int k = 0; k < N; ++k) inner_strides[k] = g.strides[k][0];
  int64_t remaining = end - begin;
  while (remaining > 0) {
    int64_t n = g.sizes[0] - index[0];
    if (n > remaining) n = remaining;
    inner(ptrs, inner_strides, n);
    remaining -= n;
    if (remaining == 0) break;
    // Carry into the outer dims.
    for (int k = 0; k < N; ++k) ptrs[k] -= index[0] * g.strides[k][0];
    index[0] = 0;
    for (int d = 1; d < g.ndim; ++d) {
      if (++index[d] < g.sizes[d]) {
        for (int k = 0; k < N; ++k) ptrs[k] += g.strides[k][d];
        break;
      }
      for (int k = 0; k < N; ++k) ptrs[k] -= (g.sizes[d] - 1) * g.strides[k][d];
      index[d] = 0;
    }
  }
}

namespace detail {

template <typename T>
inline T& at_byte(char* p, int64_t byte_offset) {
  return *reinterpret_cast<T*>(p + byte_offset);
}

template <typename Out, typename... In, typename F, size_t... I>
inline void pointwise_run(char* const* ptrs, const int64_t* strides, int64_t n, const F& f,
                          std::index_sequence<I...>) {
  Out* out = reinterpret_cast<Out*>(ptrs[0]);
  constexpr size_t kInputs = sizeof...(In);
  bool contiguous = strides[0] == static_cast<int64_t>(sizeof(Out)) &&
                    ((strides[I + 1] == static_cast<int64_t>(sizeof(In))) && ...);
  if (contiguous) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(reinterpret_cast<const In*>(ptrs[I + 1])[i]...);
    return;
  }
  if constexpr (kInputs == 2) {
    using A = std::tuple_element_t<0, std::tuple<In...>>;
    using B = std::tuple_element_t<1, std::tuple<In...>>;
    if (strides[0] == static_cast<int64_t>(sizeof(Out))) {
      const A* a = reinterpret_cast<const A*>(ptrs[1]);
      const B* b = reinterpret_cast<const B*>(ptrs[2]);
      if (strides[1] == static_cast<int64_t>(sizeof(A)) && strides[2] == 0) {
        const B bv = *b;
        for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
        return;
      }
      if (strides[1] == 0 && strides[2] == static_cast<int64_t>(sizeof(B))) {
        const A av = *a;
        for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
        return;
      }
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    at_byte<Out>(ptrs[0], i * strides[0]) = f(at_byte<const In>(ptrs[I + 1], i * strides[I + 1])...);
  }
}

template <typename Out, typename... In, typename F, size_t... I>
inline void pointwise_one(char* const* ptrs, const F& f, std::index_sequence<I...>) {
  *reinterpret_cast<Out*>(ptrs[0]) = f(*reinterpret_cast<const In*>(ptrs[I + 1])...);
}

}  // namespace detail

// out[i] = f(ins[i]...). Out and In are the storage types of the operands.
template <typename Out, typename... In, typename F>
void pointwise(const TensorView& out, const std::array<TensorView, sizeof...(In)>& ins, const F& f) {
  constexpr int N = 1 + sizeof...(In);
  using Seq = std::index_sequence_for<In...>;
  const int64_t numel = out.numel();
  if (numel == 0) return;
  char* base[N];
  base[0] = static_cast<char*>(out.data_ptr());
  for (size_t k = 0; k < sizeof...(In); ++k) base[k + 1] = static_cast<char*>(ins[k].data_ptr());
  if (numel == 1) {
    detail::pointwise_one<Out, In...>(base, f, Seq{});
    return;
  }
  bool all_contiguous = out.is_contiguous();
  for (size_t k = 0; all_contiguous && k < sizeof...(In); ++k) all_contiguous = ins[k].is_contiguous();
  if (all_contiguous) {
    static const int64_t kDense[N] = {static_cast<int64_t>(sizeof(Out)), static_cast<int64_t>(sizeof(In))...};
    parallel_for(0, numel, kGrainSize, [&](int64_t b, int64_t e) {
      char* ptrs[N];
      for (int k = 0; k < N; ++k) ptrs[k] = base[k] + b * kDense[k];
      detail::pointwise_run<Out, In...>(ptrs, kDense, e - b, f, Seq{});
    });
    return;
  }
  const int64_t* strides[N];
  strides[0] = out.strides().data();
  for (size_t k = 0; k < sizeof...(In); ++k) strides[k + 1] = ins[k].strides().data();
  static const int64_t kElemSizes[N] = {static_cast<int64_t>(sizeof(Out)), static_cast<int64_t>(sizeof(In))...};
  LoopGeometry<N> geometry(out.ndim(), out.sizes().data(), strides, kElemSizes);
  parallel_for(0, numel, kGrainSize, [&](int64_t b, int64_t e) {
    for_each_run<N>(geometry, base, b, e, [&](char* const* ptrs, const int64_t* s, int64_t n) {
      detail::pointwise_run<Out, In...>(ptrs, s, n, f, Seq{});
    });
  });
}

// Unary convenience: out[i] = f(in[i]).
template <typename Out, typename In, typename F>
void pointwise_unary(const TensorView& out, const TensorView& in, const F& f) {
  pointwise<Out, In>(out, {in}, f);
}

// out[i] = f() for every element (fills, random numbers by position use pointwise_indexed).
template <typename Out, typename F>
void pointwise_fill(const TensorView& out, const F& f) {
  pointwise<Out>(out, {}, f);
}

// out[k] = f(k) where k is the element's row-major position (random ops, arange-like kernels).
template <typename Out, typename F>
void pointwise_indexed(const TensorView& out, const F& f) {
  const int64_t numel = out.numel();
  if (numel == 0) return;
  char* base[1] = {static_cast<char*>(out.data_ptr())};
  const int64_t* strides[1] = {out.strides().data()};
  static const int64_t kElemSize[1] = {static_cast<int64_t>(sizeof(Out))};
  // Size-1 dims and merges keep row-major order, so positions stay logical indices.
  LoopGeometry<1> geometry(out.ndim(), out.sizes().data(), strides, kElemSize);
  parallel_for(0, numel, kGrainSize / 8, [&](int64_t b, int64_t e) {
    int64_t k = b;
    for_each_run<1>(geometry, base, b, e, [&](char* const* ptrs, const int64_t* s, int64_t n) {
      if (s[0] == static_cast<int64_t>(sizeof(Out))) {
        Out* o = reinterpret_cast<Out*>(ptrs[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = f(k + i);
      } else {
        for (int64_t i = 0; i < n; ++i) detail::at_byte<Out>(ptrs[0], i * s[0]) = f(k + i);
      }
      k += n;
    });
  });
}

}  // namespace ember_cpu
