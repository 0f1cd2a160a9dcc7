// The reduction engine behind sum, mean, prod, amax/amin, max/min.dim, argmax/argmin, var,
// all and any.
//
// A ReducePlan splits self's dims into an output grid (kept dims) and a reduction grid
// (reduced dims, in self's order, so the linear position in the reduction grid is the
// row-major index PyTorch reports for argmax/max.dim). An Op supplies the accumulator:
//   acc_t identity(); void step(acc_t&, T x, int64_t index);
//   void run(acc_t&, const T* p, int64_t stride, int64_t n, int64_t index0)  (a 1-D run);
//   void combine(acc_t& earlier, const acc_t& later); void write(const acc_t&, int64_t count,
//   char* out0, char* out1).
// Strategies, chosen from shapes only (so results never depend on the thread count):
//   one output      the reduction grid is cut into fixed 16K-element blocks reduced in
//                   parallel, and the partials are combined in order;
//   column-wise     when the reduced dims are outer and the last kept dim is dense, blocks of
//                   adjacent outputs are accumulated together (sum over dim 0 of [N, M]);
//   per output      otherwise each output reduces its own elements; outputs run in parallel.
//
// Stateless; thread-safe as long as the Op is (it is shared read-only by pool threads).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ember/sdk/tensor_view.h>

#include "loops.h"
#include "tensor_utils.h"

