// Shared helpers of ember's value tests (tests/ops, tests/core, tests/dispatcher).
//
// Header-only on purpose: every test area builds one binary from its own *_test.cpp files, so a
// support .cpp would not be linked; everything here is inline.
//
// The helpers read and write tensor memory directly (by dtype, sizes and strides), never through
// ember's own ops, so that a reference computed here does not share a bug with the code under
// test. Reference values are float64; tolerances depend on the dtype being checked.
//
// Also the op-coverage registry: each test file lists the ops.yaml operators it tests with
// EMBER_TESTED_OPS(...); tests/ops/coverage_test.cpp checks that every operator is listed.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace ember_test {

using ember::IntArrayRef;
using ember::ScalarType;
using ember::Tensor;

inline const std::vector<ScalarType>& all_dtypes() {
  static const std::vector<ScalarType> v = {ember::kBool,  ember::kUInt8,   ember::kInt8,     ember::kInt16,
                                            ember::kInt32, ember::kInt64,   ember::kFloat16,  ember::kBFloat16,
                                            ember::kFloat32, ember::kFloat64};
  return v;
}
inline const std::vector<ScalarType>& numeric_dtypes() {  // all but bool
  static const std::vector<ScalarType> v(all_dtypes().begin() + 1, all_dtypes().end());
  return v;
}
inline const std::vector<ScalarType>& float_dtypes() {
  static const std::vector<ScalarType> v = {ember::kFloat16, ember::kBFloat16, ember::kFloat32, ember::kFloat64};
  return v;
}
inline bool is_float(ScalarType t) { return ember::is_floating_point(t); }
inline std::string dtype_str(ScalarType t) { return ember::scalar_type_name(t); }

// ---- half and bfloat16, computed independently of ember's conversions -------------------------

// Rounds v to the nearest value with `bits` significant bits (round half to even), with the
// exponent range of the format (min_exp: exponent of the smallest normal, max: largest finite).
inline double round_to_format(double v, int bits, int min_exp, double max_finite) {
  if (std::isnan(v) || std::isinf(v) || v == 0) return v;
  int e;
  std::frexp(v, &e);  // v = m * 2^e, 0.5 <= |m| < 1
  int exp = std::max(e - 1, min_exp);
  double quantum = std::ldexp(1.0, exp - (bits - 1));
  double r = std::nearbyint(v / quantum) * quantum;  // default rounding mode: half to even
  if (std::fabs(r) > max_finite) return v > 0 ? INFINITY : -INFINITY;
  return r;
}
inline double round_half(double v) { return round_to_format(v, 11, -14, 65504.0); }
inline double round_bf16(double v) { return round_to_format(static_cast<float>(v), 8, -126, 3.3895313892515355e38); }

