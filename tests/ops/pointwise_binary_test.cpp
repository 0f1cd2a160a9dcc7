// Pointwise binary arithmetic (add, sub, mul, div, maximum, minimum, rsub) on every dtype against
// float64 references computed here; broadcasting, non-contiguous inputs, 0-d and empty tensors,
// in-place and out= forms, div's rounding modes.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("add.out", "add.Tensor", "add_.Tensor", "add.Scalar", "add_.Scalar", "sub.out", "sub.Tensor",
                 "sub_.Tensor", "sub.Scalar", "sub_.Scalar", "rsub.Tensor", "rsub.Scalar", "mul.out", "mul.Tensor",
                 "mul_.Tensor", "mul.Scalar", "mul_.Scalar", "div.out_mode", "div.Tensor_mode", "div_.Tensor_mode",
                 "div.Tensor", "div_.Tensor", "div.Scalar", "div_.Scalar", "div.Scalar_mode", "maximum.out", "maximum",
                 "minimum.out", "minimum");

// Operands chosen per dtype: in range, no division by zero, a few products that wrap for 8 bits.
std::vector<double> lhs_values(ScalarType t) {
  if (t == kBool) return {0, 1, 0, 1, 1, 0};
  if (t == kUInt8) return {0, 3, 7, 200, 15, 9};
  if (is_float(t)) return {-1.5, 0.25, 0, 3.75, -2, 10.5};
  return {-7, 3, 0, 100, -15, 9};
}
std::vector<double> rhs_values(ScalarType t) {
  if (t == kBool) return {0, 0, 1, 1, 0, 1};
  if (t == kUInt8) return {5, 1, 2, 100, 3, 9};
  if (is_float(t)) return {2, -0.5, 1.25, 4, -8, 0.75};
  return {2, -3, 5, -4, 7, 9};
}

struct BinaryCase {
  const char* name;
  Tensor (*fn)(const Tensor&, const Tensor&);
  double (*ref)(double, double);
};

const BinaryCase kArithmetic[] = {
    {"add", [](const Tensor& a, const Tensor& b) { return ember::add(a, b); }, [](double a, double b) { return a + b; }},
    {"sub", [](const Tensor& a, const Tensor& b) { return ember::sub(a, b); }, [](double a, double b) { return a - b; }},
    {"mul", [](const Tensor& a, const Tensor& b) { return ember::mul(a, b); }, [](double a, double b) { return a * b; }},
    {"maximum", [](const Tensor& a, const Tensor& b) { return ember::maximum(a, b); },
     [](double a, double b) { return std::max(a, b); }},
    {"minimum", [](const Tensor& a, const Tensor& b) { return ember::minimum(a, b); },
     [](double a, double b) { return std::min(a, b); }},
};

TEST(PointwiseBinary, ArithmeticOnEveryDtype) {
  for (ScalarType dt : all_dtypes()) {
    Tensor a = make1d(lhs_values(dt), dt), b = make1d(rhs_values(dt), dt);
    for (const BinaryCase& c : kArithmetic) {
      if (dt == kBool && std::string(c.name) == "sub") continue;  // an error, tested below
      SCOPED_TRACE(std::string(c.name) + " on " + dtype_str(dt));
      std::vector<double> want;
      for (size_t i = 0; i < 6; ++i) want.push_back(round_to_dtype(dt, c.ref(lhs_values(dt)[i], rhs_values(dt)[i])));
      // bool + bool is logical or, bool * bool logical and (PyTorch): round_to_dtype maps to 0/1.
      Tensor r;
      ASSERT_NO_THROW(r = c.fn(a, b));
      EXPECT_TRUE(matches(r, {6}, dt, want));
    }
  }
}

