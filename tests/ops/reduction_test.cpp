// Reductions: sum, mean, prod, amax/amin, max/min over a dim with indices, argmax/argmin (dim
// None too), var/std (correction and unbiased), all/any; over dims with and without keepdim, on
// every dtype they support, against float64 reference loops; out= forms, empty inputs and the
// errors PyTorch raises. (softmax and log_softmax: softmax_test.cpp.)
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ops/meta.h"
#include "ops/structured.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("sum.IntList_out", "sum.dim_IntList", "sum", "mean.out", "mean.dim", "mean", "prod.int_out",
                 "prod.dim_int", "prod", "amax.out", "amax", "amin.out", "amin", "max", "max.dim_max", "max.dim", "min",
                 "min.dim_min", "min.dim", "argmax.out", "argmax", "argmin.out", "argmin", "var.correction_out",
                 "var.correction", "var", "var.dim", "std.correction", "std", "std.dim", "all.dims_out", "all.dims", "all",
                 "all.dim", "any.dims_out", "any.dims", "any", "any.dim");

const std::vector<int64_t> kShape = {2, 3, 4};
// Dim lists to reduce over; {} means all.
const std::vector<std::vector<int64_t>> kDimLists = {{}, {0}, {1}, {2}, {-1}, {0, 2}, {1, 0}, {0, 1, 2}};

std::vector<double> sample(ScalarType dt) {
  if (dt == kBool) return pseudo_random(24, 0, 2, 3, 1);
  if (dt == kUInt8) return pseudo_random(24, 0, 10, 3, 1);
  if (is_float(dt)) return pseudo_random(24, -4, 4, 3, 0.25);
  return pseudo_random(24, -9, 10, 3, 1);
}
double sum_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }
double mean_of(const std::vector<double>& v) { return sum_of(v) / static_cast<double>(v.size()); }
double var_of(const std::vector<double>& v, double correction) {
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / std::max(0.0, static_cast<double>(v.size()) - correction);
}
std::string dims_str(const std::vector<int64_t>& d) {
  std::ostringstream os;
  os << IntArrayRef(d);
  return os.str();
}

TEST(Reduction, SumOverDimsOnEveryDtype) {
  for (ScalarType dt : all_dtypes()) {
    std::vector<double> v = sample(dt);
    Tensor x = make(v, kShape, dt);
    ScalarType out_dt = is_float(dt) ? dt : kInt64;  // integers and bool sum to int64
    for (const auto& dims : kDimLists) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dims " + dims_str(dims) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, dims, keepdim);
        EXPECT_TRUE(matches(ember::sum(x, IntArrayRef(dims), keepdim), g.out_shape, out_dt, reduce_ref(g, sum_of)));
        EXPECT_TRUE(matches(x.sum(IntArrayRef(dims), keepdim), g.out_shape, out_dt, reduce_ref(g, sum_of)));
      }
    }
    Groups all = reduce_groups(v, kShape, {}, false);
    EXPECT_TRUE(matches(ember::sum(x), {}, out_dt, reduce_ref(all, sum_of)));
    EXPECT_TRUE(matches(ember::sum(x, std::nullopt, false), {}, out_dt, reduce_ref(all, sum_of)));
  }
}

TEST(Reduction, SumDtypeArgumentAndOut) {
  // torch.sum(tensor([100, 100], int8)) -> tensor(200) (int64, no int8 overflow).
  EXPECT_TRUE(matches(ember::sum(make1d({100, 100}, kInt8)), {}, kInt64, {200}));
  EXPECT_TRUE(matches(ember::sum(make1d({1, 1}, kBool)), {}, kInt64, {2}));
  EXPECT_TRUE(matches(ember::sum(make1d({1, 2}, kInt8), kFloat64), {}, kFloat64, {3}));
  EXPECT_TRUE(matches(ember::sum(make(iota(6), {2, 3}), {1}, false, kFloat64), {2}, kFloat64, {3, 12}));
  Tensor out = ember::empty({7});
  EXPECT_TRUE(ember::sum_out(out, make(iota(6), {2, 3}), {0}, true).is_same(out));
  EXPECT_TRUE(matches(out, {1, 3}, kFloat32, {3, 5, 7}));
  Tensor out_i = ember::empty({1}, kInt32);
  EXPECT_THROW_MSG(ember::sum_out(out_i, make(iota(6), {2, 3}), {0}), TypeError,
                   "result type Float can't be cast to the desired output type Int");
}

