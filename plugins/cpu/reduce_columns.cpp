// See reduce_columns.h.
#include "reduce_columns.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "vec/vec_kernels.h"

namespace ember_cpu {

namespace {

constexpr int64_t kMaxWidth = 1024;  // columns per block: 8 KiB of double accumulators

// The accumulators of one block of columns.
struct Block {
  double sum[kMaxWidth];
  double squares[kMaxWidth];
  float shift[kMaxWidth];
  float best[kMaxWidth];
  int32_t index[kMaxWidth];
};

void reduce_block(ColumnReduction kind, const LoopGeometry<1>& red, int64_t rows, const float* first, int64_t width,
                  Block& a) {
  const VecKernels& v = vec();
  const bool arg = kind == ColumnReduction::ArgMax || kind == ColumnReduction::ArgMin;
  std::fill(a.sum, a.sum + width, 0.0);
  std::fill(a.squares, a.squares + width, 0.0);
  int32_t row = 0;
  char* base[1] = {reinterpret_cast<char*>(const_cast<float*>(first))};
  for_each_run<1>(red, base, 0, rows, [&](char* const* ptrs, const int64_t* strides, int64_t n) {
    const float* p = reinterpret_cast<const float*>(ptrs[0]);
    const int64_t stride = strides[0] / static_cast<int64_t>(sizeof(float));
    if (row == 0 && (arg || kind == ColumnReduction::Var)) {  // the first row seeds the state
      std::memcpy(arg ? a.best : a.shift, p, static_cast<size_t>(width) * sizeof(float));
      std::fill(a.index, a.index + width, 0);
      p += stride;
      --n;
      ++row;
    }
    switch (kind) {
      case ColumnReduction::Sum:
      case ColumnReduction::Mean: v.col_sum(a.sum, p, stride, n, width); break;
      case ColumnReduction::Var: v.col_sum_sq(a.sum, a.squares, p, stride, n, a.shift, width); break;
      case ColumnReduction::ArgMax: v.col_argmax(a.best, a.index, p, stride, n, row, width); break;
      case ColumnReduction::ArgMin: v.col_argmin(a.best, a.index, p, stride, n, row, width); break;
    }
    row += static_cast<int32_t>(n);
  });
}

void write_block(ColumnReduction kind, int64_t rows, double correction, int64_t c0, int64_t width, const Block& a,
                 const ColumnOutputs& outs) {
  const double n = static_cast<double>(rows);
  for (int64_t j = 0; j < width; ++j) {
    float value;
    switch (kind) {
      case ColumnReduction::Sum: value = static_cast<float>(a.sum[j]); break;
      case ColumnReduction::Mean: value = static_cast<float>(a.sum[j] / n); break;
      case ColumnReduction::Var: {
        double m2 = a.squares[j] - a.sum[j] * a.sum[j] / n;
        m2 = m2 < 0 ? 0.0 : m2;  // rounding; a NaN stays NaN
        value = static_cast<float>(m2 / std::max(0.0, n - correction));
        break;
      }
      default: value = a.best[j]; break;
    }
    if (outs.values) outs.values[(c0 + j) * outs.values_stride] = value;
    if (outs.indices) outs.indices[(c0 + j) * outs.indices_stride] = a.index[j];
  }
}

}  // namespace

bool reduce_columns_f32(ColumnReduction kind, const ReducePlan& plan, const float* in, const ColumnOutputs& outs,
                        double correction) {
  if (plan.out_ndim != 1 || plan.in_kept_strides[0] != 1 || plan.red_ndim == 0) return false;
  const int64_t cols = plan.out_sizes[0];
  const int64_t rows = plan.red_numel;
  if (cols < 16 || rows < 1 || rows >= (int64_t(1) << 31)) return false;
  for (int d = 0; d < plan.red_ndim; ++d)
    if (plan.red_strides[d] == 1) return false;  // a dense reduced dim: not column-wise
  const LoopGeometry<1> red = detail::red_geometry(plan, sizeof(float));
  // Enough blocks for every thread when the row is long enough; whole cache lines per row.
  int64_t width = kMaxWidth;
  while (width > 64 && (cols + width - 1) / width < 2 * team_threads()) width /= 2;
  const int64_t blocks = (cols + width - 1) / width;
  parallel_for(0, blocks, 1, [&](int64_t b, int64_t e) {
    std::unique_ptr<Block> block(new Block);
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t c0 = blk * width;
      const int64_t w = std::min(width, cols - c0);
      reduce_block(kind, red, rows, in + c0, w, *block);
      write_block(kind, rows, correction, c0, w, *block, outs);
    }
  });
  return true;
}

}  // namespace ember_cpu