TEST(PointwiseBinary, TrueDivisionOnEveryDtypeGivesAFloat) {
  for (ScalarType dt : all_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> lhs = lhs_values(dt), rhs = rhs_values(dt);
    if (dt == kBool) rhs = {1, 1, 1, 1, 1, 1};
    ScalarType out_dt = is_float(dt) ? dt : kFloat32;
    std::vector<double> want;
    for (size_t i = 0; i < 6; ++i) want.push_back(round_to_dtype(out_dt, lhs[i] / rhs[i]));
    Tensor r;
    ASSERT_NO_THROW(r = ember::div(make1d(lhs, dt), make1d(rhs, dt)));
    EXPECT_TRUE(matches(r, {6}, out_dt, want));
  }
}

TEST(PointwiseBinary, BoolSubtractionIsAnError) {
  Tensor a = make1d({0, 1}, kBool);
  // PyTorch 1.13: "Subtraction, the `-` operator, with two bool tensors is not supported. Use the
  // `^` or `logical_xor()` operator instead."
  EXPECT_THROW_MSG(ember::sub(a, a), TypeError, "Subtraction, the `-` operator, with two bool tensors is not supported");
}

TEST(PointwiseBinary, AlphaScalesOther) {
  Tensor a = make1d({1, 2, 3}), b = make1d({10, 20, 30});
  EXPECT_TRUE(all_close(ember::add(a, b, 0.5), {6, 12, 18}));
  EXPECT_TRUE(all_close(ember::sub(a, b, 2), {-19, -38, -57}));
  EXPECT_TRUE(all_close(ember::add(a, 4.0, 2), {9, 10, 11}));  // add.Scalar with alpha
  EXPECT_TRUE(all_close(ember::sub(a, 1.0, 3), {-2, -1, 0}));
  // rsub(self, other, alpha) = other - alpha * self
  EXPECT_TRUE(all_close(ember::rsub(a, b, 2), {8, 16, 24}));
  EXPECT_TRUE(all_close(ember::rsub(a, 10), {9, 8, 7}));
  EXPECT_TRUE(all_close(10 - a, {9, 8, 7}));
  Tensor i = make1d({1, 2, 3}, kInt64);
  EXPECT_TRUE(matches(ember::add(i, i, 3), {3}, kInt64, {4, 8, 12}));
  EXPECT_THROW_MSG(ember::add(i, i, 0.5), TypeError, "For integral input tensors, argument alpha must not be a floating point number.");
  EXPECT_THROW_MSG(ember::sub(i, i, 1.5), TypeError, "alpha must not be a floating point number");
}

TEST(PointwiseBinary, BroadcastingShapes) {
  // [2, 3, 1] op [4] -> [2, 3, 4]; [3, 1] op [1, 2]; 0-d op n-d.
  std::vector<double> av = iota(6, 1), bv = iota(4, -2, 0.5);
  Tensor a = make(av, {2, 3, 1}), b = make(bv, {4});
  std::vector<int64_t> shape = {2, 3, 4};
  auto ab = broadcast_values(av, {2, 3, 1}, shape), bb = broadcast_values(bv, {4}, shape);
  std::vector<double> want_add, want_mul;
  for (size_t i = 0; i < ab.size(); ++i) {
    want_add.push_back(ab[i] + bb[i]);
    want_mul.push_back(ab[i] * bb[i]);
  }
  EXPECT_TRUE(matches(a + b, shape, kFloat32, want_add));
  EXPECT_TRUE(matches(b * a, shape, kFloat32, want_mul));

  Tensor c = make({1, 2, 3}, {3, 1}), d = make({10, 20}, {1, 2});
  EXPECT_TRUE(matches(c - d, {3, 2}, kFloat32, {-9, -19, -8, -18, -7, -17}));

  Tensor zero_d = make({5}, {}, kFloat32);
  Tensor m = make(iota(6), {2, 3});
  EXPECT_TRUE(matches(m * zero_d, {2, 3}, kFloat32, {0, 5, 10, 15, 20, 25}));
  EXPECT_TRUE(matches(zero_d - m, {2, 3}, kFloat32, {5, 4, 3, 2, 1, 0}));
  EXPECT_TRUE(matches(zero_d + zero_d, {}, kFloat32, {10}));

  EXPECT_THROW_MSG(make(iota(3), {3}) + make(iota(4), {4}), ValueError,
                   "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0");
}