TEST(Reduction, MeanOverDimsOnFloatingDtypes) {
  for (ScalarType dt : float_dtypes()) {
    std::vector<double> v = sample(dt);
    Tensor x = make(v, kShape, dt);
    for (const auto& dims : kDimLists) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dims " + dims_str(dims) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, dims, keepdim);
        std::vector<double> want = reduce_ref(g, mean_of);
        for (double& w : want) w = round_to_dtype(dt, w);
        EXPECT_TRUE(matches(ember::mean(x, IntArrayRef(dims), keepdim), g.out_shape, dt, want));
      }
    }
    EXPECT_TRUE(matches(x.mean(), {}, dt, {round_to_dtype(dt, mean_of(v))}));
  }
  // PyTorch 1.13: "mean(): could not infer output dtype. Input dtype must be either a floating
  // point or complex dtype. Got: Long"; with dtype=float64 it works.
  Tensor i = make1d({1, 2}, kInt64);
  EXPECT_THROW_MSG(ember::mean(i), TypeError, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long");
  EXPECT_TRUE(matches(ember::mean(i, kFloat64), {}, kFloat64, {1.5}));
  Tensor out = ember::empty({0}, kFloat64);
  ember::mean_out(out, make(iota(6), {2, 3}, kFloat64), {-1}, false);
  EXPECT_TRUE(matches(out, {2}, kFloat64, {1, 4}));
}

TEST(Reduction, ProdOverADim) {
  for (ScalarType dt : numeric_dtypes()) {
    std::vector<double> v = is_float(dt) ? pseudo_random(24, -2, 2, 5, 0.5) : pseudo_random(24, 1, 4, 5, 1);
    Tensor x = make(v, kShape, dt);
    ScalarType out_dt = is_float(dt) ? dt : kInt64;
    auto prod_of = [](const std::vector<double>& m) {
      double p = 1;
      for (double e : m) p *= e;
      return p;
    };
    for (int64_t dim : {0, 1, 2, -1}) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dim " + std::to_string(dim) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, {dim}, keepdim);
        std::vector<double> want = reduce_ref(g, prod_of);
        for (double& w : want) w = round_to_dtype(out_dt, w);
        EXPECT_TRUE(matches(ember::prod(x, dim, keepdim), g.out_shape, out_dt, want));
      }
    }
  }
  // torch.prod(tensor([[1, 2], [3, 4]], int8)) -> tensor(24) (int64)
  EXPECT_TRUE(matches(ember::prod(make({1, 2, 3, 4}, {2, 2}, kInt8)), {}, kInt64, {24}));
  EXPECT_TRUE(matches(make({1, 2, 3, 4}, {2, 2}).prod(1, true), {2, 1}, kFloat32, {2, 12}));
  EXPECT_TRUE(matches(ember::prod(make1d({2, 3}, kInt32), kFloat64), {}, kFloat64, {6}));
  Tensor out = ember::empty({2});
  ember::prod_out(out, make({1, 2, 3, 4}, {2, 2}), 0);
  EXPECT_TRUE(matches(out, {2}, kFloat32, {3, 8}));
  EXPECT_TRUE(matches(ember::prod(ember::empty({0})), {}, kFloat32, {1}));  // empty product is 1
}

TEST(Reduction, AmaxAminOnEveryDtype) {
  for (ScalarType dt : all_dtypes()) {
    std::vector<double> v = sample(dt);
    Tensor x = make(v, kShape, dt);
    for (const auto& dims : kDimLists) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dims " + dims_str(dims) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, dims, keepdim);
        auto mx = [](const std::vector<double>& m) { return *std::max_element(m.begin(), m.end()); };
        auto mn = [](const std::vector<double>& m) { return *std::min_element(m.begin(), m.end()); };
        EXPECT_TRUE(matches(ember::amax(x, dims, keepdim), g.out_shape, dt, reduce_ref(g, mx)));
        EXPECT_TRUE(matches(ember::amin(x, dims, keepdim), g.out_shape, dt, reduce_ref(g, mn)));
      }
    }
    SCOPED_TRACE(dtype_str(dt) + " full max/min");
    EXPECT_TRUE(matches(ember::max(x), {}, dt, {*std::max_element(v.begin(), v.end())}));
    EXPECT_TRUE(matches(x.min(), {}, dt, {*std::min_element(v.begin(), v.end())}));
  }
  Tensor out = ember::empty({2});
  ember::amax_out(out, make({1, 5, 3, 2}, {2, 2}), {1});
  EXPECT_TRUE(matches(out, {2}, kFloat32, {5, 3}));
  ember::amin_out(out, make({1, 5, 3, 2}, {2, 2}), {0}, true);
  EXPECT_TRUE(matches(out, {1, 2}, kFloat32, {1, 2}));
  // NaN propagates: torch.amax(tensor([1., nan, 3.])) -> nan.
  EXPECT_TRUE(all_close(ember::amax(make1d({1, NAN, 3})), {NAN}));
  EXPECT_TRUE(all_close(ember::amin(make1d({1, NAN, 3})), {NAN}));
}

