// Result comparison for the conformance suite (see compare.h).
#include "tools/conformance/compare.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ember {
namespace conformance {

Tolerance tolerance_for(ScalarType dtype, double scale) {
  switch (dtype) {
    case kFloat64: return {1e-7 * scale, 1e-7 * scale};
    case kFloat32: return {1e-5 * scale, 1e-5 * scale};
    case kFloat16: return {2e-3 * scale, 2e-3 * scale};
    case kBFloat16: return {1.6e-2 * scale, 1.6e-2 * scale};
    default: return {0, 0};
  }
}

namespace {

bool close_enough(double actual, double expected, const Tolerance& tol) {
  if (std::isnan(actual) || std::isnan(expected)) return std::isnan(actual) && std::isnan(expected);
  if (std::isinf(actual) || std::isinf(expected)) return actual == expected;
  return std::fabs(actual - expected) <= tol.atol + tol.rtol * std::fabs(expected);
}

// The multi-index of storage element i in the tensor's view, or "" when the view does not
// cover it (a write outside the view).
std::string view_index_of(const HostTensor& t, int64_t element) {
  // Walk the view; tensors in samples are small enough for this to be cheap on the error path.
  const int64_t n = t.numel();
  std::vector<int64_t> index(t.sizes.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t e = t.offset;
    for (size_t d = 0; d < t.sizes.size(); ++d) e += index[d] * t.strides[d];
    if (e == element) {
      std::ostringstream os;
      os << "[";
      for (size_t d = 0; d < index.size(); ++d) os << (d ? ", " : "") << index[d];
      os << "]";
      return os.str();
    }
    for (size_t d = t.sizes.size(); d-- > 0;) {
      if (++index[d] < t.sizes[d]) break;
      index[d] = 0;
    }
  }
  return "";
}

std::string shape_text(const std::vector<int64_t>& sizes) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? ", " : "") << sizes[i];
  os << "]";
  return os.str();
}

}  // namespace

Comparison compare_storages(const HostTensor& actual, const HostTensor& expected, const std::string& what,
                            double tolerance_scale) {
  Comparison c;
  if (actual.sizes != expected.sizes) {
    c.ok = false;
    c.mismatch = what + " has shape " + shape_text(actual.sizes) + ", expected " + shape_text(expected.sizes);
    return c;
  }
  if (actual.storage_elements() != expected.storage_elements()) {
    c.ok = false;
    c.mismatch = what + " has " + std::to_string(actual.storage_elements()) + " storage elements, expected " +
                 std::to_string(expected.storage_elements());
    return c;
  }
  const Tolerance tol = tolerance_for(actual.dtype, tolerance_scale);
  for (int64_t i = 0; i < actual.storage_elements(); ++i) {
    const double a = actual.storage_value(i);
    const double e = round_to_dtype(expected.storage_value(i), actual.dtype);
    if (close_enough(a, e, tol)) {
      if (!std::isnan(a) && !std::isinf(a)) c.max_abs_error = std::max(c.max_abs_error, std::fabs(a - e));
      continue;
    }
    c.ok = false;
    c.max_abs_error = std::isfinite(a) && std::isfinite(e) ? std::max(c.max_abs_error, std::fabs(a - e)) : INFINITY;
    std::ostringstream os;
    const std::string index = view_index_of(actual, i);
    os.precision(9);
    os << what << (index.empty() ? " storage element " + std::to_string(i) + " (outside the view)" : index) << " = " << a
       << ", expected " << e;
    if (tol.rtol > 0) os << " (rtol " << tol.rtol << ", atol " << tol.atol << ")";
    c.mismatch = os.str();
    return c;
  }
  return c;
}

Moments moments_of(const std::vector<double>& values) {
  Moments m;
  if (values.empty()) return m;
  double sum = 0;
  m.min = values[0];
  m.max = values[0];
  for (double v : values) {
    sum += v;
    m.min = std::min(m.min, v);
    m.max = std::max(m.max, v);
  }
  m.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - m.mean) * (v - m.mean);
  m.variance = squares / static_cast<double>(values.size());
  return m;
}

std::string check_moments(const Moments& expected, const Moments& observed, int64_t n, ScalarType dtype) {
  std::ostringstream os;
  os.precision(6);
  // 16-bit floats round each value; allow for that on top of the sampling error.
  const double rounding = is_floating_point(dtype) ? tolerance_for(dtype).rtol * std::max(std::fabs(expected.mean), 1.0) : 0;
  if (n == 0) return "";
  // Below ~100 values the moments say little; only the range is checked then.
  const bool enough = n >= 100;
  const double mean_bound = 6 * std::sqrt(expected.variance / static_cast<double>(std::max<int64_t>(n, 1))) + rounding;
  if (enough && std::fabs(observed.mean - expected.mean) > mean_bound) {
    os << "mean " << observed.mean << ", expected " << expected.mean << " +- " << mean_bound;
    return os.str();
  }
  if (enough && std::fabs(observed.variance - expected.variance) > 0.2 * expected.variance + rounding) {
    os << "variance " << observed.variance << ", expected " << expected.variance << " +- 20%";
    return os.str();
  }
  if (observed.min < expected.min || observed.max > expected.max) {
    os << "values in [" << observed.min << ", " << observed.max << "], expected inside [" << expected.min << ", "
       << expected.max << "]";
    return os.str();
  }
  return "";
}

}  // namespace conformance
}  // namespace ember