namespace ember_cpu {

struct ReducePlan {
  int out_ndim = 0;                      // kept dims, merged, outermost first
  int64_t out_sizes[kMaxDims];
  int64_t in_kept_strides[kMaxDims];     // self's strides over the kept dims
  int64_t out_strides[2][kMaxDims];      // each output's strides over the kept dims
  int red_ndim = 0;                      // reduced dims, outermost first, not merged here
  int64_t red_sizes[kMaxDims];
  int64_t red_strides[kMaxDims];
  int64_t num_outputs = 1;
  int64_t red_numel = 1;
};

inline ReducePlan make_reduce_plan(const TensorView& self, uint64_t mask, const TensorView* outs,
                                   int num_outs) {
  ReducePlan p;
  const int ndim = self.ndim();
  EMBER_SDK_CHECK(ndim <= kMaxDims, EMBER_ERROR_VALUE, "too many dims");
  // With keepdim the outputs have self's rank and kept dim d is output dim d; without it the
  // kept dims are the output's dims in order.
  int kept_seen = 0;
  for (int d = 0; d < ndim; ++d) {
    const int64_t size = self.size(d);
    if ((mask >> d) & 1u) {
      p.red_numel *= size;
      if (size == 1) continue;
      p.red_sizes[p.red_ndim] = size;
      p.red_strides[p.red_ndim] = self.stride(d);
      ++p.red_ndim;
      continue;
    }
    int64_t out_strides[2] = {0, 0};
    for (int k = 0; k < num_outs; ++k) {
      int od = outs[k].ndim() == ndim ? d : kept_seen;
      out_strides[k] = outs[k].stride(od);
    }
    ++kept_seen;
    p.num_outputs *= size;
    if (size == 1) continue;
    // Merge with the previous kept dim when self and every output allow it.
    if (p.out_ndim > 0) {
      const int q = p.out_ndim - 1;
      bool mergeable = p.in_kept_strides[q] == self.stride(d) * size;
      for (int k = 0; k < num_outs; ++k) mergeable &= p.out_strides[k][q] == out_strides[k] * size;
      if (mergeable) {
        p.out_sizes[q] *= size;
        p.in_kept_strides[q] = self.stride(d);
        for (int k = 0; k < num_outs; ++k) p.out_strides[k][q] = out_strides[k];
        continue;
      }
    }
    p.out_sizes[p.out_ndim] = size;
    p.in_kept_strides[p.out_ndim] = self.stride(d);
    for (int k = 0; k < num_outs; ++k) p.out_strides[k][p.out_ndim] = out_strides[k];
    ++p.out_ndim;
  }
  for (int k = num_outs; k < 2; ++k)
    for (int q = 0; q < p.out_ndim; ++q) p.out_strides[k][q] = 0;
  return p;
}

namespace detail {

// Reduces red-grid positions [begin, end) starting at base into acc.
template <typename T, typename Op>
void reduce_range(const LoopGeometry<1>& red, const T* base, int64_t begin, int64_t end, const Op& op,
                  typename Op::acc_t& acc) {
  if (begin >= end) return;  // an empty reduction grid may have a size-0 dim
  char* bases[1] = {reinterpret_cast<char*>(const_cast<T*>(base))};
  int64_t index = begin;
  for_each_run<1>(red, bases, begin, end, [&](char* const* ptrs, const int64_t* strides, int64_t n) {
    op.run(acc, reinterpret_cast<const T*>(ptrs[0]), strides[0] / static_cast<int64_t>(sizeof(T)), n, index);
    index += n;
  });
}

inline LoopGeometry<1> red_geometry(const ReducePlan& p, int64_t elem_size) {
  const int64_t* strides[1] = {p.red_strides};
  return LoopGeometry<1>(p.red_ndim, p.red_sizes, strides, &elem_size);
}

}  // namespace detail

template <typename T, typename Op>
void reduce(const ReducePlan& p, const T* in, char* out0, size_t out0_size, char* out1, size_t out1_size,
            const Op& op) {
  using Acc = typename Op::acc_t;
  if (p.num_outputs == 0) return;
  const LoopGeometry<1> red = detail::red_geometry(p, sizeof(T));
  const int64_t count = p.red_numel;

  auto out_ptrs = [&](const int64_t* offsets, char** o0, char** o1) {
    *o0 = out0 + offsets[0] * static_cast<int64_t>(out0_size);
    *o1 = out1 ? out1 + offsets[1] * static_cast<int64_t>(out1_size) : nullptr;
  };

  if (p.num_outputs == 1) {
    constexpr int64_t kBlock = 16384;
    const int64_t num_blocks = std::max<int64_t>(1, (count + kBlock - 1) / kBlock);
    const int64_t zero[2] = {0, 0};
    char *o0, *o1;
    out_ptrs(zero, &o0, &o1);
    if (num_blocks == 1) {
      Acc acc = op.identity();
      detail::reduce_range(red, in, 0, count, op, acc);
      op.write(acc, count, o0, o1);
      return;
    }
    // Not std::vector: vector<bool> has no addressable elements.
    std::unique_ptr<Acc[]> partials(new Acc[static_cast<size_t>(num_blocks)]);
    for (int64_t blk = 0; blk < num_blocks; ++blk) partials[blk] = op.identity();
    parallel_for(0, num_blocks, 1, [&](int64_t b, int64_t e) {
      for (int64_t blk = b; blk < e; ++blk)
        detail::reduce_range(red, in, blk * kBlock, std::min(count, (blk + 1) * kBlock), op, partials[blk]);
    });
    Acc acc = partials[0];
    for (int64_t blk = 1; blk < num_blocks; ++blk) op.combine(acc, partials[blk]);
    op.write(acc, count, o0, o1);
    return;
  }

  const int64_t grain_outputs = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, count));
  const bool reduced_has_dense_dim =
      std::any_of(p.red_strides, p.red_strides + p.red_ndim, [](int64_t s) { return s == 1; });
  const int q = p.out_ndim - 1;
  if (!reduced_has_dense_dim && p.out_ndim > 0 && p.in_kept_strides[q] == 1 && p.out_sizes[q] >= 8 &&
      count > 1) {
    // Column-wise: W adjacent outputs along the dense kept dim share one pass over the rows.
    constexpr int64_t kWidth = 64;
    const int64_t inner = p.out_sizes[q];
    const int64_t blocks_per_row = (inner + kWidth - 1) / kWidth;
    const int64_t outer = p.num_outputs / inner;
    parallel_for(0, outer * blocks_per_row, std::max<int64_t>(1, grain_outputs / kWidth), [&](int64_t b, int64_t e) {
      ember::sdk::StridedCounter<3> it(q, p.out_sizes, {p.in_kept_strides, p.out_strides[0], p.out_strides[1]},
                                       b / blocks_per_row);
      int64_t row = b / blocks_per_row;
      Acc acc[kWidth];
      for (int64_t job = b; job < e; ++job) {
        if (job / blocks_per_row != row) {
          it.next();
          row = job / blocks_per_row;
        }
        const int64_t w0 = (job % blocks_per_row) * kWidth;
        const int64_t width = std::min(kWidth, inner - w0);
        for (int64_t w = 0; w < width; ++w) acc[w] = op.identity();
        const T* base = count > 0 ? in + it.offset(0) + w0 : in;  // nothing read when empty
        char* bases[1] = {reinterpret_cast<char*>(const_cast<T*>(base))};
        int64_t index = 0;
        for_each_run<1>(red, bases, 0, count, [&](char* const* ptrs, const int64_t* strides, int64_t n) {
          const T* run = reinterpret_cast<const T*>(ptrs[0]);
          const int64_t stride = strides[0] / static_cast<int64_t>(sizeof(T));
          for (int64_t r = 0; r < n; ++r) {
            const T* line = run + r * stride;
            for (int64_t w = 0; w < width; ++w) op.step(acc[w], line[w], index + r);
          }
          index += n;
        });
        for (int64_t w = 0; w < width; ++w) {
          const int64_t offsets[2] = {it.offset(1) + (w0 + w) * p.out_strides[0][q],
                                      it.offset(2) + (w0 + w) * p.out_strides[1][q]};
          char *o0, *o1;
          out_ptrs(offsets, &o0, &o1);
          op.write(acc[w], count, o0, o1);
        }
      }
    });
    return;
  }

  // Per output.
  parallel_for(0, p.num_outputs, grain_outputs, [&](int64_t b, int64_t e) {
    ember::sdk::StridedCounter<3> it(p.out_ndim, p.out_sizes, {p.in_kept_strides, p.out_strides[0], p.out_strides[1]}, b);
    for (int64_t o = b; o < e; ++o, it.next()) {
      Acc acc = op.identity();
      // An empty reduced extent reads nothing, and its input may be null (no offset on null: UB).
      if (count > 0) detail::reduce_range(red, in + it.offset(0), 0, count, op, acc);
      const int64_t offsets[2] = {it.offset(1), it.offset(2)};
      char *o0, *o1;
      out_ptrs(offsets, &o0, &o1);
      op.write(acc, count, o0, o1);
    }
  });
}

// The default 1-D run of an Op: step over every element.
template <typename Derived, typename T>
struct ReduceOpBase {
  template <typename Acc>
  void run(Acc& acc, const T* p, int64_t stride, int64_t n, int64_t index0) const {
    const Derived& self = static_cast<const Derived&>(*this);
    for (int64_t i = 0; i < n; ++i) self.step(acc, p[i * stride], index0 + i);
  }
};

}  // namespace ember_cpu
