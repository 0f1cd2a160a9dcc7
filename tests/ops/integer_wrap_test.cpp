// Integer arithmetic that overflows wraps around exactly as PyTorch's does (two's complement),
// computed without signed-overflow undefined behaviour: pow, add/sub with alpha, mul, neg, abs,
// matmul/addmm/bmm. Expected values are PyTorch 1.13's outputs for the same calls. Regression
// tests for issue 14: the old kernels gave these values too, but through UB that UBSan reports
// (`make check-sanitize` failed them) and that an optimizer may miscompile.
#include <climits>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;


// Reads an int64 tensor exactly (values() goes through double).
std::vector<int64_t> int64_values(const Tensor& t) {
  Tensor c = t.contiguous();
  const int64_t* p = static_cast<const int64_t*>(c.data_ptr());
  return std::vector<int64_t>(p, p + c.numel());
}

TEST(IntegerWrap, PowOfInt16) {
  // uint16_t * uint16_t promotes to int: (-1)^2 computed as 65535 * 65535 overflowed int.
  Tensor base = make1d({-1, 181, -32768, 3}, kInt16);
  Tensor exp = make1d({2, 2, 2, 11}, kInt16);
  EXPECT_TRUE(matches(base.pow(exp), {4}, kInt16, {1, 32761, 0, -19461}));
  EXPECT_TRUE(matches(make1d({30000, 30000}, kInt16).pow(2), {2}, kInt16, {-5888, -5888}));
}

TEST(IntegerWrap, AddSubWithAlpha) {
  EXPECT_TRUE(matches(make1d({2147483647.0, -2147483648.0}, kInt32).add(make1d({1, -1}, kInt32)), {2}, kInt32,
                      {-2147483648.0, 2147483647.0}));
  EXPECT_TRUE(matches(make1d({2147483647.0, -2147483648.0}, kInt32).sub(make1d({-1, 1}, kInt32)), {2}, kInt32,
                      {-2147483648.0, 2147483647.0}));
  EXPECT_TRUE(matches(make1d({2147483647.0, 3}, kInt32).add(make1d({2, 5}, kInt32), 1 << 30), {2}, kInt32,
                      {-1, 1073741827.0}));
  Tensor big = ember::full({1}, int64_t{1} << 62, TensorOptions(kInt64));
  EXPECT_EQ(int64_values(big.add(big, 3)), (std::vector<int64_t>{0}));
  // alpha = INT64_MIN: sub negates it (wrapping to itself): 5 - (-2^63) * 1 = 5 + 2^63.
  Tensor a = ember::full({2}, int64_t{5}, TensorOptions(kInt64));
  a.select(0, 1).fill_(7);
  Tensor b = ember::ones({2}, TensorOptions(kInt64));
  b.select(0, 1).fill_(2);
  EXPECT_EQ(int64_values(a.sub(b, INT64_MIN)), (std::vector<int64_t>{-9223372036854775803LL, 7}));
}

TEST(IntegerWrap, MulNegAbs) {
  EXPECT_TRUE(matches(make1d({60000, 3}, kInt32).mul(make1d({60000, 3}, kInt32)), {2}, kInt32, {-694967296, 9}));
  EXPECT_TRUE(matches(make1d({-128}, kInt8).mul(make1d({-1}, kInt8)), {1}, kInt8, {-128}));
  Tensor m = ember::full({2}, INT64_MIN, TensorOptions(kInt64));
  m.select(0, 1).fill_(5);
  EXPECT_EQ(int64_values(m.neg()), (std::vector<int64_t>{INT64_MIN, -5}));
  EXPECT_EQ(int64_values(m.abs()), (std::vector<int64_t>{INT64_MIN, 5}));
  EXPECT_TRUE(matches(make1d({-2147483648.0}, kInt32).neg(), {1}, kInt32, {-2147483648.0}));
}

TEST(IntegerWrap, MatmulAddmmBmm) {
  Tensor a = ember::full({1, 2}, int64_t{1} << 62, TensorOptions(kInt64));
  Tensor b = make({3, 5}, {2, 1}, kInt64);
  EXPECT_EQ(int64_values(a.matmul(b)), (std::vector<int64_t>{0}));
  // addmm(bias=[[2^62]], [[2^62, 1]] @ [[3], [5]], beta=3, alpha=7) = 35 (mod 2^64).
  Tensor bias = ember::full({1, 1}, int64_t{1} << 62, TensorOptions(kInt64));
  Tensor m1 = ember::full({1, 2}, int64_t{1} << 62, TensorOptions(kInt64));
  m1.select(1, 1).fill_(1);
  EXPECT_EQ(int64_values(bias.addmm(m1, b, 3, 7)), (std::vector<int64_t>{35}));
  EXPECT_TRUE(matches(make({200, 200}, {1, 2}, kInt16).matmul(make({200, 200}, {2, 1}, kInt16)), {1, 1}, kInt16, {14464}));
  Tensor x = ember::full({1, 1, 2}, int64_t{1} << 40, TensorOptions(kInt64));
  Tensor y = ember::full({1, 2, 1}, int64_t{1} << 30, TensorOptions(kInt64));
  EXPECT_EQ(int64_values(ember::bmm(x, y)), (std::vector<int64_t>{0}));
  // beta and alpha must fit the output's type, as in PyTorch.
  Tensor s = ember::ones({1, 1}, TensorOptions(kInt16));
  EXPECT_THROW_MSG(s.addmm(make({1, 1}, {1, 2}, kInt16), make({3, 5}, {2, 1}, kInt16), 1, 100000), ValueError,
                   "value cannot be converted to type int16_t without overflow");
}

}  // namespace
}  // namespace ember_test