inline uint16_t half_bits(double v) {
  v = round_half(v);
  uint16_t sign = std::signbit(v) ? 0x8000 : 0;
  double a = std::fabs(v);
  if (std::isnan(v)) return 0x7E00;
  if (std::isinf(a)) return sign | 0x7C00;
  if (a == 0) return sign;
  int e;
  std::frexp(a, &e);
  int exp = e - 1;
  if (exp < -14) return sign | static_cast<uint16_t>(std::lround(a / std::ldexp(1.0, -24)));  // subnormal
  uint16_t mant = static_cast<uint16_t>(std::lround((a / std::ldexp(1.0, exp) - 1.0) * 1024.0));
  return sign | static_cast<uint16_t>((exp + 15) << 10) | mant;
}
inline double half_value(uint16_t h) {
  int sign = h & 0x8000 ? -1 : 1;
  int exp = (h >> 10) & 0x1F;
  int mant = h & 0x3FF;
  if (exp == 0x1F) return mant ? NAN : sign * INFINITY;
  if (exp == 0) return sign * std::ldexp(mant, -24);
  return sign * std::ldexp(1.0 + mant / 1024.0, exp - 15);
}
inline uint16_t bf16_bits(double v) {
  if (std::isnan(v)) return 0x7FC0;
  float f = static_cast<float>(round_bf16(v));
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>(u >> 16);
}
inline double bf16_value(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// What storing v into an element of type t gives (C conversion for integers, in range).
inline double round_to_dtype(ScalarType t, double v) {
  switch (t) {
    case ember::kBool: return v != 0 ? 1 : 0;
    case ember::kUInt8: return static_cast<uint8_t>(static_cast<int64_t>(v));
    case ember::kInt8: return static_cast<int8_t>(static_cast<int64_t>(v));
    case ember::kInt16: return static_cast<int16_t>(static_cast<int64_t>(v));
    case ember::kInt32: return static_cast<int32_t>(static_cast<int64_t>(v));
    case ember::kInt64: return static_cast<double>(static_cast<int64_t>(v));
    case ember::kFloat16: return round_half(v);
    case ember::kBFloat16: return round_bf16(v);
    case ember::kFloat32: return static_cast<float>(v);
    default: return v;
  }
}

// ---- raw element access -----------------------------------------------------------------------

inline double read_raw(const void* p, ScalarType t) {
  switch (t) {
    case ember::kBool: return *static_cast<const uint8_t*>(p) != 0;
    case ember::kUInt8: return *static_cast<const uint8_t*>(p);
    case ember::kInt8: return *static_cast<const int8_t*>(p);
    case ember::kInt16: return *static_cast<const int16_t*>(p);
    case ember::kInt32: return *static_cast<const int32_t*>(p);
    case ember::kInt64: return static_cast<double>(*static_cast<const int64_t*>(p));
    case ember::kFloat16: return half_value(*static_cast<const uint16_t*>(p));
    case ember::kBFloat16: return bf16_value(*static_cast<const uint16_t*>(p));
    case ember::kFloat32: return *static_cast<const float*>(p);
    case ember::kFloat64: return *static_cast<const double*>(p);
    default: ADD_FAILURE() << "read_raw: undefined dtype"; return NAN;
  }
}
inline void write_raw(void* p, ScalarType t, double v) {
  switch (t) {
    case ember::kBool: *static_cast<uint8_t*>(p) = v != 0; break;
    case ember::kUInt8: *static_cast<uint8_t*>(p) = static_cast<uint8_t>(static_cast<int64_t>(v)); break;
    case ember::kInt8: *static_cast<int8_t*>(p) = static_cast<int8_t>(static_cast<int64_t>(v)); break;
    case ember::kInt16: *static_cast<int16_t*>(p) = static_cast<int16_t>(static_cast<int64_t>(v)); break;
    case ember::kInt32: *static_cast<int32_t*>(p) = static_cast<int32_t>(static_cast<int64_t>(v)); break;
    case ember::kInt64: *static_cast<int64_t*>(p) = static_cast<int64_t>(v); break;
    case ember::kFloat16: *static_cast<uint16_t*>(p) = half_bits(v); break;
    case ember::kBFloat16: *static_cast<uint16_t*>(p) = bf16_bits(v); break;
    case ember::kFloat32: *static_cast<float*>(p) = static_cast<float>(v); break;
    case ember::kFloat64: *static_cast<double*>(p) = v; break;
    default: ADD_FAILURE() << "write_raw: undefined dtype";
  }
}

inline int64_t numel_of(IntArrayRef sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// Calls f(linear index, element offset in elements from data_ptr) in row-major order.
inline void for_each_offset(IntArrayRef sizes, IntArrayRef strides, const std::function<void(int64_t, int64_t)>& f) {
  int64_t n = numel_of(sizes);
  std::vector<int64_t> idx(sizes.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < sizes.size(); ++d) off += idx[d] * strides[d];
    f(i, off);
    for (size_t d = sizes.size(); d-- > 0;) {
      if (++idx[d] < sizes[d]) break;
      idx[d] = 0;
    }
  }
}

// The elements of t (any dtype, any strides, on a host-accessible device) in row-major order.
inline std::vector<double> values(const Tensor& t) {
  std::vector<double> out(static_cast<size_t>(t.numel()));
  const char* base = static_cast<const char*>(t.const_data_ptr());  // a read: the storage stays tracked
  size_t es = t.element_size();
  ScalarType dt = t.scalar_type();
  for_each_offset(t.sizes(), t.strides(), [&](int64_t i, int64_t off) {
    out[static_cast<size_t>(i)] = read_raw(base + off * static_cast<int64_t>(es), dt);
  });
  return out;
}
inline std::vector<int64_t> sizes_of(const Tensor& t) { return t.sizes().vec(); }

// A new contiguous tensor with these values (written directly into its memory).
inline Tensor make(const std::vector<double>& vals, IntArrayRef sizes, ScalarType dtype = ember::kFloat32) {
  EXPECT_EQ(numel_of(sizes), static_cast<int64_t>(vals.size())) << "make: value count does not match sizes";
  Tensor t = ember::empty(sizes, dtype);
  char* base = static_cast<char*>(t.data_ptr());
  for (size_t i = 0; i < vals.size(); ++i) write_raw(base + i * t.element_size(), dtype, vals[i]);
  return t;
}
inline Tensor make1d(const std::vector<double>& vals, ScalarType dtype = ember::kFloat32) {
  return make(vals, {static_cast<int64_t>(vals.size())}, dtype);
}
// Values 0, 1, 2, ... scaled and shifted: a + b * i.
inline std::vector<double> iota(int64_t n, double start = 0, double step = 1) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + step * static_cast<double>(i);
  return v;
}
// Deterministic pseudo-random values in [lo, hi), optionally rounded to a multiple of q.
inline std::vector<double> pseudo_random(int64_t n, double lo, double hi, uint64_t seed = 1, double q = 0) {
  std::vector<double> v(static_cast<size_t>(n));
  uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double u = static_cast<double>(s >> 11) / 9007199254740992.0;
    x = lo + (hi - lo) * u;
    if (q > 0) x = std::floor(x / q) * q;
  }
  return v;
}

