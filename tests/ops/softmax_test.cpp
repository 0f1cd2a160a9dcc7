// softmax / log_softmax and their _softmax / _log_softmax (and out=) forms: values against a
// float64 reference along every dim, stability with large inputs, infinities, the dtype
// argument, and errors.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("_softmax.out", "_softmax", "softmax.int", "_log_softmax.out", "_log_softmax", "log_softmax.int");

// Reference softmax along `dim` of a contiguous [d0, d1, d2] tensor, by the max-shifted formula.
std::vector<double> softmax_ref(const std::vector<double>& v, std::vector<int64_t> shape, int64_t dim, bool log) {
  int64_t nd = static_cast<int64_t>(shape.size());
  if (dim < 0) dim += nd;
  std::vector<int64_t> st = contiguous_strides(shape);
  std::vector<double> out(v.size());
  int64_t n = shape[static_cast<size_t>(dim)], stride = st[static_cast<size_t>(dim)];
  for (size_t i = 0; i < v.size(); ++i) {
    int64_t pos = (static_cast<int64_t>(i) / stride) % n;
    if (pos != 0) continue;  // i is the first element of its row along dim
    double mx = -INFINITY;
    for (int64_t k = 0; k < n; ++k) mx = std::max(mx, v[i + static_cast<size_t>(k * stride)]);
    double s = 0;
    for (int64_t k = 0; k < n; ++k) s += std::exp(v[i + static_cast<size_t>(k * stride)] - mx);
    for (int64_t k = 0; k < n; ++k) {
      double x = v[i + static_cast<size_t>(k * stride)];
      out[i + static_cast<size_t>(k * stride)] = log ? x - mx - std::log(s) : std::exp(x - mx) / s;
    }
  }
  return out;
}

TEST(Softmax, AlongEveryDimOnFloatingDtypes) {
  std::vector<int64_t> shape = {2, 3, 5};
  std::vector<double> v = pseudo_random(30, -5, 5, 21, 0.125);
  for (ScalarType dt : float_dtypes()) {
    Tensor x = make(v, shape, dt);
    for (int64_t dim : {0, 1, 2, -1, -3}) {
      SCOPED_TRACE(dtype_str(dt) + " dim " + std::to_string(dim));
      Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-6} : tol_for(dt);
      EXPECT_TRUE(matches(ember::softmax(x, dim), shape, dt, softmax_ref(v, shape, dim, false), tol));
      EXPECT_TRUE(matches(ember::log_softmax(x, dim), shape, dt, softmax_ref(v, shape, dim, true), tol));
      EXPECT_TRUE(matches(ember::_softmax(x, dim, false), shape, dt, softmax_ref(v, shape, dim, false), tol));
      EXPECT_TRUE(matches(ember::_log_softmax(x, dim, false), shape, dt, softmax_ref(v, shape, dim, true), tol));
    }
  }
}

TEST(Softmax, StableForLargeValues) {
  // PyTorch 1.13: softmax(tensor([1000., 1001, 1002]), 0) -> [0.0900, 0.2447, 0.6652];
  // log_softmax -> [-2.4076, -1.4076, -0.4076]. A naive exp overflows to nan.
  Tensor x = make1d({1000, 1001, 1002});
  std::vector<double> sm = softmax_ref({1000, 1001, 1002}, {3}, 0, false);
  EXPECT_TRUE(all_close(ember::softmax(x, 0), sm, Tol{1e-5, 1e-6}));
  EXPECT_TRUE(all_close(ember::log_softmax(x, 0), softmax_ref({1000, 1001, 1002}, {3}, 0, true), Tol{1e-5, 1e-5}));
  Tensor neg = make1d({-1000, -1001, -1002}, kFloat64);
  EXPECT_TRUE(all_close(ember::softmax(neg, 0), softmax_ref({-1000, -1001, -1002}, {3}, 0, false), Tol{1e-12, 1e-14}));
  // float16 near its largest values.
  Tensor h = make1d({60000, 60000}, kFloat16);
  EXPECT_TRUE(all_close(ember::softmax(h, 0), {0.5, 0.5}));
  // Infinities: softmax([-inf, 0]) = [0, 1], log_softmax = [-inf, 0]; softmax([inf, 0]) = [nan, nan].
  EXPECT_TRUE(all_close(ember::softmax(make1d({-INFINITY, 0}), 0), {0, 1}));
  EXPECT_TRUE(all_close(ember::log_softmax(make1d({-INFINITY, 0}), 0), {-INFINITY, 0}));
  EXPECT_TRUE(all_close(ember::softmax(make1d({INFINITY, 0}), 0), {NAN, NAN}));
  // Rows sum to 1 on a bigger input (a vectorized path).
  Tensor big = make(pseudo_random(64 * 257, -30, 30, 5), {64, 257});
  Tensor s = ember::softmax(big, 1);
  EXPECT_TRUE(all_close(ember::sum(s, {1}), std::vector<double>(64, 1.0), Tol{1e-5, 1e-5}));
}

