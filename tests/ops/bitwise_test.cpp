// Bitwise and/or/xor/not on every integer dtype and bool, in functional, out= and method forms
// and through the C++ operators: two's-complement results as PyTorch's, promotion of mixed
// dtypes and broadcasting before the op, and a TypeError for floating dtypes.
#include <cstdint>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("bitwise_and.Tensor_out", "bitwise_and.Tensor", "bitwise_or.Tensor_out", "bitwise_or.Tensor",
                 "bitwise_xor.Tensor_out", "bitwise_xor.Tensor", "bitwise_not.out", "bitwise_not");

// v as `dtype` stores it: the low bits of the int64, sign-extended for signed dtypes.
double wrapped(int64_t v, ScalarType dtype) {
  switch (dtype) {
    case kUInt8: return static_cast<double>(static_cast<uint8_t>(v));
    case kInt8: return static_cast<double>(static_cast<int8_t>(v));
    case kInt16: return static_cast<double>(static_cast<int16_t>(v));
    case kInt32: return static_cast<double>(static_cast<int32_t>(v));
    default: return static_cast<double>(v);
  }
}

const ScalarType kIntegerDtypes[] = {kUInt8, kInt8, kInt16, kInt32, kInt64};

struct BitwiseCase {
  const char* name;
  Tensor (*fn)(const Tensor&, const Tensor&);
  Tensor (*out_fn)(const Tensor&, const Tensor&, const Tensor&);
  int64_t (*ref)(int64_t, int64_t);
};
const BitwiseCase kCases[] = {
    {"bitwise_and", [](const Tensor& a, const Tensor& b) { return ember::bitwise_and(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::bitwise_and_out(o, a, b); },
     [](int64_t a, int64_t b) { return a & b; }},
    {"bitwise_or", [](const Tensor& a, const Tensor& b) { return ember::bitwise_or(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::bitwise_or_out(o, a, b); },
     [](int64_t a, int64_t b) { return a | b; }},
    {"bitwise_xor", [](const Tensor& a, const Tensor& b) { return ember::bitwise_xor(a, b); },
     [](const Tensor& o, const Tensor& a, const Tensor& b) { return ember::bitwise_xor_out(o, a, b); },
     [](int64_t a, int64_t b) { return a ^ b; }},
};

TEST(Bitwise, EveryIntegerDtypeAndForm) {
  for (ScalarType dt : kIntegerDtypes) {
    // Negative values (all high bits set) on signed dtypes; the top of the range on uint8.
    const std::vector<int64_t> lhs = dt == kUInt8 ? std::vector<int64_t>{0, 3, 200, 255} : std::vector<int64_t>{-7, 3, 12, 100};
    const std::vector<int64_t> rhs = dt == kUInt8 ? std::vector<int64_t>{255, 5, 77, 0} : std::vector<int64_t>{10, -1, 6, -100};
    Tensor a = make1d(std::vector<double>(lhs.begin(), lhs.end()), dt);
    Tensor b = make1d(std::vector<double>(rhs.begin(), rhs.end()), dt);
    for (const BitwiseCase& c : kCases) {
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want;
      for (size_t i = 0; i < lhs.size(); ++i) want.push_back(wrapped(c.ref(lhs[i], rhs[i]), dt));
      EXPECT_TRUE(matches(c.fn(a, b), {4}, dt, want));
      Tensor out = ember::empty({4}, dt);
      c.out_fn(out, a, b);
      EXPECT_TRUE(matches(out, {4}, dt, want));
    }
    SCOPED_TRACE("bitwise_not on " + dtype_str(dt));
    std::vector<double> want_not;
    for (int64_t v : lhs) want_not.push_back(wrapped(~v, dt));
    EXPECT_TRUE(matches(ember::bitwise_not(a), {4}, dt, want_not));
    EXPECT_TRUE(matches(a.bitwise_not(), {4}, dt, want_not));
    Tensor out = ember::empty({4}, dt);
    ember::bitwise_not_out(out, a);
    EXPECT_TRUE(matches(out, {4}, dt, want_not));
  }
}

TEST(Bitwise, HandComputedValues) {
  // PyTorch 1.13: tensor([12, -7]) & tensor([10, 3]) -> [8, 1]; | -> [14, -5]; ^ -> [6, -6];
  // ~tensor([12, -7]) -> [-13, 6]; ~tensor([200], dtype=uint8) -> [55].
  Tensor a = make1d({12, -7}, kInt64), b = make1d({10, 3}, kInt64);
  EXPECT_TRUE(matches(a & b, {2}, kInt64, {8, 1}));
  EXPECT_TRUE(matches(a | b, {2}, kInt64, {14, -5}));
  EXPECT_TRUE(matches(a ^ b, {2}, kInt64, {6, -6}));
  EXPECT_TRUE(matches(a.bitwise_and(b), {2}, kInt64, {8, 1}));
  EXPECT_TRUE(matches(ember::bitwise_not(a), {2}, kInt64, {-13, 6}));
  EXPECT_TRUE(matches(ember::bitwise_not(make1d({200}, kUInt8)), {1}, kUInt8, {55}));
  // int64's extremes: ~INT64_MIN is INT64_MAX.
  Tensor big = ember::full({1}, Scalar(INT64_MIN), kInt64);
  EXPECT_EQ(ember::bitwise_not(big).item<int64_t>(), INT64_MAX);
}

TEST(Bitwise, BoolIsLogical) {
  Tensor p = make1d({0, 1, 0, 1}, kBool), q = make1d({0, 0, 1, 1}, kBool);
  EXPECT_TRUE(matches(ember::bitwise_and(p, q), {4}, kBool, {0, 0, 0, 1}));
  EXPECT_TRUE(matches(ember::bitwise_or(p, q), {4}, kBool, {0, 1, 1, 1}));
  EXPECT_TRUE(matches(ember::bitwise_xor(p, q), {4}, kBool, {0, 1, 1, 0}));
  EXPECT_TRUE(matches(ember::bitwise_not(p), {4}, kBool, {1, 0, 1, 0}));
}

TEST(Bitwise, PromotesAndBroadcasts) {
  // uint8 [2, 1] & int32 [3] -> int32 [2, 3] (PyTorch 1.13 gives the same values and dtype).
  Tensor u = make({255, 6}, {2, 1}, kUInt8), i = make1d({-1, 3, 256}, kInt32);
  EXPECT_TRUE(matches(ember::bitwise_and(u, i), {2, 3}, kInt32, {255, 3, 0, 6, 2, 0}));
  // bool | int64 -> int64.
  EXPECT_TRUE(matches(ember::bitwise_or(make1d({1, 0}, kBool), make1d({4, 4}, kInt64)), {2}, kInt64, {5, 4}));
  // A 0-d int64 tensor does not widen an int8 tensor (a lower category, as in PyTorch).
  Tensor s = ember::full({}, Scalar(int64_t{3}), kInt64);
  EXPECT_TRUE(matches(ember::bitwise_xor(make1d({1, 2}, kInt8), s), {2}, kInt8, {2, 1}));
  // Transposed input.
  Tensor m = make({1, 2, 3, 4, 5, 6}, {2, 3}, kInt16).t();
  EXPECT_TRUE(matches(ember::bitwise_not(m), {3, 2}, kInt16, {-2, -5, -3, -6, -4, -7}));
}

TEST(Bitwise, FloatingDtypesAreATypeError) {
  Tensor f = make1d({1, 2}), i = make1d({1, 2}, kInt64);
  EXPECT_THROW(ember::bitwise_and(f, f), TypeError);
  EXPECT_THROW(ember::bitwise_or(i, f), TypeError);  // promoted to float
  EXPECT_THROW(ember::bitwise_xor(f, i), TypeError);
  EXPECT_THROW(ember::bitwise_not(f), TypeError);
  try {
    ember::bitwise_not(make1d({1}, kFloat64));
    FAIL() << "expected a TypeError";
  } catch (const TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("only supported for integer and bool tensors"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ember_test
