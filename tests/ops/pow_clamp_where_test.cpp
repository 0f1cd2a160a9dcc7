// pow (Tensor^Tensor, Tensor^Scalar, Scalar^Tensor, in-place, out=), clamp (min / max / both,
// None, the in-place and out= forms, clamp_min / clamp_max) and where (Tensor and Scalar forms)
// against references computed here and PyTorch 1.13's outputs.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("pow.Tensor_Tensor_out", "pow.Tensor_Tensor", "pow_.Tensor", "pow.Tensor_Scalar", "pow_.Scalar",
                 "pow.Scalar", "clamp.out", "clamp", "clamp_", "clamp_min", "clamp_max", "where.self_out", "where.self",
                 "where.ScalarOther", "where.ScalarSelf");

TEST(Pow, IntegerAndFloatExponentsOnEveryNumericDtype) {
  for (ScalarType dt : numeric_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> base = is_float(dt) ? std::vector<double>{-1.5, 0.5, 2, 3}
                               : dt == kUInt8 ? std::vector<double>{0, 1, 2, 3}
                                              : std::vector<double>{-2, 1, 2, 3};
    std::vector<double> expo = {2, 3, 0, 1};
    Tensor b = make1d(base, dt), e = make1d(expo, dt);
    std::vector<double> want, want_sq;
    for (size_t i = 0; i < 4; ++i) {
      want.push_back(round_to_dtype(dt, std::pow(base[i], expo[i])));
      want_sq.push_back(round_to_dtype(dt, base[i] * base[i]));
    }
    EXPECT_TRUE(matches(ember::pow(b, e), {4}, dt, want));
    EXPECT_TRUE(matches(ember::pow(b, 2), {4}, dt, want_sq));  // an int exponent keeps the dtype
    // A float exponent makes integer bases float (default dtype); floats keep their dtype.
    ScalarType fdt = is_float(dt) ? dt : kFloat32;
    std::vector<double> want_half;
    for (double v : base) want_half.push_back(round_to_dtype(fdt, std::pow(std::fabs(v), 0.5)));
    EXPECT_TRUE(matches(ember::pow(ember::abs(b), 0.5), {4}, fdt, want_half));
  }
}

TEST(Pow, PyTorchEdgeCases) {
  // Integer overflow wraps: torch.pow(tensor([2, 3], uint8), 8) -> [0, 161].
  EXPECT_TRUE(matches(ember::pow(make1d({2, 3}, kUInt8), 8), {2}, kUInt8, {0, 161}));
  // Negative integer tensor exponents: torch.pow(tensor([-1, 1, 0, 2]), tensor([-1, -2, -1, -1]))
  //   -> [-1, 1, 0, 0]
  EXPECT_TRUE(matches(ember::pow(make1d({-1, 1, 0, 2}, kInt64), make1d({-1, -2, -1, -1}, kInt64)), {4}, kInt64,
                      {-1, 1, 0, 0}));
  // ...but a negative integer scalar exponent is an error: "Integers to negative integer powers
  // are not allowed."
  EXPECT_THROW_MSG(ember::pow(make1d({2, 3}, kInt64), -1), ValueError, "Integers to negative integer powers are not allowed");
  // Floats: torch.pow(tensor([0., -2., 2.]), -1) -> [inf, -0.5, 0.5]; x ** 0 == 1.
  EXPECT_TRUE(all_close(ember::pow(make1d({0, -2, 2}), -1), {INFINITY, -0.5, 0.5}));
  EXPECT_TRUE(all_close(ember::pow(make1d({0, 4}), 0), {1, 1}));
  // Negative base with a fractional exponent is NaN: torch.pow(tensor([-8.]), 1/3) -> [nan].
  EXPECT_TRUE(all_close(ember::pow(make1d({-8}), 1.0 / 3), {NAN}));
  // Mixed: float base, int exponent tensor -> float; int base, float exponent tensor -> float.
  EXPECT_TRUE(matches(ember::pow(make1d({2, 3}), make1d({2, 3}, kInt64)), {2}, kFloat32, {4, 27}));
  EXPECT_TRUE(matches(ember::pow(make1d({2, 3}, kInt64), make1d({0.5, 2})), {2}, kFloat32, {std::sqrt(2.0), 9}));
  // 0-d int exponent tensor does not widen an int32 base: tensor([2], int32) ** tensor(3) -> int32.
  EXPECT_TRUE(matches(ember::pow(make1d({2}, kInt32), make({3}, {}, kInt64)), {1}, kInt32, {8}));
}