TEST(Reduction, MaxMinAlongADimWithIndices) {
  for (ScalarType dt : numeric_dtypes()) {
    std::vector<double> v = sample(dt);
    Tensor x = make(v, kShape, dt);
    for (int64_t dim : {0, 1, 2, -2}) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dim " + std::to_string(dim) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, {dim}, keepdim);
        // The first index of the extreme value (PyTorch's CPU kernels).
        auto argmx = [](const std::vector<double>& m) { return double(std::max_element(m.begin(), m.end()) - m.begin()); };
        auto argmn = [](const std::vector<double>& m) { return double(std::min_element(m.begin(), m.end()) - m.begin()); };
        auto mx = [](const std::vector<double>& m) { return *std::max_element(m.begin(), m.end()); };
        auto mn = [](const std::vector<double>& m) { return *std::min_element(m.begin(), m.end()); };
        auto [values_max, idx_max] = ember::max(x, dim, keepdim);
        EXPECT_TRUE(matches(values_max, g.out_shape, dt, reduce_ref(g, mx)));
        EXPECT_TRUE(matches(idx_max, g.out_shape, kInt64, reduce_ref(g, argmx)));
        auto [values_min, idx_min] = x.min(dim, keepdim);
        EXPECT_TRUE(matches(values_min, g.out_shape, dt, reduce_ref(g, mn)));
        EXPECT_TRUE(matches(idx_min, g.out_shape, kInt64, reduce_ref(g, argmn)));
        EXPECT_TRUE(matches(ember::argmax(x, dim, keepdim), g.out_shape, kInt64, reduce_ref(g, argmx)));
        EXPECT_TRUE(matches(x.argmin(dim, keepdim), g.out_shape, kInt64, reduce_ref(g, argmn)));
      }
    }
  }
  // PyTorch 1.13 on x = [[1, 5, 5], [7, 2, 7]]: max(x, 1) -> values [5, 7], indices [1, 0];
  // min(x, 0) -> values [1, 2, 5], indices [0, 1, 0].
  Tensor x = make({1, 5, 5, 7, 2, 7}, {2, 3});
  auto [mv, mi] = ember::max(x, 1);
  EXPECT_TRUE(matches(mv, {2}, kFloat32, {5, 7}));
  EXPECT_TRUE(matches(mi, {2}, kInt64, {1, 0}));
  auto [nv, ni] = ember::min(x, 0);
  EXPECT_TRUE(matches(nv, {3}, kFloat32, {1, 2, 5}));
  EXPECT_TRUE(matches(ni, {3}, kInt64, {0, 1, 0}));
  // NaN wins: torch.max(tensor([1., nan, 3.]), 0) -> (nan, 1); argmax -> 1.
  auto [nanv, nani] = ember::max(make1d({1, NAN, 3}), 0);
  EXPECT_TRUE(all_close(nanv, {NAN}));
  EXPECT_TRUE(all_equal(nani, {1}));
  EXPECT_TRUE(all_equal(ember::argmax(make1d({1, NAN, 3})), {1}));
  // out= forms.
  Tensor vals = ember::empty({0}), idx = ember::empty({0}, kInt64);
  ember::max_out(vals, idx, x, 0, true);
  EXPECT_TRUE(matches(vals, {1, 3}, kFloat32, {7, 5, 7}));
  EXPECT_TRUE(matches(idx, {1, 3}, kInt64, {1, 0, 1}));
  ember::min_outf(x, -1, false, vals, idx);
  EXPECT_TRUE(matches(vals, {2}, kFloat32, {1, 2}));
  EXPECT_TRUE(matches(idx, {2}, kInt64, {0, 1}));
  // 0-d input: torch.max(tensor(5.), 0) -> (5., 0)
  auto [zv, zi] = ember::max(make({5}, {}), 0);
  EXPECT_TRUE(matches(zv, {}, kFloat32, {5}));
  EXPECT_TRUE(matches(zi, {}, kInt64, {0}));
}