// ---- tolerances and comparison --------------------------------------------------------------

struct Tol {
  double rtol;
  double atol;
};
inline Tol tol_for(ScalarType t) {
  switch (t) {
    case ember::kFloat16: return {2e-3, 1e-3};
    case ember::kBFloat16: return {1.6e-2, 1e-2};
    case ember::kFloat32: return {2e-6, 1e-6};
    case ember::kFloat64: return {1e-12, 1e-12};
    default: return {0, 0};  // integers and bool are exact
  }
}

inline bool close(double got, double want, Tol tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= tol.atol + tol.rtol * std::fabs(want);
}

// Compares every element; the failure message lists the first mismatches.
inline ::testing::AssertionResult all_close(const std::vector<double>& got, const std::vector<double>& want, Tol tol) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure() << "got " << got.size() << " values, expected " << want.size();
  std::ostringstream os;
  int bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (close(got[i], want[i], tol)) continue;
    if (bad < 8) os << "\n  [" << i << "] got " << got[i] << ", expected " << want[i];
    ++bad;
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << got.size() << " values differ (rtol " << tol.rtol << ", atol "
                                       << tol.atol << "):" << os.str();
}
inline ::testing::AssertionResult all_close(const Tensor& got, const std::vector<double>& want, Tol tol) {
  if (!got.defined()) return ::testing::AssertionFailure() << "undefined tensor";
  return all_close(values(got), want, tol);
}
inline ::testing::AssertionResult all_close(const Tensor& got, const std::vector<double>& want) {
  return all_close(got, want, tol_for(got.scalar_type()));
}
inline ::testing::AssertionResult all_equal(const Tensor& got, const std::vector<double>& want) {
  return all_close(got, want, Tol{0, 0});
}
// Shape, dtype and values at once.
inline ::testing::AssertionResult matches(const Tensor& got, std::vector<int64_t> sizes, ScalarType dtype,
                                          const std::vector<double>& want, Tol tol) {
  if (!got.defined()) return ::testing::AssertionFailure() << "undefined tensor";
  if (got.sizes().vec() != sizes)
    return ::testing::AssertionFailure() << "shape " << got.sizes() << ", expected " << IntArrayRef(sizes);
  if (got.scalar_type() != dtype)
    return ::testing::AssertionFailure() << "dtype " << got.scalar_type() << ", expected " << dtype;
  return all_close(got, want, tol);
}
inline ::testing::AssertionResult matches(const Tensor& got, std::vector<int64_t> sizes, ScalarType dtype,
                                          const std::vector<double>& want) {
  return matches(got, std::move(sizes), dtype, want, tol_for(dtype));
}

// Row-major multi-index helpers for float64 reference loops.
inline std::vector<int64_t> contiguous_strides(IntArrayRef sizes) {
  std::vector<int64_t> st(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    st[i] = s;
    s *= std::max<int64_t>(sizes[i], 1);
  }
  return st;
}
// NumPy broadcasting of two shapes (the reference for broadcast tests).
inline std::vector<int64_t> broadcast(IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    out[i] = da == 1 ? db : da;
  }
  return out;
}
// The values of `vals` (shape `from`) broadcast to shape `to`, row-major.
inline std::vector<double> broadcast_values(const std::vector<double>& vals, IntArrayRef from, IntArrayRef to) {
  std::vector<int64_t> st = contiguous_strides(from);
  std::vector<int64_t> bst(to.size(), 0);
  size_t off = to.size() - from.size();
  for (size_t d = 0; d < from.size(); ++d) bst[d + off] = from[d] == 1 ? 0 : st[d];
  std::vector<double> out(static_cast<size_t>(numel_of(to)));
  for_each_offset(to, bst, [&](int64_t i, int64_t o) { out[static_cast<size_t>(i)] = vals[static_cast<size_t>(o)]; });
  return out;
}

