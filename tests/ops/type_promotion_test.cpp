// Type promotion of pointwise ops as PyTorch: tensor with tensor (torch.promote_types), n-d with
// 0-d tensors (0-d tensors only matter across categories), wrapped Python-style numbers
// (a + 2, 2.5 * int tensor), and the default dtype. Tables are PyTorch 1.13's torch.result_type
// outputs, pasted; every pair is checked for the dtype and for the values of an add.
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

constexpr ScalarType b1 = kBool, u1 = kUInt8, i1 = kInt8, i2 = kInt16, i4 = kInt32, i8 = kInt64, f2 = kFloat16,
                     bf = kBFloat16, f4 = kFloat32, f8 = kFloat64;

// torch.result_type(torch.ones(2, dtype=a), torch.ones(2, dtype=b)), rows a, columns b, order
// bool uint8 int8 int16 int32 int64 float16 bfloat16 float32 float64 (= torch.promote_types).
const ScalarType kDimDim[10][10] = {
    {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8}, {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
    {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8}, {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
    {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8}, {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8}, {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
    {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8}, {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};
// torch.result_type(torch.ones(2, dtype=a), torch.ones((), dtype=b))
const ScalarType kDimZeroDim[10][10] = {
    {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8}, {u1, u1, u1, u1, u1, u1, f2, bf, f4, f8},
    {i1, i1, i1, i1, i1, i1, f2, bf, f4, f8}, {i2, i2, i2, i2, i2, i2, f2, bf, f4, f8},
    {i4, i4, i4, i4, i4, i4, f2, bf, f4, f8}, {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    {f2, f2, f2, f2, f2, f2, f2, f2, f2, f2}, {bf, bf, bf, bf, bf, bf, bf, bf, bf, bf},
    {f4, f4, f4, f4, f4, f4, f4, f4, f4, f4}, {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};
// torch.result_type(torch.ones(2, dtype=a), s) for s = True, 2, 2.5 (the same for a 0-d a).
const ScalarType kDimWrapped[10][3] = {
    {b1, i8, f4}, {u1, u1, f4}, {i1, i1, f4}, {i2, i2, f4}, {i4, i4, f4},
    {i8, i8, f4}, {f2, f2, f2}, {bf, bf, bf}, {f4, f4, f4}, {f8, f8, f8},
};

// The operands of the value checks: [1, 0] (dtype a) + [1, y] (dtype b), y = 1 when a bool is
// involved (so that every operand is a valid bool) and 3 otherwise.
std::vector<double> rhs_pair(ScalarType b, ScalarType a) { return {1, a == kBool || b == kBool ? 1.0 : 3.0}; }
std::vector<double> add_reference(ScalarType a, ScalarType b, ScalarType r) {
  return {round_to_dtype(r, 2), round_to_dtype(r, rhs_pair(b, a)[1])};
}

TEST(TypePromotion, TensorWithTensorIsPromoteTypes) {
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 10; ++j) {
      ScalarType a = all_dtypes()[i], b = all_dtypes()[j];
      SCOPED_TRACE(dtype_str(a) + " + " + dtype_str(b));
      EXPECT_EQ(promote_types(a, b), kDimDim[i][j]);
      Tensor r = ember::add(make1d({1, 0}, a), make1d(rhs_pair(b, a), b));
      EXPECT_TRUE(matches(r, {2}, kDimDim[i][j], add_reference(a, b, kDimDim[i][j])));
    }
  }
}

TEST(TypePromotion, ZeroDimTensorsOnlyPromoteAcrossCategories) {
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 10; ++j) {
      ScalarType a = all_dtypes()[i], b = all_dtypes()[j];
      SCOPED_TRACE(dtype_str(a) + "[2] + " + dtype_str(b) + "[]");
      double y = a == kBool || b == kBool ? 1 : 3;
      Tensor r = ember::add(make1d({1, 0}, a), make({y}, {}, b));
      EXPECT_TRUE(matches(r, {2}, kDimZeroDim[i][j], {round_to_dtype(kDimZeroDim[i][j], 1 + y),
                                                      round_to_dtype(kDimZeroDim[i][j], y)}));
      // Symmetric: the 0-d tensor first.
      EXPECT_EQ(ember::mul(make({y}, {}, b), make1d({1, 0}, a)).scalar_type(), kDimZeroDim[i][j]);
      // Two 0-d tensors promote normally (torch.result_type of two 0-d tensors = promote_types).
      EXPECT_EQ(ember::add(make({1}, {}, a), make({y}, {}, b)).scalar_type(), kDimDim[i][j]);
    }
  }
}

TEST(TypePromotion, WrappedNumbers) {
  for (int i = 0; i < 10; ++i) {
    ScalarType a = all_dtypes()[i];
    SCOPED_TRACE(dtype_str(a));
    Tensor t = make1d({1, 0}, a);
    EXPECT_TRUE(matches(ember::add(t, true), {2}, kDimWrapped[i][0], {round_to_dtype(kDimWrapped[i][0], 2), 1}));
    EXPECT_TRUE(matches(ember::add(t, 2), {2}, kDimWrapped[i][1], {3, 2}));
    EXPECT_TRUE(matches(ember::add(t, 2.5), {2}, kDimWrapped[i][2], {3.5, 2.5}));
    // A 0-d tensor with a wrapped number: the same table.
    Tensor z = make({1}, {}, a);
    EXPECT_EQ(ember::add(z, true).scalar_type(), kDimWrapped[i][0]);
    EXPECT_EQ(ember::add(z, 2).scalar_type(), kDimWrapped[i][1]);
    EXPECT_EQ(ember::add(z, 2.5).scalar_type(), kDimWrapped[i][2]);
  }
  // The C++ operators wrap numbers on either side.
  Tensor i32 = make1d({1, 2}, kInt32);
  EXPECT_TRUE(matches(i32 + 2, {2}, kInt32, {3, 4}));
  EXPECT_TRUE(matches(2 + i32, {2}, kInt32, {3, 4}));
  EXPECT_TRUE(matches(2.5 * i32, {2}, kFloat32, {2.5, 5}));
  EXPECT_TRUE(matches(i32 * 2.5, {2}, kFloat32, {2.5, 5}));
  EXPECT_TRUE(matches(i32 / 2, {2}, kFloat32, {0.5, 1}));
  EXPECT_TRUE(matches(1 - i32, {2}, kInt32, {0, -1}));
  Tensor h = make1d({1, 2}, kFloat16);
  EXPECT_TRUE(matches(h * 1e-3, {2}, kFloat16, {round_half(1e-3), round_half(2e-3)}));  // stays float16
  // A wrapped number never widens an integer tensor: torch.tensor([1], dtype=torch.int8) + 1000
  // -> tensor([-23], dtype=torch.int8).
  EXPECT_TRUE(matches(make1d({1}, kInt8) + 1000, {1}, kInt8, {-23}));
}

TEST(TypePromotion, DefaultDtypeDecidesFloatResultsOfIntegers) {
  ScalarType saved = default_dtype();
  set_default_dtype(kFloat64);
  Tensor i = make1d({1, 2}, kInt64);
  // torch.set_default_dtype(torch.float64); torch.tensor([1, 2]) * 2.5 -> float64; / and sqrt too.
  EXPECT_EQ((i * 2.5).scalar_type(), kFloat64);
  EXPECT_EQ((i / i).scalar_type(), kFloat64);
  EXPECT_EQ(ember::sqrt(i).scalar_type(), kFloat64);
  // A float32 tensor is not changed by the default.
  EXPECT_EQ((make1d({1}, kFloat32) * 2.5).scalar_type(), kFloat32);
  set_default_dtype(saved);
  EXPECT_EQ((i * 2.5).scalar_type(), kFloat32);
  EXPECT_THROW_MSG(set_default_dtype(kInt64), TypeError, "expected a floating dtype");
}

}  // namespace
}  // namespace ember_test