TEST(Reduction, ArgmaxArgminWithoutDim) {
  // dim=None: the index into the flattened tensor. torch.argmax(x) -> 3 for x above.
  Tensor x = make({1, 5, 5, 7, 2, 7}, {2, 3});
  EXPECT_TRUE(matches(ember::argmax(x), {}, kInt64, {3}));
  EXPECT_TRUE(matches(ember::argmin(x), {}, kInt64, {0}));
  // keepdim with dim=None keeps every dim as 1: torch.argmax(x, keepdim=True) -> tensor([[3]]).
  EXPECT_TRUE(matches(ember::argmax(x, std::nullopt, true), {1, 1}, kInt64, {3}));
  // Non-contiguous: the flattened order is the logical one. x.t() = [[1, 7], [5, 2], [5, 7]].
  EXPECT_TRUE(matches(ember::argmax(x.t()), {}, kInt64, {1}));
  EXPECT_TRUE(matches(ember::argmin(x.t()), {}, kInt64, {0}));
  EXPECT_TRUE(matches(ember::argmin(make1d({2, 1, 1})), {}, kInt64, {1}));  // first of equal minima
  EXPECT_TRUE(matches(ember::argmax(make({5}, {})), {}, kInt64, {0}));
  Tensor out = ember::empty({4}, kInt64);
  ember::argmax_out(out, x, 1, true);
  EXPECT_TRUE(matches(out, {2, 1}, kInt64, {1, 0}));
  ember::argmin_out(out, x);
  EXPECT_TRUE(matches(out, {}, kInt64, {0}));
}

TEST(Reduction, VarStdWithCorrectionAndUnbiased) {
  std::vector<double> v = pseudo_random(24, -3, 3, 11);
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tensor x = make(v, kShape, dt);
    std::vector<double> xs = values(x);
    for (const auto& dims : kDimLists) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dims " + dims_str(dims) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(xs, kShape, dims, keepdim);
        Tol tol = dt == kFloat32 ? Tol{1e-5, 1e-6} : Tol{1e-12, 1e-12};
        for (int64_t corr : {0, 1, 2}) {
          auto var_c = [&](const std::vector<double>& m) { return var_of(m, static_cast<double>(corr)); };
          auto std_c = [&](const std::vector<double>& m) { return std::sqrt(var_of(m, static_cast<double>(corr))); };
          EXPECT_TRUE(matches(ember::var(x, IntArrayRef(dims), Scalar(corr), keepdim), g.out_shape, dt, reduce_ref(g, var_c), tol));
          EXPECT_TRUE(matches(ember::std(x, IntArrayRef(dims), Scalar(corr), keepdim), g.out_shape, dt, reduce_ref(g, std_c), tol));
        }
        for (bool unbiased : {false, true}) {
          auto var_u = [&](const std::vector<double>& m) { return var_of(m, unbiased ? 1 : 0); };
          auto std_u = [&](const std::vector<double>& m) { return std::sqrt(var_of(m, unbiased ? 1 : 0)); };
          EXPECT_TRUE(matches(ember::var(x, IntArrayRef(dims), unbiased, keepdim), g.out_shape, dt, reduce_ref(g, var_u), tol));
          EXPECT_TRUE(matches(ember::std(x, IntArrayRef(dims), unbiased, keepdim), g.out_shape, dt, reduce_ref(g, std_u), tol));
        }
        // correction None is 1.
        EXPECT_TRUE(matches(ember::var(x, IntArrayRef(dims), std::nullopt, keepdim), g.out_shape, dt,
                            reduce_ref(g, [](const std::vector<double>& m) { return var_of(m, 1); }), tol));
      }
    }
  }
  // PyTorch 1.13: var([1, 2, 4]) = 2.3333, unbiased=False 1.5556, correction=2 4.6667;
  // std([3.]) = nan (one element, correction 1); var([1, 2], correction=2 or 3) = inf.
  Tensor t = make1d({1, 2, 4});
  EXPECT_TRUE(all_close(ember::var(t), {7.0 / 3}));
  EXPECT_TRUE(all_close(t.var(false), {14.0 / 9}));
  EXPECT_TRUE(all_close(ember::var(t, {0}, Scalar(int64_t(2))), {14.0 / 3}));
  EXPECT_TRUE(all_close(ember::std(make1d({3})), {NAN}));
  EXPECT_TRUE(all_close(ember::std(t, false), {std::sqrt(14.0 / 9)}));
  EXPECT_TRUE(all_close(ember::var(make1d({1, 2}), {0}, Scalar(int64_t(2))), {INFINITY}));
  EXPECT_TRUE(all_close(ember::var(make1d({1, 2}), {0}, Scalar(int64_t(3))), {INFINITY}));
  // torch.std(x, 1, True, True) for x = [[1, 2, 4], [0, 0, 3]] -> [[1.5275], [1.7321]]
  Tensor m = make({1, 2, 4, 0, 0, 3}, {2, 3});
  EXPECT_TRUE(matches(m.std({1}, true, true), {2, 1}, kFloat32, {std::sqrt(7.0 / 3), std::sqrt(3.0)}));
  EXPECT_TRUE(matches(m.var({0, 1}, Scalar(int64_t(0))), {}, kFloat32, {20.0 / 9}));
  Tensor out = ember::empty({3});
  ember::var_out(out, m, {0}, Scalar(int64_t(0)), false);
  EXPECT_TRUE(matches(out, {3}, kFloat32, {0.25, 1, 0.25}));
  // "std and var only support floating point and complex dtypes"
  EXPECT_THROW_MSG(ember::var(make1d({1, 2}, kInt64)), TypeError, "std and var only support floating point and complex dtypes");
  EXPECT_THROW_MSG(ember::std(make1d({1, 2}, kInt64)), TypeError, "std and var only support floating point");
}