TEST(Pow, ScalarBaseInPlaceAndOut) {
  // pow.Scalar: torch.pow(2, tensor([1, 2, 3])) -> int64 [2, 4, 8]; torch.pow(2.5, tensor([1, 2]))
  // -> float32 [2.5, 6.25]; torch.pow(2, tensor([0.5])) -> float32.
  EXPECT_TRUE(matches(ember::pow(2, make1d({1, 2, 3}, kInt64)), {3}, kInt64, {2, 4, 8}));
  EXPECT_TRUE(matches(ember::pow(2.5, make1d({1, 2}, kInt64)), {2}, kFloat32, {2.5, 6.25}));
  EXPECT_TRUE(matches(ember::pow(2, make1d({0.5}, kFloat64)), {1}, kFloat64, {std::sqrt(2.0)}));
  Tensor x = make1d({1, 2, 3});
  x.pow_(2);
  EXPECT_TRUE(all_close(x, {1, 4, 9}));
  x.pow_(make1d({0.5, 0.5, 0.5}));
  EXPECT_TRUE(all_close(x, {1, 2, 3}));
  Tensor i = make1d({1, 2}, kInt64);
  EXPECT_THROW_MSG(i.pow_(0.5), TypeError, "result type Float can't be cast to the desired output type Long");
  Tensor out = ember::empty({1});
  ember::pow_out(out, make({2, 3}, {2, 1}), make1d({1, 2}));
  EXPECT_TRUE(matches(out, {2, 2}, kFloat32, {2, 4, 3, 9}));  // broadcast and resized
  EXPECT_TRUE(matches(make1d({3}).pow(make1d({2})), {1}, kFloat32, {9}));
  EXPECT_TRUE(matches(make1d({3}).pow(3), {1}, kFloat32, {27}));
  // Non-contiguous base.
  Tensor m = make(iota(6), {2, 3}).t();
  EXPECT_TRUE(matches(ember::pow(m, 2), {3, 2}, kFloat32, {0, 9, 1, 16, 4, 25}));
}

TEST(Clamp, MinMaxAndNoneOnEveryNumericDtype) {
  for (ScalarType dt : numeric_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> in = dt == kUInt8 ? std::vector<double>{0, 2, 5, 9, 200}
                             : is_float(dt) ? std::vector<double>{-3.5, 2, 5, 9.25, 100}
                                            : std::vector<double>{-3, 2, 5, 9, 100};
    Tensor x = make1d(in, dt);
    std::vector<double> both, lo, hi;
    for (double v : in) {
      both.push_back(std::min(std::max(v, 2.0), 9.0));
      lo.push_back(std::max(v, 2.0));
      hi.push_back(std::min(v, 9.0));
    }
    Scalar two = int64_t(2), nine = int64_t(9);
    EXPECT_TRUE(matches(ember::clamp(x, two, nine), {5}, dt, both));
    EXPECT_TRUE(matches(ember::clamp(x, two, std::nullopt), {5}, dt, lo));
    EXPECT_TRUE(matches(ember::clamp(x, std::nullopt, nine), {5}, dt, hi));
    EXPECT_TRUE(matches(ember::clamp_min(x, two), {5}, dt, lo));
    EXPECT_TRUE(matches(ember::clamp_max(x, nine), {5}, dt, hi));
    Tensor y = make1d(in, dt);
    EXPECT_TRUE(ember::clamp_(y, two, nine).is_same(y));
    EXPECT_TRUE(matches(y, {5}, dt, both));
    Tensor out = ember::empty({5}, dt);
    ember::clamp_out(out, x, std::nullopt, nine);
    EXPECT_TRUE(matches(out, {5}, dt, hi));
  }
}

TEST(Clamp, PyTorchEdgeCases) {
  // min > max: every element becomes max (torch.clamp(tensor([1., 5, 10]), min=7, max=3) -> [3, 3, 3]).
  EXPECT_TRUE(all_close(ember::clamp(make1d({1, 5, 10}), 7, 3), {3, 3, 3}));
  // NaN propagates: torch.clamp(tensor([nan, 1.]), 0, 0.5) -> [nan, 0.5].
  EXPECT_TRUE(all_close(ember::clamp(make1d({NAN, 1}), 0, 0.5), {NAN, 0.5}));
  // Both None: "torch.clamp: At least one of 'min' or 'max' must not be None".
  EXPECT_THROW_MSG(ember::clamp(make1d({1})), ValueError, "At least one of 'min' or 'max' must not be None");
  // A float bound promotes an integer tensor like a Python number (PyTorch 1.13):
  // torch.clamp(tensor([1, 5, 10]), min=2.5) -> tensor([ 2.5000,  5.0000, 10.0000]) (float32).
  Tensor i = make1d({1, 5, 10}, kInt64);
  EXPECT_TRUE(matches(ember::clamp(i, 2.5, std::nullopt), {3}, kFloat32, {2.5, 5, 10}));
  EXPECT_TRUE(matches(ember::clamp_min(i, 2.5), {3}, kFloat32, {2.5, 5, 10}));
  EXPECT_TRUE(matches(ember::clamp_max(i, 2), {3}, kInt64, {1, 2, 2}));
  // ...and in-place on the integer tensor then fails as PyTorch's does.
  EXPECT_THROW_MSG(ember::clamp_(i, 2.5, std::nullopt), TypeError, "result type Float can't be cast to the desired output type Long");
  // Methods and non-contiguous input.
  Tensor m = make(iota(6), {2, 3}).t();
  EXPECT_TRUE(matches(m.clamp(1, 4), {3, 2}, kFloat32, {1, 3, 1, 4, 2, 4}));
  EXPECT_TRUE(matches(m.clamp_min(2), {3, 2}, kFloat32, {2, 3, 2, 4, 2, 5}));
  EXPECT_TRUE(matches(m.clamp_max(2), {3, 2}, kFloat32, {0, 2, 1, 2, 2, 2}));
  Tensor n = make1d({-1, 7});
  n.clamp_(0, 5);
  EXPECT_TRUE(all_close(n, {0, 5}));
  EXPECT_TRUE(matches(ember::clamp(make({7}, {}), 0, 5), {}, kFloat32, {5}));
}

