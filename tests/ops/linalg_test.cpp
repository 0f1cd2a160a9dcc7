// Matrix products: mm, bmm, addmm, matmul (every shape case), mv, dot, linear, against naive
// float64 loops; non-contiguous (transposed) operands, out= forms, empty sizes and errors.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("mm.out", "mm", "bmm.out", "bmm", "addmm.out", "addmm", "matmul", "mv", "dot", "linear");

// C[n, m] = A[n, k] @ B[k, m] for row-major A and B.
std::vector<double> matmul_ref(const std::vector<double>& a, const std::vector<double>& b, int64_t n, int64_t k, int64_t m) {
  std::vector<double> c(static_cast<size_t>(n * m), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) s += a[static_cast<size_t>(i * k + p)] * b[static_cast<size_t>(p * m + j)];
      c[static_cast<size_t>(i * m + j)] = s;
    }
  return c;
}

Tol mm_tol(ScalarType dt) {
  if (dt == kFloat32) return {1e-5, 1e-5};
  if (dt == kBFloat16) return {2e-2, 5e-2};
  if (dt == kFloat16) return {4e-3, 1e-2};
  return tol_for(dt);
}

TEST(Linalg, MmOnSupportedDtypes) {
  const int64_t n = 5, k = 7, m = 3;
  for (ScalarType dt : {kFloat32, kFloat64, kInt64, kInt32, kBFloat16}) {
    SCOPED_TRACE(dtype_str(dt));
    double q = is_float(dt) ? 0.25 : 1;
    std::vector<double> a = pseudo_random(n * k, -3, 3, 1, q), b = pseudo_random(k * m, -3, 3, 2, q);
    Tensor ta = make(a, {n, k}, dt), tb = make(b, {k, m}, dt);
    std::vector<double> want = matmul_ref(values(ta), values(tb), n, k, m);
    EXPECT_TRUE(matches(ember::mm(ta, tb), {n, m}, dt, want, mm_tol(dt)));
    EXPECT_TRUE(matches(ta.mm(tb), {n, m}, dt, want, mm_tol(dt)));
  }
}

TEST(Linalg, MmLargeAndNonContiguous) {
  const int64_t n = 67, k = 129, m = 33;
  std::vector<double> a = pseudo_random(n * k, -1, 1, 3), b = pseudo_random(k * m, -1, 1, 4);
  // Operands stored transposed: a.t() and b.t() are non-contiguous views of [k, n] and [m, k].
  std::vector<double> at(a.size()), bt(b.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t p = 0; p < k; ++p) at[static_cast<size_t>(p * n + i)] = a[static_cast<size_t>(i * k + p)];
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < m; ++j) bt[static_cast<size_t>(j * k + p)] = b[static_cast<size_t>(p * m + j)];
  Tensor ta = make(at, {k, n}, kFloat64).t(), tb = make(bt, {m, k}, kFloat64).t();
  ASSERT_FALSE(ta.is_contiguous());
  std::vector<double> want = matmul_ref(a, b, n, k, m);
  EXPECT_TRUE(matches(ember::mm(ta, tb), {n, m}, kFloat64, want, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::mm(ta, make(b, {k, m}, kFloat64)), {n, m}, kFloat64, want, Tol{1e-12, 1e-12}));
  // float32 against the float64 reference of the float32-rounded inputs.
  Tensor fa = make(a, {n, k}, kFloat32), fb = make(b, {k, m}, kFloat32);
  EXPECT_TRUE(matches(ember::mm(fa, fb), {n, m}, kFloat32, matmul_ref(values(fa), values(fb), n, k, m), Tol{1e-5, 1e-5}));
  // A sliced (stepped rows) left operand.
  Tensor rows = make(a, {n, k}, kFloat64).slice(0, 0, n, 2);
  int64_t nr = (n + 1) / 2;
  std::vector<double> want_rows;
  for (int64_t i = 0; i < nr; ++i)
    for (int64_t j = 0; j < m; ++j) want_rows.push_back(want[static_cast<size_t>(2 * i * m + j)]);
  EXPECT_TRUE(matches(ember::mm(rows, make(b, {k, m}, kFloat64)), {nr, m}, kFloat64, want_rows, Tol{1e-12, 1e-12}));
}

