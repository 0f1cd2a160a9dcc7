// Reductions: sum, mean, prod, amax/amin, max/min.dim (values + first index), argmax/argmin,
// var (with correction), all/any. Floating inputs accumulate in double, integers in int64;
// NaN wins in max/min. Each op is a small accumulator struct run by reduce_engine.h; float32
// runs of dense memory go through the vector kernels (vec/vec_kernels.h: float lanes flushed
// into double), and float32 reductions over outer dims through reduce_columns.h.
//
// Stateless kernels; thread-safe.
#include <cmath>
#include <limits>
#include <type_traits>

#include <ember/sdk/wrapping.h>

#include "cpu_plugin.h"
#include "reduce_columns.h"
#include "reduce_engine.h"
#include "vec/vec_kernels.h"

namespace ember_cpu {
namespace {

using ember::sdk::dispatch;
using ember::sdk::is_floating_v;
using ember::sdk::KernelArgs;
using ember::sdk::kAllButBool;
using ember::sdk::kAllDTypes;
using ember::sdk::kFloatingDTypes;

template <typename T>
using wide_t = std::conditional_t<is_floating_v<T>, double, int64_t>;

// Integer sums wrap around on overflow, as PyTorch's do (int64 accumulation without UB). Only
// 32- and 64-bit elements can overflow an int64 sum in any feasible count (8- and 16-bit ones
// need more than 2^47 elements), so only they take the wrapping add: GCC 12.2 miscompiles the
// vectorized widening sum of 8/16-bit values written through unsigned casts (GCC PR 108692, fixed
// in 12.3; plain += is unaffected).
template <typename T>
struct SumOp : ReduceOpBase<SumOp<T>, T> {
  using acc_t = wide_t<T>;
  bool mean = false;
  static acc_t add(acc_t a, acc_t b) {
    if constexpr (sizeof(T) >= 4) return ember::sdk::wrapping_add(a, b);
    else return a + b;
  }
  acc_t identity() const { return 0; }
  void step(acc_t& acc, T x, int64_t) const { acc = add(acc, static_cast<acc_t>(x)); }
  void run(acc_t& acc, const T* p, int64_t stride, int64_t n, int64_t) const {
    if constexpr (std::is_same<T, float>::value) {
      if (stride == 1) {
        acc += vec().sum(p, n);  // float lanes flushed into double (vec_kernels.h)
        return;
      }
    }
    if (stride != 1) {
      for (int64_t i = 0; i < n; ++i) acc = add(acc, static_cast<acc_t>(p[i * stride]));
      return;
    }
    // Four independent partial sums: breaks the add latency chain and lets the loop vectorize.
    acc_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 = add(s0, static_cast<acc_t>(p[i]));
      s1 = add(s1, static_cast<acc_t>(p[i + 1]));
      s2 = add(s2, static_cast<acc_t>(p[i + 2]));
      s3 = add(s3, static_cast<acc_t>(p[i + 3]));
    }
    for (; i < n; ++i) s0 = add(s0, static_cast<acc_t>(p[i]));
    acc = add(acc, add(add(s0, s1), add(s2, s3)));
  }
  void combine(acc_t& acc, const acc_t& later) const { acc = add(acc, later); }
  void write(const acc_t& acc, int64_t count, char* out, char*) const {
    if constexpr (std::is_same<T, bool>::value) {
      *reinterpret_cast<T*>(out) = acc != 0;
    } else if constexpr (is_floating_v<T>) {
      double v = mean ? acc / static_cast<double>(count) : acc;
      *reinterpret_cast<T*>(out) = static_cast<T>(static_cast<ember::sdk::compute_t<T>>(v));
    } else {
      *reinterpret_cast<T*>(out) = static_cast<T>(acc);
    }
  }
};

template <typename T>
struct ProdOp : ReduceOpBase<ProdOp<T>, T> {
  using acc_t = wide_t<T>;
  acc_t identity() const { return 1; }
  static acc_t multiply(acc_t a, acc_t b) {
    if constexpr (std::is_same<acc_t, int64_t>::value) {
      return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));  // wraps
    } else {
      return a * b;
    }
  }
  void step(acc_t& acc, T x, int64_t) const { acc = multiply(acc, static_cast<acc_t>(x)); }
  void combine(acc_t& acc, const acc_t& later) const { acc = multiply(acc, later); }
  void write(const acc_t& acc, int64_t, char* out, char*) const {
    if constexpr (std::is_same<T, bool>::value) *reinterpret_cast<T*>(out) = acc != 0;
    else *reinterpret_cast<T*>(out) = static_cast<T>(static_cast<ember::sdk::compute_t<T>>(acc));
  }
};

