// How the conformance suite decides that a kernel's result matches the reference: per-dtype
// tolerances, element-wise comparison of whole storages, and the moments of random outputs.
//
// Values are compared after the reference is rounded to the result's dtype, so integer and bool
// results must match exactly (integer wrap-around included) and floating results within
// |actual - expected| <= atol + rtol * |expected|. NaN matches NaN; infinities must match exactly.
//
// Pure functions over host copies; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "tools/conformance/host_values.h"

namespace ember {
namespace conformance {

struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

// float64 1e-7, float32 1e-5, float16 2e-3, bfloat16 1.6e-2 (relative; absolute alike), scaled
// by `scale` for ops that accumulate many terms; 0 for integers and bool.
Tolerance tolerance_for(ScalarType dtype, double scale = 1.0);

struct Comparison {
  bool ok = true;
  double max_abs_error = 0;  // over the compared elements (matching NaNs count as 0)
  std::string mismatch;      // the first mismatch, when !ok
};

// Compares every storage element of actual (any dtype) with expected (rounded to actual's dtype
// first). Comparing whole storages, not just the views, also catches writes outside a view.
// `what` names the tensor in messages ("out", "self"); tolerance_scale widens float tolerances.
Comparison compare_storages(const HostTensor& actual, const HostTensor& expected, const std::string& what,
                            double tolerance_scale = 1.0);

// Moments of a random op's output.
struct Moments {
  double mean = 0;
  double variance = 0;
  double min = 0;  // expected range, inclusive
  double max = 0;
};
Moments moments_of(const std::vector<double>& values);

// Whether observed moments fit the expected distribution, for n samples of dtype; "" when
// they do, else what is off. Bounds: mean within 6 standard errors, variance within 20% (both
// only from 100 values on), every value inside [min, max].
std::string check_moments(const Moments& expected, const Moments& observed, int64_t n, ScalarType dtype);

}  // namespace conformance
}  // namespace ember