// An int is a dim, as in libtorch (PyTorch gh-40287): x.std(0) is the std along dim 0, never
// std(unbiased=false) over everything, which an int literal would otherwise pick (int -> bool is
// a standard conversion). m = [[1, 2, 4], [0, 0, 3]]: std along dim 0 (unbiased) =
// [0.7071, 1.4142, 0.7071], var along dim 1 = [2.3333, 3].
TEST(Reduction, AnIntArgumentOfStdAndVarIsADim) {
  Tensor m = make({1, 2, 4, 0, 0, 3}, {2, 3});
  const double r = std::sqrt(0.5);
  EXPECT_TRUE(matches(m.std(0), {3}, kFloat32, {r, 2 * r, r}));
  EXPECT_TRUE(matches(ember::std(m, 0), {3}, kFloat32, {r, 2 * r, r}));
  EXPECT_TRUE(matches(m.var(1), {2}, kFloat32, {7.0 / 3, 3}));
  EXPECT_TRUE(matches(ember::var(m, 1, /*unbiased=*/false), {2}, kFloat32, {14.0 / 9, 2}));
  EXPECT_TRUE(matches(m.var(-1, true, true), {2, 1}, kFloat32, {7.0 / 3, 3}));
  const int64_t dim = 1;
  EXPECT_TRUE(matches(m.std(dim), {2}, kFloat32, {std::sqrt(7.0 / 3), std::sqrt(3.0)}));
  EXPECT_TRUE(matches(ember::var(m, dim, Scalar(int64_t(0))), {2}, kFloat32, {14.0 / 9, 2}));
  // A bool is still unbiased.
  EXPECT_TRUE(matches(m.var(false), {}, kFloat32, {20.0 / 9}));
  EXPECT_TRUE(matches(ember::std(m, true), {}, kFloat32, {std::sqrt(8.0 / 3)}));
}