TEST(Where, TensorFormOnEveryDtype) {
  Tensor cond = make1d({1, 0, 1, 0}, kBool);
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> a = dt == kBool ? std::vector<double>{1, 1, 0, 0} : std::vector<double>{1, 2, 3, 4};
    std::vector<double> b = dt == kBool ? std::vector<double>{0, 0, 1, 1} : std::vector<double>{9, 8, 7, 6};
    std::vector<double> want;
    for (int k = 0; k < 4; ++k) want.push_back(k % 2 == 0 ? a[k] : b[k]);
    EXPECT_TRUE(matches(ember::where(cond, make1d(a, dt), make1d(b, dt)), {4}, dt, want));
    Tensor out = ember::empty({4}, dt);
    ember::where_out(out, cond, make1d(a, dt), make1d(b, dt));
    EXPECT_TRUE(matches(out, {4}, dt, want));
  }
}

TEST(Where, PromotionScalarsAndBroadcast) {
  Tensor c = make1d({1, 0, 1}, kBool);
  // torch.where(c, tensor([1, 2, 3]), tensor([1.5, 2.5, 3.5])) -> float32 [1, 2.5, 3]
  EXPECT_TRUE(matches(ember::where(c, make1d({1, 2, 3}, kInt64), make1d({1.5, 2.5, 3.5})), {3}, kFloat32, {1, 2.5, 3}));
  // torch.where(c, tensor([1, 2, 3]), 0.5) -> float32 [1, 0.5, 3]
  EXPECT_TRUE(matches(ember::where(c, make1d({1, 2, 3}, kInt64), 0.5), {3}, kFloat32, {1, 0.5, 3}));
  // torch.where(c, 7, tensor([1, 2, 3], int8)) -> int8 [7, 2, 7]
  EXPECT_TRUE(matches(ember::where(c, 7, make1d({1, 2, 3}, kInt8)), {3}, kInt8, {7, 2, 7}));
  // torch.where(c, 2.5, tensor([1, 2, 3])) -> float32 [2.5, 2, 2.5]
  EXPECT_TRUE(matches(ember::where(c, 2.5, make1d({1, 2, 3}, kInt64)), {3}, kFloat32, {2.5, 2, 2.5}));
  // Broadcast condition [2, 1] with [3] and a 0-d other:
  // torch.where(tensor([[True], [False]]), tensor([1, 2, 3]), tensor(0)) -> [[1, 2, 3], [0, 0, 0]]
  EXPECT_TRUE(matches(ember::where(make({1, 0}, {2, 1}, kBool), make1d({1, 2, 3}, kInt64), make({0}, {}, kInt64)), {2, 3},
                      kInt64, {1, 2, 3, 0, 0, 0}));
  // The method form is self.where(condition, other).
  EXPECT_TRUE(matches(make1d({1, 2, 3}).where(c, make1d({0, 0, 0})), {3}, kFloat32, {1, 0, 3}));
  // Non-contiguous condition and inputs.
  Tensor cm = make({1, 0, 0, 1, 1, 0}, {2, 3}, kBool).t();
  Tensor x = make(iota(6), {2, 3}).t();
  EXPECT_TRUE(matches(ember::where(cm, x, -x), {3, 2}, kFloat32, {0, 3, -1, 4, -2, -5}));
  // NaN chosen or not.
  EXPECT_TRUE(all_close(ember::where(make1d({1, 0}, kBool), make1d({NAN, NAN}), make1d({1, 2})), {NAN, 2}));
  // "where expected condition to be a boolean tensor, but got a tensor with dtype Long"
  EXPECT_THROW_MSG(ember::where(make1d({1, 0}, kInt64), make1d({1, 2}), make1d({3, 4})), TypeError,
                   "where expected condition to be a boolean tensor, but got a tensor with dtype Long");
  EXPECT_THROW_MSG(ember::where(make1d({1, 0}, kBool), make1d({1, 2, 3}), make1d({3, 4})), ValueError,
                   "must match the size of tensor");
}

}  // namespace
}  // namespace ember_test