// For a reduction of `vals` (shape `shape`) over `dims` (empty: all dims; negative dims wrap):
// the values of each output element's group, in row-major order of the output, and within a
// group in row-major order of the reduced dims (so for one reduced dim, position = index).
struct Groups {
  std::vector<int64_t> out_shape;
  std::vector<std::vector<double>> members;
};
inline Groups reduce_groups(const std::vector<double>& vals, IntArrayRef shape, std::vector<int64_t> dims, bool keepdim) {
  int64_t nd = static_cast<int64_t>(shape.size());
  std::vector<bool> reduced(shape.size(), dims.empty());
  for (int64_t d : dims) reduced[static_cast<size_t>(d < 0 ? d + nd : d)] = true;
  Groups g;
  std::vector<int64_t> kept_sizes;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (!reduced[d]) {
      g.out_shape.push_back(shape[d]);
      kept_sizes.push_back(shape[d]);
    } else if (keepdim) {
      g.out_shape.push_back(1);
    }
  }
  g.members.resize(static_cast<size_t>(numel_of(kept_sizes)));
  std::vector<int64_t> idx(shape.size(), 0);
  for (size_t i = 0; i < vals.size(); ++i) {
    int64_t out = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      if (!reduced[d]) out = out * shape[d] + idx[d];
    g.members[static_cast<size_t>(out)].push_back(vals[i]);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return g;
}
// Applies f to every group.
inline std::vector<double> reduce_ref(const Groups& g, const std::function<double(const std::vector<double>&)>& f) {
  std::vector<double> out;
  for (const auto& m : g.members) out.push_back(f(m));
  return out;
}

// ---- errors -----------------------------------------------------------------------------------

// EXPECT_THROW_MSG(statement, ember::ValueError, "part of the message"): the statement throws
// exactly that error type (or a subclass) and the message contains the text.
#define EXPECT_THROW_MSG(statement, ErrorType, substring)                                                       \
  do {                                                                                                          \
    bool caught_expected_ = false;                                                                              \
    try {                                                                                                       \
      statement;                                                                                                \
    } catch (const ErrorType& e_) {                                                                             \
      caught_expected_ = true;                                                                                  \
      EXPECT_NE(std::string(e_.what()).find(substring), std::string::npos)                                      \
          << #statement << " threw " #ErrorType " with message:\n  " << e_.what() << "\nexpected it to contain:\n  " \
          << (substring);                                                                                       \
    } catch (const ember::Error& e_) {                                                                          \
      ADD_FAILURE() << #statement << " threw ember::" << e_.kind() << " instead of " #ErrorType ": " << e_.what(); \
      caught_expected_ = true;                                                                                  \
    } catch (const std::exception& e_) {                                                                        \
      ADD_FAILURE() << #statement << " threw a std::exception instead of " #ErrorType ": " << e_.what();        \
      caught_expected_ = true;                                                                                  \
    }                                                                                                           \
    if (!caught_expected_) ADD_FAILURE() << #statement << " did not throw " #ErrorType;                         \
  } while (0)

// ---- op coverage ------------------------------------------------------------------------------

inline std::set<std::string>& tested_ops() {
  static std::set<std::string> s;
  return s;
}
inline std::string qualified_op_name(const std::string& n) {
  return n.find("::") == std::string::npos ? "aten::" + n : n;
}
inline bool register_tested_ops(std::initializer_list<const char*> names) {
  for (const char* n : names) tested_ops().insert(qualified_op_name(n));
  return true;
}

}  // namespace ember_test

#define EMBER_TEST_CONCAT_INNER(a, b) a##b
#define EMBER_TEST_CONCAT(a, b) EMBER_TEST_CONCAT_INNER(a, b)
// At file scope, next to the tests: the ops.yaml operators ("add.Tensor", "zeros") whose values
// the tests of this file check.
#define EMBER_TESTED_OPS(...)                                                                 \
  static const bool EMBER_TEST_CONCAT(ember_tested_ops_, __LINE__) [[maybe_unused]] =         \
      ::ember_test::register_tested_ops({__VA_ARGS__})