TEST(Reduction, AllAnyOnEveryDtype) {
  for (ScalarType dt : all_dtypes()) {
    std::vector<double> v = pseudo_random(24, 0, 3, 9, 1);  // zeros and non-zeros
    for (double& e : v) e = dt == kBool ? (e != 0) : e - 1;  // -1, 0, 1 for numeric dtypes
    if (dt == kUInt8) for (double& e : v) e = e < 0 ? 255 : e;
    Tensor x = make(v, kShape, dt);
    for (const auto& dims : kDimLists) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE(dtype_str(dt) + " dims " + dims_str(dims) + (keepdim ? " keepdim" : ""));
        Groups g = reduce_groups(v, kShape, dims, keepdim);
        auto all_f = [](const std::vector<double>& m) { return double(std::all_of(m.begin(), m.end(), [](double e) { return e != 0; })); };
        auto any_f = [](const std::vector<double>& m) { return double(std::any_of(m.begin(), m.end(), [](double e) { return e != 0; })); };
        EXPECT_TRUE(matches(ember::all(x, IntArrayRef(dims), keepdim), g.out_shape, kBool, reduce_ref(g, all_f)));
        EXPECT_TRUE(matches(ember::any(x, IntArrayRef(dims), keepdim), g.out_shape, kBool, reduce_ref(g, any_f)));
      }
    }
  }
  // torch.all(tensor([[True, False], [True, True]]), 1) -> [False, True];
  // torch.any(tensor([[0, 0], [0, 1]]), 0, keepdim=True) -> [[False, True]].
  EXPECT_TRUE(matches(ember::all(make({1, 0, 1, 1}, {2, 2}, kBool), 1), {2}, kBool, {0, 1}));
  EXPECT_TRUE(matches(ember::any(make({0, 0, 0, 1}, {2, 2}, kInt64), 0, true), {1, 2}, kBool, {0, 1}));
  EXPECT_TRUE(matches(make1d({1, 0.5}).all(), {}, kBool, {1}));
  EXPECT_TRUE(matches(make1d({0, NAN}).any(), {}, kBool, {1}));  // NaN is true
  EXPECT_TRUE(matches(make1d({1, 0}).all(0, true), {1}, kBool, {0}));
  EXPECT_TRUE(matches(make1d({1, 0}).any(0), {}, kBool, {1}));
  // Empty: all() is True, any() is False.
  EXPECT_TRUE(matches(ember::all(ember::empty({0})), {}, kBool, {1}));
  EXPECT_TRUE(matches(ember::any(ember::empty({0})), {}, kBool, {0}));
  Tensor out = ember::empty({2}, kBool);
  ember::all_out(out, make({1, 0, 1, 1}, {2, 2}), {0});
  EXPECT_TRUE(matches(out, {2}, kBool, {1, 0}));
  ember::any_out(out, make({0, 0, 1, 0}, {2, 2}), {1}, true);
  EXPECT_TRUE(matches(out, {2, 1}, kBool, {0, 1}));
}

TEST(Reduction, NonContiguousAndEmptyInputs) {
  std::vector<double> v = iota(24);
  Tensor x = make(v, kShape).permute({2, 0, 1});  // [4, 2, 3]
  std::vector<double> xv = values(x);
  Groups g = reduce_groups(xv, {4, 2, 3}, {0, 2}, false);
  EXPECT_TRUE(matches(ember::sum(x, {0, 2}), g.out_shape, kFloat32, reduce_ref(g, sum_of)));
  EXPECT_TRUE(matches(ember::amax(x.slice(0, 0, 4, 2), {0}), {2, 3}, kFloat32, {2, 6, 10, 14, 18, 22}));
  // Expanded input: every row the same.
  Tensor e = make1d({1, 2, 3}).expand({4, 3});
  EXPECT_TRUE(matches(ember::sum(e, {0}), {3}, kFloat32, {4, 8, 12}));
  // Empty: sum 0, mean nan (PyTorch 1.13: tensor(0.), tensor(nan)); reducing a non-empty dim of an
  // empty tensor gives an empty result; sum over the empty dim gives zeros.
  EXPECT_TRUE(matches(ember::sum(ember::empty({0})), {}, kFloat32, {0}));
  EXPECT_TRUE(all_close(ember::mean(ember::empty({0})), {NAN}));
  EXPECT_TRUE(matches(ember::sum(ember::empty({2, 0}), {1}), {2}, kFloat32, {0, 0}));
  EXPECT_TRUE(matches(ember::amax(ember::empty({2, 0}), {0}), {0}, kFloat32, {}));
  // 0-d input reduces over dim 0 or -1 and stays 0-d.
  EXPECT_TRUE(matches(ember::sum(make({5}, {}), {0}), {}, kFloat32, {5}));
  EXPECT_TRUE(matches(ember::amax(make({5}, {}), {-1}), {}, kFloat32, {5}));
}