// amax / amin: any NaN makes the result NaN.
template <typename T, bool kMax>
struct MinMaxOp : ReduceOpBase<MinMaxOp<T, kMax>, T> {
  using acc_t = ember::sdk::compute_t<T>;
  acc_t identity() const {
    if constexpr (std::is_same<T, bool>::value) return !kMax;
    else if constexpr (is_floating_v<T>) return kMax ? -std::numeric_limits<acc_t>::infinity() : std::numeric_limits<acc_t>::infinity();
    else return kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  }
  void step(acc_t& acc, T x, int64_t) const {
    acc_t v = static_cast<acc_t>(x);
    if constexpr (is_floating_v<T>) acc = ((kMax ? v > acc : v < acc) || v != v) ? v : acc;  // NaN sticks
    else acc = (kMax ? v > acc : v < acc) ? v : acc;
  }
  void combine(acc_t& acc, const acc_t& later) const {
    if constexpr (is_floating_v<T>) {
      if (acc != acc) return;
      acc = ((kMax ? later > acc : later < acc) || later != later) ? later : acc;
    } else {
      acc = (kMax ? later > acc : later < acc) ? later : acc;
    }
  }
  void run(acc_t& acc, const T* p, int64_t stride, int64_t n, int64_t index0) const {
    if constexpr (std::is_same<T, float>::value) {
      if (stride == 1) {
        combine(acc, kMax ? vec().max(p, n) : vec().min(p, n));
        return;
      }
    }
    ReduceOpBase<MinMaxOp<T, kMax>, T>::run(acc, p, stride, n, index0);
  }
  void write(const acc_t& acc, int64_t, char* out, char*) const { *reinterpret_cast<T*>(out) = static_cast<T>(acc); }
};

// max.dim / min.dim / argmax / argmin: value and first index; the first NaN wins.
template <typename T, bool kMax, bool kValues>
struct ArgOp : ReduceOpBase<ArgOp<T, kMax, kValues>, T> {
  using C = ember::sdk::compute_t<T>;
  struct acc_t {
    C value;
    int64_t index;
  };
  acc_t identity() const { return acc_t{C(0), -1}; }
  static bool better(C candidate, C current) {
    if constexpr (is_floating_v<T>) {
      if (current != current) return false;
      if (candidate != candidate) return true;
    }
    return kMax ? candidate > current : candidate < current;
  }
  void step(acc_t& acc, T x, int64_t index) const {
    C v = static_cast<C>(x);
    if (acc.index < 0 || better(v, acc.value)) acc = acc_t{v, index};
  }
  void combine(acc_t& acc, const acc_t& later) const {
    if (later.index < 0) return;
    if (acc.index < 0 || better(later.value, acc.value)) acc = later;
  }
  void run(acc_t& acc, const T* p, int64_t stride, int64_t n, int64_t index0) const {
    if constexpr (std::is_same<T, float>::value) {
      if (stride == 1 && n > 0) {
        float value;
        const int64_t i = kMax ? vec().argmax(p, n, &value) : vec().argmin(p, n, &value);
        combine(acc, acc_t{value, index0 + i});
        return;
      }
    }
    ReduceOpBase<ArgOp<T, kMax, kValues>, T>::run(acc, p, stride, n, index0);
  }
  void write(const acc_t& acc, int64_t, char* out0, char* out1) const {
    if constexpr (kValues) {
      *reinterpret_cast<T*>(out0) = static_cast<T>(acc.value);
      *reinterpret_cast<int64_t*>(out1) = acc.index;
    } else {
      *reinterpret_cast<int64_t*>(out0) = acc.index;
    }
  }
};

