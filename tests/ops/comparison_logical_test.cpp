// Comparisons (eq, ne, lt, le, gt, ge) and logical ops (and, or, xor, not) on every dtype, in
// Tensor, Scalar and out= forms: bool results, mixed-dtype promotion before comparing, NaN.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("eq.Tensor_out", "eq.Tensor", "eq.Scalar", "ne.Tensor_out", "ne.Tensor", "ne.Scalar", "lt.Tensor_out",
                 "lt.Tensor", "lt.Scalar", "le.Tensor_out", "le.Tensor", "le.Scalar", "gt.Tensor_out", "gt.Tensor",
                 "gt.Scalar", "ge.Tensor_out", "ge.Tensor", "ge.Scalar", "logical_and.out", "logical_and",
                 "logical_or.out", "logical_or", "logical_xor.out", "logical_xor", "logical_not.out", "logical_not");

std::vector<double> lhs_for(ScalarType t) {
  if (t == kBool) return {0, 1, 0, 1};
  if (t == kUInt8) return {0, 3, 7, 200};
  if (is_float(t)) return {-1.5, 0.25, 2, 3.75};
  return {-7, 3, 2, 100};
}
std::vector<double> rhs_for(ScalarType t) {
  if (t == kBool) return {0, 0, 1, 1};
  if (t == kUInt8) return {5, 3, 2, 200};
  if (is_float(t)) return {2, 0.25, 2, -4};
  return {2, 3, -3, 100};
}

struct CompareCase {
  const char* name;
  Tensor (*tensor_fn)(const Tensor&, const Tensor&);
  Tensor (*scalar_fn)(const Tensor&, const Scalar&);
  Tensor (*out_fn)(const Tensor&, const Tensor&, const Tensor&);
  bool (*ref)(double, double);
};