TEST(Linalg, MmOutEmptyAndErrors) {
  Tensor a = make(iota(6), {2, 3}), b = make(iota(6), {3, 2});
  Tensor out = ember::empty({1});
  EXPECT_TRUE(ember::mm_out(out, a, b).is_same(out));
  EXPECT_TRUE(matches(out, {2, 2}, kFloat32, {10, 13, 28, 40}));
  // torch.mm(torch.empty(2, 0), torch.empty(0, 3)) -> zeros(2, 3)
  EXPECT_TRUE(matches(ember::mm(ember::empty({2, 0}), ember::empty({0, 3})), {2, 3}, kFloat32, {0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(sizes_of(ember::mm(ember::empty({0, 3}), b)), (std::vector<int64_t>{0, 2}));
  // "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
  EXPECT_THROW_MSG(ember::mm(a, a), ValueError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  EXPECT_THROW_MSG(ember::mm(a, make1d({1, 2, 3})), ValueError, "mat2 must be a matrix");
  EXPECT_THROW_MSG(ember::mm(a, make(iota(6), {3, 2}, kFloat64)), TypeError, "expected both inputs to have the same dtype");
}

TEST(Linalg, Bmm) {
  const int64_t bs = 3, n = 4, k = 5, m = 2;
  std::vector<double> a = pseudo_random(bs * n * k, -2, 2, 5), b = pseudo_random(bs * k * m, -2, 2, 6);
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tensor ta = make(a, {bs, n, k}, dt), tb = make(b, {bs, k, m}, dt);
    std::vector<double> av = values(ta), bv = values(tb), want;
    for (int64_t i = 0; i < bs; ++i) {
      std::vector<double> ai(av.begin() + i * n * k, av.begin() + (i + 1) * n * k);
      std::vector<double> bi(bv.begin() + i * k * m, bv.begin() + (i + 1) * k * m);
      for (double v : matmul_ref(ai, bi, n, k, m)) want.push_back(v);
    }
    EXPECT_TRUE(matches(ember::bmm(ta, tb), {bs, n, m}, dt, want, mm_tol(dt)));
    // Batch-transposed storage: permute a [n, bs, k] tensor to [bs, n, k].
    Tensor out = ember::empty({0}, dt);
    ember::bmm_out(out, ta.transpose(0, 1).contiguous().transpose(0, 1), tb);
    EXPECT_TRUE(matches(out, {bs, n, m}, dt, want, mm_tol(dt)));
  }
  // "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]."
  EXPECT_THROW_MSG(ember::bmm(ember::ones({2, 3, 4}), ember::ones({2, 5, 2})), ValueError,
                   "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].");
  EXPECT_THROW_MSG(ember::bmm(ember::ones({2, 3, 4}), ember::ones({3, 4, 2})), ValueError, "same number of batches");
  EXPECT_THROW_MSG(ember::bmm(ember::ones({3, 4}), ember::ones({4, 2})), ValueError, "batch1 must be a 3D tensor");
}

// Reference matmul with NumPy semantics over float64 vectors with shapes.
std::vector<double> matmul_nd_ref(const std::vector<double>& a, std::vector<int64_t> as, const std::vector<double>& b,
                                  std::vector<int64_t> bs, std::vector<int64_t>* out_shape) {
  bool a1 = as.size() == 1, b1 = bs.size() == 1;
  if (a1) as.insert(as.begin(), 1);
  if (b1) bs.push_back(1);
  int64_t n = as[as.size() - 2], k = as.back(), m = bs.back();
  std::vector<int64_t> abatch(as.begin(), as.end() - 2), bbatch(bs.begin(), bs.end() - 2);
  std::vector<int64_t> batch = broadcast(abatch, bbatch);
  int64_t nb = numel_of(batch);
  std::vector<double> ai = broadcast_values(a, as, [&] { auto s = batch; s.push_back(n); s.push_back(k); return s; }());
  std::vector<double> bi = broadcast_values(b, bs, [&] { auto s = batch; s.push_back(k); s.push_back(m); return s; }());
  std::vector<double> out;
  for (int64_t i = 0; i < nb; ++i) {
    std::vector<double> x(ai.begin() + i * n * k, ai.begin() + (i + 1) * n * k);
    std::vector<double> y(bi.begin() + i * k * m, bi.begin() + (i + 1) * k * m);
    for (double v : matmul_ref(x, y, n, k, m)) out.push_back(v);
  }
  *out_shape = batch;
  if (!a1) out_shape->push_back(n);
  if (!b1) out_shape->push_back(m);
  return out;
}

TEST(Linalg, MatmulEveryShapeCase) {
  // PyTorch 1.13 result shapes: [3,4]@[4] -> [3]; [4]@[4,5] -> [5]; [2,1,3,4]@[5,4,2] -> [2,5,3,2];
  // [4]@[2,4,5] -> [2,5]; [2,3,4]@[4] -> [2,3]; [4]@[4] -> [].
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
      {{4}, {4}},       {{3, 4}, {4}},          {{4}, {4, 5}},    {{3, 4}, {4, 5}},       {{2, 3, 4}, {4}},
      {{2, 3, 4}, {4, 5}}, {{4}, {2, 4, 5}},    {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {5, 4, 2}}, {{3, 4}, {2, 4, 5}},
      {{1, 3, 4}, {2, 4, 1}},
  };
  const std::vector<std::vector<int64_t>> torch_shapes = {{}, {3}, {5}, {3, 5}, {2, 3}, {2, 3, 5}, {2, 5}, {2, 3, 5},
                                                          {2, 5, 3, 2}, {2, 3, 5}, {2, 3, 1}};
  for (size_t c = 0; c < cases.size(); ++c) {
    const auto& [as, bs] = cases[c];
    SCOPED_TRACE("matmul " + std::to_string(c));
    std::vector<double> a = pseudo_random(numel_of(as), -2, 2, 10 + c), b = pseudo_random(numel_of(bs), -2, 2, 20 + c);
    std::vector<int64_t> shape;
    std::vector<double> want = matmul_nd_ref(a, as, b, bs, &shape);
    EXPECT_EQ(shape, torch_shapes[c]);
    Tensor r = ember::matmul(make(a, as, kFloat64), make(b, bs, kFloat64));
    EXPECT_TRUE(matches(r, shape, kFloat64, want, Tol{1e-12, 1e-12}));
    EXPECT_TRUE(matches(make(a, as, kFloat64).matmul(make(b, bs, kFloat64)), shape, kFloat64, want, Tol{1e-12, 1e-12}));
  }
  // Errors (PyTorch 1.13 texts): "both arguments to matmul need to be at least 1D, but they are 0D and 1D";
  // batch dims that do not broadcast.
  EXPECT_THROW_MSG(ember::matmul(make({1}, {}), ember::ones({4})), ValueError, "both arguments to matmul need to be at least 1D, but they are 0D and 1D");
  EXPECT_THROW_MSG(ember::matmul(ember::ones({2, 3, 4}), ember::ones({5, 4, 2})), ValueError, "2");
  EXPECT_THROW_MSG(ember::matmul(ember::ones({3}), ember::ones({4})), ValueError, "inconsistent tensor size");
}

TEST(Linalg, MvDotAddmmLinear) {
  std::vector<double> a = iota(6, 1), v = {1, -1, 2};
  Tensor ta = make(a, {2, 3}), tv = make1d(v);
  // mv: [1, 2, 3; 4, 5, 6] @ [1, -1, 2] = [5, 11]
  EXPECT_TRUE(matches(ember::mv(ta, tv), {2}, kFloat32, {5, 11}));
  EXPECT_TRUE(matches(ta.mv(tv), {2}, kFloat32, {5, 11}));
  EXPECT_TRUE(matches(ember::mv(ta.t(), make1d({1, 1})), {3}, kFloat32, {5, 7, 9}));
  EXPECT_THROW_MSG(ember::mv(ta, make1d({1, 2, 3, 4})), ValueError, "size mismatch");
  EXPECT_THROW_MSG(ember::mv(ta, ta), ValueError, "vector + matrix @ vector expected");
  // dot
  EXPECT_TRUE(matches(ember::dot(tv, make1d({2, 3, 4})), {}, kFloat32, {7}));
  EXPECT_TRUE(matches(tv.dot(tv), {}, kFloat32, {6}));
  EXPECT_TRUE(matches(ember::dot(make(iota(6), {3, 2}).select(1, 1), tv), {}, kFloat32, {1 - 3 + 10}));  // strided
  EXPECT_TRUE(matches(ember::dot(make1d({2, 3}, kInt64), make1d({4, 5}, kInt64)), {}, kInt64, {23}));
  // "1D tensors expected, but got 2D and 1D tensors"; "inconsistent tensor size, expected tensor [3] and src [4] ..."
  EXPECT_THROW_MSG(ember::dot(ta, tv), ValueError, "1D tensors expected, but got 2D and 1D tensors");
  EXPECT_THROW_MSG(ember::dot(tv, make1d({1, 2, 3, 4})), ValueError,
                   "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively");
  // addmm: beta * self + alpha * (m1 @ m2), self broadcast.
  // torch.addmm(tensor([1., 2]), ones(3, 2), ones(2, 2), beta=0.5, alpha=2) -> rows [4.5, 5]
  Tensor r = ember::addmm(make1d({1, 2}), ember::ones({3, 2}), ember::ones({2, 2}), 0.5, 2);
  EXPECT_TRUE(matches(r, {3, 2}, kFloat32, {4.5, 5, 4.5, 5, 4.5, 5}));
  std::vector<double> m1 = pseudo_random(12, -1, 1, 30), m2 = pseudo_random(20, -1, 1, 31), c = pseudo_random(15, -1, 1, 32);
  std::vector<double> prod = matmul_ref(m1, m2, 3, 4, 5), want;
  for (size_t i = 0; i < prod.size(); ++i) want.push_back(-1.5 * c[i] + 3 * prod[i]);
  Tensor out = ember::empty({0}, kFloat64);
  ember::addmm_out(out, make(c, {3, 5}, kFloat64), make(m1, {3, 4}, kFloat64), make(m2, {4, 5}, kFloat64), -1.5, 3);
  EXPECT_TRUE(matches(out, {3, 5}, kFloat64, want, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(make(c, {3, 5}, kFloat64).addmm(make(m1, {3, 4}, kFloat64), make(m2, {4, 5}, kFloat64), -1.5, 3),
                      {3, 5}, kFloat64, want, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::addmm(make({1, 2, 3}, {3, 1}), ember::ones({3, 2}), ember::ones({2, 2})), {3, 2}, kFloat32,
                      {3, 3, 4, 4, 5, 5}));
  EXPECT_THROW_MSG(ember::addmm(ember::ones({4}), ember::ones({3, 2}), ember::ones({2, 2})), ValueError, "must match the size");
  // linear: x @ w.t() + b for 2-D and 3-D x, with and without bias.
  std::vector<double> x = pseudo_random(2 * 3 * 4, -1, 1, 40), w = pseudo_random(5 * 4, -1, 1, 41), b = pseudo_random(5, -1, 1, 42);
  std::vector<double> wt(20);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j) wt[static_cast<size_t>(j * 5 + i)] = w[static_cast<size_t>(i * 4 + j)];
  std::vector<double> lin = matmul_ref(x, wt, 6, 4, 5), lin_b;
  for (size_t i = 0; i < lin.size(); ++i) lin_b.push_back(lin[i] + b[i % 5]);
  Tensor tw = make(w, {5, 4}, kFloat64), tb = make1d(b, kFloat64);
  EXPECT_TRUE(matches(ember::linear(make(x, {6, 4}, kFloat64), tw, tb), {6, 5}, kFloat64, lin_b, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::linear(make(x, {2, 3, 4}, kFloat64), tw, tb), {2, 3, 5}, kFloat64, lin_b, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::linear(make(x, {2, 3, 4}, kFloat64), tw), {2, 3, 5}, kFloat64, lin, Tol{1e-12, 1e-12}));
  EXPECT_TRUE(matches(ember::linear(make(x, {6, 4}, kFloat64), tw, std::nullopt), {6, 5}, kFloat64, lin, Tol{1e-12, 1e-12}));
  EXPECT_THROW_MSG(ember::linear(make(x, {6, 4}), ember::ones({5, 3})), ValueError, "cannot be multiplied");
}

}  // namespace
}  // namespace ember_test