// Welford's algorithm in double; Chan's formula merges partials.
template <typename T>
struct VarOp : ReduceOpBase<VarOp<T>, T> {
  double correction = 1;
  struct acc_t {
    int64_t n;
    double mean;
    double m2;
  };
  acc_t identity() const { return acc_t{0, 0.0, 0.0}; }
  void step(acc_t& acc, T x, int64_t) const {
    double v = static_cast<double>(static_cast<ember::sdk::compute_t<T>>(x));
    acc.n += 1;
    double delta = v - acc.mean;
    acc.mean += delta / static_cast<double>(acc.n);
    acc.m2 += delta * (v - acc.mean);
  }
  void combine(acc_t& acc, const acc_t& later) const {
    if (later.n == 0) return;
    if (acc.n == 0) {
      acc = later;
      return;
    }
    double n = static_cast<double>(acc.n + later.n);
    double delta = later.mean - acc.mean;
    acc.mean += delta * static_cast<double>(later.n) / n;
    acc.m2 += later.m2 + delta * delta * static_cast<double>(acc.n) * static_cast<double>(later.n) / n;
    acc.n += later.n;
  }
  void run(acc_t& acc, const T* p, int64_t stride, int64_t n, int64_t index0) const {
    if constexpr (std::is_same<T, float>::value) {
      if (stride == 1 && n > 0) {
        acc_t run_acc{n, 0.0, 0.0};
        vec().mean_m2(p, n, &run_acc.mean, &run_acc.m2);  // one pass over memory
        combine(acc, run_acc);
        return;
      }
    }
    ReduceOpBase<VarOp<T>, T>::run(acc, p, stride, n, index0);
  }
  void write(const acc_t& acc, int64_t, char* out, char*) const {
    double divisor = std::max(0.0, static_cast<double>(acc.n) - correction);
    *reinterpret_cast<T*>(out) = static_cast<T>(static_cast<ember::sdk::compute_t<T>>(acc.m2 / divisor));
  }
};

template <typename T, bool kAll>
struct AllAnyOp : ReduceOpBase<AllAnyOp<T, kAll>, T> {
  using acc_t = bool;
  acc_t identity() const { return kAll; }
  void step(acc_t& acc, T x, int64_t) const {
    bool v = static_cast<ember::sdk::compute_t<T>>(x) != 0;
    acc = kAll ? (acc && v) : (acc || v);
  }
  void combine(acc_t& acc, const acc_t& later) const { acc = kAll ? (acc && later) : (acc || later); }
  void write(const acc_t& acc, int64_t, char* out, char*) const { *reinterpret_cast<bool*>(out) = acc; }
};

// Runs the float32 column path (reduce_columns.h) for `kind` when self and the outputs have the
// dtypes it writes and the plan is column-wise; false otherwise.
bool try_columns(ColumnReduction kind, const TensorView& self, const ReducePlan& plan, const TensorView& out0,
                 const TensorView* out1, double correction) {
  if (self.dtype() != EMBER_DTYPE_FLOAT32) return false;
  ColumnOutputs outs;
  const bool arg = kind == ColumnReduction::ArgMax || kind == ColumnReduction::ArgMin;
  if (out0.dtype() == EMBER_DTYPE_FLOAT32) {
    outs.values = out0.data<float>();
    outs.values_stride = plan.out_strides[0][0];
  } else if (arg && out0.dtype() == EMBER_DTYPE_INT64 && !out1) {
    outs.indices = out0.data<int64_t>();
    outs.indices_stride = plan.out_strides[0][0];
  } else {
    return false;
  }
  if (out1) {
    if (out1->dtype() != EMBER_DTYPE_INT64) return false;
    outs.indices = out1->data<int64_t>();
    outs.indices_stride = plan.out_strides[1][0];
  }
  return reduce_columns_f32(kind, plan, self.data<float>(), outs, correction);
}