const CompareCase kComparisons[] = {
    {"eq", [](const Tensor& a, const Tensor& b) { return ember::eq(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::eq(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::eq_out(o, a, b); },
     [](double a, double b) { return a == b; }},
    {"ne", [](const Tensor& a, const Tensor& b) { return ember::ne(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::ne(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::ne_out(o, a, b); },
     [](double a, double b) { return a != b; }},
    {"lt", [](const Tensor& a, const Tensor& b) { return ember::lt(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::lt(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::lt_out(o, a, b); },
     [](double a, double b) { return a < b; }},
    {"le", [](const Tensor& a, const Tensor& b) { return ember::le(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::le(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::le_out(o, a, b); },
     [](double a, double b) { return a <= b; }},
    {"gt", [](const Tensor& a, const Tensor& b) { return ember::gt(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::gt(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::gt_out(o, a, b); },
     [](double a, double b) { return a > b; }},
    {"ge", [](const Tensor& a, const Tensor& b) { return ember::ge(a, b); },
     [](const Tensor& a, const Scalar& s) { return ember::ge(a, s); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::ge_out(o, a, b); },
     [](double a, double b) { return a >= b; }},
};

TEST(Comparison, EveryDtypeEveryForm) {
  for (ScalarType dt : all_dtypes()) {
    std::vector<double> lhs = lhs_for(dt), rhs = rhs_for(dt);
    Tensor a = make1d(lhs, dt), b = make1d(rhs, dt);
    for (const CompareCase& c : kComparisons) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want, want_scalar;
      double s = lhs[1];  // a value present in the tensor
      for (size_t i = 0; i < lhs.size(); ++i) {
        want.push_back(c.ref(lhs[i], rhs[i]));
        want_scalar.push_back(c.ref(lhs[i], s));
      }
      EXPECT_TRUE(matches(c.tensor_fn(a, b), {4}, kBool, want));
      Scalar sc = dt == kBool ? Scalar(s != 0) : is_float(dt) ? Scalar(s) : Scalar(static_cast<int64_t>(s));
      EXPECT_TRUE(matches(c.scalar_fn(a, sc), {4}, kBool, want_scalar));
      Tensor out = ember::empty({4}, kBool);
      EXPECT_TRUE(c.out_fn(out, a, b).is_same(out));
      EXPECT_TRUE(matches(out, {4}, kBool, want));
    }
  }
}

TEST(Comparison, OperatorsAndMethods) {
  Tensor a = make1d({1, 2, 3}), b = make1d({3, 2, 1});
  EXPECT_TRUE(matches(a == b, {3}, kBool, {0, 1, 0}));
  EXPECT_TRUE(matches(a != b, {3}, kBool, {1, 0, 1}));
  EXPECT_TRUE(matches(a < b, {3}, kBool, {1, 0, 0}));
  EXPECT_TRUE(matches(a <= b, {3}, kBool, {1, 1, 0}));
  EXPECT_TRUE(matches(a > b, {3}, kBool, {0, 0, 1}));
  EXPECT_TRUE(matches(a >= b, {3}, kBool, {0, 1, 1}));
  EXPECT_TRUE(matches(a == 2, {3}, kBool, {0, 1, 0}));
  EXPECT_TRUE(matches(a != 2, {3}, kBool, {1, 0, 1}));
  EXPECT_TRUE(matches(a < 2, {3}, kBool, {1, 0, 0}));
  EXPECT_TRUE(matches(a <= 2, {3}, kBool, {1, 1, 0}));
  EXPECT_TRUE(matches(a > 2, {3}, kBool, {0, 0, 1}));
  EXPECT_TRUE(matches(a >= 2, {3}, kBool, {0, 1, 1}));
  EXPECT_TRUE(matches(a.eq(b), {3}, kBool, {0, 1, 0}));
  EXPECT_TRUE(matches(a.ne(2), {3}, kBool, {1, 0, 1}));
  EXPECT_TRUE(matches(a.lt(b), {3}, kBool, {1, 0, 0}));
  EXPECT_TRUE(matches(a.le(2), {3}, kBool, {1, 1, 0}));
  EXPECT_TRUE(matches(a.gt(b), {3}, kBool, {0, 0, 1}));
  EXPECT_TRUE(matches(a.ge(2), {3}, kBool, {0, 1, 1}));
}

TEST(Comparison, MixedDtypesPromoteBeforeComparing) {
  // PyTorch 1.13: tensor([200, 3], uint8) == tensor([-56, 3], int8) -> [False, True] (both go
  // to int16 first, so 200 is not -56), and > gives [True, False].
  Tensor u = make1d({200, 3}, kUInt8), s = make1d({-56, 3}, kInt8);
  EXPECT_TRUE(matches(u == s, {2}, kBool, {0, 1}));
  EXPECT_TRUE(matches(u > s, {2}, kBool, {1, 0}));
  // An int tensor against a float scalar compares as float: tensor([1, 2, 3]) < 2.5.
  Tensor i = make1d({1, 2, 3}, kInt64);
  EXPECT_TRUE(matches(i < 2.5, {3}, kBool, {1, 1, 0}));
  EXPECT_TRUE(matches(i == 2.0, {3}, kBool, {0, 1, 0}));
  EXPECT_TRUE(matches(i == make1d({1.5, 2, 3.25}), {3}, kBool, {0, 1, 0}));
  // bool against ints: tensor([True, False]) < 1 -> [False, True].
  EXPECT_TRUE(matches(make1d({1, 0}, kBool) < 1, {2}, kBool, {0, 1}));
  // Broadcasting [3, 1] against [2].
  Tensor col = make({1, 2, 3}, {3, 1}), row = make1d({2, 3});
  EXPECT_TRUE(matches(col >= row, {3, 2}, kBool, {0, 0, 1, 0, 1, 1}));
  // 0-d and empty.
  EXPECT_TRUE(matches(make({2}, {}) < make({3}, {}), {}, kBool, {1}));
  EXPECT_EQ(sizes_of(ember::empty({0, 2}) == row), (std::vector<int64_t>{0, 2}));
}

TEST(Comparison, NanComparesUnequal) {
  Tensor n = make1d({NAN, 1});
  EXPECT_TRUE(all_equal(n == n, {0, 1}));
  EXPECT_TRUE(all_equal(n != n, {1, 0}));
  EXPECT_TRUE(all_equal(n < n, {0, 0}));
  EXPECT_TRUE(all_equal(n >= n, {0, 1}));
}

TEST(Comparison, OutOfAnotherDtypeAndNonContiguous) {
  // PyTorch writes comparison results into a float out= as 1.0 / 0.0.
  Tensor out = ember::empty({2});
  ember::eq_out(out, make1d({1, 2}, kInt64), make1d({1, 3}, kInt64));
  EXPECT_TRUE(matches(out, {2}, kFloat32, {1, 0}));
  Tensor resized = ember::empty({7}, kBool);
  ember::gt_outf(make1d({1, 5}), make1d({2, 2}), resized);
  EXPECT_TRUE(matches(resized, {2}, kBool, {0, 1}));
  Tensor m = make(iota(6), {2, 3});
  EXPECT_TRUE(matches(m.t() > 2, {3, 2}, kBool, {0, 1, 0, 1, 0, 1}));
  EXPECT_TRUE(matches(m.slice(1, 0, 3, 2) == make1d({0, 2}), {2, 2}, kBool, {1, 1, 0, 0}));
}

struct LogicalCase {
  const char* name;
  Tensor (*fn)(const Tensor&, const Tensor&);
  Tensor (*out_fn)(const Tensor&, const Tensor&, const Tensor&);
  bool (*ref)(bool, bool);
};
const LogicalCase kLogical[] = {
    {"logical_and", [](const Tensor& a, const Tensor& b) { return ember::logical_and(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::logical_and_out(o, a, b); },
     [](bool a, bool b) { return a && b; }},
    {"logical_or", [](const Tensor& a, const Tensor& b) { return ember::logical_or(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::logical_or_out(o, a, b); },
     [](bool a, bool b) { return a || b; }},
    {"logical_xor", [](const Tensor& a, const Tensor& b) { return ember::logical_xor(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::logical_xor_out(o, a, b); },
     [](bool a, bool b) { return a != b; }},
};

TEST(Logical, EveryDtypeAndForm) {
  for (ScalarType dt : all_dtypes()) {
    // Non-zero is true: mixes zeros with negative and fractional values.
    std::vector<double> lhs = dt == kBool ? std::vector<double>{0, 1, 0, 1}
                              : is_float(dt) ? std::vector<double>{0, 0.5, -2, 0}
                              : dt == kUInt8 ? std::vector<double>{0, 7, 255, 0}
                                             : std::vector<double>{0, -3, 9, 0};
    std::vector<double> rhs = {0, 0, 1, 1};
    if (dt != kBool && dt != kUInt8) rhs = {0, 0, -1, 2};
    Tensor a = make1d(lhs, dt), b = make1d(rhs, dt);
    for (const LogicalCase& c : kLogical) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want;
      for (size_t i = 0; i < 4; ++i) want.push_back(c.ref(lhs[i] != 0, rhs[i] != 0));
      EXPECT_TRUE(matches(c.fn(a, b), {4}, kBool, want));
      Tensor out = ember::empty({4}, kBool);
      c.out_fn(out, a, b);
      EXPECT_TRUE(matches(out, {4}, kBool, want));
    }
    SCOPED_TRACE("logical_not on " + dtype_str(dt));
    std::vector<double> want_not;
    for (double v : lhs) want_not.push_back(v == 0);
    EXPECT_TRUE(matches(ember::logical_not(a), {4}, kBool, want_not));
    Tensor out = ember::empty({4}, kBool);
    ember::logical_not_out(out, a);
    EXPECT_TRUE(matches(out, {4}, kBool, want_not));
  }
}

TEST(Logical, MixedDtypesOutputsAndBroadcast) {
  // PyTorch 1.13: logical_xor(tensor([0., 0.5, -1, 0]), tensor([0, 0, 3, 2])) -> [F, T, F, T]
  EXPECT_TRUE(matches(ember::logical_xor(make1d({0, 0.5, -1, 0}), make1d({0, 0, 3, 2}, kInt64)), {4}, kBool, {0, 1, 0, 1}));
  // logical_not(tensor([0., 0.5, nan])) -> [True, False, False]: NaN is true.
  EXPECT_TRUE(matches(ember::logical_not(make1d({0, 0.5, NAN})), {3}, kBool, {1, 0, 0}));
  // Into an int64 / uint8 out=, as 0 / 1.
  Tensor o = ember::empty({2}, kInt64);
  ember::logical_and_out(o, make1d({1, 2}, kInt64), make1d({0, 3}, kInt64));
  EXPECT_TRUE(matches(o, {2}, kInt64, {0, 1}));
  Tensor u = ember::empty({2}, kUInt8);
  ember::logical_not_out(u, make1d({0, 3}));
  EXPECT_TRUE(matches(u, {2}, kUInt8, {1, 0}));
  // Broadcast [2, 1] with [3], methods.
  Tensor col = make({0, 1}, {2, 1}, kBool), row = make1d({1, 0, 1}, kBool);
  EXPECT_TRUE(matches(col.logical_or(row), {2, 3}, kBool, {1, 0, 1, 1, 1, 1}));
  EXPECT_TRUE(matches(col.logical_and(row), {2, 3}, kBool, {0, 0, 0, 1, 0, 1}));
  EXPECT_TRUE(matches(col.logical_xor(row), {2, 3}, kBool, {1, 0, 1, 0, 1, 0}));
  EXPECT_TRUE(matches(row.logical_not(), {3}, kBool, {0, 1, 0}));
  // Non-contiguous: transposed.
  Tensor m = make({0, 1, 2, 0, 0, 3}, {2, 3}, kInt32).t();
  EXPECT_TRUE(matches(ember::logical_not(m), {3, 2}, kBool, {1, 1, 0, 1, 0, 0}));
}

}  // namespace
}  // namespace ember_test