TEST(Reduction, Errors) {
  // PyTorch 1.13: "max(): Expected reduction dim 1 to have non-zero size." (IndexError)
  EXPECT_THROW_MSG(ember::max(ember::empty({2, 0}), 1), IndexError, "Expected reduction dim 1 to have non-zero size");
  EXPECT_THROW_MSG(ember::amax(ember::empty({0})), IndexError, "non-zero size");
  EXPECT_THROW_MSG(ember::max(ember::empty({0})), IndexError, "non-zero size");
  // "argmax(): Expected reduction dim to be specified for input.numel() == 0."
  EXPECT_THROW_MSG(ember::argmax(ember::empty({0})), IndexError, "Expected reduction dim to be specified for input.numel() == 0");
  // "dim 0 appears multiple times in the list of dims"
  EXPECT_THROW_MSG(ember::sum(ember::ones({2, 3}), {0, 0}), ValueError, "dim 0 appears multiple times in the list of dims");
  EXPECT_THROW_MSG(ember::sum(ember::ones({2, 3}), {1, -1}), ValueError, "dim 1 appears multiple times");
  // "Dimension out of range (expected to be in range of [-2, 1], but got 3)"
  EXPECT_THROW_MSG(ember::sum(ember::ones({2, 3}), {3}), IndexError, "expected to be in range of [-2, 1], but got 3");
  EXPECT_THROW_MSG(ember::prod(ember::ones({2, 3}), -3), IndexError, "but got -3");
  EXPECT_THROW_MSG(ember::max(ember::ones({2, 3}), 2), IndexError, "but got 2");
  EXPECT_THROW_MSG(ember::argmin(ember::ones({2, 3}), 5), IndexError, "but got 5");
}

}  // namespace
}  // namespace ember_test

namespace ember_test {
namespace {

// Kernels never wrap or re-check dims: meta hands them normalized (ops/structured.h).
TEST(MetaNormalizesDims, ListsWrapSortAndExpandNone) {
  Tensor x = zeros({2, 3, 4});
  int64_t given[2] = {-1, 0};
  structured::MetaResult m = meta::sum_op(x, IntArrayRef(given, 2), false, std::nullopt);
  EXPECT_EQ(std::vector<int64_t>(m.dims.begin(), m.dims.end()), (std::vector<int64_t>{0, 2}));
  IntArrayRef normalized = structured::normalized_dims(m, "sum.IntList_out");
  EXPECT_EQ(std::vector<int64_t>(normalized.begin(), normalized.end()), (std::vector<int64_t>{0, 2}));
  m = meta::sum_op(x, std::nullopt, false, std::nullopt);
  EXPECT_EQ(std::vector<int64_t>(m.dims.begin(), m.dims.end()), (std::vector<int64_t>{0, 1, 2}));
  m = meta::sum_op(x, IntArrayRef(), true, std::nullopt);
  EXPECT_EQ(m.dims.size(), 3u);
}

TEST(MetaNormalizesDims, SingleDimsWrapAndNoneStaysNone) {
  Tensor x = zeros({2, 3});
  EXPECT_EQ(structured::normalized_dim(meta::softmax_op(x, -1, false), "_softmax.out"), 1);
  EXPECT_EQ(structured::normalized_optional_dim(meta::arg_reduce_op(x, -2, false), "argmax.out"), 0);
  EXPECT_EQ(structured::normalized_optional_dim(meta::arg_reduce_op(x, std::nullopt, false), "argmax.out"), std::nullopt);
  EXPECT_EQ(structured::normalized_dim(meta::softmax_op(zeros({}), -1, false), "_softmax.out"), 0);  // 0-d: dim 0
  EXPECT_THROW(meta::softmax_op(x, 2, false), IndexError);
}

TEST(MetaNormalizesDims, AMetaThatForgotIsAnInternalError) {
  structured::MetaResult m;  // as a meta function that never called set_dim
  EXPECT_THROW(structured::normalized_dim(m, "my.op"), InternalError);
  EXPECT_THROW(structured::normalized_dims(m, "my.op"), InternalError);
}

TEST(MetaNormalizesDims, NegativeDimsGiveTheSameValuesThroughTheKernel) {
  Tensor x = make(iota(24), {2, 3, 4}, kFloat64);
  std::vector<double> by_last = values(x.sum({-1}));
  EXPECT_EQ(by_last, values(x.sum({2})));
  EXPECT_EQ(by_last[0], 0.0 + 1 + 2 + 3);
  EXPECT_EQ(values(ember::softmax(x, -2)), values(ember::softmax(x, 1)));
  EXPECT_EQ(values(x.argmax(-1)), std::vector<double>(6, 3.0));
}

}  // namespace
}  // namespace ember_test