// Runs op (made by make_op(tag)) over self with the given reduced dims into outs; `column`
// names the op for the float32 column path.
template <uint32_t Mask, typename MakeOp>
void run_reduction(const char* name, const TensorView& self, uint64_t mask, const TensorView& out0,
                   const TensorView* out1, const MakeOp& make_op, std::optional<ColumnReduction> column = std::nullopt,
                   double correction = 0.0) {
  TensorView outs[2] = {out0, out1 ? *out1 : out0};
  ReducePlan plan = make_reduce_plan(self, mask, outs, out1 ? 2 : 1);
  if (column && plan.num_outputs > 0 && try_columns(*column, self, plan, out0, out1, correction)) return;
  dispatch<Mask>(self.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto op = make_op(tag);
    reduce<T>(plan, self.data<T>(), static_cast<char*>(out0.data_ptr()), out0.element_size(),
              out1 ? static_cast<char*>(out1->data_ptr()) : nullptr, out1 ? out1->element_size() : 0, op);
  });
}

// The reduced dims as a bit mask (bit d: dim d is reduced). Meta normalized the dims: each
// appears once, non-negative, every dim when the caller gave None or [].
uint64_t reduce_mask(IntList dims) {
  uint64_t mask = 0;
  for (int64_t d : dims) mask |= 1ull << d;
  return mask;
}
// One normalized dim of a tensor of any rank (a 0-d tensor reduces nothing).
uint64_t reduce_mask(int64_t dim, const TensorView& self) { return self.ndim() ? 1ull << dim : 0; }

// sum.IntList_out and mean.out.
template <typename Op, bool kMean>
void sum_mean(KernelArgs& a) {
  TensorView self = a.tensor(Op::self);
  uint64_t mask = reduce_mask(*a.optional_int_list(Op::dim));
  run_reduction<kMean ? kFloatingDTypes : kAllDTypes>(kMean ? "mean" : "sum", self, mask, a.tensor(Op::out), nullptr,
                                                      [](auto tag) {
                                                        SumOp<typename decltype(tag)::type> op;
                                                        op.mean = kMean;
                                                        return op;
                                                      },
                                                      kMean ? ColumnReduction::Mean : ColumnReduction::Sum);
}

void prod(KernelArgs& a) {
  using Op = ops::prod_int_out;
  TensorView self = a.tensor(Op::self);
  run_reduction<kAllDTypes>("prod", self, reduce_mask(a.int_(Op::dim), self), a.tensor(Op::out), nullptr,
                            [](auto tag) { return ProdOp<typename decltype(tag)::type>{}; });
}

// amax.out and amin.out.
template <typename Op, bool kMax>
void amax_amin(KernelArgs& a) {
  TensorView self = a.tensor(Op::self);
  run_reduction<kAllDTypes>(
      kMax ? "amax" : "amin", self, reduce_mask(a.int_list(Op::dim)), a.tensor(Op::out), nullptr,
      [](auto tag) { return MinMaxOp<typename decltype(tag)::type, kMax>{}; },
      kMax ? ColumnReduction::ArgMax : ColumnReduction::ArgMin);
}

// max.dim_max and min.dim_min share one layout: values, then indices.
using MaxMinDim = ops::max_dim_max;
static_assert(int{MaxMinDim::max_} == int{ops::min_dim_min::min_} &&
                  int{MaxMinDim::max_values} == int{ops::min_dim_min::min_indices} &&
                  int{MaxMinDim::dim} == int{ops::min_dim_min::dim} && MaxMinDim::num_args == ops::min_dim_min::num_args,
              "max.dim_max and min.dim_min read their arguments at the same positions");
