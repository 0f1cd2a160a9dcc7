// float32 reductions over outer dims of a dense inner dim (sum over dim 0 of [R, C], ...), the
// case where each output is a column: rows are streamed once, W adjacent columns at a time, into
// per-column accumulators updated by the vector kernels (vec/vec_kernels.h col_*):
//   Sum / Mean    double sums
//   Var           double sums of d and d^2, d = x - (the column's first value): the shifted-data
//                 formula, exact enough in double and one pass over memory
//   ArgMax / ArgMin (and max.dim / min.dim / amax / amin through them) first index wins, the
//                 first NaN wins
// Column blocks run in parallel; each column's result depends only on the data (rows are
// always visited in order), never on the thread count.
//
// Stateless; thread-safe.
#pragma once

#include <cstdint>

#include "reduce_engine.h"

namespace ember_cpu {

enum class ColumnReduction { Sum, Mean, Var, ArgMax, ArgMin };

struct ColumnOutputs {
  float* values = nullptr;      // sum, mean, var, or the max / min values (may be null for argmax)
  int64_t values_stride = 0;    // elements
  int64_t* indices = nullptr;   // argmax / argmin / max.dim indices, or null
  int64_t indices_stride = 0;
};

// False (nothing done) unless the plan reduces outer dims of one dense kept dim with at least
// 16 columns and fewer than 2^31 rows. `correction` is var's.
bool reduce_columns_f32(ColumnReduction kind, const ReducePlan& plan, const float* in, const ColumnOutputs& outs,
                        double correction);

}  // namespace ember_cpu