TEST(PointwiseBinary, EmptyTensors) {
  Tensor e = ember::empty({0, 3});
  Tensor r = e + make({1, 2, 3}, {3});
  EXPECT_EQ(sizes_of(r), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(r.numel(), 0);
  EXPECT_EQ(sizes_of(ember::mul(e, make({2}, {}))), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(sizes_of(ember::empty({2, 0}) * ember::empty({1, 0})), (std::vector<int64_t>{2, 0}));
}

TEST(PointwiseBinary, NonContiguousInputs) {
  // Transposed: a.t() + b, where a is [3, 2] and b is [2, 3].
  std::vector<double> av = iota(6, 1), bv = iota(6, 10, 10);
  Tensor a = make(av, {3, 2}), b = make(bv, {2, 3});
  Tensor at = a.t();
  ASSERT_FALSE(at.is_contiguous());
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) want.push_back(av[j * 2 + i] + bv[i * 3 + j]);
  EXPECT_TRUE(matches(at + b, {2, 3}, kFloat32, want));

  // Sliced with a step: every other element of a 1-D tensor, and of the last dim of a 2-D one.
  Tensor v = make(iota(10), {10});
  Tensor stepped = v.slice(0, 1, 10, 3);  // 1, 4, 7
  EXPECT_TRUE(matches(stepped * stepped, {3}, kFloat32, {1, 16, 49}));
  Tensor m = make(iota(12), {3, 4}).slice(1, 0, 4, 2);  // [[0,2],[4,6],[8,10]]
  EXPECT_TRUE(matches(m - make({1, 1}, {2}), {3, 2}, kFloat32, {-1, 1, 3, 5, 7, 9}));

  // Expanded (stride 0) input and a transposed output of an in-place op.
  Tensor row = make({1, 2, 3}, {1, 3}).expand({2, 3});
  EXPECT_TRUE(matches(row + make(iota(6), {2, 3}), {2, 3}, kFloat32, {1, 3, 5, 4, 6, 8}));
  Tensor base = make(iota(6), {2, 3});
  Tensor tv = base.t();  // [3, 2] view
  tv.add_(make({100, 200}, {2}));
  EXPECT_TRUE(all_close(base, {100, 101, 102, 203, 204, 205}));

  // Integer dtypes with strides too.
  Tensor ia = make(iota(6), {2, 3}, kInt32).t();
  EXPECT_TRUE(matches(ember::mul(ia, ia), {3, 2}, kInt32, {0, 9, 1, 16, 4, 25}));
}

TEST(PointwiseBinary, InPlaceForms) {
  Tensor a = make1d({1, 2, 3});
  Tensor& same = a.add_(make1d({1, 1, 1}));
  EXPECT_TRUE(same.is_same(a));
  EXPECT_TRUE(all_close(a, {2, 3, 4}));
  a.sub_(make1d({1, 2, 3}), 2);
  EXPECT_TRUE(all_close(a, {0, -1, -2}));
  a.mul_(make1d({2, 2, 2}));
  EXPECT_TRUE(all_close(a, {0, -2, -4}));
  a.add_(10);
  a.sub_(1, 2);
  a.mul_(0.5);
  EXPECT_TRUE(all_close(a, {4, 3, 2}));
  a.div_(make1d({2, 2, 4}));
  EXPECT_TRUE(all_close(a, {2, 1.5, 0.5}));
  a.div_(0.5);
  EXPECT_TRUE(all_close(a, {4, 3, 1}));
  a.div_(make1d({3, 3, 3}), std::string("floor"));
  EXPECT_TRUE(all_close(a, {1, 1, 0}));

  Tensor t = make1d({1, 2});
  t += make1d({1, 1});
  t -= 1.0;
  t *= 4.0;
  t /= 2.0;
  EXPECT_TRUE(all_close(t, {2, 4}));

  // The in-place output does not broadcast.
  Tensor small = make1d({1, 2});
  EXPECT_THROW_MSG(small.add_(make({1, 2, 3, 4}, {2, 2})), ValueError, "doesn't match the broadcast shape");
  // Integer in-place with a float result cannot be cast back: PyTorch 1.13 says
  // "result type Float can't be cast to the desired output type Long".
  Tensor i = make1d({1, 2}, kInt64);
  EXPECT_THROW_MSG(i.add_(make1d({0.5, 0.5})), TypeError, "result type Float can't be cast to the desired output type Long");
  EXPECT_THROW_MSG(i.div_(make1d({2, 2}, kInt64)), TypeError, "result type Float can't be cast to the desired output type Long");
  EXPECT_THROW_MSG(i.mul_(2.5), TypeError, "result type Float can't be cast to the desired output type Long");
  // A wider integer result computed in-place into a narrower int is allowed (int8 += int64 -> int8 stays).
  Tensor i8 = make1d({1, 2}, kInt8);
  i8.add_(make1d({300, 1}, kInt64));  // result type Long, cast to Char: 301 wraps to 45
  EXPECT_TRUE(matches(i8, {2}, kInt8, {45, 3}));
  // Version counter moves with every in-place op.
  uint32_t v0 = t._version();
  t.add_(1.0);
  EXPECT_GT(t._version(), v0);
}

TEST(PointwiseBinary, OutForms) {
  Tensor a = make1d({1, 2, 3}), b = make1d({4, 5, 6});
  Tensor out = ember::empty({3});
  Tensor r = ember::add_out(out, a, b, 2);
  EXPECT_TRUE(r.is_same(out));
  EXPECT_TRUE(all_close(out, {9, 12, 15}));
  ember::sub_outf(a, b, 1, out);
  EXPECT_TRUE(all_close(out, {-3, -3, -3}));
  ember::mul_out(out, a, b);
  EXPECT_TRUE(all_close(out, {4, 10, 18}));
  ember::div_out(out, a, b, std::nullopt);
  EXPECT_TRUE(all_close(out, {0.25, 0.4, 0.5}));
  ember::maximum_out(out, a, make1d({2, 2, 2}));
  EXPECT_TRUE(all_close(out, {2, 2, 3}));
  ember::minimum_out(out, a, make1d({2, 2, 2}));
  EXPECT_TRUE(all_close(out, {1, 2, 2}));

  // A wrongly sized out tensor is resized (here from [5] and from [2, 2] to the broadcast [2, 3]).
  Tensor wrong = ember::empty({5});
  ember::add_out(wrong, make(iota(6), {2, 3}), make1d({1, 1, 1}));
  EXPECT_TRUE(matches(wrong, {2, 3}, kFloat32, {1, 2, 3, 4, 5, 6}));
  Tensor wrong2 = ember::zeros({2, 2});
  ember::mul_out(wrong2, make1d({3}), make1d({1, 2, 3}));
  EXPECT_TRUE(matches(wrong2, {3}, kFloat32, {3, 6, 9}));

  // out's dtype may be wider than the result (computed, then cast) but never a lossy category.
  Tensor out64 = ember::empty({3}, kFloat64);
  ember::add_out(out64, make1d({1, 2, 3}, kInt32), make1d({1, 1, 1}, kInt32));
  EXPECT_TRUE(matches(out64, {3}, kFloat64, {2, 3, 4}));
  Tensor out_long = ember::empty({3}, kInt64);
  EXPECT_THROW_MSG(ember::add_out(out_long, a, b), TypeError, "result type Float can't be cast to the desired output type Long");
  EXPECT_THROW_MSG(ember::div_out(out_long, make1d({1, 2, 3}, kInt64), make1d({1, 2, 3}, kInt64), std::nullopt),
                   TypeError, "result type Float can't be cast to the desired output type Long");
  Tensor out_bool = ember::empty({3}, kBool);
  EXPECT_THROW_MSG(ember::add_out(out_bool, make1d({1, 2, 3}, kInt64), make1d({1, 2, 3}, kInt64)), TypeError,
                   "result type Long can't be cast to the desired output type Bool");
  // ...but an integer division with rounding fits an integer out.
  ember::div_out(out_long, make1d({7, -7, 9}, kInt64), make1d({2, 2, 3}, kInt64), std::string("floor"));
  EXPECT_TRUE(matches(out_long, {3}, kInt64, {3, -4, 3}));
}

TEST(PointwiseBinary, DivRoundingModesOnEveryDtype) {
  for (ScalarType dt : numeric_dtypes()) {
    SCOPED_TRACE(dtype_str(dt));
    std::vector<double> lhs = lhs_values(dt), rhs = rhs_values(dt);
    Tensor a = make1d(lhs, dt), b = make1d(rhs, dt);
    std::vector<double> trunc_want, floor_want;
    for (size_t i = 0; i < lhs.size(); ++i) {
      double q = lhs[i] / rhs[i];
      trunc_want.push_back(round_to_dtype(dt, std::trunc(q)));
      floor_want.push_back(round_to_dtype(dt, std::floor(q)));
    }
    EXPECT_TRUE(matches(ember::div(a, b, std::string("trunc")), {6}, dt, trunc_want));
    EXPECT_TRUE(matches(ember::div(a, b, std::string("floor")), {6}, dt, floor_want));
  }
  // Negative numbers, both signs, PyTorch 1.13:
  // torch.div(tensor([-7, 7, -8, 100], int8), tensor([2, -2, 3, 100], int8), rounding_mode=...)
  //   trunc -> [-3, -3, -2, 1], floor -> [-4, -4, -3, 1]
  Tensor a = make1d({-7, 7, -8, 100}, kInt8), b = make1d({2, -2, 3, 100}, kInt8);
  EXPECT_TRUE(matches(ember::div(a, b, std::string("trunc")), {4}, kInt8, {-3, -3, -2, 1}));
  EXPECT_TRUE(matches(ember::div(a, b, std::string("floor")), {4}, kInt8, {-4, -4, -3, 1}));
  // Floats: torch.div(tensor([-7., 7., -7.5, 7.5]), tensor([2., -2., 2., -2.]), rounding_mode='trunc'/'floor')
  Tensor f = make1d({-7, 7, -7.5, 7.5}), g = make1d({2, -2, 2, -2});
  EXPECT_TRUE(all_close(ember::div(f, g, std::string("trunc")), {-3, -3, -3, -3}));
  EXPECT_TRUE(all_close(ember::div(f, g, std::string("floor")), {-4, -4, -4, -4}));
  // Scalar divisor with a mode (div.Scalar_mode), and the method form.
  EXPECT_TRUE(matches(ember::div(make1d({7, -7}, kInt64), 2, std::string("floor")), {2}, kInt64, {3, -4}));
  EXPECT_TRUE(matches(make1d({7, -7}, kInt64).div(2, std::string("trunc")), {2}, kInt64, {3, -3}));
  // Float division by zero follows IEEE (torch: [inf, -inf, nan] for floor and trunc).
  Tensor z = make1d({0, 0, 0});
  EXPECT_TRUE(all_close(ember::div(make1d({1, -1, 0}), z, std::string("floor")), {INFINITY, -INFINITY, NAN}));
  EXPECT_TRUE(all_close(ember::div(make1d({1, -1, 0}), z, std::string("trunc")), {INFINITY, -INFINITY, NAN}));
  EXPECT_TRUE(all_close(ember::div(make1d({1, -1, 0}), z), {INFINITY, -INFINITY, NAN}));
  // True division of integers by zero is a float division (torch: tensor([inf, 2.])).
  EXPECT_TRUE(all_close(ember::div(make1d({1, 2}, kInt64), make1d({0, 1}, kInt64)), {INFINITY, 2}));
}

TEST(PointwiseBinary, DivErrors) {
  Tensor i = make1d({1, 2}, kInt64), z = make1d({0, 1}, kInt64);
  // PyTorch 1.13 raises RuntimeError "ZeroDivisionError" for integer division with a rounding
  // mode; in ember's error taxonomy a zero divisor is a bad value.
  EXPECT_THROW_MSG(ember::div(i, z, std::string("trunc")), ValueError, "ZeroDivisionError");
  EXPECT_THROW_MSG(ember::div(i, z, std::string("floor")), ValueError, "ZeroDivisionError");
  EXPECT_THROW_MSG(ember::div(i, 0, std::string("floor")), ValueError, "ZeroDivisionError");
  EXPECT_THROW_MSG(ember::div(make1d({1, 2}, kUInt8), make1d({1, 0}, kUInt8), std::string("trunc")), ValueError,
                   "ZeroDivisionError");
  EXPECT_THROW_MSG(ember::div(make1d({1.0}), make1d({1.0}), std::string("round")), ValueError,
                   "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'");
}

TEST(PointwiseBinary, ZeroDimAndScalarOperands) {
  Tensor s = make({3}, {}, kInt64);
  EXPECT_TRUE(matches(s * 2, {}, kInt64, {6}));
  EXPECT_TRUE(matches(s / 2, {}, kFloat32, {1.5}));
  EXPECT_TRUE(matches(2.5 * s, {}, kFloat32, {7.5}));
  EXPECT_TRUE(matches(1.0 / make1d({2, 4}), {2}, kFloat32, {0.5, 0.25}));
  Tensor i = make1d({1, 2, 3}, kInt32);
  EXPECT_TRUE(matches(i + 2, {3}, kInt32, {3, 4, 5}));
  EXPECT_TRUE(matches(2.5 * i, {3}, kFloat32, {2.5, 5, 7.5}));
  EXPECT_TRUE(matches(i - 1, {3}, kInt32, {0, 1, 2}));
  EXPECT_TRUE(matches(ember::maximum(i, make({2}, {}, kInt64)), {3}, kInt32, {2, 2, 3}));
  EXPECT_TRUE(matches(ember::minimum(make({2.5}, {}, kFloat64), i), {3}, kFloat64, {1, 2, 2.5}));  // a 0-d tensor is no wrapped number
  // Method forms.
  EXPECT_TRUE(matches(i.add(1, 2), {3}, kInt32, {3, 4, 5}));
  EXPECT_TRUE(matches(i.sub(i), {3}, kInt32, {0, 0, 0}));
  EXPECT_TRUE(matches(i.mul(i), {3}, kInt32, {1, 4, 9}));
  EXPECT_TRUE(matches(i.div(i), {3}, kFloat32, {1, 1, 1}));
  EXPECT_TRUE(matches(i.maximum(make1d({0, 5, 0}, kInt32)), {3}, kInt32, {1, 5, 3}));
  EXPECT_TRUE(matches(i.minimum(make1d({0, 5, 0}, kInt32)), {3}, kInt32, {0, 2, 0}));
}

TEST(PointwiseBinary, MaximumMinimumPropagateNan) {
  Tensor a = make1d({NAN, 1, 2}), b = make1d({0, NAN, 1});
  EXPECT_TRUE(all_close(ember::maximum(a, b), {NAN, NAN, 2}));
  EXPECT_TRUE(all_close(ember::minimum(a, b), {NAN, NAN, 1}));
}

}  // namespace
}  // namespace ember_test