template <bool kMax>
void max_min_dim(KernelArgs& a) {
  TensorView self = a.tensor(MaxMinDim::self);
  TensorView indices = a.tensor(MaxMinDim::max_values);
  run_reduction<kAllDTypes>(
      kMax ? "max" : "min", self, reduce_mask(a.int_(MaxMinDim::dim), self), a.tensor(MaxMinDim::max_), &indices,
      [](auto tag) { return ArgOp<typename decltype(tag)::type, kMax, true>{}; },
      kMax ? ColumnReduction::ArgMax : ColumnReduction::ArgMin);
}

// argmax.out and argmin.out (dim None: over the flattened tensor).
template <typename Op, bool kMax>
void argmax_argmin(KernelArgs& a) {
  TensorView self = a.tensor(Op::self);
  std::optional<int64_t> dim = a.optional_int(Op::dim);
  uint64_t mask = dim ? reduce_mask(*dim, self) : (self.ndim() >= 64 ? ~0ull : (1ull << self.ndim()) - 1);
  run_reduction<kAllButBool>(
      kMax ? "argmax" : "argmin", self, mask, a.tensor(Op::out), nullptr,
      [](auto tag) { return ArgOp<typename decltype(tag)::type, kMax, false>{}; },
      kMax ? ColumnReduction::ArgMax : ColumnReduction::ArgMin);
}

void var(KernelArgs& a) {
  using Op = ops::var_correction_out;
  TensorView self = a.tensor(Op::self);
  uint64_t mask = reduce_mask(*a.optional_int_list(Op::dim));
  std::optional<ember::sdk::Scalar> correction = a.optional_scalar(Op::correction);
  double c = correction ? correction->to_double() : 1.0;
  run_reduction<kFloatingDTypes>(
      "var", self, mask, a.tensor(Op::out), nullptr,
      [c](auto tag) {
        VarOp<typename decltype(tag)::type> op;
        op.correction = c;
        return op;
      },
      ColumnReduction::Var, c);
}

// all.dims_out and any.dims_out: any input dtype, bool out.
template <typename Op, bool kAll>
void all_any(KernelArgs& a) {
  TensorView self = a.tensor(Op::self);
  run_reduction<kAllDTypes>(kAll ? "all" : "any", self, reduce_mask(*a.optional_int_list(Op::dim)), a.tensor(Op::out),
                            nullptr, [](auto tag) { return AllAnyOp<typename decltype(tag)::type, kAll>{}; });
}

}  // namespace

void register_reduce_kernels(Registrar& reg) {
  reg.kernel<ops::sum_IntList_out>(kDevice, kAllDTypes, sum_mean<ops::sum_IntList_out, false>);
  reg.kernel<ops::mean_out>(kDevice, kFloatingDTypes, sum_mean<ops::mean_out, true>);
  reg.kernel<ops::prod_int_out>(kDevice, kAllDTypes, prod);
  reg.kernel<ops::amax_out>(kDevice, kAllDTypes, amax_amin<ops::amax_out, true>);
  reg.kernel<ops::amin_out>(kDevice, kAllDTypes, amax_amin<ops::amin_out, false>);
  reg.kernel<ops::max_dim_max>(kDevice, kAllDTypes, max_min_dim<true>);
  reg.kernel<ops::min_dim_min>(kDevice, kAllDTypes, max_min_dim<false>);
  reg.kernel<ops::argmax_out>(kDevice, kAllButBool, argmax_argmin<ops::argmax_out, true>);
  reg.kernel<ops::argmin_out>(kDevice, kAllButBool, argmax_argmin<ops::argmin_out, false>);
  reg.kernel<ops::var_correction_out>(kDevice, kFloatingDTypes, var);
  reg.kernel<ops::all_dims_out>(kDevice, kAllDTypes, all_any<ops::all_dims_out, true>);
  reg.kernel<ops::any_dims_out>(kDevice, kAllDTypes, all_any<ops::any_dims_out, false>);
}

}  // namespace ember_cpu