TEST(Softmax, DtypeArgumentNonContiguousOutAndErrors) {
  // softmax(tensor([1, 2, 3]), 0, dtype=torch.float64) -> float64 [0.0900, 0.2447, 0.6652]
  Tensor i = make1d({1, 2, 3}, kInt64);
  EXPECT_TRUE(matches(ember::softmax(i, 0, kFloat64), {3}, kFloat64, softmax_ref({1, 2, 3}, {3}, 0, false)));
  EXPECT_TRUE(matches(ember::log_softmax(i, 0, kFloat64), {3}, kFloat64, softmax_ref({1, 2, 3}, {3}, 0, true)));
  EXPECT_TRUE(matches(make1d({1, 2, 3}).softmax(0, kFloat64), {3}, kFloat64, softmax_ref({1, 2, 3}, {3}, 0, false)));
  EXPECT_TRUE(matches(make1d({1, 2, 3}).log_softmax(-1), {3}, kFloat32, softmax_ref({1, 2, 3}, {3}, 0, true)));
  // Transposed input: softmax along dim 0 of x.t() is softmax along dim 1 of x.
  std::vector<double> v = {1, 2, 3, 4, 6, 9};
  Tensor x = make(v, {2, 3});
  std::vector<double> by_row = softmax_ref(v, {2, 3}, 1, false);
  std::vector<double> want_t = {by_row[0], by_row[3], by_row[1], by_row[4], by_row[2], by_row[5]};
  EXPECT_TRUE(matches(ember::softmax(x.t(), 0), {3, 2}, kFloat32, want_t, Tol{1e-6, 1e-7}));
  // out= forms.
  Tensor out = ember::empty({1});
  ember::_softmax_out(out, x, 1, false);
  EXPECT_TRUE(matches(out, {2, 3}, kFloat32, by_row, Tol{1e-6, 1e-7}));
  ember::_log_softmax_outf(x, 0, false, out);
  EXPECT_TRUE(matches(out, {2, 3}, kFloat32, softmax_ref(v, {2, 3}, 0, true), Tol{1e-6, 1e-6}));
  // 0-d and empty.
  EXPECT_TRUE(matches(ember::softmax(make({3}, {}), 0), {}, kFloat32, {1}));
  EXPECT_EQ(sizes_of(ember::softmax(ember::empty({0, 3}), 1)), (std::vector<int64_t>{0, 3}));
  // Errors: PyTorch 1.13 "Dimension out of range (expected to be in range of [-2, 1], but got 2)";
  // "softmax with half to float conversion is not supported on CPU"; _softmax of an integer tensor.
  EXPECT_THROW_MSG(ember::softmax(x, 2), IndexError, "expected to be in range of [-2, 1], but got 2");
  EXPECT_THROW_MSG(ember::_softmax(x, 0, true), NotImplementedError, "half_to_float");
  EXPECT_THROW_MSG(ember::_softmax(i, 0, false), TypeError, "expected a floating tensor");
}

}  // namespace
}  // namespace ember_test
